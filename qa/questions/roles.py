"""The speaker's office, as a question refers to it ("the PM", "the vice president") and as a
document describes its speaker ("Julia Gillard, Prime Minister of Australia", a transcript
label "THE VICE PRESIDENT:"). Per-language tables; pure functions.

Every office has one English name ("prime minister"); the tables map each language's words to
it, so a Russian question's "премьер-министр" and an English byline's "Prime Minister" meet.
"""
from __future__ import annotations

import re

# English name -> how an English text writes it. Longer offices come first, so "vice
# president" is read before "president" and "prime minister" before "minister".
_ENGLISH = {
    "vice president": r"vice[- ]president|vp",
    "prime minister": r"prime minister|pm",
    "national security adviser": r"national security advis[eo]r",
    "secretary-general": r"secretary[- ]general",
    "president": r"president",
    "premier": r"premier",
    "chancellor": r"chancellor",
    "secretary": r"secretary",
    "minister": r"minister",
    "senator": r"senator",
    "governor": r"governor",
    "ambassador": r"ambassador",
    "mayor": r"mayor",
    "king": r"king",
    "queen": r"queen",
    "expert": r"expert",
    "professor": r"professor",
}
_RUSSIAN = {
    "vice president": r"вице-президент\w*",
    "prime minister": r"премьер(-министр)?\w*",
    "president": r"президент\w*",
    "minister": r"министр\w*",
    "secretary": r"госсекретар\w*|секретар\w*",
    "expert": r"эксперт\w*",
    "professor": r"профессор\w*",
}


# Words that stand before a name as a title ("President Xi Jinping", "MR. SULLIVAN", "Secretary
# Blinken"): dropped where a name is read from a question or a transcript label.
TITLE_WORDS = frozenset("""
    the mr mrs ms dr prof
    president vice prime minister premier chancellor secretary deputy general senator sen
    representative rep governor gov mayor ambassador administrator speaker king queen
    chair chairman chairwoman chairperson head director founder
""".split())


def _alternation(table: dict[str, str]) -> str:
    return "|".join(f"(?P<g{i}>{pattern})" for i, pattern in enumerate(table.values()))


_DESCRIBED = re.compile(rf"\b({_alternation(_ENGLISH)})\b", re.I)
# In a question, an office refers to the speaker after "the", when no "of" follows ("the PM's
# view", not "the President of Indonesia") and it does not open a name ("the President's
# Advisory Council"); a Russian question needs no article.
_REFERS = {
    "en": re.compile(rf"\bthe ({_alternation(_ENGLISH)})(?:['’]s)?\b(?!\s+of\b)(?!(?:['’]s)?\s+(?-i:[A-Z]))", re.I),
    "ru": re.compile(rf"(?<![\w-])({_alternation(_RUSSIAN)})(?!\s+(\w+\s+)?(стран|государств|республик|сша)\w*)",
                     re.I),
}
_NAMES = {"en": list(_ENGLISH), "ru": list(_RUSSIAN)}


def _offices(pattern: re.Pattern, names: list[str], text: str) -> frozenset[str]:
    out = set()
    for m in pattern.finditer(text):
        group = next(k for k, v in m.groupdict().items() if v is not None)
        out.add(names[int(group[1:])])
    return frozenset(out)


def described(text: str) -> frozenset[str]:
    """The offices an English byline, role line or transcript label gives.

    >>> sorted(described("Kamala Harris, Vice President of the United States"))
    ['vice president']
    >>> sorted(described("Kevin Rudd (Prime Minister of Australia)")), sorted(described("SECRETARY BLINKEN"))
    (['prime minister'], ['secretary'])
    """
    return _offices(_DESCRIBED, _NAMES["en"], text)


def referred(question: str, language: str = "en") -> frozenset[str]:
    """The offices a question uses to refer to the speaker; empty for a language without a table.

    >>> sorted(referred("Why does the PM's government back the deal?"))
    ['prime minister']
    >>> sorted(referred("What did the president of the bank announce?")), sorted(referred("Does the VP agree?"))
    ([], ['vice president'])
    >>> sorted(referred("Who sits on the President's Export Council?"))
    []
    >>> sorted(referred("Что думает премьер-министр о торговле?", "ru"))
    ['prime minister']
    """
    pattern = _REFERS.get(language)
    return _offices(pattern, _NAMES[language], question) if pattern else frozenset()


def as_the_speaker(question: str) -> str:
    """The English question with an office that refers to the speaker said as "the speaker".

    >>> as_the_speaker("Where did the PM speak?"), as_the_speaker("What did the president of the bank say?")
    ('Where did the speaker speak?', 'What did the president of the bank say?')
    >>> as_the_speaker("When did the Vice President's remarks take place?")
    "When did the speaker's remarks take place?"
    """
    return _REFERS["en"].sub(lambda m: "the speaker" + _possessive(m.group(0)), question)


def _possessive(words: str) -> str:
    """The possessive ending of ``words`` ("'s" or "’s"), or ""."""
    return words[-2:] if words.endswith(("'s", "’s")) else ""
