"""The answerability judge (``qa.answer.judge``): where it lives, when it is read, how the
abstention model falls back without it, and (model tests) that training exports a judge whose
ONNX scores are torch's."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from qa.answer import judge, judge_train
from qa.answer.abstain import decide
from qa.config import CROSS_SCORE, AbstentionModel, JudgeSpec
from qa.search.evidence import Evidence

SPEC = JudgeSpec(pairs_sha256="0" * 64, base="all-MiniLM-L6-v2", epochs=1, rate=3e-5, batch=4, max_pieces=64, seed=0)
PLAIN = {"features": ["a"], "mean": [0.0], "scale": [1.0], "coef": [1.0], "intercept": 0.0, "threshold": 0.5}
JUDGED = {"features": ["a", CROSS_SCORE], "mean": [0.0, 0.5], "scale": [1.0, 0.1], "coef": [1.0, 2.0],
          "intercept": 0.0, "threshold": 0.5, "judge": SPEC.__dict__, "fallback": PLAIN}
# Made-up pairs, about nothing the evaluation sets ask.
PAIRS = [{"doc": f"d{i % 3}", "question": f"What does the text say about {w}?",
          "passage": f"The {w} of the valley is described at length in this text.", "silent": i % 2 == 0}
         for i, w in enumerate(["orchards", "bridges", "rivers", "markets", "harbours", "schools", "mills", "roads"])]


def test_the_spec_names_the_folder_and_changes_with_any_setting(tmp_path):
    assert judge.folder_of(SPEC, tmp_path) == tmp_path / SPEC.key
    assert len({SPEC.key, *(JudgeSpec(**{**SPEC.__dict__, name: value}).key
                            for name, value in (("epochs", 2), ("rate", 1e-5), ("pairs_sha256", "1" * 64),
                                                ("base", "other"), ("max_pieces", 128)))}) == 6


def test_weighting_by_length_is_its_own_judge_and_unweighted_specs_read_as_before(tmp_path):
    weighted = dataclasses.replace(SPEC, balance="length")
    assert weighted.key != SPEC.key and weighted.record["balance"] == "length"
    # Written before ``balance`` existed: the same spec, key and folder as an unweighted one now.
    assert "balance" not in SPEC.record and JudgeSpec(**SPEC.record) == SPEC
    assert AbstentionModel.from_dict({**JUDGED, "judge": SPEC.record}).judge == SPEC
    assert judge.folder_of(weighted, tmp_path) != judge.folder_of(SPEC, tmp_path)
    assert "not trained yet" in judge.missing(weighted, tmp_path)
    folder = judge.folder_of(SPEC, tmp_path)
    folder.mkdir()
    (folder / judge.MANIFEST_FILE).write_text(json.dumps({"spec": SPEC.record}), encoding="utf-8")
    assert "missing or damaged" in judge.missing(SPEC, tmp_path)  # the spec matched; no model file
    with pytest.raises(ValueError, match="unknown balance"):
        judge_train.spec_for(None, balance="size")
    with pytest.raises(ValueError, match="unknown balance"):  # read from a file, not only built here
        AbstentionModel.from_dict({**JUDGED, "judge": {**SPEC.record, "balance": "size"}})
    (folder / judge.MANIFEST_FILE).write_text(json.dumps({"spec": {**SPEC.record, "balance": "size"}}), encoding="utf-8")
    assert "other settings" in judge.missing(SPEC, tmp_path)


def test_length_weights_leave_the_label_shares_equal_in_every_length_bin():
    rng = np.random.default_rng(0)
    words = rng.integers(3, 40, 400)
    # The label follows length, as in blind-written questions: short ones unanswerable more often.
    rows = [{"question": " ".join(["w"] * n), "silent": bool(rng.random() < (0.6 if n < 12 else 0.15))} for n in words]
    w = judge_train.length_weights(rows)
    silent = np.array([r["silent"] for r in rows])
    assert w.mean() == pytest.approx(1.0) and (w > 0).all()
    overall = silent.mean()
    assert silent[words < 12].mean() > overall + 0.2  # unweighted, short questions differ
    edges = np.unique(np.percentile(words, [25, 50, 75]))
    bins = np.searchsorted(edges, words, side="left")
    for b in np.unique(bins):
        m = bins == b
        assert w[m & silent].sum() / w[m].sum() == pytest.approx(overall)


def test_missing_says_what_to_run_for_each_way_a_judge_is_not_there(tmp_path):
    assert "python -m qa train-judge" in judge.missing(SPEC, tmp_path)
    folder = judge.folder_of(SPEC, tmp_path)
    folder.mkdir()
    (folder / judge.MANIFEST_FILE).write_text("{not json", encoding="utf-8")
    assert "unreadable" in judge.missing(SPEC, tmp_path)
    (folder / judge.MANIFEST_FILE).write_text(json.dumps({"spec": {**SPEC.__dict__, "epochs": 9}}), encoding="utf-8")
    assert "other settings" in judge.missing(SPEC, tmp_path)
    (folder / judge.MANIFEST_FILE).write_text(json.dumps({"spec": SPEC.__dict__, "bytes": 10}), encoding="utf-8")
    (folder / judge.TOKENIZER_FILE).write_text("{}", encoding="utf-8")
    (folder / judge.MODEL_FILE).write_bytes(b"12345")  # cut short: 5 bytes of the 10 recorded
    assert "missing or damaged" in judge.missing(SPEC, tmp_path)
    assert judge.load(SPEC, tmp_path) is None


def test_a_model_that_reads_the_judge_needs_a_spec_and_a_fallback_without_it():
    model = AbstentionModel.from_dict(JUDGED)
    assert model.judge == SPEC and model.fallback.features == ("a",) and model.fallback.judge is None
    with pytest.raises(ValueError, match="needs a judge"):
        AbstentionModel.from_dict({**JUDGED, "judge": None})
    with pytest.raises(ValueError, match="needs a fallback"):
        AbstentionModel.from_dict({**JUDGED, "fallback": None})
    with pytest.raises(ValueError, match="needs a judge"):
        AbstentionModel.from_dict({**PLAIN, "judge": SPEC.__dict__})


def test_without_a_trained_judge_the_fallback_decides(monkeypatch, tmp_path):
    monkeypatch.setenv("QA_JUDGE_DIR", str(tmp_path / "empty"))
    model = AbstentionModel.from_dict(JUDGED)
    found = Evidence(values={"a": 0.2}, asks_for="", unknown_names=(), question="q?", passage="p.")
    got = decide(found, model)
    assert not got.judged and got.abstain  # the fallback: sigmoid(0.2) >= 0.5
    # No passage text (the cross-lingual channel's evidence): the fallback too, whatever the judge.
    assert not decide(dataclasses.replace(found, passage=""), model, scorer=judge_scorer(0.99)).judged
    low = decide(found, model, scorer=judge_scorer(0.1))
    assert low.judged and not low.abstain  # 0.2 + 2 * (0.1 - 0.5) / 0.1 < 0


def judge_scorer(score: float):
    return lambda found, spec: score if found.passage else None


def test_pairs_are_written_the_same_bytes_each_time_and_read_back(tmp_path):
    judge_train.write_pairs(PAIRS, tmp_path / "a.jsonl.gz")
    judge_train.write_pairs(PAIRS, tmp_path / "b.jsonl.gz")
    assert (tmp_path / "a.jsonl.gz").read_bytes() == (tmp_path / "b.jsonl.gz").read_bytes()
    assert judge_train.read_pairs(tmp_path / "a.jsonl.gz") == PAIRS


def test_training_refuses_pairs_the_model_was_not_fitted_with(tmp_path):
    judge_train.write_pairs(PAIRS, tmp_path / "pairs.jsonl.gz")
    with pytest.raises(ValueError, match="sha256 differs"):
        judge_train.train(SPEC, tmp_path / "pairs.jsonl.gz", tmp_path / "judges")
    assert not (tmp_path / "judges").exists()


def test_status_says_refusals_go_without_the_judge_until_it_is_trained(built, tmp_path, monkeypatch):
    import qa

    seeds, index = built
    path = tmp_path / "judged.json"
    path.write_text(json.dumps({**JUDGED, "features": ["unknown_names", CROSS_SCORE],
                                "fallback": {**PLAIN, "features": ["unknown_names"]}}), encoding="utf-8")
    monkeypatch.setenv("QA_ABSTENTION", str(path))
    s = qa.status(seeds_dir=seeds, index_dir=index)
    assert s.fresh and "python -m qa train-judge" in s.judge and "without the answerability judge" in s.message


def test_train_judge_command_when_the_model_reads_no_judge(fake_abstention, monkeypatch, capsys):
    from qa.cli import main

    monkeypatch.setenv("QA_ABSTENTION", str(fake_abstention))
    assert main(["train-judge"]) == 0
    assert capsys.readouterr().out.strip() == "The abstention model reads no judge: nothing to train."


@pytest.mark.model
def test_a_trained_judge_scores_with_onnx_as_torch_does(tmp_path):
    pairs = tmp_path / "pairs.jsonl.gz"
    judge_train.write_pairs(PAIRS, pairs)
    spec = dataclasses.replace(judge_train.spec_for(pairs), epochs=1, batch=4, max_pieces=64)
    root = tmp_path / "judges"
    # A folder left by a run that died halfway is never read.
    (root / f".{spec.key}.dead.tmp").mkdir(parents=True)
    assert "not trained yet" in judge.missing(spec, root)
    folder = judge_train.train(spec, pairs, root)
    assert folder == judge.folder_of(spec, root) and judge.missing(spec, root) is None
    manifest = json.loads((folder / judge.MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["pairs"] == len(PAIRS) and manifest["export_gap"] <= judge_train.MAX_GAP
    scores = judge.load(spec, root).scores([(p["question"], p["passage"]) for p in PAIRS])
    assert len(scores) == len(PAIRS) and all(0.0 < s < 1.0 for s in scores)
    # A passage far longer than max_pieces is cut to fit, not refused.
    long = judge.load(spec, root).score("What of the orchards?", "orchards " * 500)
    assert 0.0 < long < 1.0
    # So is a question longer than max_pieces, the passage beside it in the same batch kept.
    both = judge.load(spec, root).scores([("What of the orchards? " + "7 " * 300, "orchards " * 500),
                                          ("What of the orchards?", "The orchards bloom.")])
    assert len(both) == 2 and all(0.0 < s < 1.0 for s in both)
    assert judge_train.train(spec, pairs, root) == folder  # there already: nothing done


@pytest.mark.model
def test_weighting_by_length_reaches_the_loss():
    # Questions of three lengths, so that the weights are not all one.
    rows = [{**p, "question": p["question"] + " And more?" * (i % 3)} for i, p in enumerate(PAIRS)]
    assert len(set(judge_train.length_weights(rows).round(6))) > 1
    spec = dataclasses.replace(judge_train.spec_for(None), epochs=1, batch=4, max_pieces=64)
    plain = judge_train.torch_scores(*judge_train.fine_tune(rows, spec), rows, 64)
    weighted = judge_train.torch_scores(*judge_train.fine_tune(rows, dataclasses.replace(spec, balance="length")), rows, 64)
    assert np.isfinite(weighted).all() and not np.allclose(plain, weighted, atol=1e-6)
