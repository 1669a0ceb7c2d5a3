"""The index on disk: a folder with ``manifest.json``, passage records and vector files.

Layout of ``index/`` (one generation at a time; ``<g>`` is the generation id)::

    manifest.json          format version, model, chunk settings, sources' sha256, files
    passages-<g>.jsonl     one passage record a line (source, offsets, paragraph, text, hash)
    vectors-<g>.npy        float32 rows, one per passage (reused by later builds)
    index-<g>.faiss        the FAISS inner-product index over those rows
    <name>-<g>.npy         optional extra arrays (e.g. sentence vectors)

``manifest.json`` is written last, by rename, so it names a complete set of files or the
previous one: a build that dies at any moment leaves the last good index loadable.
The store never calls the model: it takes and returns arrays.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from .errors import IndexCorrupt, IndexMissing, IndexStale
from .types import Chunk

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
REBUILD = "python -m qa build"


@dataclass(frozen=True, kw_only=True)
class Manifest:
    """What an index was built from; compared with ``seeds/`` and the settings at load."""

    model: str
    dimension: int
    chunking: dict[str, int]
    sources: dict[str, str]
    package_version: str = ""
    built_at: str = ""
    generation: str = ""
    files: dict[str, str] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    def differences(self, *, model: str, chunking: dict[str, int], sources: dict[str, str]) -> list[str]:
        """What changed since the build, e.g. ``['changed: speech.txt', 'model: a -> b']``."""
        found = []
        if self.format_version != FORMAT_VERSION:
            found.append(f"index format: {self.format_version} -> {FORMAT_VERSION}")
        if self.model != model:
            found.append(f"model: {self.model} -> {model}")
        if self.chunking != chunking:
            found.append(f"chunk settings: {self.chunking} -> {chunking}")
        for source in sorted(set(self.sources) | set(sources)):
            if source not in sources:
                found.append(f"removed: {source}")
            elif source not in self.sources:
                found.append(f"added: {source}")
            elif self.sources[source] != sources[source]:
                found.append(f"changed: {source}")
        return found


@dataclass(frozen=True, kw_only=True)
class StoredIndex:
    """A loaded index: records, their vectors, the FAISS index and any extra arrays."""

    manifest: Manifest
    chunks: tuple[Chunk, ...]
    hashes: tuple[str, ...]
    vectors: np.ndarray
    faiss_index: Any
    extras: dict[str, np.ndarray]


def content_hash(model: str, text: str) -> str:
    """Key under which a passage's vector can be reused: same model and same text."""
    import hashlib

    return hashlib.sha256(f"{model}\x00{text}".encode("utf-8")).hexdigest()


# Up to this many passages the index is exact (IndexFlatIP: 4 bytes a dimension, ~3 ms a
# query at 50k on 2 cores). Beyond it the scan reads float16 (IndexScalarQuantizer QT_fp16):
# half the memory traffic, ~3.7 ms at 100k, and the same top 10 as the exact scan in
# benchmarks/run.py. HNSW and IVF were measured too and lost (see README "Speed").
EXACT_MAX_PASSAGES = 50_000


