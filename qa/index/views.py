"""The texts the build embeds besides each passage, as parallel lists (one row per text).

Every view is a pure function of the chunks, so the retriever can recompute which row
belongs to which passage without storing anything but the vectors:

- ``sentence_vectors``: each sentence of each chunk, in order;
- ``context_vectors``: each chunk read after the sentence before it ("These developments
  indicate..." is about the examples that precede it);
- ``sentence_context_vectors``: each sentence read after the sentence before it;
- ``name_vectors``: each capitalised word of the corpus (``corpus_names``), so that a name in
  a question the corpus never uses can be compared with the names it does use;
- ``word_vectors``: each content word of the corpus (``corpus_words``), so that a question word
  the corpus never uses can be searched for by the corpus words nearest to it ("fast" ->
  "rapid", "copy" -> "replicate").

``points_back`` marks the passages that open by pointing back at the one before ("These
developments indicate..."): retrieval ranks such a passage with the passage it concludes.
"""
from __future__ import annotations

import re

from .chunking import sentence_texts
from .lexical import STOPWORDS, words
from ..types import Chunk

VIEWS = ("sentence_vectors", "context_vectors", "sentence_context_vectors", "name_vectors", "word_vectors")

# Openings that refer back to what the previous passage said: a demonstrative ("These
# developments", "This includes", "Such steps"), or a connective that draws a conclusion.
# "It" and "That" are left out: they open as many sentences that point forward.
_POINTS_BACK = re.compile(r"(these|this|those|such|thus|hence|therefore|in this|in that|in other words|"
                          r"as a result)\b", re.I)


def _previous_sentences(chunks: list[Chunk] | tuple[Chunk, ...]) -> list[str]:
    """For each sentence, the sentence before it in the same document ('' for the first)."""
    out, last = [], {}
    for c in chunks:
        for text in sentence_texts(c):
            out.append(last.get(c.source, ""))
            last[c.source] = text
    return out


def corpus_names(chunks: list[Chunk] | tuple[Chunk, ...]) -> list[str]:
    """Lower-cased words written with a capital inside a sentence, sorted.

    >>> from qa.index.chunking import chunk_text
    >>> corpus_names(chunk_text("a.txt", "Today China grew. We saw Astana."))
    ['astana', 'china']
    """
    names = set()
    for c in chunks:
        for text in sentence_texts(c):
            for word in re.findall(r"(?<=[\s(“\"'-])[A-ZА-ЯЁ][\w’']+", text):
                word = re.sub(r"['’]s$", "", word)
                if len(word) > 2 and not word.isupper():
                    names.add(word.lower())
    return sorted(names)


def corpus_words(chunks: list[Chunk] | tuple[Chunk, ...]) -> list[str]:
    """The corpus's content words (lower-case, alphabetic, three letters or more), sorted.

    >>> from qa.index.chunking import chunk_text
    >>> corpus_words(chunk_text("a.txt", "The rapid growth of trade is rapid."))
    ['growth', 'rapid', 'trade']
    """
    return sorted({w for c in chunks for w in words(c.text) if w.isalpha() and len(w) >= 3 and w not in STOPWORDS})


def points_back(chunks: list[Chunk] | tuple[Chunk, ...]) -> list[bool]:
    """For each chunk: does it open by pointing back at the chunk before it in its document?

    >>> from qa.index.chunking import chunk_text
    >>> chunks = chunk_text("a.txt", "Trade grew.\\n\\nThese developments matter.") + chunk_text("b.txt", "This one.")
    >>> points_back(chunks)
    [False, True, False]
    """
    return [i > 0 and chunks[i - 1].source == c.source and bool(_POINTS_BACK.match(c.text))
            for i, c in enumerate(chunks)]


# The document's own byline (as qa_app/cite.py reads it; "Auther" is the speech's spelling).
_BYLINE = re.compile(r"^[ \t]*(?:auth?or|auther|speaker)[ \t]*:[ \t]*\S", re.I | re.M)


def byline(chunks: list[Chunk] | tuple[Chunk, ...]) -> tuple[int, int] | None:
    """(chunk, sentence within it) of the first Author/Speaker line, if a document has one.

    >>> from qa.index.chunking import chunk_text
    >>> byline(chunk_text("a.txt", "Trade grew.\\n\\nAuthor: A. Person, Expert."))
    (1, 0)
    """
    for i, chunk in enumerate(chunks):
        m = _BYLINE.search(chunk.text)
        if m:
            at = chunk.start + m.start()
            return i, next((j for j, (s, e) in enumerate(chunk.sentences) if s <= at + 1 < e or at < s), 0)
    return None


def view_texts(chunks: list[Chunk] | tuple[Chunk, ...]) -> dict[str, list[str]]:
    """The texts of every view, in row order."""
    sentences = [t for c in chunks for t in sentence_texts(c)]
    previous = _previous_sentences(chunks)
    first_of_chunk, row = [], 0
    for c in chunks:
        first_of_chunk.append(row)
        row += len(c.sentences)
    return {
        "sentence_vectors": sentences,
        "context_vectors": [f"{previous[r]} {c.text}".strip() for r, c in zip(first_of_chunk, chunks)],
        "sentence_context_vectors": [f"{p} {t}".strip() for p, t in zip(previous, sentences)],
        "name_vectors": corpus_names(chunks),
        "word_vectors": corpus_words(chunks),
    }
