"""The ONNX query encoder without the real model: the tokenizer's padding and truncation, the
fallback to torch, and how the index folder keeps the export.

A tiny hand-made ONNX graph stands in for MiniLM: it returns how many word pieces of each
text the model would read (the sum of the attention mask), which is what padding and
truncation decide.
"""
from __future__ import annotations

import json
import logging

from types import SimpleNamespace

import numpy as np
import pytest

from qa.index import onnx_encoder, onnx_export, store
from qa.index.embedding import model_path

from conftest import FakeEncoder, install_encoder

TOKENIZER = model_path("all-MiniLM-L6-v2") / "tokenizer.json"
LIMIT = 256


def token_counter(path) -> None:
    """An ONNX file whose one output per text is [number of word pieces read]."""
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Cast", ["attention_mask"], ["mask"], to=TensorProto.FLOAT),
         helper.make_node("ReduceSum", ["mask", "axis"], ["sentence_embedding"], keepdims=1),
         helper.make_node("Identity", ["input_ids"], ["ids_out"])],
        "counter",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", 1]),
         helper.make_tensor_value_info("ids_out", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor("axis", TensorProto.INT64, [1], [1])],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


@pytest.fixture
def counter(tmp_path) -> onnx_encoder.OnnxEncoder:
    path = tmp_path / "counter.onnx"
    token_counter(path)
    return onnx_encoder.OnnxEncoder(path, TOKENIZER, max_seq_length=LIMIT)


def read_count(encoder, texts: list[str]) -> list[int]:
    return [int(v) for v in encoder.encode(texts)[:, 0]]


def test_the_packaged_tokenizer_pads_to_128_but_the_encoder_does_not(counter):
    packaged = json.loads(TOKENIZER.read_text(encoding="utf-8"))
    assert packaged["padding"]["strategy"] == {"Fixed": 128}  # the trap this encoder avoids
    # "[CLS] the cat sat [SEP]": five word pieces, not 128.
    assert read_count(counter, ["the cat sat"]) == [5]
    assert counter.tokenizer.padding is None


def test_a_batch_is_padded_only_to_its_longest_text_and_padding_is_not_read(counter):
    ids, mask = counter.batch(["the cat sat", "the cat sat on the mat today"])
    assert ids.shape == mask.shape == (2, 9)
    assert mask.sum(axis=1).tolist() == [5, 9]
    assert ids[0, 5:].tolist() == [0, 0, 0, 0]
    assert read_count(counter, ["the cat sat", "the cat sat on the mat today"]) == [5, 9]


def test_long_texts_are_cut_at_the_model_limit_not_at_128(counter):
    long = " ".join(f"word{i}" for i in range(400))  # well over 256 word pieces
    assert read_count(counter, [long]) == [LIMIT]
    ids, _ = counter.batch([long])
    assert ids[0, 0] == 101 and ids[0, -1] == 102  # [CLS] ... [SEP] survive the cut


def test_readable_is_the_part_of_a_long_text_within_the_limit(counter):
    short = "A short question?"
    assert counter.readable(short) == short
    long = " ".join(f"w{i}" for i in range(600))
    cut = counter.readable(long)
    assert long.startswith(cut) and len(cut) < len(long)
    assert len(counter.tokenizer.encode(cut, add_special_tokens=False).ids) == LIMIT - 2


def test_no_texts_gives_no_rows(counter):
    assert counter.encode([]).shape == (0, 1)


def id_adder(path) -> None:
    """An ONNX file whose one output per text is [the sum of the word-piece ids it reads]."""
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Mul", ["input_ids", "attention_mask"], ["read"]),
         helper.make_node("Cast", ["read"], ["ids"], to=TensorProto.FLOAT),
         helper.make_node("ReduceSum", ["ids", "axis"], ["sentence_embedding"], keepdims=1)],
        "adder",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", 1])],
        [helper.make_tensor("axis", TensorProto.INT64, [1], [1])],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


@pytest.fixture
def adder(tmp_path) -> onnx_encoder.OnnxEncoder:
    id_adder(tmp_path / "adder.onnx")
    return onnx_encoder.OnnxEncoder(tmp_path / "adder.onnx", TOKENIZER, max_seq_length=LIMIT)


def test_the_word_table_holds_what_the_session_gives_for_each_whole_word(adder):
    table = adder.word_table()
    vocab = adder.tokenizer.get_vocab()
    ids = onnx_encoder.word_ids(adder.tokenizer)
    assert len(table) == len(ids) > 20_000 and vocab["farmers"] in ids and vocab["##s"] not in ids
    for word in ("farmers", "reform", "a"):
        row = int(np.searchsorted(ids, vocab[word]))
        assert table[row, 0] == adder.encode([word])[0, 0] == 101 + vocab[word] + 102


