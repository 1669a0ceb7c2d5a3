"""Per-passage signals -> one score. Each signal is z-scored over the corpus (so a cosine and
a BM25 score are comparable), then summed with weights; the lexical signals are further
scaled by how much of the question the corpus's vocabulary covers, so a question in the
speech's own words leans on BM25 and a paraphrase leans on the embeddings. Two embedders
vote: all-MiniLM-L6-v2 (every view) and the multilingual Universal Sentence Encoder (whole
passages, ``use_passage``); their errors on paraphrases differ, so the sum ranks better than
either. The second one is asked only when the question is a paraphrase (the speech's
vocabulary covers less than ``use_below_coverage`` of its words): a question in the speech's
own words is found by BM25 and does not pay for a second model call.

The weights were chosen by leave-one-out cross-validation on the dev questions
(``scripts/tune_fusion.py``); they are few and coarse on purpose. Checked again across
documents on 2026-12-02 (``scripts/check_fusion.py``: six speeches, each built alone, the
answerable English dev questions, 43 of them paraphrases; cross-validation grouped by
document): the shipped weights give hit@1 0.719, hit@3 0.901 (paraphrases 0.558 / 0.837);
without the lexical signal 0.626 / 0.842 (paraphrases 0.558 / 0.791); plain MiniLM passage
cosine 0.661 / 0.830 (paraphrases 0.512 / 0.744). The lexical weight does not hurt
paraphrases here, and the setting chosen on the other documents did no better than the
shipped one (0.696 / 0.883), so the weights stay. The values, and where each comes from, are
``qa.config.Weights`` (``Settings.tuning.fusion``).
"""
from __future__ import annotations

import numpy as np

from ..config import Weights  # the weights and where they come from

DENSE = ("passage", "sentence", "context", "sentence_context", "use_passage")
LEXICAL = ("bm25_passage", "bm25_sentence")


def zscore(x: np.ndarray) -> np.ndarray:
    """(x - mean) / std; all zeros when ``x`` is constant.

    >>> zscore(np.array([1.0, 2.0, 3.0])).round(3).tolist()
    [-1.225, 0.0, 1.225]
    """
    x = np.asarray(x, dtype=np.float64)
    sd = float(x.std()) if x.size else 0.0
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def fuse(signals: dict[str, np.ndarray], weights: Weights, *, coverage: float) -> np.ndarray:
    """The weighted sum of the z-scored ``signals`` present (missing ones count zero).

    >>> fuse({"sentence_context": np.array([0.1, 0.5])}, Weights(), coverage=1.0).round(1).tolist()
    [-1.0, 1.0]
    """
    n = len(next(iter(signals.values())))
    total = np.zeros(n)
    scale = max(0.0, min(1.0, coverage)) ** weights.coverage_power
    for name in DENSE + LEXICAL:
        w = getattr(weights, name)
        if w and name in signals:
            total += w * (scale if name in LEXICAL else 1.0) * zscore(signals[name])
    return total


def pool(values: np.ndarray, owners: np.ndarray, passages: int, *, top: int) -> np.ndarray:
    """For each passage, the mean of the ``top`` best ``values`` of its sentences (``owners``
    gives each sentence's passage; a passage without sentences gets 0).

    >>> pool(np.array([0.9, 0.1, 0.5, 0.4]), np.array([0, 0, 1, 1]), 3, top=2).round(2).tolist()
    [0.5, 0.45, 0.0]
    >>> pool(np.array([0.9, 0.1, 0.5, 0.4]), np.array([0, 0, 1, 1]), 2, top=1).tolist()
    [0.9, 0.5]
    """
    values = np.asarray(values, dtype=np.float64)
    owners = np.asarray(owners)
    order = np.lexsort((-values, owners))
    grouped = owners[order]
    keep = np.arange(len(order)) - np.searchsorted(grouped, grouped, side="left") < max(1, top)
    sums, counts = np.zeros(passages), np.zeros(passages)
    np.add.at(sums, grouped[keep], values[order][keep])
    np.add.at(counts, grouped[keep], 1.0)
    return np.where(counts > 0, sums / np.maximum(counts, 1.0), 0.0)


def continue_discourse(fused: np.ndarray, points_back: np.ndarray) -> np.ndarray:
    """A passage that opens by pointing back ("These developments indicate that...") scores at
    least as high as the passage before it: it is that passage's conclusion, and a question
    about the examples ("what do they show?") is answered by it. Ties rank the earlier passage
    first, so the two come up together, in reading order.

    >>> continue_discourse(np.array([3.0, 1.0, 0.5]), np.array([False, True, False])).tolist()
    [3.0, 3.0, 0.5]

    Several rankings at once (one per row, as ``scripts/tune_fusion.py`` scores its grid):

    >>> continue_discourse(np.array([[3.0, 1.0, 0.5], [0.0, 1.0, 2.0]]), np.array([False, True, False])).tolist()
    [[3.0, 3.0, 0.5], [0.0, 1.0, 2.0]]
    """
    fused = np.asarray(fused, dtype=np.float64)
    previous = np.concatenate([fused[..., :1], fused[..., :-1]], axis=-1)
    return np.where(np.asarray(points_back, dtype=bool), np.maximum(fused, previous), fused)
