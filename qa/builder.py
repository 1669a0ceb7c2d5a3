"""The only code that writes ``index/``: seeds -> chunks -> vectors -> a new index generation.

Passages whose text is unchanged reuse their stored vectors (keyed by model and content
hash); only new or edited passages are embedded. One build at a time, by a lock file.
"""
from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from . import __version__
from .chunking import chunk_text
from .config import Settings
from .corpus import read_corpus
from .embedding import Encoder
from .errors import BuildLocked, IndexProblem
from .store import Manifest, content_hash, load, save
from .types import BuildReport, FileReport
from .views import view_texts

log = logging.getLogger(__name__)

LOCK_NAME = ".build.lock"


def _previous_vectors(index_dir: Path, model: str) -> tuple[dict[str, np.ndarray], Counter]:
    """Vectors of the current index by content hash, and its passage count per source."""
    try:
        old = load(index_dir)
    except IndexProblem as err:
        log.info("building from scratch: %s", err)
        return {}, Counter()
    per_source = Counter(c.source for c in old.chunks)
    if old.manifest.model != model:
        return {}, per_source
    reuse = {h: old.vectors[i] for i, h in enumerate(old.hashes)}
    for name, texts in view_texts(old.chunks).items():
        stored = old.extras.get(name)
        if stored is not None and len(stored) == len(texts):
            reuse.update((content_hash(model, t), stored[row]) for row, t in enumerate(texts))
    return reuse, per_source


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


def build(settings: Settings, encoder: Encoder, *, full: bool = False, lock_timeout: float = 60.0) -> BuildReport:
    """Rebuild ``settings.index_dir`` from ``settings.seeds_dir``; returns what it did."""
    from filelock import FileLock, Timeout

    began = time.perf_counter()
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.index_dir / LOCK_NAME))
    try:
        lock.acquire(timeout=lock_timeout)
    except Timeout:
        raise BuildLocked(
            f"Another build of {settings.index_dir} is running - wait for it to finish, then try again"
        ) from None
    try:
        return _build_locked(settings, encoder, full=full, began=began)
    finally:
        lock.release()


def _build_locked(settings: Settings, encoder: Encoder, *, full: bool, began: float) -> BuildReport:
    corpus = read_corpus(settings.seeds_dir)
    chunks = [c for d in corpus.documents for c in chunk_text(d.source, d.text, **settings.chunk_settings())]
    hashes = [content_hash(encoder.name, c.text) for c in chunks]
    reuse, old_counts = _previous_vectors(settings.index_dir, encoder.name)
    if full:
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
    dimension = encoder.dimension
    fresh = encoder.encode(texts) if texts else np.zeros((0, dimension), np.float32)
    vectors = _assemble(hashes, todo, fresh[: len(todo)], reuse, dimension)
    extras, at = {}, len(todo)
    for name, (view_hashes, missing) in view_todo.items():
        extras[name] = _assemble(view_hashes, missing, fresh[at:at + len(missing)], reuse, dimension)
        at += len(missing)

    manifest = Manifest(model=encoder.name, dimension=dimension, chunking=settings.chunk_settings(),
                        sources=corpus.hashes(), package_version=__version__)
    save(settings.index_dir, manifest=manifest, chunks=chunks, hashes=hashes, vectors=vectors,
         extras=extras)

    embedded_per = Counter(chunks[i].source for i in todo)
    count_per: dict[str, int] = defaultdict(int)
    for c in chunks:
        count_per[c.source] += 1
    files = []
    for source in sorted(set(count_per) | set(old_counts)):
        n, e = count_per.get(source, 0), embedded_per.get(source, 0)
        kept = n - e
        files.append(FileReport(source=source, passages=n, embedded=e, reused=kept,
                                removed=max(0, old_counts.get(source, 0) - kept)))
    report = BuildReport(
        index_dir=str(settings.index_dir), documents=len(corpus.documents), passages=len(chunks),
        embedded=len(todo), reused=len(chunks) - len(todo), removed=sum(f.removed for f in files),
        seconds=round(time.perf_counter() - began, 3), files=tuple(files), skipped=corpus.skipped,
    )
    log.info("built %s: %d passages, %d embedded, %d reused", settings.index_dir, report.passages,
             report.embedded, report.reused)
    return report
