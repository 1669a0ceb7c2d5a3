"""A document's metadata: the block of ``Key: value`` lines at its top or bottom, a title and
byline at its top, a signature at its bottom. Pure functions.

Users' files carry their own keys (``Author:``, ``Auther:``, ``Speaker:``, ``Source:``,
``URL:``, ``Occasion:``, ``Date:``...). A block is read as metadata when every line of it has
the form ``Key: value`` with a short title-case key, and at least one key is one the table
below knows; the block is then not speech: it is not chunked, ranked or numbered. Transcript
labels (``THE VICE PRESIDENT:``, ``MR. SULLIVAN:``) are upper case or dotted, so they stay
speech. The file's bytes are never changed: each field keeps the offsets of its value.
"""
from __future__ import annotations

import re
from dataclasses import replace

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
FIELD_NAMES = frozenset(KEYS.values())  # the fields a key can name
# A key the table does not know may still say which field it is, by its form: a known key
# inflected ("Dated", "Authored", "Speakers"), a key naming the text's agent by "by" or its
# sender by "from" ("Written by", "Spoken by", "From"), a value that is a date and nothing
# else ("Sent: Tuesday, 2 December 1823") or holds a full one ("Transmitted: the 4th of December,
# 1883 (a Tuesday)"), or a verb's "by" left out before a name ("Signed: Chester A. Arthur").
# See ``_table_key`` and ``_by_form``.
_INFLECTIONS = ("d", "ed", "s", "es", "ing")
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
# A day, a month and a year ("4th of December, 1883", "May 2, 2023", "2023-05-02", "2/5/2023").
_FULL = (rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
         r"|\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}/\d{4}")
# A value that is a date and nothing else, a weekday before it or a month and year alone.
_DATE_VALUE = re.compile(rf"(?:[A-Z][a-z]+day,?\s+)?(?:{_FULL}|{_MONTH},?\s+\d{{4}})\.?")
# A full date inside a longer value ("the 4th of December, 1883 (a Tuesday)"); a month and year
# alone ("May 1998") may be a subject's words, so it counts only as the whole value.
_FULL_DATE = re.compile(rf"\b(?:{_FULL})\b")
# An office written as the key names the speaker ("President: Woodrow Wilson") when the value
# is a name: a transcript may label a speaker so too ("President: Thank you all.").
OFFICES = frozenset({"president", "vice president", "prime minister", "premier", "chancellor", "minister",
                     "secretary", "ambassador", "governor", "mayor", "chair", "chairman", "chairwoman",
                     "chairperson", "senator", "king", "queen"})
_NAME = re.compile(r"(?:[A-Z][\w.'’-]*|of|de|van|von|da|al|bin)(?: (?:[A-Z][\w.'’-]*|of|de|van|von|da|al|bin)){0,5}")
# ``Key: value``: a key of one to four words, then a value on the same line. A key the table
# does not know must be capitalised and not all upper case: a transcript label such as
# ``MR. SULLIVAN:`` or ``THE PRESIDENT:`` is speech.
_FIELD = re.compile(r"(?P<key>[A-Za-z][A-Za-z]*(?:[ -][A-Za-z][a-z]*){0,3})[ \t]*:[ \t]+(?P<value>\S.*?)[ \t]*$")
_TITLE_CASE = re.compile(r"[A-Z][a-z]+(?:[ -][A-Za-z][a-z]*){0,3}")


def _table_key(key: str) -> str | None:
    """The field the table gives ``key`` (lower case), directly or as an inflected form of a
    key it knows; None when it gives none.

    >>> _table_key("date"), _table_key("dated"), _table_key("authored"), _table_key("speakers"), _table_key("host")
    ('date', 'date', 'author', 'author', None)
    """
    if key in KEYS:
        return KEYS[key]
    for ending in _INFLECTIONS:
        stem = key[:-len(ending)] if key.endswith(ending) else ""
        if stem in KEYS or (stem and stem + "e" in KEYS):
            return KEYS.get(stem) or KEYS[stem + "e"]
    return None


