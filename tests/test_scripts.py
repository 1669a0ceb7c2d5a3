"""The worked examples in the fitting scripts' docstrings (``scripts/``, outside the package, so
pytest's doctest collection does not reach them): each script that has one is imported and its
examples run. A script is only imported here, never run."""
from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
WITH_EXAMPLES = sorted(p.stem for p in SCRIPTS.glob("*.py") if "\n    >>> " in p.read_text(encoding="utf-8"))


def test_the_scripts_with_examples_are_found():
    assert {"fit_abstention", "probe_judge_contrastive"} <= set(WITH_EXAMPLES)


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_a_scripts_examples_hold(name, monkeypatch):
    monkeypatch.syspath_prepend(str(SCRIPTS))
    module = importlib.import_module(name)
    result = doctest.testmod(module, verbose=False)
    assert result.attempted > 0 and result.failed == 0, f"scripts/{name}.py: {result}"


def test_shards_of_the_rows_join_in_the_unsharded_order(tmp_path, monkeypatch):
    """``fit_abstention.py --merge`` puts the rows of ``--shard`` caches back in the order one
    unsharded collection gives (speeches as ``dev_sets`` lists them, each speech's rows in
    their own order), so the grouped folds and the fit do not depend on the sharding."""
    import json

    monkeypatch.syspath_prepend(str(SCRIPTS))
    fit = importlib.import_module("fit_abstention")
    names = [speech.name for speech in fit.dev_sets(fit.DATA)[0]]
    assert len(names) >= 3
    rows = [{"doc": name, "id": f"{name}-{k}"} for name in names for k in range(2)]
    for i in range(2):
        shard = [row for n, name in enumerate(names) if n % 2 == i for row in rows if row["doc"] == name]
        (tmp_path / f"{i}.json").write_text(json.dumps(shard))
    # The second shard first, as a user might list them: the order still comes from dev_sets.
    assert fit.merged([tmp_path / "1.json", tmp_path / "0.json"], fit.DATA) == rows


def test_a_rows_names_are_weighed_on_the_other_documents_only(monkeypatch):
    """Candidate N: a row's unknown names count at weights read off the other documents'
    questions, never off its own document's (as a document nobody fitted on meets them)."""
    import numpy as np

    monkeypatch.syspath_prepend(str(SCRIPTS))
    fit = importlib.import_module("fit_abstention")
    rows = [{"doc": doc, "silent": silent, "names": names, "features": {"unknown_names": float(len(names))}}
            for doc, silent, names in (("a", False, ["the Union"]), ("a", False, ["the Union"]),
                                       ("b", False, ["the Union"]), ("c", True, ["Mars"]),
                                       ("d", True, ["Venus", "the Union"]))]
    counts = fit.NameCounts.of(rows, "documents", prior=0.0)
    # a's rows: on b, c and d "the Union" is unknown once in an answerable question and once in
    # an unanswerable one, where three in four such are unanswerable: (1 / 2) / (3 / 4). c's
    # "Mars" is unknown nowhere else: 1. d's: on a, b and c "the Union" is only answerable: 0.
    assert counts.column(np.arange(5), own=True).tolist() == [0.667, 0.667, 0.667, 1.0, 1.0]
    # Leaving out b as well (b's fold), a's "the Union" is seen unanswerable only: it counts 1.
    assert counts.column(np.array([0]), {"b"}, own=True).tolist() == [1.0]
    # Counted in documents, a's two questions count once; in questions, twice.
    assert counts.weights() == {"union": 0.556}
    assert fit.NameCounts.of(rows, "questions", prior=0.0).weights() == {"union": 0.5}
    # A name of several words counts as many, scaled by its weight.
    rows[0]["features"]["unknown_names"] = 2.0
    assert fit.NameCounts.of(rows, "documents", prior=0.0).column(np.array([0]), own=True).tolist() == [1.334]
