"""Who said it, where, and the exact words: citations a writer can paste. Pure functions.

The page's "Copy citation" and ``python -m qa ask --json`` (each passage's ``cite``) use
the same ``citation_text``.

The speaker and the occasion come from the document's metadata lines, read as the index
reads them (``qa.index.header``: ``Author:``/``Auther:``/``Speaker:``, ``Occasion:``/``Event:``,
``Title:``, ``Source:``...); a document without them is cited by file and paragraph only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..index.header import read_header
from ..types import Passage


@dataclass(frozen=True, kw_only=True)
class DocInfo:
    """What a citation names besides the file: ``speaker`` and ``occasion`` when known."""

    source: str
    speaker: str | None = None
    occasion: str | None = None


def doc_info(source: str, text: str) -> DocInfo:
    """The speaker (before the first comma of the author line) and the occasion of a document.

    >>> doc_info("a.txt", "Words.\\nAuther: Ann Lee, Expert\\nSource: Speech at the Forum")
    DocInfo(source='a.txt', speaker='Ann Lee', occasion='speech at the Forum')
    """
    fields = read_header(text)[0]
    speaker = next((f.value for f in fields if f.key == "author"), None)
    # The occasion as words: a Source: line that is only a web address says no occasion.
    occasion = next((f.value for key in ("occasion", "title", "source") for f in fields
                     if f.key == key and not re.match(r"https?://", f.value)), None)
    name = re.split(r"\s*[,(]", speaker, maxsplit=1)[0].strip() if speaker else None
    where = occasion.rstrip(".") if occasion else None
    if where and len(where) > 1 and where[0].isupper() and where[1].islower():
        where = where[0].lower() + where[1:]  # "Speech at ..." reads as "speech at ..." after a comma
    return DocInfo(source=source, speaker=name or None, occasion=where or None)


def quoted_words(passage: Passage, spans: tuple[tuple[int, int], ...] = ()) -> str:
    """The words to quote: the supporting spans (document offsets) or the whole passage.

    Spans that do not follow each other are joined with an ellipsis; whitespace is collapsed.
    """
    cut = [(s, e) for s, e in spans if passage.start <= s < e <= passage.end] or [(passage.start, passage.end)]
    parts, previous_end = [], None
    for s, e in sorted(cut):
        piece = " ".join(passage.text[s - passage.start:e - passage.start].split())
        if previous_end is not None and passage.text[previous_end - passage.start:s - passage.start].strip():
            parts.append("…")
        parts.append(piece)
        previous_end = e
    return " ".join(parts)


def citation_text(passage: Passage, info: DocInfo | None, spans: tuple[tuple[int, int], ...] = ()) -> str:
    """A citation to paste: speaker, occasion, file and paragraph, and the quoted words.

    >>> from ..types import Passage
    >>> p = Passage(source="a.txt", text="It was “new”.", start=0, end=13, paragraph=2,
    ...             last_paragraph=2, sentences=((0, 13),), score=1.0)
    >>> citation_text(p, DocInfo(source="a.txt", speaker="Ann Lee", occasion="speech at X"))
    'Ann Lee, speech at X, a.txt ¶2: “It was ‘new’.”'
    """
    words = quoted_words(passage, spans).replace("“", "‘").replace("”", "’").replace('"', "'")
    who = [part for part in (info.speaker, info.occasion) if part] if info else []
    end = "" if words[-1:] in ".!?…" else "."
    return ", ".join([*who, passage.citation]) + f": “{words}”{end}"
