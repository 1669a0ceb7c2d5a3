"""Build time: fine-tune the judge (``qa.answer.judge``) and export it to ONNX. Needs torch
and transformers; nothing at query time imports this module.

    python -m qa train-judge [--force]

The judge is all-MiniLM-L6-v2's transformer (the packaged model folder, read offline) with a
new one-output head, fine-tuned on (question, best passage) pairs labelled 1 when the question
is unanswerable: the pairs ``scripts/fit_abstention.py --write`` ships in ``PAIRS_FILE``, one per
question of the retired sets, each passage the one retrieval ranked first. The settings are
the eighteenth session's probe's, fixed before its run and not tuned (``EPOCHS`` ...
``SEED``; docs/experiments.md). Training is deterministic for a given torch build and takes
about 10 minutes on 2 cores (3,439 pairs alone: 392 s; 3,342 pairs while other work shared the
cores: 1,142 s); it runs once per machine (``make chat`` and ``make test`` call it
when the shipped model reads a judge, and it returns at once when the judge is there).

The judge is written to a temp folder beside its place, checked (the ONNX export must give
torch's scores on pairs of the training set) and renamed into place: a run that dies halfway
leaves nothing a later run would read.
"""
from __future__ import annotations

import gzip
import io
import json
import logging
import os
import secrets
import shutil
import time
import warnings
from pathlib import Path
from typing import Callable

import numpy as np

from ..config import DEFAULT_MODEL, JudgeSpec
from ..index.store import file_sha256
from .judge import MANIFEST_FILE, MODEL_FILE, PAIRS_FILE, TOKENIZER_FILE, Judge, folder_of, missing

log = logging.getLogger(__name__)

# Fixed before the probe's run (docs/experiments.md, eighteenth session, 5dc7067), not tuned:
# two passes over the pairs, AdamW at 3e-5, 16 pairs a step, the passage cut at 256 word pieces.
EPOCHS, RATE, BATCH, MAX_PIECES, SEED = 2, 3e-5, 16, 256, 0
OPSET = 17
# The export is trusted when its probabilities are within this of torch's on every checked pair.
MAX_GAP = 1e-4
CHECKED = 32


def spec_for(pairs: Path | None = PAIRS_FILE, base: str = DEFAULT_MODEL, balance: str = "") -> JudgeSpec:
    """The spec of a judge trained on ``pairs`` with the fixed settings (``pairs`` None: the
    settings alone, for out-of-fold training on rows in memory)."""
    return JudgeSpec(pairs_sha256=file_sha256(pairs) if pairs is not None else "", base=base, epochs=EPOCHS,
                     rate=RATE, batch=BATCH, max_pieces=MAX_PIECES, seed=SEED, balance=balance)


def length_weights(rows: list[dict]) -> np.ndarray:
    """Each row's loss weight, P(label) / P(label | its length bin), scaled to mean 1: weighted,
    the label's shares are the same in every bin, so the judge gains nothing by reading length.
    The bins are the quartiles of the rows' question lengths in words, a length equal to a
    quartile going to the bin below it (ties stay in one bin); a bin that holds one label only
    cannot be balanced and weighs it P(label) before the scaling. Blind-written questions that
    the text does not answer run shorter (forty-eighth session, docs/experiments.md); a judge
    trained on them unweighted refuses a user's short questions.

    Short questions unanswerable one time in two, long ones one in four, 3 in 8 overall:

    >>> rows = [{"question": q, "silent": s} for q, s in [("a b", True), ("a b", True), ("a b", False),
    ...         ("a b", False), ("a b c d e f", False), ("a b c d e f", False), ("a b c d e f", False),
    ...         ("a b c d e f", True)]]
    >>> w = length_weights(rows)
    >>> w.round(3).tolist()
    [0.75, 0.75, 1.25, 1.25, 0.833, 0.833, 0.833, 1.5]
    >>> silent = np.array([r["silent"] for r in rows])
    >>> [float(w[b][silent[b]].sum() / w[b].sum()) for b in (slice(0, 4), slice(4, 8))]  # weighted, per bin
    [0.375, 0.375]
    """
    words = np.array([len(r["question"].split()) for r in rows])
    silent = np.array([bool(r["silent"]) for r in rows])
    bins = np.searchsorted(np.unique(np.percentile(words, [25, 50, 75])), words, side="left")
    weights = np.ones(len(rows))
    for b in np.unique(bins):
        for label in (True, False):
            m = (bins == b) & (silent == label)
            if m.any():
                weights[m] = (silent == label).mean() / (m.sum() / (bins == b).sum())
    return weights / weights.mean()


