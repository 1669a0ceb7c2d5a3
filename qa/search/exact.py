"""Exact text operations for questions about the wording: find, count, closest sentence.

Only the speech proper is searched (a document's body span: its metadata lines are not
speech). Before comparing, both sides are normalised for what a reader would not count as a
difference: quote styles (’ ' “ ” « »), dashes (– — -- and the spaces around them),
whitespace and case. ``normalise`` keeps a map back to the original text, so every
occurrence is given by offsets with ``text[start:end]`` the words as the speech has them.
Pure functions over the texts; the chunks of an index give them (``from_chunks``).
"""
from __future__ import annotations

import difflib
from array import array
import re
import unicodedata
import weakref
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..config import Quotes
from ..index.chunking import paragraphs, sentences
from ..index.lexical import STOPWORDS, stem
from ..types import Chunk, Document

Span = tuple[int, int]

_FOLD = {"’": "'", "‘": "'", "‛": "'", "ʼ": "'", "′": "'", "`": "'", "“": '"', "”": '"', "„": '"', "«": '"',
         "»": '"', "…": "..."}
_DASHES = frozenset("-–—‐‑‒−―")
_WORD = re.compile(r"\w+(?:'\w+)*")
# Words that turn a statement round; a quote that drops or adds one says something else.
NEGATIONS = frozenset("not no never nor neither none nothing without cannot не нет никогда ни без".split())
# Pairs of opposites (either order) flagged when a quote has one where the speech has the other.
OPPOSITES = frozenset(frozenset(p.split("/")) for p in (
    "increase/decrease more/less rise/fall support/oppose always/never will/won't accept/reject strong/weak success/failure agree/disagree all/none include/exclude "
    "growth/decline larger/smaller higher/lower better/worse").split())


@dataclass(frozen=True, kw_only=True)
class Text:
    """One document's text as the index knows it: offsets are the original file's; outside its
    passages only whitespace. ``paragraphs`` are (start, end, number) as the chunker numbers them."""

    source: str
    text: str
    body: Span
    paragraphs: tuple[tuple[int, int, int], ...]
    sentences: tuple[Span, ...]
    # Folded forms, computed on first use and kept (a Text is shared by every question).
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    def folded(self, span: Span | None = None) -> tuple[str, Sequence[int]]:
        """``normalise`` of the body (or of ``span``), computed once."""
        span = span or self.body
        if span not in self._memo:
            norm, where = normalise(self.text, *span)
            self._memo[span] = (norm, array("i", where))  # 4 bytes a character, not a list's 36
        return self._memo[span]

    def scripts(self) -> set[str]:
        if "scripts" not in self._memo:
            self._memo["scripts"] = _scripts(self.text[self.body[0]:self.body[1]])
        return self._memo["scripts"]

    def paragraph_at(self, offset: int) -> int:
        starts = [p[0] for p in self.paragraphs]
        i = bisect_right(starts, offset) - 1
        return self.paragraphs[max(i, 0)][2] if self.paragraphs else 0

    def sentence_at(self, offset: int) -> Span:
        i = bisect_right([s for s, _ in self.sentences], offset) - 1
        return self.sentences[i] if i >= 0 and offset < self.sentences[i][1] else (offset, offset)


@dataclass(frozen=True, kw_only=True)
class Hit:
    """One occurrence: ``text[start:end]`` in ``source``, in paragraph ``paragraph``."""

    source: str
    start: int
    end: int
    paragraph: int
    sentence: Span


@dataclass(frozen=True, kw_only=True)
class Near:
    """The sentence closest to a quote not found verbatim. ``differing`` are the offsets of its
    words that the quote does not have; ``missing`` the quote's words it does not have;
    ``negation`` a negation or opposite the quote drops, adds or swaps ("" if none)."""

    source: str
    sentence: Span
    paragraph: int
    share: float
    differing: tuple[Span, ...]
    missing: tuple[str, ...]
    negation: str


def from_document(document: Document) -> Text:
    """A document's body: its paragraphs and sentences as the chunker cuts them."""
    body = document.body_span
    spans = paragraphs(document.text, body)
    sents = tuple(s for a, b in spans for s in sentences(document.text, a, b))
    return Text(source=document.source, text=document.text, body=body,
                paragraphs=tuple((a, b, n) for n, (a, b) in enumerate(spans, start=1)), sentences=sents)


