"""Rows cached before the forty-second session read ``kind_missing`` with the patterns of
``qa/search/kinds.py``; since then the entity tagger reads it (``qa.search.entities``). This
writes a copy of a ``fit_abstention.py --cache`` file whose ``kind_missing`` is read again, by
the same function as at query time, from each row's question and best passage; the rest of each
row is unchanged. Then fit as usual on the copy:

    python scripts/retag_kind_missing.py rows.json rows-tagged.json
    python scripts/fit_abstention.py --retired --cache rows-tagged.json ...
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.search import entities  # noqa: E402
from qa.search.evidence import KINDS  # noqa: E402


def asked(features: dict) -> str:
    """The kind a row's question asks for, from its ``asks_*`` features ("" for none).

    >>> asked({"asks_date": 0.0, "asks_place": 1.0}), asked({"asks_date": 0.0})
    ('place', '')
    """
    return next((kind for kind in KINDS if features.get(f"asks_{kind}")), "")


def retagged(rows: list[dict]) -> tuple[list[dict], int]:
    """``rows`` with ``kind_missing`` read by the tagger, and how many rows changed value."""
    changed = 0
    for row in rows:
        kind = asked(row["features"])
        value = float(bool(kind) and bool(row["passage"]) and entities.kind_missing(kind, row["question"], row["passage"]))
        changed += value != row["features"]["kind_missing"]
        row["features"]["kind_missing"] = value
    return rows, changed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cache", type=Path, help="rows written by fit_abstention.py --cache (kept as they are)")
    ap.add_argument("out", type=Path, help="where the retagged copy is written")
    args = ap.parse_args()
    rows = json.loads(args.cache.read_text())
    if any("passage" not in r for r in rows):
        sys.exit(f"{args.cache} was collected before rows kept their texts: collect it again with "
                 "scripts/fit_abstention.py --retired --cache NEW.json")
    rows, changed = retagged(rows)
    args.out.write_text(json.dumps(rows))
    print(f"{len(rows)} rows, kind_missing changed on {changed}; written to {args.out}")


if __name__ == "__main__":
    main()
