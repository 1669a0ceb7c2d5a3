"""Experiment: is the size of the answering document a useful abstention input?

    python scripts/probe_size.py --cache features.json [--features SET]

Reads the rows ``scripts/fit_abstention.py --retired --cache features.json`` collected, adds
``document_passages`` (log(1 + the number of passages of the row's document, chunked as the build
chunks it)) and runs ``fit_abstention.cross_validate`` (grouped by document, threshold on the
formerly blind rows, main speech and others each at most ``MAX_WRONG`` wrongly refused) for SET
with and without it. Prints both; writes nothing. Written down before its run in
docs/experiments.md (eighteenth session), with the rule that decides.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_abstention as fa  # noqa: E402


def main() -> None:
    args = fa.probe_arguments(__doc__).parse_args()
    rows = fa.cached_rows(args.cache)
    counts = {speech.name: len(fa.speech_passages(speech)) for speech in fa.dev_sets(fa.DATA, retired=True)[0]}
    print("passages per document:", dict(sorted(counts.items(), key=lambda kv: kv[1])))
    for r in rows:
        r["features"]["document_passages"] = math.log1p(counts[r["doc"]])
    base = fa.SETS[args.features]
    fa.compare_sets(rows, {args.features: base, f"{args.features}+size": (*base, "document_passages")})


if __name__ == "__main__":
    main()
