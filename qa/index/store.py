"""The index on disk: a folder with ``manifest.json``, passage records and vector files.

Layout of ``index/`` (one generation at a time; ``<g>`` is the generation id)::

    manifest.json          format version, model, chunk settings, sources' sha256, files
    passages-<g>.jsonl     one passage record a line (source, offsets, paragraph, text, hash)
    vectors-<g>.npy        float32 rows, one per passage (reused by later builds)
    index-<g>.faiss        the FAISS inner-product index over those rows
    <name>-<g>.npy         optional extra arrays (e.g. sentence vectors)
    query-encoder-<h>.onnx the model exported for answering without torch; ``<h>`` is the
                           model folder's content hash, so it outlives generations
    query-words-<h>.npy    that export's vector of each whole word of the model's vocabulary

``manifest.json`` is written last, by rename, so it names a complete set of files or the
previous one: a build that dies at any moment leaves the last good index loadable. Each
file is written to a hidden ``.*.tmp`` name, flushed to disk and renamed; files the manifest
does not name (an older generation, a killed build's leftovers) are removed by ``clean``.
The manifest records each file's sha256, so a damaged file is named at load.
The store never calls the model: it takes and returns arrays.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IndexCorrupt, IndexMissing, IndexPathError, IndexProblem, IndexStale
from ..types import Chunk, Document, Field

log = logging.getLogger(__name__)

FORMAT_VERSION = 10  # 2: word_vectors (query expansion); 3: documents' metadata, headers not chunked;
# 4: a title line and byline at the top of a headerless file are metadata; 5: Markdown front matter too;
# 6: a byline in a paragraph of its own under the title, or set in Markdown emphasis; 7: a dateline
# ("Geneva, 3 May 2020") gives a place, a date value's trailing place is set apart, a title may name the speaker;
# 8: a signature closing a written message (name, place, date) is metadata; 9: a header key the table does
# not know read by its form ("Dated", "Written by", "From", a date value); 10: a value holding a full date,
# a one-word "-ed" key ("Signed") before a name
MANIFEST = "manifest.json"
REBUILD = "python -m qa build"
# Only names the store itself writes are ever deleted, so an index folder shared with other
# files (or pointed at the wrong place) loses nothing else.
_GENERATION_FILE = re.compile(r"^[a-z_]+-\d{8}T\d{6}-[0-9a-f]{6}\.(jsonl|npy|faiss)$")
_EXPORT_FILE = re.compile(r"^(query-encoder-[0-9a-f]{16}\.onnx|query-words-[0-9a-f]{16}\.npy)$")
_TEMP_FILE = re.compile(r"^\.([a-z_]+-\d{8}T\d{6}-[0-9a-f]{6}\.(jsonl|npy|faiss)|manifest\.json"
                        r"|query-encoder-[0-9a-f]{16}\.onnx|query-words-[0-9a-f]{16}\.npy)\..+\.tmp$")


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
    checksums: dict[str, str] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION
    # Per source: its metadata lines and the span of its speech (``qa.types.Field``, as lists).
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The second (multilingual) encoder whose vectors the index holds, as ``model`` names MiniLM.
    second_model: str = ""
    # The ONNX export questions are encoded with: file, model_sha256, opset, graph, fused (the
    # optimiser's fused nodes by kind), max_seq_length, bytes ({} when there is none; ``onnx_export.py`` writes it, ``onnx_encoder.py`` reads it).
    query_encoder: dict[str, Any] = field(default_factory=dict)

    def header(self, source: str) -> tuple[Field, ...]:
        """The metadata fields of ``source`` as the build read them."""
        rows = self.documents.get(source, {}).get("header", [])
        return tuple(Field(key=r[0], label=r[1], value=r[2], start=int(r[3]), end=int(r[4]),
                           line_start=int(r[5]), line_end=int(r[6]), line=str(r[7])) for r in rows)

    def kept_files(self) -> set[str]:
        """Every file of the index folder this manifest needs."""
        export = self.query_encoder
        return set(self.files.values()) | {f for f in (export.get("file"), (export.get("words") or {}).get("file")) if f}

    def differences(self, *, model: str, chunking: dict[str, int], sources: dict[str, str],
                    second_model: str | None = None) -> list[str]:
        """What changed since the build, e.g. ``['changed: speech.txt', 'model: a -> b']``;
        ``second_model`` None skips the second encoder's check."""
        found = []
        if self.format_version != FORMAT_VERSION:
            found.append(f"index format: {self.format_version} -> {FORMAT_VERSION}")
        if self.model != model:
            found.append(f"model: {self.model} -> {model}")
        if second_model is not None and self.second_model != second_model:
            found.append(f"second encoder: {self.second_model or 'none'} -> {second_model}")
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


