"""The only code that writes ``index/``: seeds -> chunks -> vectors -> a new index generation.

Passages whose text is unchanged reuse their stored vectors (keyed by model and content
hash); only new or edited passages are embedded. One build at a time, by a lock file
(``index/.build.lock``; the OS releases it if the build is killed). The new generation is
written beside the old one and committed by renaming ``manifest.json`` (see ``store``), so
a build that dies at any point leaves the previous index whole.
"""
from __future__ import annotations

import logging
from dataclasses import replace
import os
import time
from collections import Counter
from pathlib import Path
from typing import Callable

import numpy as np

from .chunking import chunk_text
from ..config import Settings, __version__
from .corpus import Corpus, read_corpus
from .embedding import Encoder, SentenceTransformerEncoder
from . import multilingual, onnx_export
from ..errors import BuildLocked, IndexPathError, IndexProblem, QAError
from .multilingual import index_arrays, stored_model
from .store import Manifest, StoredIndex, check_folder, check_fresh, clean, content_hash, document_records, load, save
from ..types import BuildReport, Chunk, FileReport
from .views import view_texts

log = logging.getLogger(__name__)

LOCK_NAME = ".build.lock"
# Texts per encoder call: between calls the encoder is free to embed a waiting query, so
# an app that rebuilds in the background keeps answering.
ENCODE_BATCH = 64


def _previous(index_dir: Path) -> StoredIndex | None:
    """The index this build replaces, read once for every kind of vector it can lend."""
    try:
        return load(index_dir)
    except IndexProblem as err:
        # Without the message's advice ("- run: python -m qa build"): this is that build.
        log.info("building from scratch: %s", str(err).split(" - run:")[0])
        return None


def _previous_vectors(old: StoredIndex | None, model: str, dimension: int) -> tuple[dict[str, np.ndarray], Counter]:
    """Vectors of the previous index by content hash, and its (source, text) pairs.

    Another model (or dimension) gives no vectors at all: vectors of two models never mix.
    """
    if old is None:
        return {}, Counter()
    pairs = Counter((c.source, c.text) for c in old.chunks)
    if old.manifest.model != model or old.manifest.dimension != dimension:
        return {}, pairs
    reuse = {h: old.vectors[i] for i, h in enumerate(old.hashes)}
    for name, texts in view_texts(old.chunks).items():
        stored = old.extras.get(name)
        if stored is not None and len(stored) == len(texts):
            reuse.update((content_hash(model, t), stored[row]) for row, t in enumerate(texts))
    return reuse, pairs


def _assemble(hashes: list[str], todo: list[int], fresh: np.ndarray, reuse: dict[str, np.ndarray],
              dimension: int) -> np.ndarray:
    """Rows in ``hashes`` order: freshly embedded rows for ``todo``, stored rows for the rest."""
    vectors = np.zeros((len(hashes), dimension), dtype=np.float32)
    for i, h in enumerate(hashes):
        if h in reuse:
            vectors[i] = reuse[h]
    for row, i in enumerate(todo):
        vectors[i] = fresh[row]
    return vectors


def _embed(encoder: Encoder, texts: list[str]) -> np.ndarray:
    """Vectors for ``texts``, each distinct text embedded once, in batches."""
    unique = list(dict.fromkeys(texts))
    if not unique:
        return np.zeros((0, encoder.dimension), np.float32)
    parts = [encoder.encode(unique[i:i + ENCODE_BATCH]) for i in range(0, len(unique), ENCODE_BATCH)]
    rows = dict(zip(unique, np.concatenate(parts)))
    return np.stack([rows[t] for t in texts]).astype(np.float32, copy=False)


def _model_changed(encoder: Encoder, previous: StoredIndex | None) -> bool:
    """True when the model folder's content differs from the one the previous index was built with."""
    old = previous.manifest.query_encoder.get("model_sha256") if previous else None
    if not old or not isinstance(encoder, SentenceTransformerEncoder):
        return False
    changed = old != onnx_export.model_hash(encoder.folder)
    if changed:
        log.info("the model folder changed since the last build: embedding every passage again")
    return changed