def make_faiss_index(vectors: np.ndarray):
    """An inner-product index over unit vectors (cosine): exact for small corpora, float16 for large.

    Both are brute-force scans, so every passage is scored; ``index.search(q, k)`` returns
    (scores, ids) with inner-product scores, best first.
    """
    import faiss

    faiss.omp_set_num_threads(1)  # OpenMP threads slow the next model call on 2 cores
    n, dimension = vectors.shape
    if n <= EXACT_MAX_PASSAGES:
        index = faiss.IndexFlatIP(dimension)
    else:
        index = faiss.IndexScalarQuantizer(dimension, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
    if n:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def _chunk_record(chunk: Chunk, digest: str) -> dict[str, Any]:
    return {
        "source": chunk.source, "start": chunk.start, "end": chunk.end,
        "paragraph": chunk.paragraph, "last_paragraph": chunk.last_paragraph,
        "sentences": [list(s) for s in chunk.sentences], "hash": digest, "text": chunk.text,
    }


def _chunk_from_record(record: dict[str, Any]) -> Chunk:
    return Chunk(
        source=record["source"], text=record["text"], start=int(record["start"]),
        end=int(record["end"]), paragraph=int(record["paragraph"]),
        last_paragraph=int(record["last_paragraph"]),
        sentences=tuple((int(a), int(b)) for a, b in record["sentences"]),
    )


def _write_atomic(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(
    index_dir: Path,
    *,
    manifest: Manifest,
    chunks: list[Chunk],
    hashes: list[str],
    vectors: np.ndarray,
    extras: dict[str, np.ndarray] | None = None,
) -> Manifest:
    """Write a new generation into ``index_dir`` and switch ``manifest.json`` to it."""
    import faiss

    index_dir.mkdir(parents=True, exist_ok=True)
    generation = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
    files = {"passages": f"passages-{generation}.jsonl", "vectors": f"vectors-{generation}.npy",
             "faiss": f"index-{generation}.faiss"}
    for name in extras or {}:
        files[name] = f"{name}-{generation}.npy"

    lines = "".join(json.dumps(_chunk_record(c, h), ensure_ascii=False) + "\n" for c, h in zip(chunks, hashes))
    _write_atomic(index_dir / files["passages"], lambda f: f.write(lines.encode("utf-8")))
    _write_atomic(index_dir / files["vectors"], lambda f: np.save(f, vectors, allow_pickle=False))
    for name, array in (extras or {}).items():
        _write_atomic(index_dir / files[name], lambda f, a=array: np.save(f, a, allow_pickle=False))
    data = faiss.serialize_index(make_faiss_index(vectors))
    _write_atomic(index_dir / files["faiss"], lambda f: f.write(data.tobytes()))

    final = Manifest(**{**manifest.__dict__, "generation": generation, "files": files,
                        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds")})
    text = json.dumps(final.__dict__, indent=2, ensure_ascii=False) + "\n"
    _write_atomic(index_dir / MANIFEST, lambda f: f.write(text.encode("utf-8")))
    _remove_other_generations(index_dir, set(files.values()))
    return final


def _remove_other_generations(index_dir: Path, keep: set[str]) -> None:
    for path in index_dir.iterdir():
        if path.is_file() and path.name not in keep and path.name != MANIFEST and (
            path.suffix in {".jsonl", ".npy", ".faiss"} or path.name.endswith(".tmp")
        ):
            path.unlink(missing_ok=True)


def read_manifest(index_dir: Path) -> Manifest:
    path = index_dir / MANIFEST
    if not path.is_file():
        raise IndexMissing(f"No index in {index_dir} - run: {REBUILD}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Manifest(**data)
    except (ValueError, TypeError, UnicodeDecodeError) as err:
        raise IndexCorrupt(f"{path} is unreadable ({err}) - run: {REBUILD}") from None


def load(index_dir: Path) -> StoredIndex:
    """Read the index that ``manifest.json`` names; IndexCorrupt names any bad file."""
    for _ in range(3):
        manifest = read_manifest(index_dir)
        try:
            return _load_generation(index_dir, manifest)
        except IndexCorrupt:
            # A build may have switched generations and removed these files while we read
            # them: that is not corruption, so read the new generation instead.
            if read_manifest(index_dir).generation == manifest.generation:
                raise
    return _load_generation(index_dir, read_manifest(index_dir))


def _load_generation(index_dir: Path, manifest: Manifest) -> StoredIndex:
    import faiss


    def need(kind: str) -> Path:
        name = manifest.files.get(kind)
        if not name:
            raise IndexCorrupt(f"{index_dir / MANIFEST} names no {kind} file - run: {REBUILD}")
        path = index_dir / name
        if not path.is_file():
            raise IndexCorrupt(f"{path} is missing - run: {REBUILD}")
        return path

    path = need("passages")
    try:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        chunks = tuple(_chunk_from_record(r) for r in records)
        hashes = tuple(str(r["hash"]) for r in records)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as err:
        raise IndexCorrupt(f"{path} is unreadable ({err}) - run: {REBUILD}") from None

    arrays = {}
    for kind in [k for k in manifest.files if k not in {"passages", "faiss"}]:
        path = need(kind)
        try:
            arrays[kind] = np.load(path, allow_pickle=False)
        except (ValueError, OSError, EOFError) as err:
            raise IndexCorrupt(f"{path} is unreadable ({err}) - run: {REBUILD}") from None
    vectors = arrays.pop("vectors")
    if vectors.shape != (len(chunks), manifest.dimension):
        raise IndexCorrupt(f"{need('vectors')} holds {vectors.shape}, expected "
                           f"({len(chunks)}, {manifest.dimension}) - run: {REBUILD}")

    path = need("faiss")
    try:
        index = faiss.deserialize_index(np.fromfile(path, dtype=np.uint8))
    except Exception as err:  # noqa: BLE001 - faiss raises RuntimeError with C++ text
        raise IndexCorrupt(f"{path} is unreadable ({str(err).splitlines()[0]}) - run: {REBUILD}") from None
    if index.ntotal != len(chunks) or index.d != manifest.dimension:
        raise IndexCorrupt(f"{path} holds {index.ntotal} vectors of {index.d} dimensions, expected "
                           f"{len(chunks)} of {manifest.dimension} - run: {REBUILD}")
    faiss.omp_set_num_threads(1)
    return StoredIndex(manifest=manifest, chunks=chunks, hashes=hashes, vectors=vectors,
                       faiss_index=index, extras=arrays)


def check_fresh(manifest: Manifest, *, model: str, chunking: dict[str, int], sources: dict[str, str],
                index_dir: Path) -> None:
    """IndexStale naming what changed, unless the index matches the seeds and settings."""
    changes = manifest.differences(model=model, chunking=chunking, sources=sources)
    if changes:
        raise IndexStale(
            f"The index in {index_dir} is out of date ({'; '.join(changes)}) - run: {REBUILD}",
            tuple(changes),
        )
