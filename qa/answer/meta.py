"""Questions about the document itself, answered from its metadata lines.

"Who gave this talk?" is answered by the ``Author:``/``Speaker:`` line of the document in
scope, cited by the exact offsets of its value; a document without such a line but with
transcript labels ("MR. SULLIVAN: ...") is answered by the passage that opens with the label.
A date, place, occasion, source, licence or title that no line gives is looked for in the
text, with a note that no line gives it (``unlisted_note``); a question in another language
is refused with that note.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from ..index.header import FIELD_NAMES
from ..questions.meta import AUDIENCE, AUTHOR, FIELDS, OCCASION, OTHER, PLACE, further_fields
from ..search.scope import DocumentInfo
from ..types import Answer, Chunk, Field, Passage

if TYPE_CHECKING:
    from ..search.retrieval import Retriever


def field_passage(source: str, field: Field) -> Passage:
    """A metadata line as a citable passage (paragraph 0: the header), its value the sentence.

    >>> f = Field(key="date", label="Date", value="7 May", start=6, end=11, line_start=0, line_end=11,
    ...           line="Date: 7 May")
    >>> p = field_passage("a.txt", f); p.citation, p.text, p.sentences
    ('a.txt, header', 'Date: 7 May', ((6, 11),))
    """
    return Passage(source=source, text=field.line, start=field.line_start, end=field.line_end, paragraph=0,
                   last_paragraph=0, sentences=((field.start, field.end),), score=1.0)


def field_passages(kind: str, document: DocumentInfo, question: str) -> list[Passage]:
    """The metadata lines that answer ``kind`` (author: with the role line, if any); for an
    audience, occasion or place no key of its own names, a line under a key that names no
    field (``unnamed_line``)."""
    found = document.field(*FIELDS[kind])
    if found is None and kind in UNNAMED_KINDS:
        found = unnamed_line(kind, document.header, question)
    if found is None and kind == OTHER:
        found = other_line(document.header, question)
    if found is None:
        return []
    out = [field_passage(document.source, found)]
    role = document.field("role") if kind == AUTHOR else None
    if role is not None:
        out.append(field_passage(document.source, role))
    return out


# The facts a line under a key no table knows may give ("Passed To: the Council, in writing";
# "Assembly: the spring session"), and, for the audience, the words that say a
# line tells to whom or in what form a text went (candidate M7, thirty-third session).
UNNAMED_KINDS = frozenset({AUDIENCE, OCCASION, PLACE})
_TOWARDS = frozenset("to before for unto towards".split())
_DELIVERY = re.compile(r"\b(audience|recipients?|readers?|listeners?|in person|in writing|written|spoken|aloud|"
                       r"joint session)\b", re.I)
_FUNCTION = frozenset("""the a an of to in on at by for from and or with as is was were be been did does do what which who
                      whom when where how this that these its his her their it he she they message address speech""".split())


def unnamed_line(kind: str, header: tuple[Field, ...], question: str) -> Field | None:
    """For a question about the audience, occasion or place that no line under its own keys
    answers: the header line under a key that names no known field (``qa.index.header.FIELD_NAMES``)
    that shares most words with the question, its key and value read together; for the
    audience, first a line whose key ends in "to"/"before"/"for" or that says to whom or in what
    form (``_DELIVERY``). None when no such line shares a word (or, for the audience, says so).

    >>> f = lambda key, value: Field(key=key.lower(), label=key, value=value, start=0, end=0, line_start=0, line_end=0)
    >>> header = (f("Originated", "Ann Doe, Mayor (Whig)"), f("Passed To", "the Council, as a written message"))
    >>> unnamed_line("audience", header, "In what form did the message reach the council?").label
    'Passed To'
    >>> unnamed_line("place", header, "In which city was it given?") is None
    True
    """
    unnamed = [f for f in header if f.key not in FIELD_NAMES]
    if kind == AUDIENCE:
        said = [f for f in unnamed if set(f.label.lower().split()[-1:]) & _TOWARDS or _DELIVERY.search(f.value)]
        if said:
            return said[0]
    return most_shared(unnamed, question)


def most_shared(lines: list[Field], question: str) -> Field | None:
    """Of ``lines``, the one whose key and value, read together, share most words with the
    question (the first of equals), leaving out words like "the", "what", "message"; None when
    none shares a word."""
    asked = {w for w in re.findall(r"\w+", question.lower()) if w not in _FUNCTION}
    shared = [(len(asked & set(re.findall(r"\w+", f"{f.label} {f.value}".lower()))), -i, f) for i, f in enumerate(lines)]
    best = max(shared, default=None, key=lambda t: t[:2])
    return best[2] if best is not None and best[0] > 0 else None


# The lines a question the fitted model reads as asking for "another" fact may want: not the
# author's, the role's or the date's, which it would have named.
_NOT_OTHER = frozenset({"author", "role", "date"})


def other_line(header: tuple[Field, ...], question: str) -> Field | None:
    """For a question the fitted model (``qa.questions.meta.FieldModel``) reads as asking for a
    fact of the document beyond its author and date: the header line outside the author, role
    and date lines that shares most words with the question, its key and value read together;
    None when none shares a word.

    >>> f = lambda key, value: Field(key=key, label=key.title(), value=value, start=0, end=0, line_start=0, line_end=0)
    >>> header = (f("author", "Ann Doe"), f("venue", "Town Hall"), f("sent to", "the Council, in writing"))
    >>> other_line(header, "Which council received it?").label, other_line(header, "Whose words?")
    ('Sent To', None)
    """
    return most_shared([f for f in header if f.key not in _NOT_OTHER], question)


def label_passage(document: DocumentInfo, chunks: tuple[Chunk, ...]) -> Chunk | None:
    """The first passage of ``document`` whose text names its speaker in a transcript label."""
    if not document.speaker:
        return None
    label = document.speaker.upper()
    return next((c for c in chunks if c.source == document.source and f"{label}:" in c.text), None)


# A question about "the speech" with several documents in scope is answered for each, up to this many.
MAX_LISTED_DOCUMENTS = 12


def metadata_passages(r: "Retriever", question: str, *, language: str) -> list[Passage]:
    """For a question about the document itself (who gave it, when, where, its source): the
    metadata lines that answer it, or, for its speaker, the passage with its transcript label,
    for each document of the retriever (one, once scoped); [] for any other question."""
    return field_lines(r, asked_fields(r, question, language), question)


def field_lines(r: "Retriever", kinds: tuple[str, ...], question: str) -> list[Passage]:
    """The metadata lines (or, for a speaker, the labelled passage) that give ``kinds``, for
    each document of the retriever, up to ``MAX_LISTED_DOCUMENTS``."""
    from ..search.retrieval import to_passage

    out: list[Passage] = []
    for document in r.documents[:MAX_LISTED_DOCUMENTS] if kinds else ():
        for kind in kinds:
            passages = field_passages(kind, document, question)
            chunk = label_passage(document, r.chunks) if kind == AUTHOR and not passages else None
            passages = passages or ([to_passage(chunk, 1.0)] if chunk is not None else [])
            out = merged(out, passages)
    return out


def merged(out: list[Passage], more: list[Passage]) -> list[Passage]:
    """``out`` and then ``more``, one passage per metadata line: a line that gives two asked
    fields (a byline's name and date) is cited once, with both values.

    >>> f = dict(source="a.txt", text="Ann -- 1 May 2020", start=0, end=17, paragraph=0, last_paragraph=0, score=1.0)
    >>> [p.sentences for p in merged([Passage(sentences=((0, 3),), **f)], [Passage(sentences=((7, 17),), **f)])]
    [((0, 3), (7, 17))]
    """
    from dataclasses import replace

    out = list(out)
    for p in more:
        same = next((i for i, q in enumerate(out) if (q.source, q.start, q.end) == (p.source, p.start, p.end)), None)
        if same is None:
            out.append(p)
        else:
            spans = out[same].sentences + tuple(s for s in p.sentences if s not in out[same].sentences)
            out[same] = replace(out[same], sentences=tuple(sorted(spans)))
    return out


def asked_fields(r: "Retriever", question: str, language: str) -> tuple[str, ...]:
    """The facts about the document a question asks for, first the one its patterns or meaning
    read (``Retriever.about_document``), then those its later clauses ask (``further_fields``);
    () for a question about what the text says."""
    kind = r.about_document(question, language)
    return (kind, *further_fields(question, kind, language)) if kind else ()


def metadata_answer(r: "Retriever", question: str, *, language: str, notes: tuple[str, ...]) -> Answer | None:
    """The reply to a question about the document itself, from its metadata lines, or None."""
    from .compose import framing, render

    kinds = asked_fields(r, question, language)  # read once: reading may encode the question
    passages = field_lines(r, kinds, question)
    if not passages:
        return None
    said = framing(language).get("no_field", framing("en")["no_field"])
    for kind in kinds[1:]:  # a further field no document gives: say so
        if kind in said and all(d.field(*FIELDS[kind]) is None for d in r.documents[:MAX_LISTED_DOCUMENTS]):
            notes = (*notes, said[kind])
    if len(r.documents) > MAX_LISTED_DOCUMENTS:  # say so: the list is not every document
        listed = framing(language).get("listed", framing("en")["listed"])
        notes = (*notes, listed.format(n=MAX_LISTED_DOCUMENTS, total=len(r.documents)))
    return render(question, [(p, tuple(range(len(p.sentences)))) for p in passages], notes=notes, language=language)


def unlisted_note(r: "Retriever", question: str, *, language: str, history: Sequence[str]) -> str:
    """For a question about the document's date, place, occasion, source, licence or title that
    no metadata line answers (``metadata_answer`` found none): the sentence that says so ("No
    metadata line of the document gives its date."); "" for any other question, and for a
    follow-up, whose "it" is what the conversation was about. The author of a transcript is
    found by its labels, so no sentence is said of it.

    An English question then goes on to the passages, the sentence a note above them, and the
    fitted abstention model decides: the text often says what no line does (a transcript's
    opening greets the occasion; a message names "the present year"). Refusing them all refused
    12 of 12 answerable such questions of the dev and retired held-out sets, and the ordinary
    decision 1 of 12, with none of the 3 unanswerable answered (``scripts/probe_unlisted.py``,
    twenty-third session, docs/experiments.md). A question in another language is refused with
    the sentence: no such data exists for the other languages."""
    from .compose import framing
    from ..questions.query import is_follow_up

    if history and is_follow_up(question, language):
        return ""  # "When was it held?" after a question on the summit: "it" is the summit
    kind = r.about_document(question, language)
    return framing(language).get("no_field", framing("en")["no_field"]).get(kind, "")
