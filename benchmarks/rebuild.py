"""Full build vs. incremental build after a one-paragraph edit, on the real model.

    python benchmarks/rebuild.py [--copies N]

Builds a fresh index from the speech (plus N altered copies, to see how it scales), then
rebuilds with nothing changed, then edits one paragraph and rebuilds. Prints passages
embedded and seconds for each; the model is loaded first and timed on its own.
Writes only to a temporary folder.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import qa  # noqa: E402
from qa.index.chunking import chunk_text  # noqa: E402
from qa.config import DEFAULT_MODEL  # noqa: E402
from qa.index.embedding import get_encoder  # noqa: E402

SPEECH = Path(__file__).resolve().parent.parent / "seeds" / "central-asia-modernization-speech.txt"
EDIT_OLD, EDIT_NEW = "impressive growth", "remarkable growth"  # in paragraph 9


def make_seeds(folder: Path, copies: int) -> Path:
    folder.mkdir()
    shutil.copyfile(SPEECH, folder / SPEECH.name)
    text = SPEECH.read_text(encoding="utf-8")
    for i in range(1, copies + 1):  # every paragraph altered, so nothing is shared with the speech
        altered = "\n".join(f"[copy {i}] {line}" if line.strip() else line for line in text.splitlines())
        (folder / f"copy-{i:03d}.txt").write_text(altered, encoding="utf-8")
    return folder


def changed_passages(before: str, after: str) -> int:
    """Passages of the edited file whose text is new: what an incremental build must embed."""
    old = {c.text for c in chunk_text("x", before)}
    return sum(c.text not in old for c in chunk_text("x", after))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--copies", type=int, default=0, help="altered copies of the speech to add (default 0)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seeds, index = make_seeds(Path(tmp) / "seeds", args.copies), Path(tmp) / "index"
        kw = {"seeds_dir": seeds, "index_dir": index, "model": DEFAULT_MODEL}

        began = time.perf_counter()
        encoder = get_encoder(DEFAULT_MODEL)
        encoder.encode(["warm up"])
        load_s = time.perf_counter() - began

        rows = [("full build", qa.build(**kw, full=True)), ("rebuild, nothing changed", qa.build(**kw))]
        speech = seeds / SPEECH.name
        before = speech.read_text(encoding="utf-8")
        speech.write_text(before.replace(EDIT_OLD, EDIT_NEW, 1), encoding="utf-8")
        rows.append(("rebuild after a one-paragraph edit", qa.build(**kw)))
        expected = changed_passages(before, speech.read_text(encoding="utf-8"))

    print(f"model {DEFAULT_MODEL}: loaded in {load_s:.2f} s (not counted below)")
    print(f"corpus: {rows[0][1].documents} documents, {rows[0][1].passages} passages")
    print(f"{'build':<36}{'embedded':>9}{'reused':>8}{'removed':>8}{'seconds':>9}")
    for name, r in rows:
        print(f"{name:<36}{r.embedded:>9}{r.reused:>8}{r.removed:>8}{r.seconds:>9.2f}")
    edited = rows[2][1]
    verdict = "yes" if edited.embedded == expected else f"NO (expected {expected})"
    print(f"incremental build embedded only the edited paragraph's {expected} passage(s): {verdict}")
    print(f"speed-up over the full build: {rows[0][1].seconds / max(edited.seconds, 1e-9):.1f}x")


if __name__ == "__main__":
    main()
