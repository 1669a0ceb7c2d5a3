"""Questions about a document itself: who gave it, at what occasion, when, where, its source.

These are answered from the document's metadata lines (``qa.index.header``), which no encoder
matches to the question. What each language's questions look like lives in ``TABLES``: one
list of (field, pattern) per language, tried in order, on the lower-cased question. A question
only counts when it is about the text (a word for the speech or its author, or a verb of
delivering it), so "When was the summit held?" is not a question about the speech's date.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..config import AboutDocument
from .query import AUTHOR_WORDS, TIME, about_author, read, without_source_clause

AUTHOR, OCCASION, DATE, PLACE, SOURCE = "author", "occasion", "date", "place", "source"
TITLE, LICENSE, AUDIENCE = "title", "license", "audience"
# What the fitted model (``FieldModel``) reads beyond those: a fact on another metadata line
# (answered by the line the question shares most words with), or none (what the text says).
OTHER, NONE = "other", "none"
# Which metadata keys answer each kind of question, best first: an occasion is often given only
# as the title or the source ("Source: Speech at the International Forum ...").
FIELDS = {AUTHOR: ("author",), OCCASION: ("occasion", "title", "source"), DATE: ("date",),
          PLACE: ("place", "occasion", "title"), SOURCE: ("source",), TITLE: ("title", "occasion"),
          LICENSE: ("license",), AUDIENCE: ("audience", "recipient", "recipients", "addressee", "addressees"),
          OTHER: ()}

_EN_TEXT = r"(speech|address|message|remarks|talk|text|statement|lecture|transcript|this|it)"
_EN_GIVEN = r"(given|delivered|made|held|presented|written|spoken|published)"
_RU_TEXT = r"(выступлени|реч[ьи]|доклад|текст|обращени|стенограмм|этот|это)"
# A noun for the text itself (not "это") and a verb of delivering it: "Кто прочитал этот доклад?"
_RU_NOUN = r"(выступлени\w*|реч(ь|и|ью)|доклад\w*|текст\w*|обращени\w*|стенограмм\w*)"
_RU_DELIVER = r"(произн[её]с\w*|прочитал\w*|прочитан\w*|выступ\w*|прозвучал\w*)"
_KK_TEXT = r"(сөз|баяндама|мәтін)"

TABLES: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    "en": [
        (SOURCE, re.compile(rf"\b(source|url)\b.*\b{_EN_TEXT}\b|\b{_EN_TEXT}\b.*\b(source|url)\b|\bwhere (is|was|does|did) (this|the) {_EN_TEXT}\b.*\b(from|come from|"
                            rf"published|taken|found)\b|\bwhere can i (find|read)\b")),
        (DATE, re.compile(rf"\bwhen (was|were|did)\b.*\b{_EN_TEXT}\b.*\b{_EN_GIVEN}\b|"
                          rf"\bwhen did\b.*\b(give|deliver|make|present)\b.*\b{_EN_TEXT}\b|\bwhen did (he|she|the speaker|"
                          rf"the author) (speak|give|deliver|talk)\b|\b(what|which) (date|day|year)\b.*\b{_EN_TEXT}\b.*"
                          rf"\b{_EN_GIVEN}\b|\bdate of (the|this) {_EN_TEXT}\b|\bwhen (was|is) (the|this) {_EN_TEXT} "
                          r"from\b")),
        (OCCASION, re.compile(rf"\b(what|which) (event|occasion|forum|conference|summit|meeting|gathering|venue)\b.*"
                              rf"\b({_EN_TEXT}|{_EN_GIVEN}|speak|spoke|speaking|address|addressing)\b|"
                              rf"\bon what occasion\b|\boccasion\b|\b(at|for) what\b.*\b{_EN_GIVEN}\b|"
                              rf"\b(who|what audience) (was|were) (the|this) {_EN_TEXT} (given|delivered|addressed) "
                              r"to\b|\bcontext of (the|this) (speech|address|remarks|talk)\b")),
        (PLACE, re.compile(rf"\bwhere (was|were|did)\b.*\b{_EN_TEXT}\b.*\b{_EN_GIVEN}\b|\bwhere did (he|she|the "
                           r"speaker|the author) (speak|give|deliver|talk)\b|\bin (what|which) (city|country|place)\b"
                           rf".*\b{_EN_TEXT}\b.*\b{_EN_GIVEN}\b")),
    ],
    "ru": [
        (AUTHOR, re.compile(rf"\bкто\b.*\b{_RU_DELIVER}.*\b{_RU_NOUN}|\bкто\b.*\b{_RU_NOUN}.*\b{_RU_DELIVER}")),
        (SOURCE, re.compile(r"\bисточник|\bоткуда (взят|этот текст|это)|\bгде опубликован")),
        (DATE, re.compile(rf"\bкогда\b.*\b({_RU_TEXT}|выступал|выступила|произн[её]с|произнесен)|"
                          rf"\bдат[аеуы] {_RU_TEXT}|\bв каком году\b.*\b(выступал|выступила|произн[её]с)")),
        (OCCASION, re.compile(r"\b(на|в рамках|для) как(ом|ой|ого)\b.*\b(мероприяти|форум|конференци|саммит|событи|"
                              r"встреч)|\bпо какому (поводу|случаю)\b|\bгде (прозвучал|было произнесено)")),
        (PLACE, re.compile(rf"\bгде\b.*\b{_RU_DELIVER}.*\b{_RU_NOUN}|\bгде\b.*\b{_RU_NOUN}.*\b{_RU_DELIVER}|"
                           r"\bв каком (городе|месте|стране)\b.*\b(выступал|выступила|выступлени)|"
                           r"\bгде\b.*\b(выступал|выступала|выступил|выступила)\b")),
    ],
    "kk": [
        (DATE, re.compile(rf"\bқашан\b.*\b({_KK_TEXT}|сөйледі|айтылды)")),
        (OCCASION, re.compile(r"\bқандай (іс-шара|форум|конференция|саммит)")),
    ],
}


# Questions in other words than the patterns above are recognised by meaning (``by_meaning``):
# the MiniLM cosine of the question with the nearest of these, at least
# ``Settings.tuning.about_document.min_cosine`` (fitted by scripts/fit_meta.py), and a word
# that says which field (``CUES``, first match wins). English only: the encoder is English.
PROTOTYPES = ("On which day were these remarks made?", "What day is this address dated?",
              "Where can the original of this text be found?", "From which website does this document come?",
              "What is this address called?", "Whose remarks are these?", "Who is the person giving this address?",
              "On what occasion were these remarks made?", "In which place was this address given?",
              "Who is the speaker?", "What is the source of this transcript?")
CUES = [
    (LICENSE, re.compile(r"\b(licen[cs]e[ds]?|copyright)\b")),
    (SOURCE, re.compile(r"\b(source|website|site|url|link|web ?page|published|publish|online)\b")),
    (TITLE, re.compile(r"\b(title[ds]?|called|headline)\b")),
    (DATE, re.compile(r"\b(date|day|year|when)\b")),
    (OCCASION, re.compile(r"\b(event|occasion|forum|conference|summit|gathering|meeting|venue)\b")),
    (PLACE, re.compile(r"\b(where|city|country|place|location)\b")),
    # Not "speaker": "what does the speaker say about ...?" is about the speech's content.
    (AUTHOR, re.compile(r"\b(who|author|speaking|gave|delivered by)\b")),
]


# Words that point at the text: without one a question is about what the text says.
_REFERS = re.compile(r"\b(speech|address|message|remarks|talk|text|statement|lecture|transcript|document|this|these|it|"
                     r"here|one)\b")


def field_cue(question: str) -> str:
    """The field a question's words point to when it also points at the text (``CUES``,
    first match wins); "". Cheap: the question is encoded only when this says something. A
    clause that says where to read the answer ("Going by the transcript, ...") names the
    source, not the subject, so it counts for neither.

    >>> field_cue("what site hosts this text online"), field_cue("Which website did the minister launch?")
    ('source', '')
    >>> field_cue("Going by the transcript, who spoke after the minister?")
    ''
    """
    lowered = without_source_clause(question).lower()
    if not _REFERS.search(lowered):
        return ""
    return next((kind for kind, pattern in CUES if pattern.search(lowered)), "")


def by_meaning(question: str, cosine: float, about: AboutDocument = AboutDocument()) -> str:
    """The field a question asks for when it is close in meaning to a question about the
    document itself (``cosine``: its best with ``PROTOTYPES``, at least ``about.min_cosine``)
    and its words say which (``field_cue``); "".

    >>> by_meaning("what site hosts this text online", 0.89), by_meaning("what site hosts this text online", 0.3)
    ('source', '')
    >>> by_meaning("Is this all of it?", 0.9)
    ''

    A date is the field only when the question asks for a date or a time: "when he gave this
    address" inside a question on how long he had held office, or on what office he held, says
    when, it does not ask it.

    >>> by_meaning("On which day was this address given?", 0.9), by_meaning("How long had he served when he gave this address?", 0.9)
    ('date', '')
    """
    kind = field_cue(question) if cosine >= about.min_cosine else ""
    if kind == DATE and read(question).asks_for not in (DATE, TIME):
        return ""
    return kind


# A question about the document may ask for several of its facts, a clause each: "Who gave this
# message, on what date, and what is its title?". A clause counts when it is a bare question for
# fields: their words (``CLAUSE_CUES``) and nothing else but the words of ``FILLER``, so "...,
# and what did he say about the summit?" asks about the text, not its occasion.
_SPLIT = {"en": re.compile(r"\s*[,;]\s*(?:and\s+)?|\s+and\s+(?=(?:on |in |at |from |by )?(?:what|which|when|where|who|"
                           r"whose|how)\b)|(?<=^when) and |(?<=^where) and |(?<=^who) and "),
          "ru": re.compile(r"\s*[,;]\s*(?:и\s+)?|\s+и\s+(?=(?:в |на |по )?(?:когда|где|кто|как|какой|каком|какого|откуда)"
                           r"\b)")}
CLAUSE_CUES = {"en": CUES, "ru": [
    (SOURCE, re.compile(r"\b(источник\w*|откуда|ссылк\w*)")),
    (TITLE, re.compile(r"\b(назван\w*|заголов\w*)")),
    (DATE, re.compile(r"\b(когда|дат[аеуы]|числа|год[ау]?)\b")),
    (OCCASION, re.compile(r"\b(повод\w*|случа\w*|мероприяти\w*|форум\w*|конференци\w*|саммит\w*)")),
    (PLACE, re.compile(r"\b(где|город\w*|стран\w*|мест\w*)")),
    (AUTHOR, re.compile(r"\b(кто|автор\w*)"))]}
FILLER = {"en": frozenset("""what which when where who whose whom how on in at from by for of to under and or the a an
                          its it this that these is was were are be been did does do his her their he she they formal
                          full exact official given delivered made held presented written spoken published speech
                          address remarks talk text statement message document transcript speaker author name named
                          precisely listed known president minister prime leader""".split()),
          "ru": frozenset("""и а в на по из о об с со у к когда где кто как какой какая каком какого каким какие
                          откуда это этот эта этого этой его её ее их он она был была было были дата даты
                          назван название называется источник автор текст речь речи выступление выступления
                          доклад произнесено произнесена прозвучала прозвучало""".split())}


def further_fields(question: str, first: str, language: str = "en") -> tuple[str, ...]:
    """The facts about the document a question asks for beyond ``first``, a clause each, in order.

    >>> further_fields("Whose address is this, on which day was it made, and what is it titled?", "author")
    ('date', 'title')
    >>> further_fields("When and where did she deliver this lecture?", "place"), further_fields("Who wrote it and when?", "author")
    (('date',), ('date',))
    >>> further_fields("When was this lecture delivered, and what did she say about the summit?", "date")
    ()
    >>> further_fields("Кто автор этого доклада и когда?", "author", "ru"), further_fields("Where was it published?", "source")
    (('date',), ())
    """
    split, cues, filler = _SPLIT.get(language), CLAUSE_CUES.get(language), FILLER.get(language)
    if split is None or cues is None or filler is None:
        return ()
    clauses = [c for c in split.split(without_source_clause(question).lower()) if c and c.strip()]
    if len(clauses) < 2:  # one clause asks one thing: "Where was it published?" asks the source
        return ()
    out: list[str] = []
    for clause in clauses:
        words = re.findall(r"\w+", clause)
        if not all(w in filler or any(pattern.search(w) for _, pattern in cues) for w in words):
            continue
        out += [k for k, pattern in cues if pattern.search(clause) and k != first and k not in out]
    return tuple(out)


# Questions about the giver, the day, and to whom and in what form, asked of a document the
# question describes rather than calls "this speech" ("Which post did the sender of the 1902
# message on canals hold?", "what weekday did Smith's budget address go out", "was the harbour
# message read aloud or sent on paper"): a fact of the giver or of the sending, and a word for
# the text (candidate M7, thirty-third session, docs/experiments.md). Not when the question says
# the text says something ("In which month, the address says, did the strike end?"): that asks
# what the text says.
_DOC = r"(speech|address|message|remarks|talk|text|statement|lecture|transcript|communication|state of the union)"
_SENT = (r"(sent|send|signed|sign|drafted|framed|composed|transmitted|issued|penned|submitted|prepared|originated|wrote|"
         r"written|gave|given|delivered|made|read|forwarded|laid|dispatched|presented|authored|spoke|spoken|dated|filed|"
         r"put|go out|went out|bears?)")
# The giver: the author's words, a named speaker read as "the speaker", an agent noun of the text
# ("the framer of this message", "its scribe" is not one), the person behind it.
_GIVER = (rf"\b({'|'.join(AUTHOR_WORDS)})\b|\b[a-z]+(er|or|man|ist|ory)s? (of|behind)\b|\bits [a-z]+(er|or|man)\b|"
          r"\b(person|man|woman|official|president|leader) (behind|who (sent|signed|gave|delivered|wrote|spoke|made|"
          r"issued|transmitted|framed|drafted|composed))\b")
_SAYS = re.compile(r"\b(say|says|said|mention|mentions|mentioned|according to|per|recall|recalls|refer|refers|describe|"
                   r"describes|claim|claims|quote|quotes|cite|cites)\b")
GIVEN_FACTS = [
    (AUTHOR, re.compile(rf"\bwho {_SENT}\b.*\b{_DOC}\b|\b(what|which) (political )?(office|post|position|title|party)\b"
                        rf".*({_GIVER})|({_GIVER}).*\b(what|which) (political )?(office|post|position|party)\b|"
                        rf"\b(what|which) (political )?party\b.*\b{_DOC}\b|\b{_DOC}\b.*\b(what|which) (political )?party\b|"
                        rf"\b(party|political) affiliation\b.*({_GIVER})|\bname the (person|man|woman|official) behind\b")),
    (DATE, re.compile(rf"\b(weekday|day of the week|night of the week)\b.*\b{_DOC}\b|\b{_DOC}\b.*\b(weekday|day of the week|"
                      rf"night of the week)\b|\b(what|which) (date|day|year|month|yr)\b.*\b{_DOC}\b.*\b{_SENT}\b")),
    (AUDIENCE, re.compile(rf"(\b(to|before) whom\b|\bbefore (what|which)\b|\b(what|which) (body|bodies|chambers?|assembly|legislature|"
                          rf"legislators|houses?|audience|listeners|kind of sitting|sitting)\b|\bin what form\b|\bin person\b|"
                          rf"\bin writing\b|\bon paper\b|\baloud\b|\bface to face\b).*\b{_DOC}\b|"
                          rf"\b{_DOC}\b.*(\b(to|before) whom\b|\bbefore (what|which)\b|\bin what form\b|\bin person\b|\bin writing\b|"
                          rf"\bon paper\b|\baloud\b|\bface to face\b)|^\W*how (was|were|did)\b.*\b{_DOC}\b.*"
                          rf"\b(delivered|presented|sent|laid|transmitted|communicated|forwarded|conveyed|reach|go out|went out|"
                          rf"given)\b")),
]


def given_fact(question: str) -> str:
    """The fact of the giver (author: office, party), of the day (date), or of to whom and in
    what form (audience) an English question asks of a document it describes; "".

    >>> given_fact("Which post did the sender of the 1902 message on canals hold?")
    'author'
    >>> given_fact("Who signed the harbour message of May 1902?"), given_fact("Who sent the troops?")
    ('author', '')
    >>> given_fact("what weekday did Smith's budget address go out"), given_fact("was the harbour message read aloud or sent on paper")
    ('date', 'audience')
    >>> given_fact("In which month, the address says, did the strike end?")
    ''
    """
    lowered = question.lower()
    if _SAYS.search(lowered):
        return ""
    return next((kind for kind, pattern in GIVEN_FACTS if pattern.search(lowered)), "")


def asks_about_document(question: str, language: str = "en") -> str:
    """Which fact about the document itself the question asks for, or "".

    >>> asks_about_document("Who made this address?"), asks_about_document("When was this statement made?")
    ('author', 'date')
    >>> asks_about_document("At what gathering was this statement made?"), asks_about_document("When was the summit held?")
    ('occasion', '')
    >>> asks_about_document("Кто написал этот текст?", "ru"), asks_about_document("Когда было произнесено это выступление?", "ru")
    ('author', 'date')
    >>> asks_about_document("Кто выступил с этим докладом?", "ru"), asks_about_document("Где было прочитано это выступление?", "ru")
    ('author', 'place')
    >>> asks_about_document("Где выступала она?", "ru"), asks_about_document("Когда выступал автор?", "ru")
    ('place', 'date')
    >>> asks_about_document("Кто, по словам автора, выступает за торговлю?", "ru")
    ''
    """
    if _about_author(question, language):
        return AUTHOR
    lowered = question.lower()
    for kind, pattern in TABLES.get(language, ()):
        if pattern.search(lowered):
            return kind
    return given_fact(question) if language == "en" else ""


def _about_author(question: str, language: str) -> bool:
    if language == "en":
        return about_author(question)
    from .cues import about_author as cyrillic_author

    return cyrillic_author(question)


# Questions no pattern reads are read by a model fitted on the questions themselves (candidate M9,
# thirty-fourth session, docs/experiments.md): which line of a document's header a question asks
# for, from its MiniLM vector. Patterns written from one set of questions reached the next only in
# part; the model is fitted on every retired set by ``scripts/fit_meta_fields.py``, which names its
# data, date and cross-validation in the file.
FIELD_MODEL_FILE = Path(__file__).with_name("meta_fields.json")


@dataclass(frozen=True)
class FieldModel:
    """A multinomial logistic regression over ``classes`` (``NONE``, ``AUTHOR``, ``DATE``,
    ``OTHER``) on a question's MiniLM vector; a field counts when its probability reaches
    ``threshold``."""

    classes: tuple[str, ...]
    coef: np.ndarray  # classes x dimensions
    intercept: np.ndarray
    threshold: float
    encoder: str  # the encoder whose vectors it was fitted on; another's mean nothing to it

    def field(self, vector: np.ndarray) -> str:
        """The field the question of ``vector`` asks for, or "" (none, or not sure enough).

        >>> m = FieldModel((NONE, DATE), np.array([[0.0, 0.0], [4.0, 0.0]]), np.zeros(2), 0.9, "minilm")
        >>> m.field(np.array([1.0, 0.0])), m.field(np.array([0.2, 0.0])), m.field(np.array([-1.0, 0.0]))
        ('date', '', '')
        """
        logits = self.coef @ np.asarray(vector, dtype=np.float64) + self.intercept
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        best = int(probs.argmax())
        return self.classes[best] if self.classes[best] != NONE and probs[best] >= self.threshold else ""


@lru_cache(maxsize=1)
def field_model() -> FieldModel | None:
    """The shipped model (``FIELD_MODEL_FILE``), read once; None when the file is missing."""
    if not FIELD_MODEL_FILE.exists():
        return None
    data = json.loads(FIELD_MODEL_FILE.read_text(encoding="utf-8"))
    return FieldModel(tuple(data["classes"]), np.asarray(data["coef"], dtype=np.float64),
                      np.asarray(data["intercept"], dtype=np.float64), float(data["threshold"]), data["encoder"])