_SHARED: "weakref.WeakKeyDictionary[object, list[Text]]" = weakref.WeakKeyDictionary()


def texts_of(owner: object, chunks: Iterable[Chunk]) -> list[Text]:
    """``from_chunks(chunks)``, made once per ``owner`` (a loaded index) and then shared, so
    each question folds only what it has not folded before."""
    found = _SHARED.get(owner)
    if found is None:
        found = _SHARED.setdefault(owner, from_chunks(chunks))
    return found


def from_chunks(chunks: Iterable[Chunk]) -> list[Text]:
    """Each document's text rebuilt from its passages (offsets kept, gaps as whitespace)."""
    by_source: dict[str, list[Chunk]] = {}
    for c in chunks:
        if c.paragraph >= 1:
            by_source.setdefault(c.source, []).append(c)
    return [_rebuild(source, sorted(cs, key=lambda c: c.start)) for source, cs in by_source.items()]


def _rebuild(source: str, chunks: list[Chunk]) -> Text:
    end = max(c.end for c in chunks)
    chars = [" "] * end
    numbered: list[tuple[int, int, int]] = []
    for c in chunks:
        chars[c.start:c.end] = c.text
        numbered.extend(_chunk_paragraphs(c))
    for a, b in zip(chunks, chunks[1:]):  # a paragraph break between passages stays a line break
        if b.paragraph != a.last_paragraph and b.start > a.end:
            chars[a.end] = "\n"
    sents = tuple(s for c in chunks for s in c.sentences)
    return Text(source=source, text="".join(chars), body=(chunks[0].start, end), paragraphs=tuple(numbered),
                sentences=sents)


def _chunk_paragraphs(c: Chunk) -> list[tuple[int, int, int]]:
    """The numbered paragraphs inside one passage (a list kept with its lead-in spans several)."""
    if c.last_paragraph == c.paragraph:
        return [(c.start, c.end, c.paragraph)]
    spans = [(a + c.start, b + c.start) for a, b in paragraphs(c.text)]
    if len(spans) != c.last_paragraph - c.paragraph + 1:
        return [(c.start, c.end, c.paragraph)]
    return [(a, b, c.paragraph + i) for i, (a, b) in enumerate(spans)]


def _scripts(text: str) -> set[str]:
    return {unicodedata.name(ch, "?").split()[0] for ch in text if ch.isalpha()}


def searchable(texts: Sequence[Text], term: str) -> bool:
    """Whether the texts are written in the term's alphabet: a Russian word is not looked up
    in an English speech (it would always be "not found").

    >>> t = from_document(Document(source="a", text="China", sha256=""))
    >>> searchable([t], "China"), searchable([t], "Китай")
    (True, False)
    """
    wanted = _scripts(term)
    have = set().union(*(t.scripts() for t in texts)) if texts else set()
    return bool(wanted) and wanted <= have


def normalise(text: str, start: int = 0, end: int | None = None) -> tuple[str, list[int]]:
    """``text[start:end]`` folded for comparison, and for each folded character its offset.

    >>> normalise("It’s  A -- b")[0], normalise("a—b")[0]
    ("it's a-b", 'a-b')
    """
    end = len(text) if end is None else end
    out: list[str] = []
    where: list[int] = []
    i = start
    while i < end:
        ch = text[i]
        if ch in _DASHES:
            while out and out[-1] == " ":
                out.pop(), where.pop()
            out.append("-"), where.append(i)
            i += 1
            while i < end and (text[i] in _DASHES or text[i].isspace()):
                i += 1
            continue
        if ch.isspace():
            if out and out[-1] not in " -":
                out.append(" "), where.append(i)
        else:
            folded = _FOLD.get(ch, ch)
            folded = folded.lower() if len(folded.lower()) == len(folded) else folded
            out.extend(folded), where.extend([i] * len(folded))
        i += 1
    return "".join(out), where


def _term(term: str) -> str:
    return normalise(term)[0].strip(" .,;:!?\"'")


