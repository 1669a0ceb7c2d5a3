"""make_faiss_index picks the index by corpus size; every choice must rank like NumPy does."""
from __future__ import annotations

import numpy as np
import pytest

from qa.index import store


def _unit(rows: int, dimension: int = 48, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(rows, dimension)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.parametrize("exact_max, kind", [(10_000, "IndexFlatIP"), (100, "IndexScalarQuantizer")])
def test_each_index_type_ranks_like_numpy_and_survives_a_save(monkeypatch, exact_max, kind):
    import faiss

    monkeypatch.setattr(store, "EXACT_MAX_PASSAGES", exact_max)
    vectors = _unit(600)
    queries = _unit(5, seed=1) * 0.3 + vectors[:5]
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    index = store.make_faiss_index(vectors)
    assert type(index).__name__ == kind
    index = faiss.deserialize_index(faiss.serialize_index(index))

    scores, ids = index.search(queries, 10)
    exact = queries @ vectors.T
    expected = np.argsort(-exact, axis=1)[:, :10]
    assert (ids[:, 0] == np.arange(5)).all()
    if kind == "IndexFlatIP":
        assert (ids == expected).all()
    # float16 storage may swap two near-tied neighbours, never lose one from the top 10
    assert np.mean([len(set(a) & set(b)) for a, b in zip(ids, expected)]) >= 9.8
    np.testing.assert_allclose(scores, np.take_along_axis(exact, ids, axis=1), atol=2e-3)


def test_an_empty_corpus_gives_an_empty_exact_index():
    index = store.make_faiss_index(np.zeros((0, 8), np.float32))
    assert index.ntotal == 0 and index.d == 8
