"""Questions about the document itself, answered from its metadata lines. Pure functions.

"Who gave this speech?" is answered by the ``Author:``/``Speaker:`` line of the document in
scope, cited by the exact offsets of its value; a document without such a line but with
transcript labels ("MR. SULLIVAN: ...") is answered by the passage that opens with the label.
"""
from __future__ import annotations

from ..questions.meta import AUTHOR, FIELDS
from ..search.scope import DocumentInfo
from ..types import Chunk, Field, Passage


def field_passage(source: str, field: Field) -> Passage:
    """A metadata line as a citable passage (paragraph 0: the header), its value the sentence.

    >>> f = Field(key="date", label="Date", value="7 May", start=6, end=11, line_start=0, line_end=11,
    ...           line="Date: 7 May")
    >>> p = field_passage("a.txt", f); p.citation, p.text, p.sentences
    ('a.txt, header', 'Date: 7 May', ((6, 11),))
    """
    return Passage(source=source, text=field.line, start=field.line_start, end=field.line_end, paragraph=0,
                   last_paragraph=0, sentences=((field.start, field.end),), score=1.0)


def metadata_passages(kind: str, document: DocumentInfo) -> list[Passage]:
    """The metadata lines that answer ``kind`` (author: with the role line, if any)."""
    found = document.field(*FIELDS[kind])
    if found is None:
        return []
    out = [field_passage(document.source, found)]
    role = document.field("role") if kind == AUTHOR else None
    if role is not None:
        out.append(field_passage(document.source, role))
    return out


def label_passage(document: DocumentInfo, chunks: tuple[Chunk, ...]) -> Chunk | None:
    """The first passage of ``document`` whose text names its speaker in a transcript label."""
    if not document.speaker:
        return None
    label = document.speaker.upper()
    return next((c for c in chunks if c.source == document.source and f"{label}:" in c.text), None)