def document_records(documents: "list[Document] | tuple[Document, ...]") -> dict[str, dict[str, Any]]:
    """What the manifest keeps of each document: its metadata lines and the span of its speech."""
    return {d.source: {"header": [[f.key, f.label, f.value, f.start, f.end, f.line_start, f.line_end, f.line]
                                  for f in d.header], "body": list(d.body_span)} for d in documents}


def content_hash(model: str, text: str) -> str:
    """Key under which a passage's vector can be reused: same model and same text."""
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


def write_atomic(path: Path, write) -> str:
    """Write via a hidden temp file and rename; returns the sha256 of what was written."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        digest = file_sha256(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def file_sha256(path: Path) -> str:
    """The sha256 of the file at ``path``, read a MiB at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sync_dir(folder: Path) -> None:
    """Make the renames durable too (a power cut, not just a killed process)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
    sums = {"passages": write_atomic(index_dir / files["passages"], lambda f: f.write(lines.encode("utf-8")))}
    sums["vectors"] = write_atomic(index_dir / files["vectors"], lambda f: np.save(f, vectors, allow_pickle=False))
    for name, array in (extras or {}).items():
        sums[name] = write_atomic(index_dir / files[name], lambda f, a=array: np.save(f, a, allow_pickle=False))
    data = faiss.serialize_index(make_faiss_index(vectors))
    sums["faiss"] = write_atomic(index_dir / files["faiss"], lambda f: f.write(data.tobytes()))
    _sync_dir(index_dir)

    final = Manifest(**{**manifest.__dict__, "generation": generation, "files": files, "checksums": sums,
                        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds")})
    text = json.dumps(final.__dict__, indent=2, ensure_ascii=False) + "\n"
    write_atomic(index_dir / MANIFEST, lambda f: f.write(text.encode("utf-8")))  # the commit point
    _sync_dir(index_dir)
    clean(index_dir, keep=final.kept_files())
    return final


def clean(index_dir: Path, *, keep: set[str] | None = None) -> list[str]:
    """Remove temp files and generations other than ``keep`` (default: what the manifest names).

    Run by a build, under its lock: the leftovers of a killed build go. With no readable
    manifest only temp files go, since nothing says which generation is wanted.
    """
    if keep is None:
        try:
            keep = read_manifest(index_dir).kept_files()
        except IndexMissing:
            keep = set()
        except IndexCorrupt:
            keep = None
    removed = []
    for path in sorted(index_dir.iterdir()) if index_dir.is_dir() else []:
        junk = _TEMP_FILE.match(path.name) or (
            keep is not None and (_GENERATION_FILE.match(path.name) or _EXPORT_FILE.match(path.name))
            and path.name not in keep)
        if junk and path.is_file():
            path.unlink(missing_ok=True)
            removed.append(path.name)
    if removed:
        log.info("removed from %s: %s", index_dir, ", ".join(removed))
    return removed


_MANIFEST_TYPES = {"model": str, "dimension": int, "chunking": dict, "sources": dict, "package_version": str,
                   "built_at": str, "generation": str, "files": dict, "checksums": dict, "format_version": int,
                   "documents": dict, "second_model": str, "query_encoder": dict}


def check_folder(index_dir: Path) -> None:
    """IndexPathError if ``index_dir``, or a folder above it, is a file rather than a folder."""
    for folder in (index_dir, *index_dir.parents):
        if folder.exists():
            if not folder.is_dir():
                where = "" if folder == index_dir else f" (so {index_dir} cannot be a folder)"
                raise IndexPathError(f"{folder} is a file, not a folder{where} - "
                                     "point --index-dir at a folder, e.g. index/")
            return


def read_manifest(index_dir: Path) -> Manifest:
    """The manifest of ``index_dir``; IndexMissing without one, IndexCorrupt naming it if unreadable."""
    path = index_dir / MANIFEST
    if not path.is_file():
        check_folder(index_dir)  # "run: python -m qa build" would only fail again
        raise IndexMissing(f"No index in {index_dir} - run: {REBUILD}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        wrong = [k for k, t in _MANIFEST_TYPES.items() if k in data and not isinstance(data[k], t)]
        if wrong:
            raise ValueError(f"bad {', '.join(wrong)}")
        return Manifest(**{k: v for k, v in data.items() if k in _MANIFEST_TYPES})
    except (ValueError, TypeError, UnicodeDecodeError, OSError) as err:
        raise IndexCorrupt(f"{path} is unreadable ({err}) - run: {REBUILD}") from None


def load(index_dir: Path) -> StoredIndex:
    """Read the index that ``manifest.json`` names; IndexCorrupt names any bad file.

    A build in another process may switch generations (and delete the old files) while
    this reads; then the new manifest is read and loading starts again.
    """
    manifest = read_manifest(index_dir)
    for _ in range(2):
        try:
            return _load_generation(index_dir, manifest)
        except IndexCorrupt:
            newer = _newer_manifest(index_dir, manifest)
            if newer is None:
                raise
            manifest = newer
    return _load_generation(index_dir, manifest)


def _newer_manifest(index_dir: Path, manifest: Manifest) -> Manifest | None:
    """The manifest of a generation committed since ``manifest`` was read, if any."""
    try:
        current = read_manifest(index_dir)
    except IndexProblem:
        return None
    return current if current.generation != manifest.generation else None


def _checked(index_dir: Path, manifest: Manifest, kind: str) -> Path:
    """The path of the manifest's ``kind`` file, once it is known to exist with the right sha256."""
    name = manifest.files.get(kind)
    if not name:
        raise IndexCorrupt(f"{index_dir / MANIFEST} names no {kind} file - run: {REBUILD}")
    if not _GENERATION_FILE.match(name):
        raise IndexCorrupt(f"{index_dir / MANIFEST} names an unexpected {kind} file {name!r} - run: {REBUILD}")
    path = index_dir / name
    expected = manifest.checksums.get(kind)
    try:
        if expected and file_sha256(path) != expected:
            raise IndexCorrupt(f"{path} is damaged (its sha256 differs from the manifest's) - run: {REBUILD}")
    except OSError:  # gone, e.g. removed by a build that switched generations meanwhile
        raise IndexCorrupt(f"{path} is missing - run: {REBUILD}") from None
    if not path.is_file():
        raise IndexCorrupt(f"{path} is missing - run: {REBUILD}")
    return path


