"""What the staleness check costs each query: the shipped speech, and a 100-file seeds folder.

    python benchmarks/staleness.py [--files 100] [--repeat 200]

Every ``qa.ask``/``qa.retrieve`` compares the manifest with the sha256 of each file in
``seeds/`` (``qa.serving.check``). A file is read and hashed again only when its size, mtime,
ctime or inode moved; otherwise the check is a directory walk and a ``stat`` per file.
Prints, per folder, the median time of the whole check when nothing changed, and of hashing
every file (what an edit to all of them, or a check without the stat shortcut, costs).
No model is loaded; writes only to a temporary folder.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.index import corpus  # noqa: E402

SPEECH = Path(__file__).resolve().parent.parent / "seeds" / "central-asia-modernization-speech.txt"


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def make_folder(root: Path, files: int) -> Path:
    """``files`` copies of the speech, each a little different, with mtimes an hour old."""
    folder = root / f"seeds-{files}"
    folder.mkdir()
    text = SPEECH.read_text(encoding="utf-8")
    hour_ago = time.time() - 3600  # outside the window in which files are always hashed again
    for n in range(files):
        path = folder / (SPEECH.name if files == 1 else f"speech-{n:03}.txt")
        path.write_text(text + f"\nCopy {n}.\n", encoding="utf-8")
        os.utime(path, (hour_ago, hour_ago))
    return folder


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--files", type=int, default=100, help="files in the larger folder (default: 100)")
    p.add_argument("--repeat", type=int, default=200, help="timed calls per figure (default: 200)")
    args = p.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="speech-qa-staleness-"))
    try:
        for files in (1, args.files):
            folder = make_folder(root, files)
            size = sum(f.stat().st_size for f in folder.iterdir()) / 1024
            corpus.file_hashes(folder)  # fills the cache
            cached = median_ms(lambda: corpus.file_hashes(folder), args.repeat)
            rehash = median_ms(lambda: (corpus._hash_cache.clear(), corpus.file_hashes(folder)), args.repeat)
            print(f"{files:4} file(s), {size:,.0f} KB: {cached:.3f} ms per query when unchanged "
                  f"(stat walk), {rehash:.3f} ms when every file is read and hashed again")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
