from __future__ import annotations

import json
import logging

import numpy as np
import pytest

import qa
from qa.config import settings
from qa.index import store
from qa.search.retrieval import Retriever


def test_faiss_top_k_equals_numpy_brute_force():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(500, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    query = vectors[:3] + 0.1
    index = store.make_faiss_index(vectors)
    scores, ids = index.search(query, 10)
    expected = np.argsort(-(query @ vectors.T), axis=1)[:, :10]
    assert (ids == expected).all()
    np.testing.assert_allclose(scores, np.take_along_axis(query @ vectors.T, expected, axis=1), rtol=1e-5)


def test_save_then_load_returns_the_same_results(built, fake_encoder):
    seeds, index = built
    loaded = store.load(index)
    again = store.load(index)
    assert loaded.chunks == again.chunks
    text = (seeds / "central-asia-modernization-speech.txt").read_text(encoding="utf-8")
    assert all(text[c.start:c.end] == c.text for c in loaded.chunks)
    first = Retriever(loaded, fake_encoder).search("Belt and Road Initiative announced", k=5)
    second = qa.retrieve("Belt and Road Initiative announced", k=5, seeds_dir=seeds, index_dir=index)
    assert first == second


def test_manifest_records_what_was_built(built):
    seeds, index = built
    manifest = json.loads((index / "manifest.json").read_text())
    assert manifest["model"] == "fake-encoder" and manifest["dimension"] == 64
    assert manifest["format_version"] == store.FORMAT_VERSION
    assert set(manifest["sources"]) == {"central-asia-modernization-speech.txt"}
    assert manifest["chunking"] == settings().chunk_settings() and manifest["chunking"]["target_chars"] > 0
    assert manifest["package_version"] == qa.__version__ and manifest["built_at"]
    assert not list(index.glob("*.pkl")) and not list(index.glob("*.pickle"))


def test_edited_seed_makes_index_stale_and_says_what_changed(built):
    seeds, index = built
    speech = seeds / "central-asia-modernization-speech.txt"
    speech.write_text(speech.read_text(encoding="utf-8") + "\nA new line.", encoding="utf-8")
    with pytest.raises(qa.IndexStale) as err:
        qa.retrieve("summit", seeds_dir=seeds, index_dir=index)
    assert "changed: central-asia-modernization-speech.txt" in str(err.value)
    assert "python -m qa build" in str(err.value)


def test_model_mismatch_is_stale(built, monkeypatch):
    seeds, index = built
    monkeypatch.setenv("QA_MODEL", "another-model")
    status = qa.status(seeds_dir=seeds, index_dir=index)
    assert not status.fresh and status.changes == ("model: fake-encoder -> another-model",)


def test_missing_index_is_built_on_first_use_and_said(seeds, tmp_path, fake_encoder, caplog):
    caplog.set_level(logging.INFO, logger="qa.api")
    index = tmp_path / "nothing"
    answer = qa.ask("Where was the first summit held?", seeds_dir=seeds, index_dir=index)
    assert "There was no index yet: it was built from the documents for this question." in answer.notes
    assert any(f"No index in {index} yet: building it" in r.getMessage() for r in caplog.records)
    assert qa.status(seeds_dir=seeds, index_dir=index).fresh
    assert qa.retrieve("Where?", seeds_dir=seeds, index_dir=index)  # built once: no note any more
    assert qa.ask("Where?", seeds_dir=seeds, index_dir=index).notes == ()


def test_stale_index_still_raises_unless_auto_rebuild(built):
    seeds, index = built
    (seeds / "extra.txt").write_text("A new paragraph about rivers.\n", encoding="utf-8")
    with pytest.raises(qa.IndexStale, match=r"added: extra.txt.* - run: python -m qa build"):
        qa.ask("Where?", seeds_dir=seeds, index_dir=index)
    assert not qa.ask("rivers?", seeds_dir=seeds, index_dir=index, auto_rebuild=True).abstained


def test_truncated_faiss_file_is_named(built):
    seeds, index = built
    faiss_file = next(index.glob("index-*.faiss"))
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    with pytest.raises(qa.IndexCorrupt, match=faiss_file.name):
        store.load(index)