def _bounded(norm: str, a: int, b: int, term: str) -> bool:
    """Whether norm[a:b] is whole words: not inside a longer word; a possessive ’s may follow."""
    if term[0].isalnum() and a > 0 and norm[a - 1].isalnum():
        return False
    if not term[-1].isalnum() or b >= len(norm):
        return True
    if norm[b].isalnum():
        return False
    if norm[b] == "'" and b + 1 < len(norm) and norm[b + 1].isalnum():
        return norm[b + 1] == "s" and (b + 2 >= len(norm) or not norm[b + 2].isalnum())
    return True


def find(texts: Sequence[Text], term: str) -> list[Hit]:
    """Every whole-word occurrence of ``term`` in the texts' bodies, in order. Case is ignored
    unless the term is an acronym ("US" is not "us").

    >>> t = from_document(Document(source="a", text="China’s role. Chinese, china.", sha256=""))
    >>> [(h.start, h.end) for h in find([t], "China")]
    [(0, 5), (23, 28)]
    """
    wanted = _term(term)
    exact_case = term.strip().isupper() and len(term.strip()) > 1
    hits = []
    for t in texts if wanted else ():
        norm, where = t.folded()
        source = _acronym_text(t.text, norm, where) if exact_case else norm
        key = term.strip() if exact_case else wanted
        a = source.find(key)
        while a >= 0:
            b = a + len(key)
            if _bounded(norm, a, b, wanted):
                start, stop = where[a], where[b - 1] + 1
                hits.append(Hit(source=t.source, start=start, end=stop, paragraph=t.paragraph_at(start),
                                sentence=t.sentence_at(start)))
            a = source.find(key, a + 1)
    return hits


def find_elided(texts: Sequence[Text], quote: str) -> list[Hit]:
    """For a quote with words left out ("no model … as-is"): its parts, in order, in the first
    sentence that holds them all; [] if none does or the quote leaves nothing out.

    >>> t = from_document(Document(source="a", text="No model can be imported as-is.", sha256=""))
    >>> [(h.start, h.end) for h in find_elided([t], "no model ... as-is")]
    [(0, 8), (25, 30)]
    """
    parts = [p.strip(" .,;:\"'") for p in normalise(quote)[0].split("...")]
    parts = [p for p in parts if p]
    if len(parts) < 2:
        return []
    for t in texts:
        for span in t.sentences:
            norm, where = t.folded(span)
            found, pos = [], 0
            for part in parts:
                a = _next_bounded(norm, part, pos)
                if a < 0:
                    break
                found.append((where[a], where[a + len(part) - 1] + 1))
                pos = a + len(part)
            if len(found) == len(parts):
                return [Hit(source=t.source, start=a, end=b, paragraph=t.paragraph_at(a), sentence=span)
                        for a, b in found]
    return []


def _next_bounded(norm: str, part: str, pos: int) -> int:
    a = norm.find(part, pos)
    while a >= 0 and not _bounded(norm, a, a + len(part), part):
        a = norm.find(part, a + 1)
    return a


def _acronym_text(text: str, norm: str, where: list[int]) -> str:
    """The folded text with each character's original case, for a case-sensitive search."""
    return "".join(text[w] if len(text[w]) == 1 and text[w].lower() == c else c for c, w in zip(norm, where))


def forms(texts: Sequence[Text], term: str, hits: Sequence[Hit]) -> tuple[list[str], list[str]]:
    """(the forms counted, as the speech writes them; other words of the same stem, which were
    not counted: "Chinese" for "China"). Shows a reader what the count means."""
    counted: dict[str, None] = {}
    by_source = {t.source: t for t in texts}
    for h in hits:
        text = by_source[h.source].text
        tail = text[h.end:h.end + 2]
        counted[text[h.start:h.end] + (tail if tail in ("’s", "'s") else "")] = None
    word = term.strip()
    if not word.isalpha() or len(word) < 4:
        return list(counted), []
    stem = re.escape(word[:max(4, len(word) - 2)])
    related: dict[str, None] = {}
    for t in texts:
        for m in re.finditer(rf"(?<!\w){stem}\w*", t.text[t.body[0]:t.body[1]], re.I):
            if m.group().lower() != word.lower():
                related[m.group()] = None
    return list(counted), list(related)[:5]


def _words(t: Text, span: Span) -> tuple[list[str], list[Span], list[str]]:
    """The folded words of ``span``, their offsets and their stems (kept with the text)."""
    key = ("words", span)
    if key not in t._memo:
        norm, where = normalise(t.text, *span)
        found = [(m.group(), (where[m.start()], where[m.end() - 1] + 1)) for m in _WORD.finditer(norm)]
        t._memo[key] = ([w for w, _ in found], [s for _, s in found], [_stem(w) for w, _ in found])
    return t._memo[key]


