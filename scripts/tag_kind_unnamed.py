"""Rows cached before the forty-second session lack ``kind_unnamed``: whether the best passage
names a thing of the kind asked for, read by the entity tagger (``qa.search.entities``). This
writes a copy of a ``fit_abstention.py --cache`` file with it added, read by the same function
as at query time from each row's question and best passage; the rest of each row (the patterns'
``kind_missing`` too) is unchanged. Then fit as usual on the copy:

    python scripts/tag_kind_unnamed.py rows.json rows-tagged.json
    python scripts/fit_abstention.py --retired --cache rows-tagged.json \\
        --features support+aftermath+phrases+stance+pair-length+entities ...
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_abstention import cached_rows  # noqa: E402
from qa.search import entities  # noqa: E402
from qa.search.evidence import KINDS  # noqa: E402


def asked(features: dict) -> str:
    """The kind a row's question asks for, from its ``asks_*`` features ("" for none).

    >>> asked({"asks_date": 0.0, "asks_place": 1.0}), asked({"asks_date": 0.0})
    ('place', '')
    """
    return next((kind for kind in KINDS if features.get(f"asks_{kind}")), "")


def tagged(rows: list[dict]) -> tuple[list[dict], int]:
    """``rows`` with ``kind_unnamed`` read by the tagger, and on how many rows it is 1."""
    for row in rows:
        kind = asked(row["features"])
        row["features"]["kind_unnamed"] = float(bool(kind) and bool(row["passage"])
                                                and entities.unnamed(kind, row["question"], row["passage"]))
    return rows, sum(int(r["features"]["kind_unnamed"]) for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cache", type=Path, help="rows written by fit_abstention.py --cache (kept as they are)")
    ap.add_argument("out", type=Path, help="where the tagged copy is written")
    args = ap.parse_args()
    rows, fired = tagged(cached_rows(args.cache, texts=True))
    args.out.write_text(json.dumps(rows))
    print(f"{len(rows)} rows, kind_unnamed 1 on {fired}; written to {args.out}")


if __name__ == "__main__":
    main()
