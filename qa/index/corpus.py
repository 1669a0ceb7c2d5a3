"""Read ``seeds/``: every ``*.txt`` and ``*.md`` file below it is a document.

A file that is empty, binary, not UTF-8 or too large is skipped with a warning that names
it; it never stops the other files from being read. So is a symbolic link that leads outside
``seeds/``, loops, or leads nowhere: ``ln -s /etc/passwd seeds/p.txt`` must not publish the
password file in the chat.
"""
from __future__ import annotations

import errno
import hashlib
import logging
import os
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


def scan(seeds_dir: Path) -> tuple[list[Path], list[str]]:
    """Document files below ``seeds_dir``, sorted, and why any link among them was left out.

    Hidden files and folders are left out silently; so are folders reached through a link
    (``rglob`` does not follow them).
    """
    if not seeds_dir.is_dir():
        raise SeedsError(
            f"No seeds folder at {seeds_dir} - create it and put the speech (a .txt or .md file) in it"
        )
    root = seeds_dir.resolve()
    files, refused = [], []
    for path in sorted(seeds_dir.rglob("*")):
        rel = path.relative_to(seeds_dir)
        if any(part.startswith(".") for part in rel.parts) or path.suffix.lower() not in SUFFIXES:
            continue
        if path.is_symlink():
            why = link_problem(path, root)
            if why:
                refused.append(f"{rel.as_posix()} {why}")
                continue
        if path.is_file():
            files.append(path)
    return files, refused


def link_problem(link: Path, root: Path) -> str | None:
    """Why the symbolic link ``link`` cannot be a document of the folder ``root``, or None.

    >>> link_problem(Path("/etc/hostname"), Path("/etc")) is None
    True
    """
    try:
        target = link.resolve(strict=True)
    except RuntimeError:  # Python 3.11 reports a loop this way
        return "is a symbolic link that loops - remove it"
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "is a symbolic link that loops - remove it"
        return "is a symbolic link to a file that does not exist - remove it or restore the file"
    if not target.is_relative_to(root):
        return (f"is a symbolic link to {target}, outside the seeds folder - "
                "copy the file into the seeds folder if it should be indexed")
    return None


def source_files(seeds_dir: Path) -> list[Path]:
    """Document files below ``seeds_dir`` (see ``scan``); links that are refused are left out."""
    return scan(seeds_dir)[0]


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
    files, refused = scan(seeds_dir)
    for why in refused:
        log.warning("not indexed: %s", why)
    documents, skipped = [], list(refused)
    for path in files:
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


# What the staleness check reads of a file before deciding whether to hash it again. The
# inode-change time is in it because programs cannot set it: ``touch -r``, ``cp -p`` and
# ``os.utime`` restore the modification time of an edited file, but each moves st_ctime.
# A file changed twice within the clock's granularity can keep even that; like git's
# "racily clean" entries, a file changed this recently is hashed again every time.
RACY_NS = 2_000_000_000
_hash_cache: dict[Path, tuple[tuple[int, int, int, int], str | None]] = {}
_hash_lock = threading.Lock()


def _stat_key(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def signature(seeds_dir: Path) -> tuple[tuple[str, int, int, int, int], ...]:
    """Names, sizes, modification and change times and inodes of the document files:
    changes when any file does, even after its mtime was put back.

    A directory walk and a ``stat`` per file; what a watcher polls.
    """
    out = []
    for path in source_files(seeds_dir):
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((path.relative_to(seeds_dir).as_posix(), *_stat_key(st)))
    return tuple(out)


def _cached_sha256(path: Path, source: str) -> str | None:
    """The file's sha256 if it is a usable document, else None; re-read only when its
    size, mtime, ctime or inode moved, or it changed in the last ``RACY_NS``."""
    try:
        st = path.stat()
    except OSError:
        return None
    key = _stat_key(st)
    with _hash_lock:
        hit = _hash_cache.get(path)
    if hit and hit[0] == key and time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS:
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

    Cached per file on its size, mtime, ctime and inode, so asking often costs a directory
    walk and a ``stat`` per file, not a re-read of every file; any write to a file moves
    its ctime, so a cached hash is never that of older content.
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
