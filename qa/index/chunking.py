"""Text -> quotable chunks with exact character offsets. Pure functions, no I/O.

Paragraphs: in a file with blank lines between its paragraphs (wrapped Markdown), a blank
line ends a paragraph and single line breaks are wraps, except before a list item or a
heading; in a file without blank lines, each line is a paragraph. So both kinds are numbered
as a reader sees them.

Chunks: split at sentence ends, never inside a sentence; a line ending in ':' keeps the list
that follows it; a paragraph longer than ``target_chars`` is cut into balanced groups of
sentences. Only a single sentence longer than ``max_chars`` is cut inside (at a clause or
word break), because no passage may exceed ``max_chars``.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..types import Chunk

Span = tuple[int, int]

_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+•–—]|\d{1,3}[.)])\s")
_HEADING = re.compile(r"[ \t]*#{1,6}\s")
# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and a capital,
# digit, opening quote or dash.
_SENTENCE_END = re.compile(r"""[.!?…]+["'”’»)\]]*(?=\s+["'“‘«(\[\-–—]?[0-9A-ZА-ЯЁӘҒҚҢӨҰҮҺІ])""")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st sr jr vs etc e.g i.e no fig gen col lt sen rep gov u.s u.k u.n".split()
)


@dataclass(frozen=True)
class _Unit:
    """A sentence (or a whole list item) that is never cut: offsets and paragraph number."""

    start: int
    end: int
    paragraph: int
    is_list_item: bool = False


def _strip(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _lines(text: str) -> list[Span]:
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        spans.append((pos, pos + len(line.rstrip("\r\n"))))
        pos += len(line)
    return spans


def _starts_block(line: str) -> bool:
    return bool(_LIST_ITEM.match(line) or _HEADING.match(line))


def paragraphs(text: str, body: Span | None = None) -> list[Span]:
    """(start, end) of each paragraph, whitespace trimmed; only inside ``body`` when given
    (a document's metadata lines are not paragraphs of it).

    >>> paragraphs("One.\\nTwo\\nwraps.\\n\\n- item")
    [(0, 15), (17, 23)]
    >>> paragraphs("One.\\nTwo")
    [(0, 4), (5, 8)]
    >>> paragraphs("Date: May\\nOne.\\nTwo", (10, 18))
    [(10, 14), (15, 18)]
    """
    lines = _lines(text)
    if body is not None:
        lines = [(max(s, body[0]), min(e, body[1])) for s, e in lines if e > body[0] and s < body[1]]
    wrapped = any(not text[s:e].strip() for s, e in lines[1:-1])
    result: list[Span] = []
    current: Span | None = None
    for start, end in lines:
        line = text[start:end]
        if not line.strip():
            if current:
                result.append(current)
            current = None
        elif current is not None and wrapped and not _starts_block(line):
            current = (current[0], end)
        else:
            if current:
                result.append(current)
            current = (start, end)
    if current:
        result.append(current)
    return [_strip(text, s, e) for s, e in result]


def sentences(text: str, start: int, end: int) -> list[Span]:
    """Sentence spans of ``text[start:end]``, offsets into ``text``.

    >>> sentences("Dr. Li came. He left!", 0, 21)
    [(0, 12), (13, 21)]
    """
    spans, begin = [], start
    for m in _SENTENCE_END.finditer(text, start, end):
        word = text[begin:m.start()].rsplit(None, 1)[-1].lower() if text[begin:m.start()].strip() else ""
        if word.rstrip(".") in _ABBREVIATIONS or (len(word) == 1 and word.isalpha() and m.group() == "."):
            continue
        spans.append(_strip(text, begin, m.end()))
        begin = m.end()
    spans.append(_strip(text, begin, end))
    return [s for s in spans if s[1] > s[0]]


def _split_long(text: str, span: Span, max_chars: int) -> list[Span]:
    """Cut an over-long sentence at the last clause or word break before ``max_chars``."""
    pieces, (start, end) = [], span
    while end - start > max_chars:
        window = text[start:start + max_chars]
        cut = max(window.rfind("; "), window.rfind(", "), window.rfind(" -- "))
        if cut < max_chars // 2:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = max_chars
        pieces.append(_strip(text, start, start + cut + 1))
        start = _strip(text, start + cut + 1, end)[0]
    pieces.append((start, end))
    return [p for p in pieces if p[1] > p[0]]


def _units(text: str, max_chars: int, body: Span | None = None) -> list[list[_Unit]]:
    """Blocks of units: each paragraph is a block, and a ':' line joins the list after it."""
    blocks: list[list[_Unit]] = []
    in_list = False
    for number, (start, end) in enumerate(paragraphs(text, body), start=1):
        is_item = bool(_LIST_ITEM.match(text[start:end]))
        if is_item:
            spans = [(start, end)] if end - start <= max_chars else _split_long(text, (start, end), max_chars)
        else:
            spans = [p for s in sentences(text, start, end) for p in _split_long(text, s, max_chars)]
        units = [_Unit(s, e, number, is_item) for s, e in spans]
        if is_item and in_list and blocks:
            blocks[-1].extend(units)
        else:
            blocks.append(units)
            in_list = text[start:end].rstrip().endswith(":")
        in_list = in_list or (is_item and bool(blocks))
    return blocks


def _length(units: list[_Unit]) -> int:
    return units[-1].end - units[0].start


def _balanced_groups(units: list[_Unit], target: int, max_chars: int) -> list[list[_Unit]]:
    """Split units into the fewest groups of about ``target`` characters, evenly sized."""
    if _length(units) <= target or len(units) == 1:
        return [units]
    is_list = any(u.is_list_item for u in units)
    if is_list and _length(units) <= max_chars:
        return [units]
    n = min(len(units), math.ceil(_length(units) / target))
    origin, total = units[0].start, _length(units)
    cuts, last = [], 0
    for k in range(1, n):
        if last + 1 >= len(units):  # a long unit took the cuts early: no place left to cut
            break
        ideal = origin + total * k / n
        best = min(range(last + 1, len(units)), key=lambda i: abs(units[i].start - ideal))
        if best > last:
            cuts.append(best)
            last = best
    groups = [units[a:b] for a, b in zip([0, *cuts], [*cuts, len(units)]) if b > a]
    result = []
    for group in groups:
        if _length(group) > max_chars and len(group) > 1:
            result.extend(_balanced_groups(group, max(1, target // 2), max_chars))
        else:
            result.append(group)
    return result


def chunk_text(source: str, text: str, *, target_chars: int = 450, max_chars: int = 800,
               body: Span | None = None) -> list[Chunk]:
    """Chunks of one document in reading order; ``text[c.start:c.end] == c.text`` for each.
    Only ``body`` (the speech without its metadata lines) is chunked when given.

    >>> [c.text for c in chunk_text("a.txt", "One. Two.\\nThree.", target_chars=5)]
    ['One.', 'Two.', 'Three.']
    """
    chunks = []
    for block in _units(text, max_chars, body):
        for group in _balanced_groups(block, target_chars, max_chars):
            start, end = group[0].start, group[-1].end
            chunks.append(
                Chunk(
                    source=source,
                    text=text[start:end],
                    start=start,
                    end=end,
                    paragraph=group[0].paragraph,
                    last_paragraph=group[-1].paragraph,
                    sentences=tuple((u.start, u.end) for u in group),
                )
            )
    return chunks


def sentence_texts(chunk: Chunk) -> list[str]:
    """The text of each of a chunk's sentences, cut from the chunk by offsets."""
    return [chunk.text[s - chunk.start:e - chunk.start] for s, e in chunk.sentences]
