"""Frozen records passed between the stages: documents, chunks, passages, answers.

No logic lives here beyond small derived labels, so every stage can depend on it.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class Field:
    """One ``Key: value`` line of a document's metadata; ``text[start:end] == value``.

    ``key`` is the canonical name (``author`` for ``Auther:``/``Speaker:``, ``source`` for
    ``URL:``...), ``label`` the key as written; ``line == text[line_start:line_end]``.
    """

    key: str
    label: str
    value: str
    start: int
    end: int
    line_start: int
    line_end: int
    line: str = ""


@dataclass(frozen=True, kw_only=True)
class Document:
    """One text file under ``seeds/``: ``source`` is its path relative to ``seeds/``.

    ``header`` holds its metadata lines (``qa.index.header``); ``body`` is the (start, end)
    of the speech itself, which is all that is chunked, numbered and searched.
    """

    source: str
    text: str
    sha256: str
    header: tuple[Field, ...] = ()
    body: tuple[int, int] | None = None

    @property
    def body_span(self) -> tuple[int, int]:
        return self.body if self.body is not None else (0, len(self.text))

    def meta(self, key: str) -> str | None:
        """The first value for a canonical key (``author``, ``source``, ``date``...), if any."""
        return next((f.value for f in self.header if f.key == key), None)


@dataclass(frozen=True, kw_only=True)
class Chunk:
    """A quotable span of a document: ``document.text[start:end] == text``.

    ``paragraph`` is the 1-based number of the first paragraph the span touches and
    ``last_paragraph`` the last (equal unless a list was kept with its lead-in line).
    ``sentences`` are (start, end) offsets into the document, in order, covering the chunk.
    """

    source: str
    text: str
    start: int
    end: int
    paragraph: int
    last_paragraph: int
    sentences: tuple[tuple[int, int], ...]

    @property
    def citation(self) -> str:
        """``speech.txt ¶7`` or, for a span over several paragraphs, ``speech.txt ¶13–18``;
        a metadata line (paragraph 0) is ``speech.txt, header``."""
        if self.paragraph == 0:
            return f"{self.source}, header"
        if self.last_paragraph != self.paragraph:
            return f"{self.source} ¶{self.paragraph}–{self.last_paragraph}"
        return f"{self.source} ¶{self.paragraph}"


@dataclass(frozen=True, kw_only=True)
class Passage(Chunk):
    """A chunk returned for a question, with its retrieval ``score`` (higher is better)."""

    score: float


@dataclass(frozen=True, kw_only=True)
class Highlight:
    """Offsets (into the document) of words in a cited passage that support the answer."""

    start: int
    end: int


@dataclass(frozen=True, kw_only=True)
class WordingResult:
    """The exact answer to a question about the wording, for scripts (``Answer.wording``).

    ``kind``: quote, phrase, mention or count. ``outcome``: ``verbatim``, ``close`` or
    ``absent`` for a quote; ``yes`` or ``no`` for a phrase or a mention; ``count`` for a count
    (then ``count`` is the number). ``occurrences`` are (source, start, end) of every occurrence
    in the speech; for ``close``, ``closest`` is the (source, start, end) of the nearest sentence
    and ``negation`` says what negation or opposite the quote drops or adds ("" if none).
    ``counted`` are the forms counted as the speech writes them ("China", "China’s").
    """

    kind: str
    outcome: str
    term: str
    count: int | None = None
    occurrences: tuple[tuple[str, int, int], ...] = ()
    closest: tuple[str, int, int] | None = None
    negation: str = ""
    counted: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Answer:
    """What ``qa.ask`` returns.

    ``text`` is markdown with ``[n]`` markers; ``passages[n-1]`` is what marker ``[n]`` cites.
    When ``abstained`` is true the speech does not answer the question: ``passages`` are then
    the closest passages, shown as *not* answering it.
    ``highlights[i]`` are the supporting spans inside ``passages[i]``.
    """

    question: str
    text: str
    passages: tuple[Passage, ...]
    abstained: bool
    highlights: tuple[tuple[Highlight, ...], ...] = ()
    notes: tuple[str, ...] = ()
    language: str = "en"
    # The documents searched (the scope) and, when the reply cites one, the one it quotes.
    scope: tuple[str, ...] = ()
    document: str = ""
    # When it abstains, the plain statement of what was searched and found silent
    # ("Kevin Rudd’s speech does not answer this question.").
    silence: str = ""
    # For a question about the wording (a quote, a phrase, a mention, a count): the exact result.
    wording: WordingResult | None = None


@dataclass(frozen=True, kw_only=True)
class FileReport:
    """What a build did to one source file."""

    source: str
    passages: int
    embedded: int
    reused: int
    removed: int


@dataclass(frozen=True, kw_only=True)
class BuildReport:
    """What ``qa.build`` returns: counts overall and per file, and the seconds taken."""

    index_dir: str
    documents: int
    passages: int
    embedded: int
    reused: int
    removed: int
    seconds: float
    files: tuple[FileReport, ...] = ()
    skipped: tuple[str, ...] = field(default_factory=tuple)