def _by_form(fields: list[Field]) -> list[Field]:
    """``fields`` with keys the table does not know read by their form, for a field the block
    lacks: the first key ending in "by" or reading "from" as the author; the first value that is
    a date alone, or holds a day, month and year, as the date; then the first key of one word in
    "-ed" (a verb's "by" left out: "Signed", "Approved") whose value opens with a name of two
    words or more, as the author.

    >>> [(f.key, f.value) for f in read_header("Written by: A. Person\\nSent: Tuesday, 2 May 2023\\n\\nWe met.")[0]]
    [('author', 'A. Person'), ('date', 'Tuesday, 2 May 2023')]
    >>> [(f.key, f.value) for f in read_header("Speaker: A. Person\\nTranslated by: B. Other\\n\\nWe met.")[0]]
    [('author', 'A. Person'), ('translated by', 'B. Other')]
    >>> [(f.key, f.value) for f in read_header("Signed: Ann B. Person, Mayor\\nPosted: the 2nd of May, 2023 (noon)\\n\\nWe met.")[0]]
    [('author', 'Ann B. Person, Mayor'), ('date', 'the 2nd of May, 2023 (noon)')]
    >>> read_header("Regarding: The May 1998 accord\\nFiled: Press office\\n\\nWe met.")[0]
    ()
    >>> [(f.key, f.value) for f in read_header("Date: 1 May 2020\\nPublished: the city press\\n\\nWe met.")[0]]
    [('date', '1 May 2020'), ('published', 'the city press')]

    A key that names no field is the author's when its value is an office and a name, unless it
    says to whom ("Sent to: President A. Doe"):

    >>> [f.key for f in read_header("Originator: President Ann B. Doe (Whig)\\nDated: 2 May 2023\\n\\nWe met.")[0]]
    ['author', 'date']
    >>> [f.key for f in read_header("Sent to: President Ann B. Doe\\nDated: 2 May 2023\\n\\nWe met.")[0]]
    ['sent to', 'date']
    """
    out, have = list(fields), {f.key for f in fields}
    for i, f in enumerate(out):
        if f.key in FIELD_NAMES:
            continue
        words = f.label.lower().split()
        if "author" not in have and (words[-1] == "by" or words == ["from"]):
            out[i], have = replace(f, key="author"), have | {"author"}
        elif "date" not in have and (_DATE_VALUE.fullmatch(f.value) or _FULL_DATE.search(f.value)):
            out[i], have = replace(f, key="date"), have | {"date"}
    for i, f in enumerate(out):
        if "author" in have or f.key in FIELD_NAMES:
            continue
        words = f.label.lower().split()
        name = _NAME.match(f.value)  # None for a value that opens in lower case or with a figure
        signed = len(words) == 1 and words[0].endswith("ed") and name and sum(w[:1].isupper() for w in name[0].split()) >= 2
        by_office = words[-1] not in _TOWARDS and _OFFICE_NAME.match(f.value)  # "Originator: President A. Jackson" (M5)
        if signed or by_office:
            out[i], have = replace(f, key="author"), have | {"author"}
    return out


# A value that opens with an office and a name of two capitalised words or more names a person
# ("President Andrew Jackson (Democratic)"); under a key that ends in one of ``_TOWARDS`` it is
# who the text went to, not who gave it (candidate M5, thirty-first session).
_OFFICE_NAME = re.compile(rf"(?:the\s+)?(?i:{'|'.join(sorted(OFFICES, key=len, reverse=True))})\s+"
                          r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)+")
_TOWARDS = frozenset("to before for at with".split())


def _lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        spans.append((pos, pos + len(line.rstrip("\r\n"))))
        pos += len(line)
    return spans


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    """The (start, end) of the line ``text[start:end]`` without the white space around it."""
    line = text[start:end]
    return start + len(line) - len(line.lstrip()), start + len(line.rstrip())