def test_a_text_that_is_one_whole_word_is_read_from_the_table_and_others_from_the_model(tmp_path, adder):
    ids = onnx_encoder.word_ids(adder.tokenizer)
    marked = -np.arange(len(ids), dtype=np.float32)[:, None] - 1  # no sum of ids is negative
    np.save(tmp_path / "words.npy", marked)
    reader = onnx_encoder.OnnxEncoder(tmp_path / "adder.onnx", TOKENIZER, max_seq_length=LIMIT,
                                      words=tmp_path / "words.npy")
    vocab = adder.tokenizer.get_vocab()
    got = reader.encode(["Farmers", "the cat sat", " reform ", "unvaccinated"])[:, 0]
    assert got[0] == -1 - np.searchsorted(ids, vocab["farmers"])  # as written or lower case: one piece
    assert got[2] == -1 - np.searchsorted(ids, vocab["reform"])
    assert got[1] == adder.encode(["the cat sat"])[0, 0] > 0  # several words: the model
    assert got[3] == adder.encode(["unvaccinated"])[0, 0] > 0  # one word, several pieces: the model


def test_a_word_table_that_does_not_fit_the_vocabulary_is_not_used(tmp_path, adder, caplog):
    np.save(tmp_path / "words.npy", np.zeros((10, 1), np.float32))
    with caplog.at_level(logging.INFO, logger="qa.index.onnx_encoder"):
        reader = onnx_encoder.OnnxEncoder(tmp_path / "adder.onnx", TOKENIZER, max_seq_length=LIMIT,
                                          words=tmp_path / "words.npy")
    assert reader.encode(["farmers"])[0, 0] == adder.encode(["farmers"])[0, 0] > 0
    assert "not using the word table" in caplog.text


def fallback(tmp_path, monkeypatch, record: dict, caplog):
    fake = FakeEncoder(name="all-MiniLM-L6-v2")
    monkeypatch.setattr("qa.index.embedding.get_encoder", lambda model: fake)
    monkeypatch.setattr(onnx_encoder, "_warned", set())
    with caplog.at_level(logging.WARNING, logger="qa.index.onnx_encoder"):
        got = onnx_encoder.query_encoder(tmp_path, "all-MiniLM-L6-v2", record)
    lines = [r.getMessage() for r in caplog.records]
    return got, fake, lines


def test_an_index_without_an_export_answers_with_torch_and_says_why_once(tmp_path, monkeypatch, caplog):
    got, fake, lines = fallback(tmp_path, monkeypatch, {}, caplog)
    assert got is fake
    assert lines == ["questions are encoded with torch, which is slower (about 6 s to import it in a fresh "
                     "process): the index holds no ONNX export of the model - run: python -m qa build"]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="qa.index.onnx_encoder"):
        onnx_encoder.query_encoder(tmp_path, "all-MiniLM-L6-v2", {})
    assert caplog.records == []


def test_a_missing_export_file_falls_back(tmp_path, monkeypatch, caplog):
    record = {"file": "query-encoder-0123456789abcdef.onnx", "bytes": 10, "max_seq_length": LIMIT}
    got, fake, lines = fallback(tmp_path, monkeypatch, record, caplog)
    assert got is fake
    assert "query-encoder-0123456789abcdef.onnx is missing or damaged - run: python -m qa build" in lines[0]


def test_a_damaged_export_file_falls_back(tmp_path, monkeypatch, caplog):
    path = tmp_path / "query-encoder-0123456789abcdef.onnx"
    path.write_bytes(b"not an onnx model at all")
    record = {"file": path.name, "bytes": path.stat().st_size, "max_seq_length": LIMIT}
    got, fake, lines = fallback(tmp_path, monkeypatch, record, caplog)
    assert got is fake
    assert "could not be loaded" in lines[0] and "slower" in lines[0]


def test_without_onnxruntime_it_falls_back(tmp_path, monkeypatch, caplog):
    path = tmp_path / "query-encoder-0123456789abcdef.onnx"
    token_counter(path)
    real = onnx_encoder.find_spec
    monkeypatch.setattr(onnx_encoder, "find_spec", lambda name: None if name == "onnxruntime" else real(name))
    record = {"file": path.name, "bytes": path.stat().st_size, "max_seq_length": LIMIT}
    got, fake, lines = fallback(tmp_path, monkeypatch, record, caplog)
    assert got is fake
    assert lines[0].endswith("onnxruntime is not installed - run: pip install onnxruntime")


def test_a_usable_export_is_loaded_once_and_shared(tmp_path, monkeypatch, caplog):
    path = tmp_path / "query-encoder-0123456789abcdef.onnx"
    token_counter(path)
    record = {"file": path.name, "bytes": path.stat().st_size, "max_seq_length": LIMIT, "model_sha256": "x"}
    got, fake, lines = fallback(tmp_path, monkeypatch, record, caplog)
    assert isinstance(got, onnx_encoder.OnnxEncoder) and lines == []
    assert onnx_encoder.query_encoder(tmp_path, "all-MiniLM-L6-v2", record) is got
    assert got.name == "all-MiniLM-L6-v2"


