"""Check the constants the abstention features are read with (``qa.config.Features``: how many
passages word coverage is read over, how many sentences the answer checks read, how many words
either side of a figure), one at a time, by the abstention model's grouped cross-validation.

    python scripts/check_features.py

Each speech is built alone and every English question ``fit_abstention.py --retired`` reads is
scored once; its evidence features are then computed under each setting (the shipped one, and
each constant moved to the other values of ``CANDIDATES`` with the rest as shipped). For each
setting the shipped feature set is fitted as ``fit_abstention.py --retired`` fits it (GroupKFold
by document, the threshold for <= 5% wrong refusals set on the formerly blind rows, the main
speech's and the others' each) and the recall there is printed. A constant changes only if
another value does better by more than a few questions.
"""
from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from fit_abstention import alone, blind_groups, cross_validate, dev_sets, speech_rows  # noqa: E402
from qa.answer.abstain import load_model  # noqa: E402
from qa.api import retriever  # noqa: E402
from qa.config import Features, Tuning, settings  # noqa: E402

CANDIDATES = {"covered_by": (1, 2, 3, 5), "sentences_read": (3, 5, 8), "figure_window": (2, 4, 6, 8)}
SHIPPED = settings().tuning.features


def variants() -> list[Features]:
    out = [SHIPPED]
    for name, values in CANDIDATES.items():
        out += [replace(SHIPPED, **{name: v}) for v in values if v != getattr(SHIPPED, name)]
    return out


def main() -> None:
    settings_ = variants()
    rows: list[list[dict]] = [[] for _ in settings_]
    with tempfile.TemporaryDirectory(prefix="check-features-") as scratch:
        for speech, items in dev_sets(retired=True)[0].items():
            base, seeds = alone(speech, Path(scratch))
            index = Path(scratch) / speech.stem / "index"
            readers = [retriever(settings(seeds_dir=seeds, index_dir=index, tuning=Tuning(features=f)))
                       for f in settings_]
            for found, more in zip(rows, speech_rows(speech, items, base, seeds, readers)):
                found += more
    calibrate = blind_groups(rows[0])
    features = load_model(settings().abstention).features
    for f, found in zip(settings_, rows):
        t, pooled, _ = cross_validate(found, features, calibrate)
        label = "shipped" if f == SHIPPED else ", ".join(f"{k} {getattr(f, k)}" for k in CANDIDATES
                                                        if getattr(f, k) != getattr(SHIPPED, k))
        print(f"{label:22s} formerly blind rows: {pooled['formerly_blind']}  all rows: recall "
              f"{pooled['abstain_recall']} wrong {pooled['wrong_refusals']}")


if __name__ == "__main__":
    main()
