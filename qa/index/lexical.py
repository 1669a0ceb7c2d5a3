"""Words -> terms for BM25: stop words dropped, stems, spelling and acronyms resolved
against the corpus's own vocabulary. Pure functions and one small class, no model.

A question word the corpus never uses is corrected to a corpus word one or two edits away
("acording" -> "according"), an acronym is expanded when the corpus spells out a name with
those initials ("BRI" -> "Belt and Road Initiative"); whatever still matches nothing is
*unknown*, which the abstention step reads as a sign that the speech is silent.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

# Function words plus the words people use to frame a question about a text: they say
# what is asked, not what it is about, so they must not pull passages up by themselves.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be been before being
below between both but by can could did do does doing done down during each either else
ever few for from further get gets got had has have having he her here hers him his how
i if in into is it its itself just me might more most much must my no nor not now of off
on once only or other our ours out over own per please rn same shall she should so some
such than that the their theirs them then there these they this those through to too
under until up upon us very via was we were what whats when where which while who whom
whose why will with within would yet you your s t m d ll re ve
speaker speakers speech talk text say says said saying tell tells told mention
mentions mentioned according describe describes described think thinks thought mean
means meant see sees give gives given way ways thing things kind like
""".split())

_WORD = re.compile(r"[A-Za-z0-9\u00C0-\u024F\u0400-\u04FF]+(?:[-'’][A-Za-z0-9\u00C0-\u024F\u0400-\u04FF]+)*")
_CONNECTORS = frozenset({"and", "of", "the", "for", "&"})
_POSSESSIVE = re.compile(r"['’]s$")
_JOINERS = re.compile(r"[-'’]")


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-case words with possessives dropped and hyphenated words split.

    >>> words("Kazakhstan's multi-vector policy")
    ['kazakhstan', 'multi', 'vector', 'policy']
    """
    out = []
    for token in _WORD.findall(text):
        token = token.lower()
        if "-" in token or "'" in token or "’" in token:
            out.extend(p for p in _JOINERS.split(_POSSESSIVE.sub("", token)) if p)
        else:
            out.append(token)
    return out


def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def acronyms(text: str) -> dict[str, tuple[str, ...]]:
    """Initials of each multi-word capitalised name in ``text`` -> the name's words.

    >>> acronyms("the Belt and Road Initiative was")["bri"]
    ('belt', 'road', 'initiative')
    """
    found: dict[str, tuple[str, ...]] = {}
    tokens = re.findall(r"[A-Za-z&]+", text)
    i = 0
    while i < len(tokens):
        run = []
        while i < len(tokens) and (tokens[i][0].isupper() or (run and tokens[i].lower() in _CONNECTORS)):
            run.append(tokens[i])
            i += 1
        while run and run[-1].lower() in _CONNECTORS:
            run.pop()
        content = [w for w in run if w.lower() not in _CONNECTORS]
        # Every stretch of the name: "Digital Silk Road and the Belt and Road Initiative" holds BRI.
        for a in range(len(content)):
            for b in range(a + 2, min(len(content), a + 6) + 1):
                found.setdefault("".join(w[0] for w in content[a:b]).lower(), tuple(w.lower() for w in content[a:b]))
        i += 1 if not run else 0
    return found


def same_name(word: str, known: str) -> bool:
    """Are ``word`` and ``known`` forms of one name: one is the other, or a form of it that
    differs after their first four letters or more by at most one letter of the shorter
    ("Japanese"/"Japan", "Chinese"/"China", "Turkmen"/"Turkmenistan")?

    >>> same_name("japanese", "japan"), same_name("chinese", "china"), same_name("turkmen", "turkmenistan")
    (True, True, True)
    >>> same_name("austria", "australia"), same_name("iran", "iraq"), same_name("french", "france")
    (False, False, False)
    """
    shared = len(os.path.commonprefix((word, known)))
    return shared >= 4 and min(len(word), len(known)) - shared <= 1


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance, or ``limit + 1`` once it must exceed ``limit``.

    >>> edit_distance("acording", "according", 2), edit_distance("form", "from", 2)
    (1, 1)
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _deletions(word: str, k: int) -> set[str]:
    """``word`` and every string made from it by deleting up to ``k`` letters.

    >>> sorted(_deletions("abc", 1))
    ['ab', 'abc', 'ac', 'bc']
    """
    out, frontier = {word}, {word}
    for _ in range(k):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


@dataclass(frozen=True, kw_only=True)
class QueryTerms:
    """A question read against the corpus: BM25 terms and the words the corpus lacks."""

    terms: tuple[str, ...]
    unknown: tuple[str, ...]
    corrected: tuple[tuple[str, str], ...] = ()


class Vocabulary:
    """The corpus's words, stems and acronyms; resolves a question's words against them."""

    def __init__(self, texts: list[str], *, names: list[str] = ()) -> None:
        """``names``: further text the corpus's names are read from, not its words (the
        documents' metadata lines: "Role: Prime Minister of Australia" makes "PM" known)."""
        joined = "\n".join(texts)
        self.counts = Counter(words(joined))
        self.stems = {stem(w) for w in self.counts}
        self.acronyms = {**acronyms("\n".join(names)), **acronyms(joined)}
        self._by_length: dict[int, list[str]] = {}
        for w in sorted(self.counts, key=lambda w: -self.counts[w]):
            if w.isalpha():
                self._by_length.setdefault(len(w), []).append(w)
        # Candidates for ``correct`` by shared deletions (two words within k edits share a
        # string made by deleting at most k letters from each), so a question word is
        # compared with a handful of corpus words, not all of them.
        self._rank = {w: (len(w), i) for ws in self._by_length.values() for i, w in enumerate(ws)}
        self._deleted: dict[str, set[str]] = {}
        for w in self._rank:
            if len(w) >= 4:
                for variant in _deletions(w, 2):
                    self._deleted.setdefault(variant, set()).add(w)

    def known(self, word: str) -> bool:
        return word in self.counts or stem(word) in self.stems

    def correct(self, word: str) -> str | None:
        """The most frequent corpus word within 1 edit (2 for long words), if any.

        Short words are left alone: at 3 letters almost everything is one edit away.
        """
        if len(word) < 6 or not word.isalpha():
            return None
        limit = 1 if len(word) < 9 else 2
        near = set().union(*(self._deleted.get(v, ()) for v in _deletions(word, limit)))
        for distance in range(1, limit + 1):
            found = [c for c in near if edit_distance(word, c, distance) <= distance]
            if found:  # as a scan would meet them: shortest first, then the most frequent
                return min(found, key=self._rank.__getitem__)
        return None

    def read(self, text: str, *, spelling: bool = True) -> QueryTerms:
        """BM25 terms of a question, with spelling corrected and acronyms expanded."""
        terms, unknown, corrected = [], [], []
        for word in words(text):
            if word in STOPWORDS:
                continue
            if self.known(word):
                terms.append(stem(word))
            elif spelling and word in self.acronyms and word.upper() in text:
                terms.extend(stem(w) for w in self.acronyms[word])
            elif spelling and (fixed := self.correct(word)) is not None:
                corrected.append((word, fixed))
                if fixed not in STOPWORDS:
                    terms.append(stem(fixed))
            else:
                terms.append(stem(word))
                unknown.append(word)
        return QueryTerms(terms=tuple(terms), unknown=tuple(unknown), corrected=tuple(corrected))

    def coverage(self, read: QueryTerms) -> float:
        """Share of the question's content words that the corpus uses (1.0 for none).

        >>> Vocabulary(["China grows."]).coverage(QueryTerms(terms=("china", "mars"), unknown=("mars",)))
        0.5
        """
        return 1.0 - len(read.unknown) / len(read.terms) if read.terms else 1.0

    def document_terms(self, text: str) -> list[str]:
        return [stem(w) for w in words(text) if w not in STOPWORDS]
