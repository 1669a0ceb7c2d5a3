"""A document's metadata: the block of ``Key: value`` lines at its top or bottom. Pure functions.

Users' files carry their own keys (``Author:``, ``Auther:``, ``Speaker:``, ``Source:``,
``URL:``, ``Occasion:``, ``Date:``...). A block is read as metadata when every line of it has
the form ``Key: value`` with a short title-case key, and at least one key is one the table
below knows; the block is then not speech: it is not chunked, ranked or numbered. Transcript
labels (``THE VICE PRESIDENT:``, ``MR. SULLIVAN:``) are upper case or dotted, so they stay
speech. The file's bytes are never changed: each field keeps the offsets of its value.
"""
from __future__ import annotations

import re

from ..types import Field

# Canonical field name for each key users write; a key not listed is kept under its own
# lower-cased name if the block has at least one known key.
KEYS: dict[str, str] = {
    "author": "author", "auther": "author", "authors": "author", "speaker": "author", "by": "author",
    "delivered by": "author", "presenter": "author", "speech by": "author", "remarks by": "author",
    "source": "source", "url": "source", "link": "source", "original": "source",
    "title": "title", "headline": "title", "subject": "title",
    "date": "date", "delivered": "date", "delivered on": "date",
    "event": "occasion", "occasion": "occasion", "forum": "occasion", "conference": "occasion",
    "meeting": "occasion", "summit": "occasion",
    "place": "place", "location": "place", "venue": "place", "city": "place",
    "license": "license", "licence": "license", "rights": "license", "copyright": "license",
    "language": "language", "role": "role", "position": "role", "affiliation": "role",
}
# ``Key: value``: a key of one to four words, then a value on the same line. A key the table
# does not know must be capitalised and not all upper case: a transcript label such as
# ``MR. SULLIVAN:`` or ``THE PRESIDENT:`` is speech.
_FIELD = re.compile(r"(?P<key>[A-Za-z][A-Za-z]*(?:[ -][A-Za-z][a-z]*){0,3})[ \t]*:[ \t]+(?P<value>\S.*?)[ \t]*$")
_TITLE_CASE = re.compile(r"[A-Z][a-z]+(?:[ -][A-Za-z][a-z]*){0,3}")


def _lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        spans.append((pos, pos + len(line.rstrip("\r\n"))))
        pos += len(line)
    return spans


def _field(text: str, start: int, end: int) -> Field | None:
    m = _FIELD.fullmatch(text, start, end)
    if not m:
        return None
    key = m.group("key").lower()
    if key not in KEYS and not _TITLE_CASE.fullmatch(m.group("key")):
        return None
    return Field(key=KEYS.get(key, key), label=m.group("key"), value=m.group("value"),
                 start=m.start("value"), end=m.end("value"), line_start=start, line_end=end,
                 line=text[start:end])


def _block(text: str, lines: list[tuple[int, int]]) -> list[Field]:
    """The fields of the run of ``Key: value`` lines at the start of ``lines`` (blank lines
    inside the run allowed), if at least one key is known; else nothing."""
    fields = []
    for start, end in lines:
        if not text[start:end].strip():
            continue
        found = _field(text, start, end)
        if found is None:
            break
        fields.append(found)
    return fields if any(f.label.lower() in KEYS for f in fields) else []


def read_header(text: str) -> tuple[tuple[Field, ...], tuple[int, int]]:
    """The metadata fields (top block, then bottom block) and the (start, end) of the speech.

    >>> fields, body = read_header("Speaker: A. Person\\nDate: 1 May\\nWe met.\\n")
    >>> [(f.key, f.value) for f in fields], body
    ([('author', 'A. Person'), ('date', '1 May')], (31, 38))
    >>> read_header("THE PRESIDENT: Thank you.\\n")[0]
    ()
    >>> [f.key for f in read_header("URL: https://x.org/a\\nTitle: Remarks\\n\\nThank you.")[0]]
    ['source', 'title']
    >>> [f.key for f in read_header("Title: A\\nDate: B\\nPlace: C\\nWe met.\\nSource: E\\n")[0]]
    ['title', 'date', 'place', 'source']
    >>> read_header("Title: A\\nDate: B\\n")
    ((), (0, 16))
    """
    lines = _lines(text)
    top = _block(text, lines)
    rest = [s for s in lines if s[0] > top[-1].line_end] if top else lines
    bottom = _block(text, rest[::-1])[::-1]
    if not any(text[s:e].strip() for s, e in rest if not bottom or s < bottom[0].line_start):
        top, bottom = [], []  # nothing but key/value lines: keep them as text rather than lose them
    start = top[-1].line_end if top else 0
    end = bottom[0].line_start if bottom else len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return tuple(top) + tuple(bottom), (start, end)
