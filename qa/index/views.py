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
from typing import TYPE_CHECKING

from .chunking import sentence_texts
from .lexical import STOPWORDS, words
from ..types import Chunk

if TYPE_CHECKING:
    from .store import StoredIndex

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


def restrict(stored: "StoredIndex", sources: "set[str] | frozenset[str]") -> "StoredIndex":
    """The part of a loaded index that belongs to ``sources``, as if it had been built from
    them alone: every view's rows are picked by their text, so names, words and contexts are
    those of the documents kept.

    >>> import numpy as np
    >>> from qa.index.chunking import chunk_text
    >>> from qa.index.store import Manifest, StoredIndex
    >>> chunks = tuple(chunk_text("a.txt", "Alpha grew.") + chunk_text("b.txt", "Beta fell."))
    >>> texts = view_texts(chunks)
    >>> extras = {n: np.arange(len(t), dtype=np.float32)[:, None] for n, t in texts.items()}
    >>> m = Manifest(model="m", dimension=1, chunking={}, sources={"a.txt": "x", "b.txt": "y"})
    >>> part = restrict(StoredIndex(manifest=m, chunks=chunks, hashes=("h1", "h2"),
    ...                 vectors=np.ones((2, 1), np.float32), faiss_index=None, extras=extras), {"b.txt"})
    >>> [c.text for c in part.chunks], part.extras["word_vectors"].ravel().tolist(), sorted(part.manifest.sources)
    (['Beta fell.'], [1.0, 2.0], ['b.txt'])
    """
    from dataclasses import replace

    keep = [i for i, c in enumerate(stored.chunks) if c.source in sources]
    chunks = tuple(stored.chunks[i] for i in keep)
    old_sentences = [r for i, c in enumerate(stored.chunks) for r in [i] * len(c.sentences)]
    sentence_rows = [row for row, owner in enumerate(old_sentences) if stored.chunks[owner].source in sources]
    full, part = view_texts(stored.chunks), view_texts(chunks)
    extras = {}
    for name, array in stored.extras.items():
        if name in full and len(array) == len(full[name]):
            row_of = {text: row for row, text in enumerate(full[name])}
            extras[name] = array[[row_of[t] for t in part[name]]] if part[name] else array[:0]
        elif len(array) == len(stored.chunks) and len(array) != len(old_sentences):
            extras[name] = array[keep]
        elif len(array) == len(old_sentences) and len(array) != len(stored.chunks):
            extras[name] = array[sentence_rows]
        else:
            extras[name] = array  # e.g. the name of the model that made them
    manifest = replace(stored.manifest, sources={s: h for s, h in stored.manifest.sources.items() if s in sources},
                       documents={s: d for s, d in stored.manifest.documents.items() if s in sources})
    return replace(stored, manifest=manifest, chunks=chunks, hashes=tuple(stored.hashes[i] for i in keep),
                   vectors=stored.vectors[keep], extras=extras, faiss_index=None)
