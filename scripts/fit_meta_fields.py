"""Fit the model that reads which fact about a document a question asks for when no pattern of
``qa.questions.meta`` does (``qa/questions/meta_fields.json``, ``qa.questions.meta.FieldModel``).

    python scripts/fit_meta_fields.py [--write]

Data: every English question of the retired question sets under ``tests/data/questions``
(``scripts/question_sets.py``: a set not yet run is never read) and of the files beside them.
A question of type ``meta`` whose evidence lies in a metadata line of its document
(``qa.index.header.read_header``) is labelled by that line: ``author`` (an author or role line),
``date``, or ``other`` (any other line: the occasion, title, source, audience, or a key no table
names); a meta question whose evidence is not in a header line is left out. Every other question
(what the text says, answerable or not) is labelled ``none``.

Model: a multinomial logistic regression (scikit-learn) on the question's MiniLM vector (C and
the class weighting chosen by ``--grid``, the same nested cross-validation). The patterns come first; the model is asked only when they read nothing, and names a
field when its probability reaches ``threshold``. A content question read as one about the
document is answered from a header line, wrongly; a meta question read as none goes to the text,
where its answer is not. So the threshold is the one that maximises right fields minus content
questions taken, on out-of-fold probabilities of a cross-validation grouped by question set (a
round, a pair or a metaset is never split). The estimate printed is nested: each fold at the
threshold chosen on the other folds. ``--write`` fits on everything and writes the model file.
"""
from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from question_sets import UNRUN  # noqa: E402
from qa.index.header import read_header  # noqa: E402
from qa.questions.meta import AUTHOR, DATE, FIELD_MODEL_FILE, NONE, OTHER, asks_about_document  # noqa: E402

DATA = ROOT / "tests" / "data"
QUESTIONS = DATA / "questions"
CLASSES = (NONE, AUTHOR, DATE, OTHER)
# Chosen by ``--grid`` (2026-12-06, the data below): nested right fields minus content questions
# taken, C 0.25 / 1 / 4 / 16, classes weighted as they come: 308 / 346 / 358 / 349; balanced: 305 /
# 318 / 313 / 331. Balancing the classes nearly doubled the content questions taken (88 against
# 49 at C 4) for no more right fields.
C = 4.0
CLASS_WEIGHT = None
FOLDS = 10
GRID = np.round(np.arange(0.25, 1.0, 0.01), 2)  # with four classes the most probable has at least 0.25


def retired_files() -> list[tuple[str, Path]]:
    """(group, question file) for every question file whose set has had its one run, and the
    files beside the sets (written before the blind sets, all read many times)."""
    out = [(f.stem, f) for f in sorted(QUESTIONS.glob("*.jsonl"))]
    for folder in sorted(p for p in QUESTIONS.iterdir() if p.is_dir()):
        if folder.name not in UNRUN:
            out += [(folder.name, f) for f in sorted(folder.glob("*.jsonl"))]
    return out


def document_path(group: str, name: str) -> Path | None:
    """The document a question set names: its own folder of documents first (a metaset's copy
    under new metadata lines), else the one file of that name under tests/data, else the
    shipped speech in seeds/ (which has two metadata lines, at its end)."""
    own = DATA / f"{group}-docs" / name
    if own.exists():
        return own
    found = [p for p in DATA.rglob(name) if QUESTIONS not in p.parents] + [p for p in [ROOT / "seeds" / name] if p.exists()]
    return found[0] if found else None


def header_lines(item: dict, group: str, headers: dict) -> list:
    """The metadata lines of the documents a question is asked of."""
    docs = item.get("doc") or []
    out = []
    for doc in [docs] if isinstance(docs, str) else docs:
        path = document_path(group, doc)
        if path is not None and path not in headers:
            headers[path] = read_header(path.read_text(encoding="utf-8"))[0]
        out += headers.get(path, ())
    return out


def label(item: dict, lines: list) -> str | None:
    """The field a question asks for, by the header line that holds its evidence; None to leave out."""
    if "type" not in item:
        return None  # a file of another format (the wording checks)
    if item["type"] != "meta":
        return NONE
    for line in lines:
        if any(e and e in line.line for e in item["evidence"]):
            return {"author": AUTHOR, "role": AUTHOR, "date": DATE}.get(line.key, OTHER)
    return None


def rows() -> list[tuple[str, str, str, bool]]:
    """(question, label, group, whether its document has metadata lines) for every English
    question that has a label. A question on a document without such lines never reaches the
    model (``Retriever.about_document``), so only those with lines count as taken."""
    out, headers = [], {}
    for group, path in retired_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if item.get("lang", "en") != "en":
                continue
            lines = header_lines(item, group, headers)
            found = label(item, lines)
            if found is not None:
                out.append((item["question"], found, group, bool(lines)))
    return out


def pattern_label(question: str) -> str:
    kind = asks_about_document(question)
    return {"": NONE, AUTHOR: AUTHOR, DATE: DATE}.get(kind, OTHER)


def combined(patterns: np.ndarray, probs: np.ndarray, threshold: float) -> np.ndarray:
    """The field read for each question: the patterns', else the model's when sure enough."""
    best = probs.argmax(axis=1)
    model = np.where(probs.max(axis=1) >= threshold, np.array(CLASSES)[best], NONE)
    return np.where(patterns != NONE, patterns, model)


