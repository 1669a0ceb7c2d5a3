"""What the multilingual channel costs: build seconds and peak memory, with and without it.

Each measurement runs in a fresh process (cold model loads, honest peak RSS), on a copy of
``seeds/`` in a temporary folder. Usage::

    python benchmarks/multilingual_cost.py [--repeat 3]

Prints one line per case: median seconds and peak RSS in MiB (for the last case, the
growth of peak RSS that loading the multilingual model and embedding cause).
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CASES = {
    "build, English only": "build-without",
    "build, English + multilingual": "build-with",
    "load + 1 English question": "ask-en",
    "load + 1 English + 1 Russian question": "ask-ru",
    "multilingual vectors alone (load + embed)": "use-only",
}


def child(mode: str, root: Path) -> dict:
    sys.path.insert(0, str(REPO))
    import qa
    import qa.index.builder

    seeds, index = root / "seeds", root / "index"
    if mode == "use-only":  # the channel's own share of a build, without the English model
        from qa.index.chunking import chunk_text
        from qa.index.corpus import read_corpus
        from qa.index.multilingual import index_arrays

        chunks = [c for d in read_corpus(seeds).documents for c in chunk_text(d.source, d.text)]
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        began = time.perf_counter()
        index_arrays(chunks)  # no previous index: every text embedded
        return {"seconds": time.perf_counter() - began,
                "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before}
    began = time.perf_counter()
    if mode.startswith("build"):
        shutil.rmtree(index, ignore_errors=True)
        if mode == "build-without":
            qa.index.builder.index_arrays = lambda chunks, previous=None, full=False: {}
        qa.build(seeds_dir=seeds, index_dir=index)
    else:
        qa.ask("Which city hosted the first summit?", seeds_dir=seeds, index_dir=index)
        if mode == "ask-ru":
            qa.ask("В каком городе прошёл первый саммит?", seeds_dir=seeds, index_dir=index)
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.root)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "seeds", root / "seeds")
        for label, mode in CASES.items():
            if mode.startswith("ask"):  # queries need the full index
                subprocess.run([sys.executable, __file__, "--child", "build-with", "--root", str(root)],
                               check=True, capture_output=True)
            runs = []
            for _ in range(args.repeat):
                out = subprocess.run([sys.executable, __file__, "--child", mode, "--root", str(root)],
                                     check=True, capture_output=True, text=True).stdout
                runs.append(json.loads(out.strip().splitlines()[-1]))
            print(f"{label:40s} {statistics.median(r['seconds'] for r in runs):6.2f} s"
                  f"   peak RSS {statistics.median(r['rss_mib'] for r in runs):6.0f} MiB")


if __name__ == "__main__":
    main()