def test_clean_keeps_the_export_the_manifest_names_and_removes_others(tmp_path):
    kept, stale = "query-encoder-0123456789abcdef.onnx", "query-encoder-fedcba9876543210.onnx"
    words, stale_words = "query-words-0123456789abcdef.npy", "query-words-fedcba9876543210.npy"
    temp, temp_words = f".{kept}.1a2b3c4d.tmp", f".{words}.1a2b3c4d.tmp"
    for name in (kept, stale, words, stale_words, temp, temp_words, "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    manifest = store.Manifest(model="m", dimension=2, chunking={}, sources={},
                              query_encoder={"file": kept, "words": {"file": words}})
    assert sorted(store.clean(tmp_path, keep=manifest.kept_files())) == sorted([stale, stale_words, temp, temp_words])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([kept, words, "notes.txt"])


def test_the_build_exports_again_when_the_model_folder_changes(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "weights.bin").write_bytes(b"\x00" * 10)
    model = str(folder)
    assert "no ONNX export" in onnx_export.needs_export(tmp_path, model, {})
    digest = onnx_export.model_hash(folder)
    export = tmp_path / onnx_export.file_name(digest)
    export.write_bytes(b"onnx")
    record = {"file": export.name, "model_sha256": digest, "bytes": 4}
    assert onnx_export.needs_export(tmp_path, model, record) == (
        "the index holds no word table of the ONNX export (or it is damaged) - run: python -m qa build")
    assert onnx_export.slower_because(tmp_path, model, record).startswith(
        "a question's words the documents never use are encoded one by one, which is slower: the index holds no")
    words = tmp_path / onnx_encoder.words_file(digest)
    words.write_bytes(b"table")
    record["words"] = {"file": words.name, "bytes": 5}
    # An export of the graph before fusion (no "graph" in its record) still answers, slower.
    assert onnx_export.needs_export(tmp_path, model, record) == (
        "the index's ONNX export is an older, unfused graph - run: python -m qa build")
    assert onnx_export.slower_because(tmp_path, model, record).startswith("questions are encoded about 15% slower")
    record["graph"] = onnx_export.GRAPH
    assert onnx_export.needs_export(tmp_path, model, record) is None
    (folder / "weights.bin").write_bytes(b"\x01" * 11)
    assert onnx_export.model_hash(folder) != digest
    assert "model folder changed" in onnx_export.needs_export(tmp_path, model, record)
    assert onnx_export.needs_export(tmp_path, "fake-encoder", {}) is None  # nothing to export from


def test_a_graph_the_optimiser_cannot_fuse_is_kept_as_exported(tmp_path):
    """No attention to fuse (here: a graph that counts tokens): ``fuse`` says so with {} and
    leaves the file byte for byte, so the build ships the plain export."""
    path = tmp_path / "query-encoder.onnx"
    token_counter(path)
    before = path.read_bytes()
    assert onnx_export.fuse(path, SimpleNamespace(num_attention_heads=12, hidden_size=384)) == {}
    assert path.read_bytes() == before


def test_status_says_why_questions_are_slower(tmp_path, seeds, monkeypatch, fake_abstention):
    """An index built before the export existed (no record) is fresh, and status says the rest."""
    import qa

    encoder = FakeEncoder(name=str(model_path("all-MiniLM-L6-v2")))
    install_encoder(monkeypatch, encoder, fake_abstention)
    index = tmp_path / "index"
    qa.build(seeds_dir=seeds, index_dir=index)
    status = qa.status(seeds_dir=seeds, index_dir=index)
    assert status.fresh
    assert status.message == ("The index is up to date, but questions are encoded with torch, which is slower: "
                              "the index holds no ONNX export of the model - run: python -m qa build")


def test_the_build_writes_the_word_table_once_and_again_when_it_is_gone(tmp_path, monkeypatch):
    id_adder(tmp_path / "adder.onnx")
    made = {"file": "adder.onnx", "model_sha256": "ab" * 32, "max_seq_length": LIMIT}
    folder = TOKENIZER.parent
    record = onnx_export.ensure_words(tmp_path, folder, made, None)
    path = tmp_path / record["file"]
    assert record["file"] == "query-words-abababababababab.npy" and path.stat().st_size == record["bytes"]
    table = np.load(path)
    assert table.shape == (record["rows"], 1) and record["rows"] > 20_000
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert onnx_encoder.word_table_path(tmp_path, {"words": record}) == path

    def no_second_time(self, **_):
        raise AssertionError("the table was computed again")

    monkeypatch.setattr(onnx_encoder.OnnxEncoder, "word_table", no_second_time)
    assert onnx_export.ensure_words(tmp_path, folder, made, record) == record
    monkeypatch.undo()
    path.unlink()
    assert onnx_encoder.word_table_path(tmp_path, {"words": record}) is None
    again = onnx_export.ensure_words(tmp_path, folder, made, record)
    assert again == record and np.array_equal(np.load(path), table)