def _query_encoder(index_dir: Path, encoder: Encoder, previous: StoredIndex | None) -> dict:
    """The manifest's record of the ONNX export questions are encoded with ({} for an encoder
    that is not a sentence-transformers folder, e.g. the tests' fake one)."""
    if not isinstance(encoder, SentenceTransformerEncoder):
        return {}
    return onnx_export.ensure(index_dir, encoder, previous.manifest.query_encoder if previous else None)


def up_to_date(settings: Settings, stored: StoredIndex | None, corpus: Corpus, began: float) -> BuildReport | None:
    """The report of a build that would change nothing, or None when a build is needed.

    ``stored`` (the index on disk, None if unreadable) must match ``corpus`` (the seeds as
    read now), the model and the chunk settings, and hold vectors of the installed multilingual model. Needs no embedding
    model, so ``python -m qa build`` on a fresh index returns in a fraction of a second
    instead of loading MiniLM.
    """
    if stored is None:
        return None
    try:
        check_fresh(stored.manifest, model=settings.model, chunking=settings.chunk_settings(),
                    sources=corpus.hashes(), index_dir=settings.index_dir,
                    second_model=multilingual.get_use_encoder().name)  # a name: loads nothing
    except QAError as err:
        log.info("a build is needed: %s", str(err).split(" - run:")[0])
        return None
    if stored_model(stored.extras) != stored.manifest.second_model:
        return None
    if why := onnx_export.needs_export(settings.index_dir, settings.model, stored.manifest.query_encoder):
        log.info("a build is needed: %s", why)
        return None
    chunks = list(stored.chunks)
    return BuildReport(
        index_dir=str(settings.index_dir), documents=len(corpus.documents), passages=len(chunks),
        embedded=0, reused=len(chunks), removed=0, seconds=round(time.perf_counter() - began, 3),
        files=_file_reports(chunks, [], Counter((c.source, c.text) for c in chunks)), skipped=corpus.skipped,
    )


def build(settings: Settings, encoder: Encoder | None = None, *, load_encoder: Callable[[], Encoder] | None = None,
          full: bool = False, lock_timeout: float = 60.0) -> BuildReport:
    """Rebuild ``settings.index_dir`` from ``settings.seeds_dir``; returns what it did.

    ``encoder``, or ``load_encoder()`` called only if something must be embedded: an index
    that already matches the seeds is left as it is without loading a model (``full``
    embeds everything whatever the index holds). Waits up to ``lock_timeout`` seconds for
    another build of the same folder, then raises BuildLocked; builds never interleave.
    """
    if encoder is None and load_encoder is None:
        raise TypeError("build needs an encoder or load_encoder")
    began = time.perf_counter()
    index_dir = settings.index_dir
    check_folder(index_dir)
    if index_dir.is_dir() and not os.access(index_dir, os.W_OK | os.X_OK):
        return _read_only(settings, "it is read-only", began, full=full)
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        lock = _lock(index_dir, lock_timeout)
    except OSError as err:  # e.g. the lock file cannot be created in a read-only folder
        return _read_only(settings, err.strerror or str(err), began, full=full)
    try:
        clean(index_dir)  # a killed build's temp files and orphaned generation
        corpus = read_corpus(settings.seeds_dir)
        previous = _previous(index_dir)
        if not full and (report := up_to_date(settings, previous, corpus, began)) is not None:
            return report
        return _build_locked(settings, encoder or load_encoder(), corpus, previous, full=full, began=began)
    except OSError as err:  # the previous index stays whole (see store.save); say where and why
        raise IndexPathError(f"Cannot write the index in {index_dir} ({err.strerror or err}: {err.filename}) - "
                             "make the folder writable, or build elsewhere with --index-dir DIR") from None
    finally:
        lock.release()