def write_pairs(rows: list[dict], path: Path = PAIRS_FILE) -> None:
    """``rows`` (each with ``doc``, ``question``, ``passage``, ``silent``) as gzipped JSON Lines,
    byte for byte the same for the same rows (no timestamp in the gzip header)."""
    lines = "".join(json.dumps({"doc": r["doc"], "question": r["question"], "passage": r["passage"],
                                "silent": bool(r["silent"])}, ensure_ascii=False) + "\n" for r in rows)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as f:
        f.write(lines.encode("utf-8"))
    Path(path).write_bytes(buffer.getvalue())


def read_pairs(path: Path = PAIRS_FILE) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def fine_tune(rows: list[dict], spec: JudgeSpec, progress: Callable[[str], None] | None = None):
    """(model, tokenizer): a fresh head and the base transformer fine-tuned on ``rows``."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from ..index.embedding import model_path

    torch.manual_seed(spec.seed)
    folder = str(model_path(spec.base))
    tokenizer = AutoTokenizer.from_pretrained(folder)
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # "some weights are newly initialised": the head, as meant
    hf_logging.disable_progress_bar()  # a bar for loading 103 tensors, in every fold
    try:
        model = AutoModelForSequenceClassification.from_pretrained(folder, num_labels=1)
    finally:
        hf_logging.set_verbosity(verbosity)
        hf_logging.enable_progress_bar()
    optimiser = torch.optim.AdamW(model.parameters(), lr=spec.rate)
    loss = torch.nn.BCEWithLogitsLoss(reduction="none")
    weights = length_weights(rows) if spec.balance == "length" else np.ones(len(rows))
    rng = np.random.default_rng(spec.seed)
    steps = spec.epochs * -(-len(rows) // spec.batch)
    done, began = 0, time.time()
    model.train()
    for _ in range(spec.epochs):
        order = rng.permutation(len(rows))
        for start in range(0, len(order), spec.batch):
            batch = [rows[i] for i in order[start:start + spec.batch]]
            labels = torch.tensor([float(r["silent"]) for r in batch])
            weight = torch.tensor(weights[order[start:start + spec.batch]], dtype=torch.float32)
            optimiser.zero_grad()
            each = loss(model(**encode(tokenizer, batch, spec.max_pieces)).logits[:, 0], labels)
            (each * weight).mean().backward()
            optimiser.step()
            done += 1
            if progress and (done % 50 == 0 or done == steps):
                left = (time.time() - began) / done * (steps - done)
                progress(f"  judge: step {done}/{steps}, about {left / 60:.0f} min left")
    model.eval()
    return model, tokenizer


def encode(tokenizer, rows: list[dict], max_pieces: int):
    return tokenizer([r["question"] for r in rows], [r["passage"] for r in rows], padding=True,
                     truncation="only_second", max_length=max_pieces, return_tensors="pt")


def torch_scores(model, tokenizer, rows: list[dict], max_pieces: int) -> np.ndarray:
    """The fine-tuned model's probability that each row's passage does not answer it."""
    import torch

    parts = []
    with torch.inference_mode():
        for start in range(0, len(rows), 64):
            logits = model(**encode(tokenizer, rows[start:start + 64], max_pieces)).logits[:, 0]
            parts.append(torch.sigmoid(logits).numpy())
    return np.concatenate(parts).astype(np.float64) if parts else np.zeros(0)


def out_of_fold(rows: list[dict], spec: JudgeSpec, folds: int = 5,
                progress: Callable[[str], None] | None = None) -> np.ndarray:
    """Each row's score from a judge fine-tuned on the other folds (grouped by document): what
    the abstention model is fitted on, as the rows of an unseen document score at query time."""
    from sklearn.model_selection import GroupKFold

    groups = np.array([r["doc"] for r in rows])
    scores = np.zeros(len(rows))
    for k, (train, test) in enumerate(GroupKFold(n_splits=folds).split(rows, groups=groups)):
        began = time.time()
        model, tokenizer = fine_tune([rows[i] for i in train], spec)
        scores[test] = torch_scores(model, tokenizer, [rows[i] for i in test], spec.max_pieces)
        if progress:
            progress(f"  fold {k + 1}/{folds}: {len(train)} pairs trained, {len(test)} scored, "
                     f"{time.time() - began:.0f} s")
    return scores


def export(model, tokenizer, folder: Path) -> None:
    """The fine-tuned model as ``MODEL_FILE`` (logits, dynamic batch and length) and its
    tokenizer as ``TOKENIZER_FILE`` in ``folder``."""
    import torch

    sample = tokenizer(["a question", "a longer question here"], ["a passage", "another passage of text"],
                       padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {"logits": {0: "batch"}}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the tracer's notes on Python branches it fixes
        torch.onnx.export(model, tuple(sample[n] for n in names), str(folder / MODEL_FILE), input_names=names,
                          output_names=["logits"], dynamic_axes=axes, opset_version=OPSET, dynamo=False)
    tokenizer.backend_tokenizer.save(str(folder / TOKENIZER_FILE))


def train(spec: JudgeSpec, pairs: Path = PAIRS_FILE, root: Path | None = None, *, force: bool = False,
          progress: Callable[[str], None] | None = None) -> Path:
    """Fine-tune, export and check the judge of ``spec`` into its folder; returns the folder.
    Does nothing when a readable judge of ``spec`` is there already, unless ``force``."""
    target = folder_of(spec, root)
    if not force and missing(spec, root) is None:
        return target
    if file_sha256(pairs) != spec.pairs_sha256:
        raise ValueError(f"{pairs} is not the file the abstention model was fitted with (its sha256 differs): "
                         "restore it with git, or refit with scripts/fit_abstention.py --write")
    rows = read_pairs(pairs)
    began = time.time()
    model, tokenizer = fine_tune(rows, spec, progress)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    temp.mkdir()
    try:
        export(model, tokenizer, temp)
        checked = rows[:: max(1, len(rows) // CHECKED)][:CHECKED]
        wanted = torch_scores(model, tokenizer, checked, spec.max_pieces)
        got = np.array(Judge(temp, max_pieces=spec.max_pieces).scores([(r["question"], r["passage"]) for r in checked]))
        gap = float(np.max(np.abs(got - wanted)))
        if gap > MAX_GAP:
            raise RuntimeError(f"the judge's ONNX export gives other scores than torch (gap {gap:.2e}); "
                               "nothing was installed")
        manifest = {"spec": spec.record, "pairs": len(rows), "unanswerable": sum(r["silent"] for r in rows),
                    "seconds": round(time.time() - began), "export_gap": gap,
                    "bytes": (temp / MODEL_FILE).stat().st_size, "torch": _version("torch"),
                    "transformers": _version("transformers")}
        (temp / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        try:
            os.replace(temp, target)
        except OSError:
            if missing(spec, root) is not None:  # not another run's judge, installed meanwhile
                raise
    finally:
        if temp.exists():
            shutil.rmtree(temp, ignore_errors=True)
    return target


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return ""
