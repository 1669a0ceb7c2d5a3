"""A question read before retrieval: the text to search for (a follow-up is read with the
question before it), what kind of thing it asks for, and the names it uses. Pure functions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ..config import Aliases
from . import roles
from .language import ENGLISH, KAZAKH, RUSSIAN

# Kinds of answer a question can ask for; "" when it asks for an explanation or a list.
# A DATE question wants a day or a month, a TIME question ("when ...?") any point in time (a
# year will do); a QUANTITY question wants a figure, a COUNT question ("how many") a figure or
# an enumeration to count. A PERSON question wants a named person; an ORGANIZATION question
# ("which companies ...?") a named company, bank, university or the like; a PLACE question
# ("where was it held?", "which city ...?") a named place; an AGENT question ("who ...?") is
# satisfied by any named actor: a person, a country, an organisation.
DATE, TIME, QUANTITY, COUNT, PERSON, AGENT = "date", "time", "quantity", "count", "person", "agent"
ORGANIZATION, PLACE = "organization", "place"
_ORGANIZATIONS = (r"compan(y|ies)|firms?|banks?|corporations?|enterprises?|universit(y|ies)|funds?|agenc(y|ies)|"
                  r"organi[sz]ations?|investors?|contractors?|manufacturers?|businesses")
_ROLES = (r"president|prime minister|minister|chair|chairman|chairwoman|chairperson|head|ambassador|"
          r"secretary|director|founder|king|queen|mayor|governor|chancellor|premier")

# A word between "which"/"what" and the noun asked about ("which Chinese companies"): not a
# verb of the question itself ("what will overseas firms do?" asks what they do, not which).
_MODIFIER = (r"(?!(is|are|was|were|will|would|do|does|did|can|could|should|must|may|might|has|have|had|"
             r"shall)\b)[\w’'-]+")
_PRONOUNS = re.compile(r"\b(it|its|they|them|their|this|that|these|those|he|she|his|her|there|the same)\b", re.I)
_CONTINUES = re.compile(r"\W*(what about|how about|and|also|what else|anything else)\b", re.I)
# Inside a question, "which city/leader/firm" still asks for one; "what people/companies" is
# often a relative clause ("what people eat"), so "what" counts only where it opens the
# question (``_HEAD``).
_ASKS = [
    # "From what year does the pact date?" asks for a year, whatever the verb.
    (TIME, re.compile(r"\b(what|which) year\b", re.I)),
    (DATE, re.compile(r"\bdate\b|\b(what|which) (day|month)\b|\bwhen exactly\b|\bon what day\b", re.I)),
    (TIME, re.compile(r"^\W*when\b|\bwhen (is|was|are|were|will|did|does|do|has|have|had)\b|"
                      r"\b(what|which) year\b", re.I)),
    (COUNT, re.compile(r"\bhow many\b|\bthe number of\b", re.I)),
    (QUANTITY, re.compile(r"\bhow (much|long|far|old)\b|\b(what|which) (is|was|are)? ?(the )?(amount|number|percentage|share|"
                          r"rate|level|size|figure|value|length|distance|duration|capacity|volume|area|speed)\b|\b(growth|inflation|interest|unemployment) rate\b|"
                          r"\b(gdp|percent|per cent|dollars?|billions?|millions?|population|budget|cost|price|"
                          r"revenue|income|turnover)\b", re.I)),
    (PERSON, re.compile(r"\bwhich (person|people|official|leader|minister|president|politician|diplomat|"
                        r"expert|head of state)\b|\bby whom\b|\bname of the (person|official|leader)\b|"
                        rf"\bname of (the |a |an |its |their )?([\w’'-]+ ){{0,2}}({_ROLES}|leader|official)s?\b|"
                        rf"\bwho (is|was|are|were|will be) (the |a |an )?(current |former |new )?({_ROLES})\b|"
                        r"\bwho (chaired|chairs|presided|presides|(will|would|is to|is going to) (chair|preside))\b", re.I)),
    (ORGANIZATION, re.compile(rf"\bwhich ({_MODIFIER} ){{0,2}}({_ORGANIZATIONS})\b|"
                              rf"\bname of (the |a |an )?([\w’'-]+ ){{0,2}}({_ORGANIZATIONS})\b", re.I)),
    # "Where was it held?", not "where does the speech mention water?"
    (PLACE, re.compile(r"\bwhere (is|was|are|were|will|would|did|does|do|has|have|had)\b.*\b(held|hold|holds|located|"
                       r"based|host|hosts|hosted|take place|takes place|took place|headquartered|situated|signed|"
                       r"founded|born|meet|meets|met|convene|convenes|convened)\b|"
                       r"\bwhich (city|cities|country|countries|capital|town|place|venue|location)\b", re.I)),
    (AGENT, re.compile(r"^\W*(who|whom)\b", re.I)),
]
# A question led by "why" or by a "how" that is not "how many/much/long/far/old/often" asks
# for a reason or a manner: a kind named in a later clause ("why ... how much it costs") is
# not what it wants.
_REASON = re.compile(r"^\W*(why|how come|for what reason|in what way|how(?! (many|much|long|far|old|often|soon)\b))\b",
                     re.I)
# The noun right after "which"/"what" (up to two words before it) says what the question
# wants, before any figure or name a later clause mentions ("Which firms paid the $3 million
# fine?", "Which Danish minister opened it?").
# A preposition ends the words before the noun ("what level of official aid" asks for a level,
# not an official), but "which of the leaders" still asks for leaders.
_PREPOSITION = r"(of|for|in|on|at|to|from|with|by|about|as)\b"
_WHICH = (rf"^\W*((and|so|but|then) )?((in|at|from|to|with|by|for|of|on) )?(which|what) (of (the |these |those )?)?"
          rf"((?!{_PREPOSITION}){_MODIFIER} ){{0,2}}")
_HEAD = [
    (PERSON, re.compile(rf"{_WHICH}(person|people|(officials?|leaders?|politicians?|diplomats?|experts?|"
                        rf"heads? of state|({_ROLES})s?)\b)", re.I)),
    (ORGANIZATION, re.compile(rf"{_WHICH}({_ORGANIZATIONS})\b", re.I)),
    (PLACE, re.compile(rf"{_WHICH}(city|cities|country|countries|capitals?|towns?|places?|venues?|locations?)\b", re.I)),
]
_NAME = re.compile(r"(?<=[\s(“\"'-])([A-Z][a-z’']+|[A-Z]{2,})")
# Questions about who wrote or gave the text, or where its author works: the byline answers.
# Words for the text itself and for its author (not for what it says).
TEXT_WORDS = ("speech", "text", "talk", "remarks", "address", "message", "piece", "article", "paper")
AUTHOR_WORDS = ("author", "speaker", "auther", "writer")
_TEXT = rf"({'|'.join(TEXT_WORDS)})"
# "this speech", "the speaker's": words that point at the text itself.
_ABOUT_TEXT = re.compile(rf"\b(this|that|these|the) ({'|'.join(TEXT_WORDS)}|{'|'.join(AUTHOR_WORDS)})\w*", re.I)
_AUTHOR = rf"({'|'.join(AUTHOR_WORDS)})"
_OFFICE = r"person|president|prime minister|minister|leader|official|politician|chancellor|premier|secretary|senator|governor|mayor"
_AUTHOR_NOUNS = r"affiliation|employer|job|position|title|organi[sz]ation|institution|institute|background"
_ABOUT_AUTHOR = re.compile(
    rf"\bwho (wrote|gave|delivered|made|authored|presented)\b.*\b{_TEXT}\b|"
    r"^\W*who(?: is|'s|’s| was)? (?:speaking|talking)(?: here| now)?\W*$|"
    rf"^\W*who (wrote|gave|delivered|authored|presented) (it|this)\W*$|\bname of (the|this) {_AUTHOR}\b|"
    # a written message's signature: "Who signed this message?", not "Who signed the treaty?"
    rf"^\W*who signed (it|this|(the|this) {_TEXT})\W*$|"
    rf"\bwho (is|was|'s) (the|this) {_AUTHOR}\b|\b(the|this) {_AUTHOR} (is|was) who\b|"
    # "Which president gave it?", "What minister is this?": the speaker by their office
    rf"\b(which|what) ({_OFFICE}) ((wrote|gave|delivered|made|presented)\b.*\b({_TEXT}|it|this)\b|(is|was) (this|speaking)\b)|"
    # "the speaker's name", but not the verb in "does the speaker name any country?"
    rf"\b{_AUTHOR}(['’]s (name|{_AUTHOR_NOUNS})| ({_AUTHOR_NOUNS}))\b(?!\s+(on|about|regarding|towards?)\b)|"
    rf"\bwhere (does|did) (the|this|he|she) ?{_AUTHOR}? work\b|"
    rf"\b(where|(what|which) (country|city|institution|organi[sz]ation))\b.*\b(the|this) {_AUTHOR} "
    rf"(comes?|is|was|came) from\b|\bwhere (is|was) (the|this) {_AUTHOR} from\b|"
    rf"\b(organi[sz]ation|institution|institute|cent(er|re)|employer)\b.*\b(is|does|did) (the|this) {_AUTHOR} "
    rf"(from|work|belong|represent)|\b(the|this) {_AUTHOR} (works?|worked) (for|at|in)\b", re.I)


@dataclass(frozen=True, kw_only=True)
class Query:
    """What the retriever searches for and what the abstention step checks against."""

    text: str
    asks_for: str
    names: tuple[str, ...]
    follow_up: bool = False
    about_author: bool = False
    aftermath: bool = False  # asks how the speech was received or what came of it (``asks_aftermath``)
    stance: bool = False  # a yes/no question on the speaker's own view or wish (``asks_stance``)
    asker: str = ""  # the opening that only says who asks ("A columnist in Almaty", ``asker``)
    context: str = ""  # the sentences before the question sentence, which set the scene (``context``)


@dataclass(frozen=True)
class FollowUpWords:
    """One language's signs that a question follows on from the one before: a pronoun
    (``pronouns``) or an opening ("and ...?", ``continues``) in a question of at most
    ``max_words`` words. Phrases that point at the text itself ("this speech", ``about_text``)
    are taken out first: they are not about the previous question."""

    pronouns: re.Pattern
    continues: re.Pattern
    about_text: re.Pattern
    max_words: int


# Russian and Kazakh share one table, as Kazakh questions often borrow Russian words.
_CYRILLIC_TEXT = (r"реч|выступлен|текст|доклад|обращен|лекци|стенограмм|документ|стать|автор|оратор|спикер|"
                  r"докладчик|сөз|баяндама|мәтін|сөйле|үнде|шешен|мақала|құжат")
_CYRILLIC = FollowUpWords(
    pronouns=re.compile(r"\b(он|она|оно|они|его|её|ее|их|это|этот|эта|эти|там|ол|оның|олар|бұл|сол|онда)\b", re.I),
    continues=re.compile(r"\W*(а|и|ал)\b", re.I),
    about_text=re.compile(rf"\b(эт(от|а|о|и|ого|ой|у|ом|им|их|ими)|данн\w+|бұл|осы|мына)\s+({_CYRILLIC_TEXT})\w*", re.I),
    max_words=8)
FOLLOW_UPS = {ENGLISH: FollowUpWords(_PRONOUNS, _CONTINUES, _ABOUT_TEXT, 9), RUSSIAN: _CYRILLIC, KAZAKH: _CYRILLIC}


# A question about how the speech or its occasion was received, or what came of it later ("How
# did the hosts react to his remarks?", "Did the talks end up agreeing a roadmap?"): a text
# cannot report its own reception or its sequel, so the abstention model weighs this
# (``asks_aftermath``, fitted by scripts/fit_abstention.py like every other feature).
_OCCASION = r"(speech|talk|address|remarks|forum|visit|trip|tour|launch|summit|meeting|conference|announcement|session|event)"
_CYRILLIC_OCCASION = r"(выступлени|реч|доклад|форум|саммит|визит|встреч|конференци|заседани|сөз|баяндама|сапар)"
AFTERMATH = {
    ENGLISH: re.compile(
        r"\bhow (did|has|have|was|were) ([\w’'.,-]+\s+){0,7}?(react|reacted|respond|responded|reply|"
        r"replied|receive[ds]?|greet|greeted)\b|"
        rf"\b(reactions?|responses?|reception) (to|of) (the|this|that|his|her|its|their) ([\w’'-]+\s+){{0,2}}?{_OCCASION}|"
        rf"\bdid\b.{{0,60}}\bend up\b|\b(ended up|afterwards|after(ward)? (the|this|that|his|her) {_OCCASION}|"
        rf"since (then|the {_OCCASION}))\b|"
        r"\b(did|has|have|was|were)\b.{0,60}\b(eventually|ultimately|in the end|subsequently|later on)\b", re.I),
    RUSSIAN: re.compile(
        r"\bкак ([\w-]+\s+){0,6}?(отреагировал|ответил|восприня|встретил|приня)\w*|\bреакци\w* на\b|"
        rf"\b(в итоге|в конечном (счете|счёте|итоге)|впоследствии|в результате)\b|\bпосле (этого )?{_CYRILLIC_OCCASION}\w*|"
        r"\bқалай қабылда\w*|\bкейін\b", re.I),
}
AFTERMATH[KAZAKH] = AFTERMATH[RUSSIAN]


def asks_aftermath(question: str, language: str = ENGLISH) -> bool:
    """Does the question ask how the speech was received, or what came of it afterwards?

    >>> asks_aftermath("How did the audience react to the proposals?"), asks_aftermath("Did it end up signed?")
    (True, True)
    >>> asks_aftermath("Where do the migrants end up, in her account?")
    False
    >>> asks_aftermath("How does the speaker propose to respond to drought?"), asks_aftermath("Why react now?")
    (False, False)
    >>> asks_aftermath("Как отреагировали участники форума?", RUSSIAN)
    True
    """
    pattern = AFTERMATH.get(language)
    return bool(pattern and pattern.search(question))


# A yes/no question on what the speaker thinks, wants or backs ("Does the PM favour ...?", "Is
# she in favour of ...?"), as against one on what the speech says ("Does he say ...?"). A
# speaker's view on a topic next to the speech's is a common thing for a speech not to give, so
# the abstention model weighs this (``asks_stance``, fitted by scripts/fit_abstention.py).
# Attitude verbs only: verbs of saying ("propose", "call for", "urge") report the text. "Back"
# only with an object ("back a ban"), not as a particle ("come back", "Build Back Better");
# not "like" or "against", mostly prepositions ("traded off against each other").
_ATTITUDE = (r"think|thinks|believe|believes|feel|feels|want|wants|wish|wishes|hope|hopes|expect|expects|fear|fears|"
             r"worry|worries|worried|support|supports|backs? (?:a|an|the|his|her|their|its|any|more|further)|"
             r"favou?r|favou?rs|oppose|opposes|opposed|agree|"
             r"agrees|endorse|endorses|welcome|welcomes|prefer|prefers|approve|approves")
# The speaker's own view, wish or backing, in any question form ("What does Truman want ...?").
ATTITUDE = re.compile(rf"\b({_ATTITUDE})\b", re.I)
STANCE = {
    ENGLISH: re.compile(rf"^\W*(does|do|is|are|would|will|did|was|were|has|have|should|can|could)\b.*\b({_ATTITUDE})\b",
                        re.I),
    RUSSIAN: re.compile(r"\b(счита|дума|полага|поддержива|хоч|хот|одобря|ожида|опаса|наде|согла[сш]|против)\w*\s+ли\b|"
                        r"\bвыступа\w* ли\b.{0,40}\b(за|против)\b", re.I),
    KAZAKH: re.compile(r"\b(қолдай|ойлай|санай|сене|күте|қарсы)\w*\s+(ма|ме|ба|бе|па|пе)\b", re.I),
}


def asks_stance(question: str, language: str = ENGLISH) -> bool:
    """Is the question a yes/no one on the speaker's own view, wish or backing?

    >>> asks_stance("Does the PM favour a tax on fuel?"), asks_stance("Is she in favour of it?")
    (True, True)
    >>> asks_stance("Does the speaker say the plan will cost more?"), asks_stance("What does he think of it?")
    (False, False)
    >>> asks_stance("Does the PM back a ban on coal?"), asks_stance("Will the PM come back to the forum?")
    (True, False)
    >>> asks_stance("Поддерживает ли автор общую валюту?", RUSSIAN)
    True
    """
    pattern = STANCE.get(language)
    return bool(pattern and pattern.search(question))


def is_follow_up(question: str, language: str = ENGLISH) -> bool:
    """A short question that points back with a pronoun and names little of its own, by the
    table of its language (``FOLLOW_UPS``; none for other languages). "This speech", "the
    speaker" and the like point at the text, not at the previous question.

    >>> is_follow_up("which port is it linked to?"), is_follow_up("Who hosted the summit?")
    (True, False)
    >>> is_follow_up("And Uzbekistan?"), is_follow_up("Who wrote this article?")
    (True, False)
    >>> is_follow_up("А где он пройдёт?", "ru"), is_follow_up("О чём эта речь?", "ru")
    (True, False)
    >>> is_follow_up("Ол қашан өтеді?", "kk"), is_follow_up("Бұл сөзде не айтылады?", "kk")
    (True, False)
    """
    words = FOLLOW_UPS.get(language)
    if words is None:
        return False
    short = len(question.split()) <= words.max_words
    own = words.about_text.sub(" ", question)
    return short and bool(words.pronouns.search(own) or words.continues.match(question))


def asks_for(question: str) -> str:
    """The kind of thing the question wants, if it is one that can be checked in a passage.

    >>> asks_for("On what date will it start?"), asks_for("How much did it cost?"), asks_for("Why?")
    ('date', 'quantity', '')
    >>> asks_for("When was it launched?"), asks_for("How many are there?"), asks_for("How long is it?")
    ('time', 'count', 'quantity')
    >>> asks_for("Which president came?"), asks_for("Who is the minister of energy?"), asks_for("Who came?")
    ('person', 'person', 'agent')
    >>> asks_for("Who will chair the summit?"), asks_for("What is the length of the railway?")
    ('person', 'quantity')
    >>> asks_for("What is the name of the Chinese president?"), asks_for("What is the name of the forum?")
    ('person', '')
    >>> asks_for("Which Chinese companies run the parks?"), asks_for("What business processes are automated?")
    ('organization', '')
    >>> asks_for("Where was the forum held?"), asks_for("Which city hosted it?"), asks_for("Where does water come up?")
    ('place', 'place', '')

    The noun asked about comes first, then a reason or a manner asks for none of these,
    whatever its clauses name:
    >>> asks_for("Which firms paid the $3 million fine?"), asks_for("Which Danish minister opened it?")
    ('organization', 'person')
    >>> asks_for("Why is the bridge late, and how much will it cost?"), asks_for("How does the budget change?")
    ('', '')
    >>> asks_for("What share of official aid goes to roads?"), asks_for("Which of the ministers came?")
    ('quantity', 'person')
    >>> asks_for("Does he say what people in the region think?"), asks_for("And which city hosted it?")
    ('', 'place')
    >>> asks_for("When he speaks of bridges, does he mean railways?"), asks_for("When it opens, which city hosts it?")
    ('', 'place')

    A clause saying where to read the answer is not what is asked:
    >>> asks_for("Going by the header date, in which year did it open?"), asks_for("Judging by the date, who came?")
    ('time', 'agent')
    >>> asks_for("From what year does the pact date?"), asks_for("On what date was the pact signed?")
    ('time', 'date')
    >>> asks_for("He mentions 'last spring'. Going by the delivery date, which year is that?")
    'time'
    """
    question = _WHEN_CLAUSE.sub("", without_source_clause(question))
    if _REASON.match(question):
        return ""
    for kind, pattern in (*_HEAD, *_ASKS):
        if pattern.search(question):
            return kind
    return ""


# A "when" clause that opens the question and ends at a comma before the question itself
# ("When the speaker says 'build bridges', does he mean roads?") says nothing of what is asked.
_WHEN_CLAUSE = re.compile(r"^\W*when\b[^?]*?,\s*(?=(does|do|did|is|are|was|were|what|which|who|whom|how|why|where|"
                          r"can|could|should|would|will|has|have)\b)", re.I)


# A clause that says where to read the answer ("Going by the header date, in which year ...?",
# "Judging by the transcript, who ...?") names the reference, not what is asked: the date it
# names is what the answer is worked out from.
_SOURCE_CLAUSE = re.compile(r"(^|(?<=[.?!;:]\s))\W*(going by|judging (by|from)|based on|according to)\b[^,?]*,\s*",
                            re.I)


def without_source_clause(question: str) -> str:
    """The question without a clause that says where to read the answer.

    >>> without_source_clause("Going by the transcript, who spoke next?")
    'who spoke next?'
    >>> without_source_clause("Who spoke next, going by the transcript?")
    'Who spoke next, going by the transcript?'
    """
    return _SOURCE_CLAUSE.sub("", question)


# What a question for a figure counts or measures: the words after "how many/much" or after
# "the number/share/value... of", up to the question's verb ("how many container ships were
# waiting" -> "container ships").
_MEASURED = re.compile(
    rf"\bhow (?:many|much) (?P<how>(?:{_MODIFIER} ){{0,2}}?(?:{_MODIFIER}))(?= (?:is|are|was|were|will|would|do|does|did|can|"
    rf"could|should|has|have|had)\b|\W*$|,| of\b| in\b| on\b| for\b| to\b| from\b| at\b| by\b| since\b)|"
    rf"\b(?:number|share|percentage|proportion|amount|value|volume|size|length) of (?:the |its |their )?"
    rf"(?P<of>(?:{_MODIFIER} ){{0,1}}{_MODIFIER})", re.I)
_NOT_MEASURED = frozenset("the a an it they this that these those he she we you i".split())


def measured(question: str) -> tuple[str, ...]:
    """The words naming what a question for a figure counts or measures (a verb the pattern
    does not know may come along: "how much money went" gives "money", "went"); () when it
    names nothing ("How much does it cost?").

    >>> measured("How many container ships were waiting?"), measured("How much money did they pledge?")
    (('container', 'ships'), ('money',))
    >>> measured("What share of world GDP do they hold?"), measured("How much does it cost?")
    (('world', 'gdp'), ())
    >>> measured("How many people were there, roughly?"), measured("Why did they come?")
    (('people',), ())
    """
    m = _MEASURED.search(question)
    if not m:
        return ()
    found = tuple(w.lower() for w in (m.group('how') or m.group('of')).split())
    return () if any(w in _NOT_MEASURED for w in found) else found


def about_author(question: str) -> bool:
    """Does the question ask who wrote or gave the text, or where its author works?

    >>> about_author("Who gave this talk?"), about_author("Where does the speaker work?")
    (True, True)
    >>> about_author("What is the speaker's affiliation?"), about_author("Who is the writer and where is she based?")
    (True, True)
    >>> about_author("Who wrote this piece?"), about_author("What is the name of the author?")
    (True, True)
    >>> about_author("What country does the speaker come from?"), about_author("Where is the author from?")
    (True, True)
    >>> about_author("Who is speaking?"), about_author("Who is speaking about climate?")
    (True, False)
    >>> about_author("What does the speaker say about Russia?"), about_author("Who announced the initiative?")
    (False, False)
    >>> about_author("Which institutions does the speaker propose?"), about_author("Who does the speaker see as key?")
    (False, False)
    >>> about_author("What is the speaker's name?"), about_author("Which countries does the speaker name?")
    (True, False)
    >>> about_author("Which prime minister gave this talk?"), about_author("Which president signed the treaty?")
    (True, False)
    >>> about_author("What president is this?"), about_author("He met a president then; which president was it?")
    (True, False)
    >>> about_author("Who signed this message?"), about_author("Who signed the treaty?")
    (True, False)
    """
    return bool(_ABOUT_AUTHOR.search(question))


def names(question: str) -> tuple[str, ...]:
    """Words written as names inside the question (lower-cased), possessives dropped.

    >>> names("What does he say about Russia's role and the EU?")
    ('russia', 'eu')
    >>> names("Which roles does Kazakhstan play? List them.")
    ('kazakhstan',)
    """
    return tuple(re.sub(r"['’]s$", "", m.group()).lower() for m in _NAME.finditer(question)
                 if not _opens_sentence(question, m.start()))


# A question may open by saying who asks: an indefinite noun phrase, then a verb of asking,
# saying, wanting or thinking ("A columnist in Almaty writes that ...", "A development NGO asks
# which ..."). What it names is who asks, not what is asked (``asker``; candidate P, thirty-first
# session, docs/experiments.md). One table per language; English only so far.
ASKING = {ENGLISH: tuple("asks asked wants wanted wonders wondered needs needed wishes wished writes wrote says said "
                         "claims claimed argues argued thinks thought believes believed notes noted reads read hears "
                         "heard hopes hoped assumes assumed fears feared warns warned insists insisted reports "
                         "reported would".split())}
_ASKER = {language: re.compile(rf"^\W*an?\s[^.?!;:]{{1,80}}?(?=\s(?:{'|'.join(verbs)})\b)", re.I)
          for language, verbs in ASKING.items()}


def asker(question: str, language: str = ENGLISH) -> str:
    """The opening of a question that only says who asks, or "".

    >>> asker("A columnist in Almaty asks what the talk says of trade."), asker("What does Almaty ask?")
    ('A columnist in Almaty', '')
    >>> asker("An Osh engineer would like to know more.")
    'An Osh engineer'
    """
    pattern = _ASKER.get(language)
    m = pattern.match(question) if pattern else None
    return m.group() if m else ""


# A sentence ends inside a question at . ? or ! and the space before a capital or a quote, not
# after an abbreviation ("the U.S. Congress", "Mr. Li": ``_opens_sentence``).
_SENTENCE_BREAK = re.compile(r"(?<=[.?!])[\"”’')]*\s+(?=[\"“‘'(]?[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ])")


# A sentence that says what someone wants asks it, even before the question sentence ("A
# historian wants the names of ... . Does the text give them?"): an opening that says who, then
# a verb of asking or wanting (``REQUESTING``, one table per language; candidate P3).
REQUESTING = {ENGLISH: tuple("asks asked wants wanted wonders wondered needs needed wishes wished would".split())}
_REQUEST = {language: re.compile(rf"^\W*(?:(?:an?|one)\s[^.?!;:]{{1,80}}?|someone|somebody|i|we)\s(?:{'|'.join(verbs)})\b",
                                 re.I) for language, verbs in REQUESTING.items()}


def context(question: str, language: str = ENGLISH) -> str:
    """What a question says before its question sentence (its last sentence that ends in
    "?", else its last sentence): the scene it sets, whose names are not what it asks about
    (candidate P2, thirty-second session, docs/experiments.md); "" for a question of one
    sentence. It ends at a sentence that says what someone wants (``REQUESTING``, P3).

    >>> context("A baker moves to Lyon. Which tax does the text name?")
    'A baker moves to Lyon. '
    >>> context("Who translated this? My style guide asks for it."), context("Did the U.S. Congress vote?")
    ('', '')
    >>> context("A baker moves to Lyon. A friend wants the bakeries of Nantes. Are they named?")
    'A baker moves to Lyon. '
    """
    starts = [0] + [m.end() for m in _SENTENCE_BREAK.finditer(question) if _opens_sentence(question, m.end())]
    asking = [at for at, end in zip(starts, starts[1:] + [len(question)]) if question[at:end].rstrip(" \"”’')").endswith("?")]
    end = (asking or starts)[-1]
    request = _REQUEST.get(language)
    if request is None:
        return question[:end]
    return question[:min((at for at in starts if at < end and request.match(question[at:])), default=end)]


def only_in_framing(name: str, query: Query) -> bool:
    """Whether ``name`` occurs in the query only inside its asker (``Query.asker``) or the
    sentences before its question sentence (``Query.context``).

    >>> only_in_framing("Almaty", read("A columnist in Almaty asks about trade.")), only_in_framing("Almaty", read("A columnist asks about Almaty."))
    (True, False)
    >>> only_in_framing("Quito", read("My aunt flies to Quito. Is trade named?")), only_in_framing("Quito", read("I fly to Quito. Is Quito named?"))
    (True, False)
    """
    lowered = name.lower()
    framing = max(query.asker, query.context, key=len)
    return bool(framing) and lowered in framing.lower() and lowered not in query.text[len(framing):].lower()


# The end of a sentence inside a question ("... in the speech? List them."), not of an
# abbreviation ("the U.S. Congress", "Mr. Li").
_SENTENCE_END = re.compile(r"(?<![A-Z])(?<!\b(?:Mr|Ms|Dr|St))(?<!\bMrs|\bSen|\bGov|\bRep)(?<!\bProf)[.?!]+[\s\"”’')]*$")


def _opens_sentence(question: str, at: int) -> bool:
    """Is the word at ``at`` the first of a sentence inside the question (capitalised for that)?

    >>> _opens_sentence("Is it so? List them.", 10), _opens_sentence("Did the U.S. Congress vote?", 13)
    (True, False)
    """
    return bool(_SENTENCE_END.search(question[:at]))


def capital_of(name: str, question: str) -> str:
    """The country whose capital the question names, ``name`` being a word of it, or "": a
    question may say "Washington" for the United States (table: ``capitals.py``, GeoNames).

    >>> capital_of("washington", "What does Washington want from the region?")
    'united states'
    >>> capital_of("delhi", "Is New Delhi mentioned?"), capital_of("delhi", "Is Delhi mentioned?")
    ('india', '')
    """
    from .capitals import CAPITALS

    text = " ".join(re.findall(r"[\w’'-]+", question.lower()))
    for capital, country in CAPITALS.items():
        if name in capital.split() and re.search(rf"(?<![\w-]){re.escape(capital)}(?![\w-])", text):
            return country
    return ""


_NAME_RUN = re.compile(r"[A-Z][\w’'.-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w’'.-]*)*")
# A name of several capitalised words inside the question ("the Green Climate Fund"): a
# possessive, a full stop or any other mark ends it; "of", "the", "for" may join its words.
_PHRASE_RUN = re.compile(r"(?<=[\s(“\"-])[A-Z][\w-]*(?:\s+(?:of\s+|the\s+|for\s+)?[A-Z][\w-]*)+(?![’'\w])")


def name_runs(question: str, *, articles: bool = False) -> tuple[str, ...]:
    """The names of two or more capitalised words inside the question, titles dropped ("President
    Xi Jinping" -> "Xi Jinping"); a possessive ends a run ("Gillard's Bo'ao speech"). With
    ``articles``, each with the "the " the question puts before it, if any.

    >>> name_runs("What role does the Green Climate Fund play for President Xi Jinping?")
    ('Green Climate Fund', 'Xi Jinping')
    >>> name_runs("Does Harris's Panuka Farm talk mention Korea and China?")
    ('Panuka Farm',)
    >>> name_runs("What does the Green Climate Fund do?", articles=True)
    ('the Green Climate Fund',)
    >>> name_runs("Look at the list. Which Central Asian states join?")
    ('Central Asian',)
    """
    out = []
    for m in _PHRASE_RUN.finditer(question):
        words = m.group().split()
        if _opens_sentence(question, m.start()):
            words = words[1:]  # "... here? Which Central Asian states ...": "Which" opens a sentence
        while words and words[0].lower() in roles.TITLE_WORDS:
            words = words[1:]
        while words and words[-1].lower() in ("of", "the", "for"):
            words = words[:-1]
        if sum(w[0].isupper() for w in words) >= 2:
            run = " ".join(words)
            out.append(_article(question, m.start()) + run if articles and run == m.group() else run)
    return tuple(out)


def name_phrases(question: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """Each of ``names`` shown as the run of capitalised words it stands in, as written, with
    the article the question gives it.

    >>> name_phrases("What does the United States think of it?", ("united",))
    ('the United States',)
    >>> name_phrases("Does it mention Russia?", ("russia",))
    ('Russia',)
    >>> name_phrases("Did Richard Nixon say so?", ("richard",))
    ('Richard Nixon',)
    >>> name_phrases("Does Harris's Panuka Farm talk mention Korea?", ("harris", "panuka"))
    ('Harris', 'Panuka Farm')
    """
    runs = [(_article(question, m.start()) if i == 0 else "") + re.sub(r"['’]s$", "", piece)
            for m in _NAME_RUN.finditer(question)
            for i, piece in enumerate(re.split(r"(?<=['’]s)\s+", without_opener(question, m)))]
    shown = []
    for name in names:
        run = next((r for r in runs if name in r.lower().split()), name)
        if run not in shown:
            shown.append(run)
    return tuple(shown)


def without_opener(question: str, m: re.Match) -> str:
    """The run ``m`` of capitalised words without its first word when that word only opens a
    sentence of the question ("Did Richard Nixon" -> "Richard Nixon"; a run of one word is kept)."""
    rest = m.group().partition(" ")[2]
    return rest if rest and (m.start() == 0 or _opens_sentence(question, m.start())) else m.group()


def _article(question: str, at: int) -> str:
    """"the " when the name starting at ``at`` follows the word "the"."""
    return "the " if re.search(r"\bthe\s+$", question[:at], re.I) else ""


def is_alias(similarities, aliases: Aliases = Aliases()) -> bool:
    """Is a name the corpus never uses another word for a corpus name? Yes when the embedding
    model puts it close to that name and clearly closer to it than to any other (``aliases``,
    ``Settings.tuning.aliases``). ``similarities``: its cosines with each corpus name, best first.

    >>> is_alias([0.76, 0.60, 0.59]), is_alias([0.77, 0.75, 0.75])
    (True, False)
    """
    best = float(similarities[0]) if len(similarities) else 0.0
    second = float(similarities[1]) if len(similarities) > 1 else 0.0
    return best >= aliases.min_cosine and best - second >= aliases.min_margin


def read(question: str, history: Sequence[str] = (), *, resolve_follow_ups: bool = True,
         language: str = ENGLISH) -> Query:
    """The query for ``question`` (in ``language``); a follow-up is read together with the last question."""
    follow_up = resolve_follow_ups and bool(history) and is_follow_up(question, language)
    text = f"{history[-1]} {question}" if follow_up else question
    return Query(text=text, asks_for=asks_for(question), names=names(question), follow_up=follow_up,
                 about_author=about_author(question), aftermath=asks_aftermath(question, language),
                 stance=asks_stance(question, language), asker=asker(text, language),
                 context="" if follow_up else context(question, language))