def score(truth: np.ndarray, read: np.ndarray, lined: np.ndarray) -> tuple[int, int]:
    """(meta questions read with their field, content questions on a document with metadata
    lines read as about the document)."""
    meta = truth != NONE
    return int((read[meta] == truth[meta]).sum()), int((read[~meta & lined] != NONE).sum())


def best_threshold(truth: np.ndarray, patterns: np.ndarray, probs: np.ndarray, lined: np.ndarray) -> float:
    gains = [np.subtract(*score(truth, combined(patterns, probs, t), lined)) for t in GRID]
    return float(GRID[int(np.argmax(gains))])


def fit(x: np.ndarray, y: np.ndarray, c: float = C, weight: str | None = CLASS_WEIGHT):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000, class_weight=weight).fit(x, y)


def out_of_fold(x: np.ndarray, truth: np.ndarray, folds: list, c: float = C, weight: str | None = CLASS_WEIGHT) -> np.ndarray:
    """Each question's class probabilities from the model fitted without its fold."""
    probs = np.zeros((len(truth), len(CLASSES)))
    for train, test in folds:
        model = fit(x[train], truth[train], c, weight)
        order = [list(model.classes_).index(k) for k in CLASSES]
        probs[test] = model.predict_proba(x[test])[:, order]
    return probs


def nested(truth: np.ndarray, patterns: np.ndarray, probs: np.ndarray, lined: np.ndarray, folds: list):
    """The fields read with each fold at the threshold chosen on the other folds, and those thresholds."""
    read = np.empty(len(truth), dtype=object)
    chosen = []
    for train, test in folds:
        chosen.append(best_threshold(truth[train], patterns[train], probs[train], lined[train]))
        read[test] = combined(patterns[test], probs[test], chosen[-1])
    return read, chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {FIELD_MODEL_FILE.relative_to(ROOT)}")
    parser.add_argument("--grid", action="store_true", help="print the nested figures for C and class weighting")
    args = parser.parse_args()
    from sklearn.model_selection import GroupKFold

    from qa.config import DEFAULT_MODEL
    from qa.index.embedding import get_encoder

    data = rows()
    questions = [q for q, _, _, _ in data]
    truth = np.array([y for _, y, _, _ in data])
    groups = np.array([g for _, _, g, _ in data])
    lined = np.array([h for _, _, _, h in data])
    print("questions", len(data), dict(collections.Counter(truth.tolist())), "groups", len(set(groups)),
          "content questions on documents with metadata lines", int((lined & (truth == NONE)).sum()))
    encoder = get_encoder(DEFAULT_MODEL)
    x = np.asarray(encoder.encode(questions), dtype=np.float64)
    patterns = np.array([pattern_label(q) for q in questions])
    folds = list(GroupKFold(n_splits=FOLDS).split(x, truth, groups))
    if args.grid:
        for weight in (None, "balanced"):
            for c in (0.25, 1.0, 4.0, 16.0):
                right, taken = score(truth, nested(truth, patterns, out_of_fold(x, truth, folds, c, weight), lined,
                                                   folds)[0], lined)
                print(f"C {c}, classes {weight or 'as they come'}: nested right {right}, taken {taken}, "
                      f"right minus taken {right - taken}")
    probs = out_of_fold(x, truth, folds)
    right, taken = score(truth, patterns, lined)
    print(f"patterns alone: right field {right} of {(truth != NONE).sum()}, content questions taken {taken}")
    for t in (0.5, 0.8, 0.9, 0.95, 0.98):
        print(f"  patterns, else the model at {t}: (right, taken) {score(truth, combined(patterns, probs, t), lined)}")
    read, chosen = nested(truth, patterns, probs, lined, folds)
    right, taken = score(truth, read, lined)
    print(f"nested (each fold at the threshold chosen on the other folds, {min(chosen)}-{max(chosen)}): "
          f"right {right}, content taken {taken}")
    threshold = best_threshold(truth, patterns, probs, lined)
    right_all, taken_all = score(truth, combined(patterns, probs, threshold), lined)
    print(f"threshold on all out-of-fold probabilities: {threshold} (right {right_all}, taken {taken_all})")
    if not args.write:
        return
    model = fit(x, truth)
    order = [list(model.classes_).index(c) for c in CLASSES]
    out = {"classes": list(CLASSES), "coef": np.round(model.coef_[order], 6).tolist(),
           "intercept": np.round(model.intercept_[order], 6).tolist(), "threshold": threshold,
           "encoder": DEFAULT_MODEL, "fitted_by": "scripts/fit_meta_fields.py --write", "C": C,
           "class_weight": CLASS_WEIGHT,
           "date": datetime.date.today().isoformat(),
           "data": {"questions": len(data), "labels": dict(collections.Counter(truth.tolist())),
                    "groups": len(set(groups))},
           "cv": {"protocol": f"GroupKFold({FOLDS}) by question set; the threshold maximises right fields minus "
                              "content questions taken; nested: each fold at the threshold chosen on the others",
                  "patterns": dict(zip(("right", "taken"), score(truth, patterns, lined))),
                  "nested": {"right": right, "taken": taken, "thresholds": [min(chosen), max(chosen)]}}}
    FIELD_MODEL_FILE.write_text(json.dumps(out) + "\n", encoding="utf-8")
    print("wrote", FIELD_MODEL_FILE.relative_to(ROOT))


if __name__ == "__main__":
    main()
