"""The texts the build embeds besides each passage, as parallel lists (one row per text).

Every view is a pure function of the chunks, so the retriever can recompute which row
belongs to which passage without storing anything but the vectors:

- ``sentence_vectors``: each sentence of each chunk, in order;
- ``context_vectors``: each chunk read after the sentence before it ("These developments
  indicate..." is about the examples that precede it);
- ``sentence_context_vectors``: each sentence read after the sentence before it;
- ``name_vectors``: each capitalised word of the corpus (``corpus_names``), so that a name in
  a question the corpus never uses can be compared with the names it does use.
"""
from __future__ import annotations

import re

from .chunking import sentence_texts
from .types import Chunk

VIEWS = ("sentence_vectors", "context_vectors", "sentence_context_vectors", "name_vectors")


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

    >>> from qa.chunking import chunk_text
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
    }
