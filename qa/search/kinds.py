"""Does a text hold a thing of the kind a question asks for (a date, a figure, a person, a
place, an organisation, an actor)? And what does a question for a fact ask about? Pure
functions over English passages (every channel quotes the English text); the words they
know are in ``WORDS``, one table per language of the passages.

These were the abstention rules; they are now features (``qa.search.evidence``) that the
fitted model weighs, never a refusal on their own.
"""
from __future__ import annotations

import re

from ..index.lexical import stem, words as word_list
from ..questions.query import AGENT, AUTHOR_WORDS, COUNT, DATE, ORGANIZATION, PERSON, PLACE, QUANTITY, TEXT_WORDS, TIME

# What the passages' language writes for months, numbers, roles, organisations and places:
# what the patterns below are made of. A speech in another language adds its own table.
WORDS = {
    "en": {
        "months": ("January February March April May June July August September October November "
                   "December").split(),
        # "one" but not "one of the most...": a pattern, the rest are words.
        "numbers": ["one(?! of)"] + ("two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
                    "ninety hundred hundreds thousand thousands million millions billion billions trillion "
                    "trillions dozen dozens half third quarter percent twice thrice fourth fifth sixth seventh eighth "
                    "ninth tenth").split() + ["per cent"],
        # Days said relative to the speech ("announced today", "on Monday").
        "days": "today yesterday tomorrow tonight Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split(),
        "roles": ("president minister chairman chairwoman leader expert author professor ambassador secretary "
                  "director official spokesman spokesperson king queen premier chancellor founder researcher "
                  "analyst governor mayor senator administrator envoy commissioner").split(),
        "organizations": ("Bank Company Corporation Corp Group Fund University Institute Center Centre Agency "
                          "Organization Organisation Holdings Holding Foundation Association Council Ministry "
                          "Authority Commission Ltd Inc LLC JSC PLC").split(),
        "place_words": "in at from to toward towards into across near within on since during".split(),
        "said": "said says announced proposed stated".split(),
    },
}


def _any(words: list[str]) -> str:
    return "(" + "|".join(words) + ")"


_EN = WORDS["en"]
# Months and weekdays, which English capitalises: not names of things a text must write.
DATE_NAMES = frozenset(w.lower() for w in _EN["months"] + [d for d in _EN["days"] if d[0].isupper()])
_MONTH = _any(_EN["months"])
_NUMBER_WORDS = _any(_EN["numbers"])
_ROLE = f"(?i:{'|'.join(_EN['roles'])})"
# A capitalised word, accented letters included ("Gurría", "Müller").
_CAPITALISED = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ\u0100-\u017f’'-]+"
_PROPER = rf"{_CAPITALISED}(?: {_CAPITALISED})+"
_DAY = rf"\b{_MONTH}\b|\b\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}\b"
_FIGURE = rf"(?<![\w-])(?!(1[89]|20)\d\d(?!\d))\d[\d,.]*(?!\d)|%|\$|€|£|\b{_NUMBER_WORDS}\b"
_LIST = r"(^|\n)\s*[-*•]\s.*\n\s*[-*•]\s"
_HAS = {
    # A day or a month, or one said relative to the day of speaking ("yesterday", "last month"):
    # the document's date resolves it.
    DATE: re.compile(rf"{_DAY}|(?i:\b{_any(_EN['days'])}\b|\b(this|next|last|coming|past) (week|weekend|month)\b)"),
    # A year or decade, or a time said relative to now ("this year", "last decade").
    TIME: re.compile(rf"{_DAY}|\b{_any(_EN['days'])}\b|\b(1[89]|20)\d\d(s|’s|'s)?\b|\b(this|next|last|coming|past|previous) "
                     r"(year|month|week|decade|century)\b|\b(years?|months?|weeks?|decades?) ago\b|"
                     r"\b(last|past|next|coming) (\w+ )?(years|months|weeks|decades)\b", re.I),
    QUANTITY: re.compile(_FIGURE, re.I),
    # A count can also be read off an enumeration.
    COUNT: re.compile(rf"{_FIGURE}|{_LIST}", re.I),
    # A named person: a title or a role next to a name, or a name that speaks.
    # A role before a surname is enough ("President Tokayev", "Secretary Blinken"), and so is
    # a role of a body before a name ("the Head of the OECD Angel Gurría").
    PERSON: re.compile(rf"\b(Mr|Mrs|Ms|Dr|Prof)\.?\s+[A-Z]|\b{_PROPER},? (?:an? |the )?{_ROLE}\b|"
                       rf"\b{_ROLE} {_CAPITALISED}|\b(?:{_ROLE}|(?i:head|chief)) of (?:the )?[A-Z][\w’'-]*,? {_PROPER}|"
                       rf"\b{_PROPER},? {_any(_EN['said'])}\b"),
    # A named organisation: a capitalised name that says what kind of body it is.
    # An acronym of three letters or more is taken for a body's name ("the IOC", "OECD"), but
    # not a word of a line in capitals ("THE VICE PRESIDENT:", a transcript's speaker label).
    ORGANIZATION: re.compile(rf"\b(?:[A-Z][\w’'&-]*\s+(?:(?:of|for|and|the)\s+)*)*{_any(_EN['organizations'])}\b|"
                             r"(?<![A-Z] )(?<![A-Z][.:] )\b[A-Z]{3,6}s?\b(?![.:]? [A-Z]{2})"),
}
# Words before a name that make it a place or a time, not an actor.
_PLACE_WORDS = frozenset(_EN["place_words"])