def _load_generation(index_dir: Path, manifest: Manifest) -> StoredIndex:
    import faiss

    def need(kind: str) -> Path:
        return _checked(index_dir, manifest, kind)

    path = need("passages")
    try:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        chunks = tuple(_chunk_from_record(r) for r in records)
        hashes = tuple(str(r["hash"]) for r in records)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, OSError) as err:
        raise IndexCorrupt(f"{path} is unreadable ({err}) - run: {REBUILD}") from None

    arrays = {}
    for kind in [k for k in manifest.files if k not in {"passages", "faiss"}]:
        path = need(kind)
        try:
            arrays[kind] = np.load(path, allow_pickle=False)
        except (ValueError, OSError, EOFError) as err:
            raise IndexCorrupt(f"{path} is unreadable ({err}) - run: {REBUILD}") from None
    vectors = arrays.pop("vectors", None)
    if vectors is None or vectors.shape != (len(chunks), manifest.dimension):
        raise IndexCorrupt(f"{need('vectors')} holds {getattr(vectors, 'shape', None)}, expected "
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


def verify(index_dir: Path) -> Manifest:
    """The manifest, after checking every file it names is there and intact (no FAISS load)."""
    manifest = read_manifest(index_dir)
    for kind in sorted({"passages", "vectors", "faiss"} | set(manifest.files)):
        _checked(index_dir, manifest, kind)
    return manifest


def check_fresh(manifest: Manifest, *, model: str, chunking: dict[str, int], sources: dict[str, str],
                index_dir: Path, second_model: str | None = None) -> None:
    """IndexStale naming what changed, unless the index matches the seeds and settings."""
    changes = manifest.differences(model=model, chunking=chunking, sources=sources, second_model=second_model)
    if changes:
        raise IndexStale(
            f"The index in {index_dir} is out of date ({'; '.join(changes)}) - run: {REBUILD}",
            tuple(changes),
        )
