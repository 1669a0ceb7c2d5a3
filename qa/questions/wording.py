"""Questions about the wording itself: a quote to check, a phrase to find, a mention, a count.

``read_wording(question)`` returns a ``WordingQuery`` (the kind and the words to look up) or
None for any other question. What each language's questions look like lives in ``TABLES``:
per language, (kind, pattern) pairs tried in order on the question; a pattern's ``term``
group is the words to look up unless the question quotes them. A quoted string in any
language ("...", “...”, '...', «...», „...“) is read as the words to look up. Pure functions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .language import detect

QUOTE, PHRASE, MENTION, COUNT = "quote", "phrase", "mention", "count"
# An unquoted mention or count names a thing ("the European Union"); a longer description
# ("tensions between Washington and Beijing") asks about a topic and goes to the usual search.
MAX_NAME_WORDS = 4

# Opening -> closing quote marks. A straight single quote only opens after a space or at the
# start and closes before a space or punctuation, so "China's" is not a quote.
_QUOTED = re.compile(r"\"([^\"]{2,})\"|“([^”]{2,})[”\"]|„([^“”]{2,})[“”]|«([^»]{2,})»|‘([^’]{2,})’"
                     r"|(?:(?<=\s)|^)'(.{2,}?)'(?=[\s?.!,;:)]|$)")

_EN_TEXT = r"(?:the |this |his |her |their |its )?(?:speech|address|remarks|text|talk|statement|speaker|author)"
_EN_WHO = rf"(?:he|she|they|it|{_EN_TEXT}|[A-Z][\w’'.-]+(?: [A-Z][\w’'.-]+)?)"
# A yes/no question starts the sentence or follows a lead-in ("In his speech, did he say...").
_START = r"(?:^|[,:;—–-] |\n)(?:and |so |but |then )?"
_RU_TEXT = r"(?:в )?(?:речи|выступлении|тексте|докладе|речь|выступление|текст|доклад|спикер|автор|оратор)"

TABLES: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    "en": [
        (COUNT, re.compile(r"\b(how many times|how often|how frequently|number of times|how many mentions)\b"
                           rf".*?\b(?:mentions?|mentioned|says?|said|uses?|used|refers? to|referred to|appears?|"
                           rf"occurs?|names?|named)\b(?: the (?:word|phrase|term|name))?\s*(?P<term>.*)", re.I)),
        (COUNT, re.compile(r"\b(how many times|how often|number of times)\b (?:is|are|was|were|does|do|did) "
                           r"(?:the (?:word|phrase|term|name) )?(?P<term>.+?) (?:mentioned|used|said|named|appear|"
                           r"occur|come up)\b", re.I)),
        (COUNT, re.compile(r"\bcount (?:the )?(?:mentions|occurrences|uses|instances) of (?P<term>.+)", re.I)),
        (PHRASE, re.compile(r"\bwhere (?:does|do|did) .*?\b(?:say|says|said|use|uses|used|write)\b(?P<term>)", re.I)),
        (PHRASE, re.compile(rf"{_START}(?:does|do|did|is|are|was) [\"“‘'«„].+?\b(?:appear|occur|come up|feature|used|"
                            r"found|in the|anywhere|there)\b(?P<term>)", re.I)),
        (PHRASE, re.compile(rf"{_START}(?:is|was|are) the (?:exact )?(?:phrase|word|expression|term|wording|sentence) "
                            r"(?P<term>.+?) (?:used|said|in|found|there|present|anywhere|mentioned)\b", re.I)),
        (PHRASE, re.compile(r"\b(?:use|uses|used|contain|contains|include|includes|say|said)\b (?:the )?(?:exact )?"
                            r"(?:phrase|word|expression|term|wording|words)\b\s*(?P<term>.*)", re.I)),
        (PHRASE, re.compile(r"\b(?:does|do|did) the (?:exact )?(?:phrase|word|expression|term|wording|words) "
                            r"(?P<term>.+?) (?:appear|occur|come up|feature)\b", re.I)),
        (MENTION, re.compile(r"\b(?:which|what) (?:paragraphs?|passages?|parts?|sentences?|places?)\b.*?"
                             r"\b(?:mentions?|mentioned|refers? to|names?)\b\s*(?P<term>.*)", re.I)),
        (MENTION, re.compile(rf"{_START}(?:does|do|did) {_EN_WHO} (?:ever |even |actually |at all )?"
                             r"(?:mention|name|refer to|bring up)\b\s*(?P<term>.*)", re.I)),
        (MENTION, re.compile(rf"{_START}(?:is|are|was|were) (?P<term>.+?) (?:ever |even |actually )?(?:mentioned|named|"
                             r"referred to)\b", re.I)),
        (MENTION, re.compile(r"\bwhere (?:does|do|did) .*?\b(?:mention|name|refer to)\b\s*(?P<term>.*)", re.I)),
        (QUOTE, re.compile(rf"{_START}(?:did|does|do) {_EN_WHO} (?:really |actually |ever |truly )?"
                           r"(?:say|said|state|write|claim|use the words|call (?:it|them|this|that)|describe (?:it|them|this|that) as)\b(?:,)?"
                           r"(?: that)?\s*(?P<term>.*)", re.I)),
        (QUOTE, re.compile(r"\bis it true that .*?\b(?:said|says|stated|claimed)\b(?: that)?\s*(?P<term>.*)", re.I)),
        (QUOTE, re.compile(r"\b(?:is|was) (?:this|that|it|the following|the sentence|the line) (?:a )?(?:real |exact |"
                           r"correct |accurate |verbatim )?(?:quote|quotation|said)\b\s*(?P<term>.*)", re.I)),
        # A quoted string and a verb of saying, in a question that does not ask what or why.
        (QUOTE, re.compile(r"^(?!\s*(?:what|why|how|which|who|whose|whom|where|when|in what)\b).*?\b(?:say|says|said|saying|call|calls|called|quote[sd]?|quoting|words|wording|"
                           r"stated?|claim(?:s|ed)?|wrote|put it)\b(?P<term>)", re.I)),
    ],
    "ru": [
        (COUNT, re.compile(r"\b(сколько раз|как часто)\b.*?\b(?:упомина\w*|упомянут\w*|говори\w*|сказа\w*|"
                           r"использу\w*|встреча\w*|звучит|повторя\w*|назыв\w*)\b(?: слово| фраза| выражение)?"
                           r"\s*(?P<term>.*)", re.I)),
        (PHRASE, re.compile(r"\b(?:есть ли|встречается ли|используется ли|звучит ли|употребляется ли|прозвучала? ли|"
                            r"содержит ли)\b.*?\b(?:фраза|фразу|выражение|слово|словосочетание|слова|формулировка|"
                            r"формулировку)\b\s*(?P<term>.*)", re.I)),
        (PHRASE, re.compile(r"\b(?:использует ли|употребляет ли)\b.*?\b(?:фразу|выражение|слово|словосочетание|"
                            r"формулировку)\b\s*(?P<term>.*)", re.I)),
        (MENTION, re.compile(r"\bв как(?:их|ом) (?:абзац\w*|мест\w*|част\w*|предложени\w*)\b.*?\b(?:упомина\w*|"
                             r"упомянут\w*)\s*(?P<term>.*)", re.I)),
        (MENTION, re.compile(rf"\b(?:упоминает(?:ся)? ли|упомянут[аоы]? ли|упоминаются ли|упомянул[аи]? ли)\b"
                             rf"(?: {_RU_TEXT})?\s*(?P<term>.*)", re.I)),
        (MENTION, re.compile(r"\b(?:говорит|говорится|сказано)\b.*?\b(?:ли)\b.*?\bо\b\s*(?P<term>.*)", re.I)),
        (QUOTE, re.compile(r"\b(?:сказал[аи]?|говорил[аи]?|заявил[аи]?|написал[аи]?|утверждал[аи]?|произн[её]с\w*)"
                           r" ли\b.*?(?:,? что\s*(?P<term>.*))?$", re.I)),
        (QUOTE, re.compile(r"\b(?:правда ли|верно ли|действительно ли)\b.*?\b(?:сказал\w*|говорил\w*|заявил\w*|"
                           r"говорится)\b,?(?: что)?\s*(?P<term>.*)", re.I)),
        (QUOTE, re.compile(r"^(?!\s*(?:что|почему|зачем|как|какой|какая|какие|кто|где|когда)\b).*?"
                           r"\b(?:сказал\w*|говорил\w*|заявил\w*|назвал\w*|цитат\w*|слова(?:ми)?|"
                           r"написал\w*|утверждал\w*)(?P<term>)", re.I)),
        (QUOTE, re.compile(r"\b(?:это|эта|является ли это) (?:точн\w+ |дословн\w+ |настоящ\w+ )?цитат\w*", re.I)),
    ],
}
# Words after the looked-up term that are not part of it ("China in the speech", "Китай в речи").
_TAIL = {
    "en": re.compile(rf"(?:(?:^|,?\s+)(?:in|throughout|within|anywhere in|across) (?:the |this |his |her |their |"
                     rf"[A-Z][\w’'.-]+[’']s )?(?:speech|address|remarks|text|talk|statement|document|speeches|"
                     rf"documents)\b.*|,?\s+(?:at all|anywhere|in total|altogether|overall|ever|explicitly|by name|"
                     rf"directly)\b.*|\s+(?:is|are|was) (?:mentioned|used|named)\b.*)$", re.I),
    "ru": re.compile(r"(?:(?:^|,?\s+)(?:в|во) (?:этой |этом |его |её |ее )?(?:речи|выступлении|тексте|докладе)\b.*|"
                     r",?\s+(?:вообще|всего|хоть раз|прямо)\b.*)$", re.I),
}
_LEAD = {"en": re.compile(r"^(?:the (?:word|phrase|term|name|expression) |the |a |an |of |about |that )+", re.I),
         "ru": re.compile(r"^(?:слово |фраза |фразу |выражение |о |об |что )+", re.I)}


@dataclass(frozen=True, kw_only=True)
class WordingQuery:
    """A question about the wording: ``kind`` (quote, phrase, mention, count) and the words
    to look up as the question gives them; ``quoted`` when it put them in quote marks."""

    kind: str
    term: str
    language: str
    quoted: bool = False


def quotations(question: str) -> tuple[str, ...]:
    """Every quoted string in ``question``, in order.

    >>> quotations("Did he say “we will not” or 'we won't'? Is China's role clear?")
    ('we will not', "we won't")
    """
    found = (next(g for g in m.groups() if g).strip() for m in _QUOTED.finditer(question))
    return tuple(f for f in found if f)


def quoted(question: str) -> str:
    """The first quoted string in ``question``, or "" (a later one is usually a contrast:
    "the word 'corrupt', not 'corruption'").

    >>> quoted("Did he say “we will not” or 'we won't'?")
    'we will not'
    >>> quoted("Is China's role clear?")
    ''
    """
    found = quotations(question)
    return found[0] if found else ""


def _clean_term(term: str, language: str) -> str:
    """The words to look up, without the question mark and the words around them.

    >>> _clean_term("the European Union in his speech?", "en")
    'European Union'
    """
    term = term.strip().rstrip("?!. ").strip()
    tail, lead = _TAIL.get(language, _TAIL["en"]), _LEAD.get(language, _LEAD["en"])
    term = tail.sub("", term).strip().rstrip(",;:").strip()
    return lead.sub("", term).strip().strip("\"'“”«»‘’„").strip()


def read_wording(question: str) -> WordingQuery | None:
    """The wording question in ``question``, or None.

    >>> read_wording('How often is China named in the speech?')
    WordingQuery(kind='count', term='China', language='en', quoted=False)
    >>> read_wording("Is the phrase 'strategic autonomy' used in the speech?").kind
    'phrase'
    >>> read_wording("What does the speech say about China?") is None
    True
    """
    words = quoted(question)
    language = detect(question.replace(words, " ") if words else question)
    tables = [TABLES.get(language, TABLES["en"])] + [t for key, t in TABLES.items() if key != language]
    for kind, pattern in (row for table in tables for row in table):
        m = pattern.search(question)
        if not m:
            continue
        term = words or _clean_term(m.groupdict().get("term") or "", language)
        if not words and kind in (MENTION, COUNT, PHRASE):
            term = term.split(",")[0].strip()
            if len(term.split()) > MAX_NAME_WORDS:  # a topic described, not words to look up
                return None
        if term and len(term) <= 300:
            return WordingQuery(kind=kind, term=term, language=language, quoted=bool(words))
    if words and len(words.split()) >= 3 and len(words) >= 0.6 * len(question):
        return WordingQuery(kind=QUOTE, term=words, language=language, quoted=True)
    return None
