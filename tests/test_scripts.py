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
