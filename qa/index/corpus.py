"""Read ``seeds/``: every ``*.txt`` and ``*.md`` file below it is a document.

A file that is empty, binary, not UTF-8 or too large is skipped with a warning that names
it; it never stops the other files from being read.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import SeedsError
from ..types import Document
from .header import read_header

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md")
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class Corpus:
    """The readable documents of a seeds folder and, for the rest, why they were skipped."""

    documents: tuple[Document, ...]
    skipped: tuple[str, ...]

    def hashes(self) -> dict[str, str]:
        return {d.source: d.sha256 for d in self.documents}


def source_files(seeds_dir: Path) -> list[Path]:
    """Document files below ``seeds_dir``, sorted, hidden files and folders left out."""
    if not seeds_dir.is_dir():
        raise SeedsError(
            f"No seeds folder at {seeds_dir} - create it and put the speech (a .txt or .md file) in it"
        )
    files = []
    for path in sorted(seeds_dir.rglob("*")):
        rel = path.relative_to(seeds_dir)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix.lower() in SUFFIXES and path.is_file():
            files.append(path)
    return files


def decode(source: str, data: bytes) -> str:
    """The text of a file, or SeedsError saying why it cannot be used as a document.

    >>> decode("a.txt", b"caf\\xc3\\xa9")
    'café'
    """
    if not data.strip():
        raise SeedsError(f"{source} is empty")
    if len(data) > MAX_FILE_BYTES:
        raise SeedsError(f"{source} is larger than {MAX_FILE_BYTES // 2**20} MiB")
    if b"\x00" in data:
        raise SeedsError(f"{source} looks binary (it has NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SeedsError(f"{source} is not UTF-8 text (byte {err.start}); save it as UTF-8") from None


def read_document(path: Path, source: str) -> Document:
    """One document, or SeedsError (or OSError) saying why the file cannot be used."""
    if path.stat().st_size > MAX_FILE_BYTES:  # refuse before reading it all into memory
        raise SeedsError(f"{source} is larger than {MAX_FILE_BYTES // 2**20} MiB")
    data = path.read_bytes()
    return make_document(source, decode(source, data), hashlib.sha256(data).hexdigest())


def make_document(source: str, text: str, sha256: str = "") -> Document:
    """A document with its metadata lines read off (``qa.index.header``).

    >>> make_document("a.txt", "Author: A. Person\\nHello.").body
    (18, 24)
    """
    header, body = read_header(text)
    return Document(source=source, text=text, sha256=sha256 or hashlib.sha256(text.encode()).hexdigest(),
                    header=header, body=body)


def read_corpus(seeds_dir: Path) -> Corpus:
    """All usable documents below ``seeds_dir``; SeedsError if there is none."""
    documents, skipped = [], []
    for path in source_files(seeds_dir):
        source = path.relative_to(seeds_dir).as_posix()
        try:
            documents.append(read_document(path, source))
        except (SeedsError, OSError) as err:
            log.warning("not indexed: %s", err)
            skipped.append(str(err))
    if not documents:
        why = f" ({'; '.join(skipped)})" if skipped else ""
        raise SeedsError(f"No usable .txt or .md documents in {seeds_dir}{why} - add the speech as UTF-8 text")
    return Corpus(documents=tuple(documents), skipped=tuple(skipped))


# A file changed twice within the clock's granularity can keep its size and mtime; like
# git's "racily clean" entries, a file modified this recently is hashed again every time.
RACY_NS = 2_000_000_000
_hash_cache: dict[Path, tuple[tuple[int, int, int], str | None]] = {}
_hash_lock = threading.Lock()


def signature(seeds_dir: Path) -> tuple[tuple[str, int, int, int], ...]:
    """Names, sizes, mtimes and inodes of the document files: changes when any file does.

    A directory walk and a ``stat`` per file; what a watcher polls.
    """
    out = []
    for path in source_files(seeds_dir):
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((path.relative_to(seeds_dir).as_posix(), st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(out)


def _cached_sha256(path: Path, source: str) -> str | None:
    """The file's sha256 if it is a usable document, else None; re-read only when it changed."""
    try:
        st = path.stat()
    except OSError:
        return None
    key = (st.st_size, st.st_mtime_ns, st.st_ino)
    with _hash_lock:
        hit = _hash_cache.get(path)
    if hit and hit[0] == key and time.time_ns() - st.st_mtime_ns > RACY_NS:
        return hit[1]
    try:
        digest: str | None = read_document(path, source).sha256
    except (SeedsError, OSError):
        digest = None
    with _hash_lock:
        _hash_cache[path] = (key, digest)
    return digest


def skipped_files(seeds_dir: Path) -> tuple[str, ...]:
    """Why each file that is not indexed was skipped (same rules as read_corpus).

    Only files that failed are read again, so asking often costs what ``file_hashes`` does.
    """
    why = []
    for path in source_files(seeds_dir):
        source = path.relative_to(seeds_dir).as_posix()
        if _cached_sha256(path, source) is not None:
            continue
        try:
            read_document(path, source)
        except (SeedsError, OSError) as err:
            why.append(str(err))
    return tuple(why)


def file_hashes(seeds_dir: Path) -> dict[str, str]:
    """sha256 of every usable document, for staleness checks (same rules as read_corpus).

    Cached per file on its size, modification time and inode, so asking often costs a
    directory walk, not a re-read of every file.
    """
    hashes = {}
    for path in source_files(seeds_dir):
        source = path.relative_to(seeds_dir).as_posix()
        digest = _cached_sha256(path, source)
        if digest is not None:
            hashes[source] = digest
    if not hashes:
        read_corpus(seeds_dir)  # raises the SeedsError that explains why nothing is usable
    return hashes
