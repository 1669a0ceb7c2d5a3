"""Which language a question is written in, from its alphabet alone. Pure functions.

Only the distinction the pipeline acts on is made: English (Latin script) goes through the
English retriever; Russian and Kazakh (Cyrillic) and other scripts go through the
cross-lingual channel. Kazakh is told from Russian by the letters Russian lacks.
"""
from __future__ import annotations

import re
import unicodedata

ENGLISH, RUSSIAN, KAZAKH, OTHER = "en", "ru", "kk", "other"

# Letters of the Kazakh Cyrillic alphabet that Russian does not use.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_WORD = re.compile(r"[^\W\d_]+")


def _script(word: str) -> str:
    """``'latin'``, ``'cyrillic'`` or ``'other'``, by the script of the word's first letter.

    >>> _script("Астана"), _script("Astana"), _script("北京")
    ('cyrillic', 'latin', 'other')
    """
    name = unicodedata.name(word[0], "")
    if name.startswith("LATIN"):
        return "latin"
    if name.startswith("CYRILLIC"):
        return "cyrillic"
    return "other"


def detect(text: str) -> str:
    """The question's language: ``'en'``, ``'ru'``, ``'kk'`` or ``'other'``.

    Letters are counted by script. A capitalised Latin word inside the sentence is taken
    for a name (``Belt and Road`` in a Russian question) and not counted as English.
    A tie, or a question without letters, counts as English.

    >>> detect("Где пройдёт саммит?"), detect("Саммит қайда өтеді?"), detect("Where is it?")
    ('ru', 'kk', 'en')
    >>> detect("Что сказано про Belt and Road Initiative?")
    'ru'
    """
    counts = {"latin": 0, "cyrillic": 0, "other": 0}
    for n, word in enumerate(_WORD.findall(text)):
        script = _script(word)
        if script == "latin" and n > 0 and word[0].isupper():
            continue
        counts[script] += len(word)
    if counts["cyrillic"] > counts["latin"] and counts["cyrillic"] >= counts["other"]:
        return KAZAKH if any(ch in KAZAKH_LETTERS for ch in text) else RUSSIAN
    if counts["other"] > counts["latin"]:
        return OTHER
    return ENGLISH