def named_actors(sentence: str, exclude: frozenset[str] = frozenset()) -> list[str]:
    """Capitalised names in ``sentence`` that could be doing something: not its first word,
    not after a place word ("in Kazakhstan"), not among ``exclude`` (the question's words).

    >>> named_actors("Amidst these shifts, China is becoming a key actor.")
    ['China']
    >>> named_actors("As we recall, it was in Kazakhstan in 2013 that it was announced.")
    []
    """
    found = []
    for m in re.finditer(r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*", sentence):
        before = sentence[:m.start()].split()
        if not before or before[-1].lower().strip(",;:") in _PLACE_WORDS:
            continue
        if not all(w.lower().strip("’'") in exclude for w in m.group().split()):
            found.append(m.group())
    return found


def named_places(text: str, exclude: frozenset[str] = frozenset()) -> list[str]:
    """Capitalised names in ``text`` but its first word, not among ``exclude``: the places a
    "where"/"which city" question could be answered with (a loose test: the focus check in
    ``decide`` does the rest).

    >>> named_places("The summit, held in May 2023 in Xi’an, was a milestone.", frozenset({"summit"}))
    ['May', 'Xi’an']
    >>> named_places("It grew fast.")
    []
    """
    found = []
    for m in re.finditer(r"(?<=[\s(“\"'-])[A-Z][\w’'-]*", text):
        if m.group().lower().strip("’'") not in exclude:
            found.append(m.group())
    return found


def unmatched_focus(focus: tuple[str, ...], text: str) -> tuple[str, ...]:
    """The words of ``focus`` (names the speech uses that the question asks about) that
    ``text`` never uses, compared by stem.

    >>> unmatched_focus(("forum", "summits", "xi’an"), "The first Summit was held in Xi’an.")
    ('forum',)
    """
    stems = {stem(w) for w in word_list(text)}
    return tuple(w for w in focus if not all(stem(part) in stems for part in word_list(w)))


def contains(kind: str, text: str, *, exclude: frozenset[str] = frozenset()) -> bool:
    """Does ``text`` hold a thing of ``kind`` (a date, a quantity, a person, an actor)?

    >>> contains("quantity", "in 2013 it grew"), contains("quantity", "by 5.2%"), contains("date", "in May 2023")
    (False, True, True)
    >>> contains("time", "announced in 2013"), contains("time", "expected this year"), contains("time", "held in Astana")
    (True, True, False)
    >>> contains("date", "as I announced yesterday"), contains("date", "released last month"), contains("date", "it may")
    (True, True, False)
    >>> contains("date", "the talks this weekend"), contains("date", "we met on Tuesday")
    (True, True)
    >>> contains("time", "used over the last two years"), contains("date", "over the last two years")
    (True, False)
    >>> contains("count", "- Launch clusters\\n- Deepen ties"), contains("quantity", "- Launch clusters\\n- Deepen ties")
    (True, False)
    >>> contains("organization", "parks with Chinese involvement"), contains("organization", "the Center for Political Studies")
    (False, True)
    >>> contains("organization", "a meeting with the IOC"), contains("organization", "the US and the UK"), contains("time", "as I announced today")
    (True, False, True)
    >>> contains("organization", "THE VICE PRESIDENT: Thank you.")
    False
    >>> contains("person", "Thanks to President Tokayev"), contains("person", "the Head of the OECD Angel Gurría has said")
    (True, True)
    """
    if kind == AGENT:
        return contains(PERSON, text) or bool(named_actors(text, exclude))
    if kind == PLACE:
        return bool(named_places(text, exclude))
    pattern = _HAS.get(kind)
    return True if pattern is None else bool(pattern.search(text))


def figure_neighbours(kind: str, text: str, width: int) -> list[list[str]]:
    """For each figure (or date) of ``kind`` in ``text``, the ``width`` words either side of
    it: what the figure counts or measures is written there ("12 container ships").

    >>> figure_neighbours("quantity", "They hired 300 new workers and built two ports last year.", 2)
    [['they', 'hired', 'new', 'workers'], ['and', 'built', 'ports', 'last']]
    >>> figure_neighbours("person", "Nothing to count.", 2)
    []
    """
    pattern = _HAS.get(kind)
    if pattern is None:
        return []
    out = []
    for m in pattern.finditer(text):
        before = word_list(text[:m.start()])[-width:] if width else []
        after = word_list(text[m.end():])[:width]
        out.append([w.lower() for w in (*before, *after)])
    return out


# Words for the document itself, not for what it is about ("according to the speech").
_ABOUT_THE_TEXT = frozenset((*TEXT_WORDS, *AUTHOR_WORDS, "source"))


# Words that say which one of several things a question means ("the third summit", "in 2019").
_WHICH_ONE = re.compile(r"(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|(1[89]|20)\d\d)")


def focus_words(question: str, corpus_names) -> tuple[str, ...]:
    """The question's words that the speech writes as names ("forum" for "the Forum"), and
    its ordinals and years: what a question for a fact asks about.

    >>> focus_words("When was the forum held in China, says the speech?", ["china", "forum", "speech"])
    ('forum', 'china')
    >>> focus_words("When will the third Summit meet, after 2023?", ["summit"])
    ('third', 'summit', '2023')
    """
    names = set(corpus_names) - _ABOUT_THE_TEXT
    return tuple(dict.fromkeys(w for w in (re.sub(r"['’]s$", "", w.lower()) for w in re.findall(r"[\w’'-]+", question))
                               if w in names or _WHICH_ONE.fullmatch(w)))