def _lock(index_dir: Path, timeout: float):
    """The build lock of ``index_dir``, held; BuildLocked after ``timeout`` seconds."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(index_dir / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log.warning("another build of %s is running - waiting up to %g s for it", index_dir, timeout)
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise BuildLocked(
                f"Another build of {index_dir} is still running after {timeout:g} s - "
                f"wait for it to finish, then run: python -m qa build"
            ) from None
    return lock


def _read_only(settings: Settings, why: str, began: float, *, full: bool) -> BuildReport:
    """The "up to date" report for an index folder that cannot be written, or IndexPathError.

    Nothing needs writing when the index already matches the seeds, so a read-only copy of a
    fresh index builds like a writable one; a stale one cannot be brought up to date.
    """
    if not full:
        corpus = read_corpus(settings.seeds_dir)
        report = up_to_date(settings, _previous(settings.index_dir), corpus, began)
        if report is not None:
            log.info("%s cannot be written (%s), but it is up to date", settings.index_dir, why)
            return report
    raise IndexPathError(
        f"Cannot write the index in {settings.index_dir} ({why}) and it is "
        f"{'to be rebuilt in full' if full else 'out of date'} - make the folder writable "
        f"(chmod u+w {settings.index_dir}), or build elsewhere with --index-dir DIR"
    )


def _file_reports(chunks: list[Chunk], todo: list[int], old_pairs: Counter) -> tuple[FileReport, ...]:
    """Per source: passages now, how many were embedded or reused, how many old ones went.

    A passage is "removed" when its text is no longer in that file (edited or deleted);
    a renamed file reuses every vector and reports all its old passages removed.
    """
    count = Counter(c.source for c in chunks)
    embedded = Counter(chunks[i].source for i in todo)
    gone = Counter(source for source, _ in (old_pairs - Counter((c.source, c.text) for c in chunks)).elements())
    return tuple(
        FileReport(source=s, passages=count[s], embedded=embedded[s], reused=count[s] - embedded[s], removed=gone[s])
        for s in sorted(set(count) | {source for source, _ in old_pairs})
    )


def _build_locked(settings: Settings, encoder: Encoder, corpus: Corpus, previous: StoredIndex | None, *,
                  full: bool, began: float) -> BuildReport:
    chunks = [c for d in corpus.documents for c in chunk_text(d.source, d.text, body=d.body_span, **settings.chunk_settings())]
    hashes = [content_hash(encoder.name, c.text) for c in chunks]
    dimension = encoder.dimension
    reuse, old_pairs = _previous_vectors(previous, encoder.name, dimension)
    if full or _model_changed(encoder, previous):
        reuse = {}

    # Sentences, passages in context and names are embedded too (see views.py), so a query
    # needs no model call beyond encoding the question. Each text is keyed by its own hash.
    views = view_texts(chunks)
    todo = [i for i, h in enumerate(hashes) if h not in reuse]
    texts = [chunks[i].text for i in todo]
    view_todo: dict[str, tuple[list[str], list[int]]] = {}
    for name, view in views.items():
        view_hashes = [content_hash(encoder.name, t) for t in view]
        missing = [i for i, h in enumerate(view_hashes) if h not in reuse]
        view_todo[name] = (view_hashes, missing)
        texts += [view[i] for i in missing]
    fresh = _embed(encoder, texts)
    vectors = _assemble(hashes, todo, fresh[: len(todo)], reuse, dimension)
    extras, at = {}, len(todo)
    for name, (view_hashes, missing) in view_todo.items():
        extras[name] = _assemble(view_hashes, missing, fresh[at:at + len(missing)], reuse, dimension)
        at += len(missing)

    manifest = Manifest(model=encoder.name, dimension=dimension, chunking=settings.chunk_settings(),
                        sources=corpus.hashes(), package_version=__version__,
                        documents=document_records(corpus.documents),
                        query_encoder=_query_encoder(settings.index_dir, encoder, previous))
    extras.update(index_arrays(chunks, previous, full=full))
    manifest = replace(manifest, second_model=stored_model(extras) or "")
    save(settings.index_dir, manifest=manifest, chunks=chunks, hashes=hashes, vectors=vectors, extras=extras)

    files = _file_reports(chunks, todo, old_pairs)
    report = BuildReport(
        index_dir=str(settings.index_dir), documents=len(corpus.documents), passages=len(chunks),
        embedded=len(todo), reused=len(chunks) - len(todo), removed=sum(f.removed for f in files),
        seconds=round(time.perf_counter() - began, 3), files=files, skipped=corpus.skipped,
    )
    log.info("built %s: %d passages, %d embedded, %d reused", settings.index_dir, report.passages,
             report.embedded, report.reused)
    return report