def _negations(words: Iterable[str]) -> list[str]:
    return [w for w in words if w in NEGATIONS or w.endswith("n't")]


def closest(texts: Sequence[Text], quote: str, *, quotes: Quotes = Quotes()) -> Near | None:
    """The sentence that holds most of ``quote``'s words in order, if it holds at least
    ``quotes.close_share`` of them (function words count a quarter) and two words; with the
    words that differ and any negation the quote loses.
    Words are compared by stem ("matter" is close to "matters"); within a long sentence
    only the stretch about as long as the quote is compared."""
    wanted = _WORD.findall(normalise(quote)[0])
    if len(wanted) < 2:
        return None
    stems, weights = [_stem(w) for w in wanted], [_weight(w) for w in wanted]
    best = None
    for t in texts:
        for span in t.sentences:
            words, spans, have = _words(t, span)
            if len(set(stems) & set(have)) < max(2, quotes.close_share * len(set(stems))):
                continue
            key, m, offset = _best_window(stems, have, weights)
            if key[0] >= quotes.close_share and (best is None or key > best[0]):
                best = (key, t, span, words[offset:], spans[offset:], m)
    return None if best is None else _near(wanted, *best)


def _stem(word: str) -> str:
    """A word's stem for closeness: possessive and inflection dropped ("China's" -> "china")."""
    return stem(word.removesuffix("'s"))


def _weight(word: str) -> float:
    """How much a word counts for closeness: a function word ("the", "of") a quarter."""
    return 0.25 if word in STOPWORDS else 1.0


def _best_window(stems: list[str], have: list[str], weights: list[float]
                 ) -> tuple[tuple[float, float], difflib.SequenceMatcher, int]:
    """((weighted share of the quote's words matched in order, closeness), the matcher, the
    window's first word) for the stretch of ``have`` that matches ``stems`` best."""
    size = len(stems) + max(2, len(stems) // 2)
    best = None
    for i in range(max(1, len(have) - size + 1)):
        m = difflib.SequenceMatcher(None, stems, have[i:i + size], autojunk=False)
        matched = sum(weights[b.a + k] for b in m.get_matching_blocks() for k in range(b.size))
        key = (matched / sum(weights), m.ratio())
        if best is None or key > best[0]:
            best = (key, m, i)
    return best


def _near(wanted: list[str], key: tuple[float, float], t: Text, span: Span, words: list[str],
          spans: list[Span], m: difflib.SequenceMatcher) -> Near:
    blocks = [b for b in m.get_matching_blocks() if b.size]
    lo, hi = blocks[0].b, blocks[-1].b + blocks[-1].size
    differing, missing, swapped = [], [], []
    for op, a1, a2, b1, b2 in m.get_opcodes():
        if op == "equal":  # the same stem; a different form ("matter", "matters") still differs
            missing.extend(x for x, y in zip(wanted[a1:a2], words[b1:b2]) if x != y)
            differing.extend(spans[b1 + i] for i, (x, y) in enumerate(zip(wanted[a1:a2], words[b1:b2])) if x != y)
            continue
        missing.extend(wanted[a1:a2])
        inside = range(max(b1, lo), min(b2, hi))
        differing.extend(spans[i] for i in inside)
        if op == "replace":
            swapped.extend((x, y) for x in wanted[a1:a2] for y in words[b1:b2] if frozenset((x, y)) in OPPOSITES)
    said = _negations(words[lo:hi])
    quoted = _negations(wanted)
    if len(said) > len(quoted):
        negation = f"the speech says “{said[0]}” where the quote does not"
    elif len(quoted) > len(said):
        negation = f"the quote adds “{quoted[0]}”, which the speech does not have there"
    elif swapped:
        negation = f"the quote has “{swapped[0][0]}” where the speech has “{swapped[0][1]}”"
    else:
        negation = ""
    return Near(source=t.source, sentence=span, paragraph=t.paragraph_at(span[0]), share=key[0],
                differing=tuple(differing), missing=tuple(dict.fromkeys(missing)), negation=negation)
