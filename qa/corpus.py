"""Read ``seeds/``: every ``*.txt`` and ``*.md`` file below it is a document.

A file that is empty, binary, not UTF-8 or too large is skipped with a warning that names
it; it never stops the other files from being read.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from .errors import SeedsError
from .types import Document

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


def read_corpus(seeds_dir: Path) -> Corpus:
    """All usable documents below ``seeds_dir``; SeedsError if there is none."""
    documents, skipped = [], []
    for path in source_files(seeds_dir):
        source = path.relative_to(seeds_dir).as_posix()
        try:
            data = path.read_bytes()
            text = decode(source, data)
        except (SeedsError, OSError) as err:
            log.warning("skipping %s", err)
            skipped.append(str(err))
            continue
        documents.append(Document(source=source, text=text, sha256=hashlib.sha256(data).hexdigest()))
    if not documents:
        why = f" ({'; '.join(skipped)})" if skipped else ""
        raise SeedsError(f"No usable .txt or .md documents in {seeds_dir}{why} - add the speech as UTF-8 text")
    return Corpus(documents=tuple(documents), skipped=tuple(skipped))


_hash_cache: dict[Path, tuple[tuple, dict[str, str]]] = {}
_hash_lock = threading.Lock()


def file_hashes(seeds_dir: Path) -> dict[str, str]:
    """sha256 of every usable document, for staleness checks (same rules as read_corpus).

    Cached on the files' names, sizes and modification times, so asking often costs a
    directory walk, not a re-read of every file.
    """
    files = source_files(seeds_dir)
    key = tuple((str(p), st.st_size, st.st_mtime_ns) for p in files for st in [p.stat()])
    with _hash_lock:
        hit = _hash_cache.get(seeds_dir)
    if hit and hit[0] == key:
        return hit[1]
    hashes = read_corpus(seeds_dir).hashes()
    with _hash_lock:
        _hash_cache[seeds_dir] = (key, hashes)
    return hashes