def _field(text: str, start: int, end: int) -> Field | None:
    m = _FIELD.fullmatch(text, start, end)
    if not m:
        return None
    key = m.group("key").lower()
    if _table_key(key) is None and not _TITLE_CASE.fullmatch(m.group("key")):
        return None
    if key in OFFICES:
        if not _NAME.fullmatch(m.group("value")):
            return None
        key = "speaker"
    return Field(key=_table_key(key) or key, label=m.group("key"), value=m.group("value"),
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
    return fields if _knows_a_key(fields) else []


def _knows_a_key(fields: list[Field]) -> bool:
    """Is one of the keys written one the table knows (or an office, read as the speaker), or
    one read by its form (``_by_form``)?"""
    return any(f.key in FIELD_NAMES for f in _by_form(fields))


_YAML_FIELD = re.compile(r"(?P<key>[A-Za-z][\w -]{0,30}?)[ \t]*:[ \t]+(?P<value>\S.*?)[ \t]*")
_YAML_KEY = re.compile(r"[A-Za-z][\w -]{0,30}:[ \t]*")  # "tags:", a list below it


def _front_matter(text: str, lines: list[tuple[int, int]]) -> tuple[list[Field], int] | None:
    """Markdown front matter: a ``---`` line first, ``key: value`` lines (any case, a value
    in quotes read inside them; indented or list lines skipped; one known key at least), a
    closing ``---`` line. Its fields and the offset where the speech starts; None when the file
    does not open so (a line of prose between two rules is speech).

    >>> fields, end = _front_matter(*_doc('---\\ntitle: "On Trade"\\nspeaker: A. Person\\n---\\nWe met.'))
    >>> [(f.key, f.value) for f in fields], end
    ([('title', 'On Trade'), ('author', 'A. Person')], 44)
    >>> _front_matter(*_doc("---\\nWe met, and then we talked.\\n---\\nMore.")) is None
    True
    """
    if not lines or text[lines[0][0]:lines[0][1]].strip() != "---":
        return None
    fields = []
    for start, end in lines[1:]:
        line = text[start:end]
        if line.strip() in ("---", "..."):
            return (fields, end) if _knows_a_key(fields) else None
        m = _YAML_FIELD.fullmatch(text, start, end)
        if not m:
            if line.strip() and not line.startswith((" ", "\t", "- ", "#")) and not _YAML_KEY.fullmatch(line):
                return None  # a line of prose: a rule above the text, not front matter
            continue
        a, b = m.span("value")
        if b - a >= 2 and text[a] in "\"'" and text[b - 1] == text[a]:
            a, b = a + 1, b - 1
        key = m.group("key").lower()
        key = "speaker" if key in OFFICES else key
        fields.append(Field(key=_table_key(key) or key, label=m.group("key"), value=text[a:b], start=a, end=b,
                            line_start=start, line_end=end, line=line))
    return None  # never closed: not front matter


# A file without ``Key: value`` lines often opens as a web page shows it: a title line
# (a Markdown heading, or a short capitalised line without final punctuation), perhaps a byline
# under it ("By A. Person", "A. Person -- 1 May 2020"), then a blank line. Those lines are not
# speech either. The greeting that opens many speeches ends with a colon or a comma, and a
# hard-wrapped first paragraph runs on past two lines or breaks after a word like "and".
_HEADING = re.compile(r"[ \t]*#{1,6}[ \t]+(?P<value>\S.*?)[ \t#]*")
_DANGLING = frozenset("a an and as at by for from in of on or the to with".split())
# Words that end a name in a title, upper-case titles included ("JANE DOE AT THE SUMMIT").
_NAME_ENDS = _DANGLING | frozenset("before during about regarding upon after into over under".split())
_YEAR = re.compile(r"\b1[5-9]\d\d\b|\b20\d\d\b")
_BYLINE_SPLIT = re.compile(r"\s+(?:--?|–|—|\|)\s+")
_EMPHASIS = re.compile(r"(\*{1,2}|_{1,2})(?P<inner>\S(?:.*\S)?)\1")


def _is_title(line: str) -> bool:
    """A title as a page shows it: two to twenty words, most long ones capitalised, no
    final punctuation, not ending on a word that leads on.

    >>> _is_title("Address Before a Joint Session of the Congress on the State of the Union")
    True
    >>> _is_title("Mr. Speaker, Mr. Vice President, Members of the 94th Congress, and"), _is_title("Good evening")
    (False, False)
    """
    words = line.split()
    long = [w for w in words if sum(c.isalpha() for c in w) >= 4]
    return (2 <= len(words) <= 20 and line[-1] not in ".,;:!?" and words[-1].lower() not in _DANGLING
            and bool(long) and sum(w[0].isupper() for w in long) >= 2 * len(long) / 3)


def _byline(text: str, start: int, end: int, *, apart: bool = False) -> list[Field]:
    """The fields of a byline under a title: who (``author``) and when (``date``), each by the
    offsets of its part of the line; set in Markdown emphasis or not ("*A. Person, 1 May
    2020*"); or a dateline, where (``place``) and when. A byline ``apart`` from the title, a
    paragraph of its own, must look like one beyond doubt: set in emphasis, opening with "By",
    or giving both a name (or place) and a date.

    >>> [(f.key, f.value) for f in _byline("*A. Person, May 1, 2020*", 0, 24, apart=True)]
    [('author', 'A. Person'), ('date', 'May 1, 2020')]
    >>> _byline("Mr. Speaker", 0, 11, apart=True), [f.value for f in _byline("Mr. Speaker", 0, 11)]
    ([], ['Mr. Speaker'])
    >>> [(f.key, f.value) for f in _byline("Geneva, 3 May 2020", 0, 18, apart=True)]
    [('place', 'Geneva'), ('date', '3 May 2020')]
    """
    line, line_start, line_end = text[start:end], start, end
    emphasis = _EMPHASIS.fullmatch(text, start, end)
    if emphasis:
        start, end = emphasis.span("inner")
    if len(line.split()) > 14 or text[end - 1] in ".;:!?":
        return []
    by = re.match(r"(?:by|from)\s+", text[start:end], re.I)
    at = start + (by.end() if by else 0)
    parts, pos = [], at
    for m in _BYLINE_SPLIT.finditer(text, at, end):
        parts.append((pos, m.start()))
        pos = m.end()
    parts.append((pos, end))
    if len(parts) == 1:  # "A. Person, 1 May 2020": a name, a comma, a date
        comma = text.find(", ", at, end)
        if comma > 0 and _NAME.fullmatch(text[at:comma]) and _YEAR.search(text, comma, end):
            parts = [(at, comma), (comma + 2, end)]
    out: list[Field] = []
    for a, b in parts:
        value = text[a:b]
        # One word before a date is a dateline's place ("Geneva, 3 May 2020"), not a name:
        # a byline names a person by two words or more ("A. Person").
        key = ("date" if _YEAR.search(value) else "" if not _NAME.fullmatch(value)
               else "place" if " " not in value and not by else "author")
        if not key or any(f.key == key for f in out):
            return []
        out.append(Field(key=key, label="", value=value, start=a, end=b, line_start=line_start, line_end=line_end,
                         line=line))
    if apart and not (emphasis or by or {f.key for f in out} in ({"author", "date"}, {"place", "date"})):
        return []
    return out


def _title_block(text: str, lines: list[tuple[int, int]]) -> list[Field]:
    """The title line and byline a headerless file opens with, if it does (see above).

    >>> [(f.key, f.value) for f in _title_block(*_doc("# Remarks on Trade\\n\\nWe met."))]
    [('title', 'Remarks on Trade')]
    >>> [(f.key, f.value) for f in _title_block(*_doc("Remarks on Trade\\nA. Person -- May 1, 2020\\n\\nWe met."))]
    [('title', 'Remarks on Trade'), ('author', 'A. Person'), ('date', 'May 1, 2020')]
    >>> [(f.key, f.value) for f in _title_block(*_doc("Remarks on Trade\\nBy A. Person, 1 May 2020\\n\\nWe met."))][1:]
    [('author', 'A. Person'), ('date', '1 May 2020')]
    >>> [(f.key, f.value) for f in _title_block(*_doc("# Remarks on Trade\\n\\n*A. Person, 1 May 2020*\\n\\nWe met."))]
    [('title', 'Remarks on Trade'), ('author', 'A. Person'), ('date', '1 May 2020')]
    >>> [(f.key, f.value) for f in _title_block(*_doc("Remarks on Trade\\n\\nMr. Speaker\\n\\nWe met."))]
    [('title', 'Remarks on Trade')]
    >>> _title_block(*_doc("Gentlemen of the Congress:\\n\\nWe met.")), _title_block(*_doc("Remarks on Trade\\nWe met."))
    ([], [])
    """
    paragraphs: list[list[tuple[int, int]]] = [[]]  # the first three are all it reads
    for start, end in lines:
        if text[start:end].strip():
            paragraphs[-1].append((start, end))
        elif paragraphs[-1]:
            if len(paragraphs) == 3:
                break
            paragraphs.append([])
    paragraphs = [para for para in paragraphs if para]
    run = paragraphs[0] if paragraphs else []
    if len(run) > 2:
        return []
    if not run or len(paragraphs) == 1:
        return []  # nothing after it: the file is all title
    (start, end), byline = run[0], run[1:]
    heading = _HEADING.fullmatch(text, start, end)
    if heading:
        a, b = heading.span("value")
    else:
        a, b = _stripped(text, start, end)
        if not _is_title(text[a:b]):
            return []
    fields = [Field(key="title", label="", value=text[a:b], start=a, end=b, line_start=start, line_end=end,
                    line=text[start:end])]
    if byline:
        found = _byline(text, *byline[0])
        if not found:
            return []
        fields += found
    elif len(paragraphs) > 2 and len(paragraphs[1]) == 1:  # a byline of its own, a blank line either side
        fields += _byline(text, *paragraphs[1][0], apart=True)
    return fields


def _doc(text: str) -> tuple[str, list[tuple[int, int]]]:
    return text, _lines(text)


_DATE_THEN_PLACE = re.compile(r"(?P<date>.*?\b(?:1[5-9]\d\d|20\d\d)\b),[ \t]+(?P<place>[A-Z].*)")
# A title that names its speaker by office: "Remarks by Vice President Harris on ...",
# "FOURTH ANNUAL MESSAGE OF PRESIDENT JAMES MADISON". The name is one to four capitalised
# words after the office, up to a word that leads on (in an upper-case title too).
_OFFICE = "|".join(sorted((re.escape(o).replace(r"\ ", r"\s+") for o in OFFICES), key=len, reverse=True))
_TITLE_SPEAKER = re.compile(rf"\b(?:by|of|from)\s+(?:the\s+)?(?:{_OFFICE})\s+"
                            r"(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})", re.I)


def _date_and_place(field: Field) -> list[Field]:
    """A date value that goes on to a place ("January 27, 1987, Washington, D.C.") as a date
    and a place, each by its own offsets.

    >>> [(f.key, f.value) for f in read_header("Delivered: 1 May 2020, Geneva\\n\\nWe met.")[0]]
    [('date', '1 May 2020'), ('place', 'Geneva')]
    """
    m = _DATE_THEN_PLACE.fullmatch(field.value) if field.key == "date" else None
    if not m:
        return [field]
    return [replace(field, key=key, value=m.group(key), start=field.start + m.start(key),
                    end=field.start + m.end(key)) for key in ("date", "place")]


def _title_speaker(title: Field) -> Field | None:
    """The speaker a title names by office, as an ``author`` field within the title's line.

    >>> [(f.key, f.value) for f in read_header("REMARKS BY PRESIDENT JANE DOE AT THE SUMMIT\\n\\nWe met.")[0]]
    [('title', 'REMARKS BY PRESIDENT JANE DOE AT THE SUMMIT'), ('author', 'JANE DOE')]
    >>> [f.key for f in read_header("Remarks by the President\\n\\nWe met.")[0]]
    ['title']
    """
    m = _TITLE_SPEAKER.search(title.value)
    words = list(re.finditer(r"\S+", m.group("name"))) if m else []
    n = next((i for i, w in enumerate(words) if w.group().lower() in _NAME_ENDS), len(words))
    if not n:
        return None
    a, b = m.start("name"), m.start("name") + words[n - 1].end()  # within the title's value
    return replace(title, key="author", value=title.value[a:b], start=title.start + a, end=title.start + b)


def _completed(fields: list[Field]) -> list[Field]:
    """``fields`` with keys the table does not know read by their form (``_by_form``), a date's
    place set apart and, when no field names the speaker, the speaker a title names by office."""
    fields = _by_form(fields)
    places = any(f.key == "place" for f in fields)
    out = [g for f in fields for g in (_date_and_place(f) if not places else [f])]
    if out and not any(f.key == "author" for f in out):
        speaker = next((s for f in out if f.key == "title" and (s := _title_speaker(f))), None)
        if speaker:
            out.append(speaker)
    return out


# Words of the lines a speech closes with, set in capitals as a signature is ("THANK YOU ALL").
_CLOSINGS = frozenset("thank thanks you god bless amen applause end laughter".split())
_PLACE_LINE = re.compile(r"(?P<value>[A-Z][\w.'’ -]{1,60}?)[ \t]*,?[ \t]*")


def _signature(text: str, lines: list[tuple[int, int]]) -> list[Field]:
    """The signature a written message closes with, if it does: a last paragraph of one to
    three short lines, a name first, then a place and a date ("HERBERT HOOVER / The White
    House, / December 2, 1930."), each a field by the offsets of its value. The name alone must
    be upper case, as a signature is set; with a date under it, any name will do. A closing
    sentence ("Thank you.", "God bless America.") is not a name, so it stays speech.

    >>> [(f.key, f.value) for f in _signature(*_doc("We met.\\n\\nA. PERSON\\nGeneva,\\nMay 1, 2020.\\n"))]
    [('author', 'A. PERSON'), ('place', 'Geneva'), ('date', 'May 1, 2020')]
    >>> [(f.key, f.value) for f in _signature(*_doc("We met.\\n\\nJANE DOE"))]
    [('author', 'JANE DOE')]
    >>> _signature(*_doc("We met.\\n\\nThank You")), _signature(*_doc("We met.\\n\\nGod bless America.")), _signature(*_doc("JANE DOE"))
    ([], [], [])
    """
    last: list[tuple[int, int]] = []
    for start, end in reversed(lines):
        if text[start:end].strip():
            last.insert(0, (start, end))
        elif last:
            break
    if not 1 <= len(last) <= 3 or last[0] == next((s for s in lines if text[s[0]:s[1]].strip()), None):
        return []
    (start, end), *rest = last
    a, b = _stripped(text, start, end)
    name = text[a:b]
    words = [w for w in name.lower().split() if len(w) > 1 and not w.endswith(".")]  # initials aside
    if (len(name.split()) < 2 or not _NAME.fullmatch(name) or not name[-1].isalpha()
            or any(w in _NAME_ENDS or w in _CLOSINGS for w in words)):
        return []
    out = [Field(key="author", label="", value=name, start=a, end=b, line_start=start, line_end=end,
                 line=text[start:end])]
    for start, end in rest:  # a place, then a date; each at most once
        a, b = _stripped(text, start, end)
        line, keys = text[a:b], {f.key for f in out}
        place = _PLACE_LINE.fullmatch(line)
        if len(line.split()) > 6:
            return []
        if _YEAR.search(line) and "date" not in keys:
            key, value = "date", line.rstrip(".")
        elif place and not keys & {"place", "date"}:
            key, value = "place", place.group("value")
        else:
            return []
        out.append(Field(key=key, label="", value=value, start=a, end=a + len(value), line_start=start, line_end=end,
                         line=text[start:end]))
    if not name.isupper() and not any(f.key == "date" for f in out):
        return []
    return out


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
    front = _front_matter(text, lines)
    top, after = front if front else (_block(text, lines) or _title_block(text, lines), 0)
    top = _completed(top)
    after = after or max((f.line_end for f in top), default=0)
    rest = [s for s in lines if s[0] > after] if after else lines
    bottom = _by_form(_block(text, rest[::-1])[::-1]) or _signature(text, rest)
    if not any(text[s:e].strip() for s, e in rest if not bottom or s < bottom[0].line_start):
        top, bottom, after = [], [], 0  # nothing but key/value lines: keep them as text rather than lose them
    start = after
    end = bottom[0].line_start if bottom else len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return tuple(top) + tuple(bottom), (start, end)
