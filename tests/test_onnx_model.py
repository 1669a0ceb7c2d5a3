"""The ONNX export of the real model: the same vectors as torch, and answers without torch.

Questions are read from the dev file at run time when it is there, never quoted here.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import DEV, REPO, SPEECH

pytestmark = pytest.mark.model

MODEL = "all-MiniLM-L6-v2"


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """(the sentence-transformers model, the ONNX encoder of its export)."""
    from qa.index import onnx_export
    from qa.index.embedding import get_encoder
    from qa.index.onnx_encoder import OnnxEncoder

    torch_encoder = get_encoder(MODEL)
    path = tmp_path_factory.mktemp("export") / "query-encoder.onnx"
    onnx_export.export(torch_encoder.model(), path)
    onnx = OnnxEncoder(path, torch_encoder.folder / "tokenizer.json", max_seq_length=256, name=MODEL)
    return torch_encoder.model(), onnx


def texts_of_the_speech() -> list[str]:
    """Every passage of the shipped speech, and every sentence of it."""
    from qa.index.chunking import chunk_text, sentence_texts

    chunks = chunk_text(SPEECH.name, SPEECH.read_text(encoding="utf-8"))
    return [c.text for c in chunks] + [t for c in chunks for t in sentence_texts(c)]


def dev_questions() -> list[str]:
    if not DEV.is_file():
        return []
    return [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def lowest_cosine(model, onnx, texts: list[str], *, one_at_a_time: bool) -> float:
    expected = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    got = np.concatenate([onnx.encode([t]) for t in texts]) if one_at_a_time else onnx.encode(texts)
    return float(np.min(np.sum(expected * got, axis=1)))


def test_every_passage_and_sentence_of_the_speech_has_the_torch_vector(both):
    model, onnx = both
    texts = texts_of_the_speech()
    assert len(texts) > 50
    assert lowest_cosine(model, onnx, texts, one_at_a_time=True) >= 0.9999
    assert lowest_cosine(model, onnx, texts, one_at_a_time=False) >= 0.9999  # padded batch


def test_every_dev_question_has_the_torch_vector(both):
    questions = dev_questions()
    if not questions:
        pytest.skip(f"no dev questions at {DEV}")
    model, onnx = both
    assert lowest_cosine(model, onnx, questions, one_at_a_time=True) >= 0.9999


def test_the_word_pieces_are_the_ones_sentence_transformers_reads(both):
    model, onnx = both
    long = SPEECH.read_text(encoding="utf-8")[:4000]  # far past the 256-piece limit
    for text in [*dev_questions(), *texts_of_the_speech()[:10], long]:
        expected = model.tokenizer(text, truncation=True, max_length=model.max_seq_length)["input_ids"]
        assert onnx.tokenizer.encode(text).ids == expected


def test_readable_cuts_where_the_torch_encoder_cuts(both):
    from qa.index.embedding import get_encoder

    _, onnx = both
    text = SPEECH.read_text(encoding="utf-8")[:3000]
    assert onnx.readable(text) == get_encoder(MODEL).readable(text)
    assert len(onnx.readable(text)) < len(text)


def run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, capture_output=True,
                            text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_answering_imports_neither_torch_nor_sentence_transformers(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "harbour.txt").write_text(
        "The new harbour opened in 2019 after six years of work.\n\n"
        "It handles grain, cotton and steel for the whole region.\n\n"
        "The mayor thanked the engineers who designed the breakwater.\n", encoding="utf-8")
    dirs = f"seeds_dir={str(seeds)!r}, index_dir={str(tmp_path / 'index')!r}"
    built = run(f"import qa; r = qa.build({dirs}); print(r.passages)")
    assert int(built) > 0
    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["query_encoder"]["opset"] == 17
    # The attention of each of MiniLM's six layers is one fused node (onnx_export.GRAPH).
    assert manifest["query_encoder"]["graph"] == 2
    assert manifest["query_encoder"]["fused"]["Attention"] == 6
    assert (tmp_path / "index" / manifest["query_encoder"]["file"]).is_file()
    out = run(f"""
        import sys, qa
        answer = qa.ask("When did the harbour open?", {dirs})
        print(answer.passages[0].text[:30])
        print("torch" in sys.modules, "sentence_transformers" in sys.modules)
    """).splitlines()
    assert out == ["The new harbour opened in 2019", "False False"]


def test_the_build_stores_the_torch_vector_of_every_whole_word(tmp_path, both):
    """The word table a build writes beside the export: one row per whole word of the
    vocabulary, each the vector sentence-transformers gives that word alone."""
    from qa.index.onnx_encoder import word_ids

    model, onnx = both
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "note.txt").write_text("Farmers grow cotton near the river.\n", encoding="utf-8")
    dirs = f"seeds_dir={str(seeds)!r}, index_dir={str(tmp_path / 'index')!r}"
    run(f"import qa; qa.build({dirs})")
    record = json.loads((tmp_path / "index" / "manifest.json").read_text(encoding="utf-8"))["query_encoder"]
    table = np.load(tmp_path / "index" / record["words"]["file"])
    ids = word_ids(onnx.tokenizer)
    assert table.shape == (len(ids), 384) == (record["words"]["rows"], 384)
    rows = np.random.default_rng(0).choice(len(ids), size=300, replace=False)
    words = onnx.tokenizer.decode_batch([[int(ids[r])] for r in rows])
    expected = model.encode(words, normalize_embeddings=True, convert_to_numpy=True)
    assert float(np.min(np.sum(expected * table[rows], axis=1))) >= 0.9999
