"""Fit the abstention model: logistic regression over the evidence features, validated on
documents it was not fitted on.

    python scripts/fit_abstention.py [--write] [--features SET] [--cache features.json] [--retired]
        [--chars TARGET/MAX] [--written-only] [--shard I/N | --merge SHARD...]

Each speech is built ALONE as a corpus (in one temporary index folder rebuilt for each speech in
turn, ``in_turn``), as a user with that one speech would have it, with passages of the shipped
size or of ``--chars``; every English dev question about it is run and its evidence
features recorded (``qa.search.evidence``). Rows with ``split == "heldout"`` are not read, except
with ``--retired``: then those of the rounds already run once and reported (``RETIRED_ROUNDS``)
are read too (the shipped model is fitted that way; later rounds stay unread), and those of the
speeches held out whole and run once (``UNSEEN``: ``tests/data/unseen-speeches*``).
Then:

- cross-validation grouped by document (``GroupKFold``, one fold per document): each
  document's questions get probabilities from a model fitted on the other documents only;
- the threshold is the lowest at which at most ``MAX_WRONG`` of the answerable questions are
  refused, on those out-of-fold probabilities (with ``--retired``, on those of the formerly
  blind rows alone: questions nobody tuned for, like the ones a user asks; and there in each of
  the two groups the targets name apart, ``populations``: the main speech's questions and the
  other speeches'), each document weighing the same: the targets are per speech, so it is the
  mean of the documents' wrong-refusal rates that is held to ``MAX_WRONG``
  (``threshold_per_document``), not the rate of their rows pooled, where a document with many
  questions would outweigh one with few (twenty-fifth session, docs/experiments.md);
- printed: abstention recall and wrong refusals out of fold, pooled and per document, and
  the weights;
- with ``--write``, the model fitted on all dev rows, with that threshold and where it came
  from, goes to ``qa/answer/abstention.json`` (read by ``qa.config.AbstentionModel``).

Answerable questions whose evidence lies only in a document's metadata lines (answered from
``Document.header``, not from passages) are left out: the passages cannot show it.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Iterable

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import question_sets  # noqa: E402
from qa.search.evidence import CANDIDATES, ENTITY_FEATURES, FEATURES, best_rows, evidence  # noqa: E402
from qa.api import retriever  # noqa: E402
from qa.answer.abstain import name_key  # noqa: E402
from qa.config import (ABSTENTION_FILE, CROSS_SCORE, PAIR_MATCH, UNKNOWN_NAMES, PairScore, names_weight,  # noqa: E402
                       settings)
from qa.eval.evaluation import RANK_DEPTH, Item, judge, read_items  # noqa: E402
from qa.index.corpus import read_corpus, read_document  # noqa: E402
from qa.search.retrieval import ALL_STAGES  # noqa: E402

MAX_WRONG = 0.05
# The half-life, in held-out pairs, of a document's weight in the shared threshold (``age_weights``):
# scripts/fit_recent_calibration.py on the rows of every set retired through pair 57 and round 81
# (8,006 rows, 123 documents), 2026-12-06.
RECENT_HALF_LIFE = 1.0
C = 1.0  # inverse L2 strength; fixed, not tuned, so the grouped CV figures stay honest
MAIN = ROOT / "seeds" / "central-asia-modernization-speech.txt"
DATA = ROOT / "tests" / "data"
# Question files about the main speech (no ``doc`` field in the older ones).
MAIN_FILES = (ROOT.parent / "shared" / "eval" / "dev.jsonl", DATA / "questions-en-extra.jsonl",
              DATA / "questions" / "central-asia-unseen.jsonl")
# ``--retired``: the held-out rows that were evaluated once and reported, and so are no longer
# blind, are fitted on beside the dev rows: those of rounds 1 and 2 (second session), of the later
# rounds retired in ``question_sets.ROUNDS`` and of the speeches held out whole in the pairs retired
# in ``question_sets.PAIRS`` (each beside the commit it was run once with; docs/evaluation.md).
# Sets not yet run stay unread.
RETIRED_ROUNDS, UNSEEN = question_sets.RETIRED_ROUNDS, question_sets.RETIRED_PAIRS


def unseen_speeches(data: Path = DATA) -> list[Path]:
    """The texts of the speeches held out whole (``.txt`` and ``.md``, not their SOURCES.md)."""
    return sorted(p for folder in UNSEEN for p in (data / folder).iterdir()
                  if p.suffix in (".txt", ".md") and p.name != "SOURCES.md")
# Not for this model: comparisons span several speeches; wording questions go to their own channel.
SKIP = frozenset({"compare.jsonl", "wording.jsonl"})


def dev_sets(data: Path = DATA, *, retired: bool = False) -> tuple[dict[Path, list[Item]], list[Path]]:
    """Each speech file -> its English dev questions (held-out rows are dropped unread, unless
    ``retired``: then those of the rounds and speeches already evaluated once, RETIRED_ROUNDS and
    UNSEEN, are read too), and the question files read."""
    files = [f for f in MAIN_FILES if f.is_file() and f.parent != DATA / "questions"]
    files += [f for f in sorted((data / "questions").glob("*.jsonl")) if f.name not in SKIP]
    files += sorted((data / "questions" / "round2").glob("*.jsonl"))
    if retired:
        files += [f for r in (*RETIRED_ROUNDS, *UNSEEN) for f in sorted((data / "questions" / r).glob("*.jsonl"))]
    sets: dict[Path, list[Item]] = {}
    for path in files:
        for item in read_items(path):
            if item.lang == "en" and (item.split != "heldout" or retired):
                doc = item.doc[0] if item.doc else MAIN.name
                folder = path.parent.name if path.parent.name in UNSEEN else "speeches"
                speech = MAIN if doc == MAIN.name else data / folder / doc
                sets.setdefault(speech, []).append(item)
    return sets, files


def built(seeds: Path, index: Path, chars: tuple[int, int] | None = None):
    """The retriever of ``seeds`` built into ``index``, its passages of ``chars`` (target, at
    most) if given, else of the shipped size."""
    from qa.api import build_index

    s = settings(seeds_dir=seeds, index_dir=index)
    if chars:
        s = dataclasses.replace(s, target_chars=chars[0], max_chars=chars[1])
    build_index(s)
    return retriever(s)


def alone(speech: Path, scratch: Path):
    """``speech`` alone in a seeds folder under ``scratch``, built: (its retriever, the seeds folder)."""
    seeds = scratch / speech.stem / "seeds"
    seeds.mkdir(parents=True)
    shutil.copyfile(speech, seeds / speech.name)
    return built(seeds, scratch / speech.stem / "index"), seeds


def together(scratch: Path):
    """The main speech, the eight of ``tests/data/speeches`` and the eight held out whole
    (``unseen_speeches``, run once and retired) in one seeds folder under ``scratch``, built:
    (its retriever, the seeds folder)."""
    seeds = scratch / "seeds"
    seeds.mkdir(parents=True)
    for path in [MAIN, *sorted((DATA / "speeches").glob("*.txt")), *unseen_speeches()]:
        shutil.copyfile(path, seeds / path.name)
    return built(seeds, scratch / "index"), seeds


def in_turn(speech: Path, scratch: Path, chars: tuple[int, int] | None = None):
    """As ``alone``, but in the one seeds folder and index folder under ``scratch`` every speech
    is built in, in turn: the speech built there before is replaced by ``speech``, as a user's
    rebuild replaces an edited corpus, so the model's ONNX export and word table (a minute of a
    build alone on a busy machine) are made once per run, not once per speech."""
    seeds = scratch / "in-turn" / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    for old in seeds.iterdir():
        old.unlink()
    shutil.copyfile(speech, seeds / speech.name)
    return built(seeds, scratch / "in-turn" / "index", chars), seeds


def run_speech(speech: Path, items: list[Item], scratch: Path, chars: tuple[int, int] | None = None) -> list[dict]:
    """Build ``speech`` alone (in turn with the speeches run before it, ``in_turn``; passages of
    ``chars`` if given), run its questions: one row of features and outcomes each."""
    r, seeds = in_turn(speech, scratch, chars)
    return speech_rows(speech, items, r, seeds)[0]


def speech_rows(speech: Path, items: list[Item], r, seeds: Path, readers: list | None = None) -> list[list[dict]]:
    """For each retriever of ``readers`` (default: ``r`` alone), one row per question of the
    speech built in ``seeds``: scored and ranked by ``r``, its features read by that retriever
    (whose ``Tuning.features`` may differ)."""
    document = read_corpus(seeds).documents[0]
    start, end = document.body_span
    body = document.text[start:end]
    readers = readers or [r]
    rows: list[list[dict]] = [[] for _ in readers]
    for item in items:
        if item.evidence and not all(e in body for e in item.evidence):
            continue  # answered by the metadata lines, which are not passages
        scored = r.score(item.question, item.history)
        ranked = r.rank(scored, k=RANK_DEPTH)
        texts = {document.source: document.text}
        outcome = judge(item, ranked, False, texts)
        for found, reader in zip(rows, readers):
            seen = evidence(reader, scored, stages=ALL_STAGES)
            found.append({"doc": speech.name, "id": item.id, "type": item.type, "split": item.split,
                          "silent": not item.evidence,
                          "rank": outcome.rank, "features": seen.values,
                          "names": list(seen.unknown_names), "phrases": list(seen.unknown_phrases),
                          "pair": np.round(seen.pair, 6).tolist(), **read_texts(reader, scored, item.question),
                          **contrast(item, ranked, outcome.rank, texts)})
    return rows


def contrast(item: Item, ranked: list, rank: int | None, texts: dict[str, str]) -> dict:
    """The passages a contrastive judge is shown (twenty-first session, docs/experiments.md): the
    three best (``passages``), the best-ranked one holding the evidence within ``RANK_DEPTH``
    (``gold``) and the best-ranked one among the five first holding none of it (``negative``);
    "" when there is none. For a reranking probe (twenty-second session): the five best
    passages (``top``), their fused scores (``scores``) and whether each holds the evidence
    (``holds``)."""
    holds = [bool(item.evidence) and judge(item, [p], False, texts).rank == 1 for p in ranked[:5]]
    return {"passages": [p.text for p in ranked[:3]],
            "gold": ranked[rank - 1].text if rank else "",
            "negative": next((p.text for p, h in zip(ranked, holds) if not h), ""),
            "top": [p.text for p in ranked[:5]], "scores": [p.score for p in ranked[:5]], "holds": holds}


def read_texts(r, scored, question: str) -> dict:
    """What the evidence features were read on, kept in the row so that a probe can compute a
    further candidate from the texts without running retrieval again: the question, the best
    passage and the best sentences of the best passages (``evidence.best_rows``)."""
    if not len(scored.fused):
        return {"question": question, "passage": "", "sentences": []}
    best = int(scored.fused.argmax())
    order = np.argsort(-scored.fused, kind="stable")[:r.tuning.features.covered_by]
    return {"question": question, "passage": r.chunks[best].text,
            "sentences": [r.sentences[int(row)] for row in best_rows(r, scored, order)]}


def collect(cache: Path | None, data: Path, *, retired: bool = False,
            chars: tuple[int, int] | None = None, shard: tuple[int, int] = (0, 1)) -> list[dict]:
    """The rows of every speech's questions (``run_speech``), read from ``cache`` if it is
    there, else collected (passages of ``chars`` if given) and written to it. With ``shard``
    (i, n), only every n-th speech from the i-th is collected (``--shard``); ``merged`` joins
    the shards' caches."""
    if cache and cache.is_file():
        return json.loads(cache.read_text())
    rows = []
    speeches = list(dev_sets(data, retired=retired)[0].items())
    with tempfile.TemporaryDirectory(prefix="fit-abstention-") as scratch:
        for speech, items in speeches[shard[0]::shard[1]]:
            rows += run_speech(speech, items, Path(scratch), chars)
            print(f"  {speech.name}: {len(items)} questions", file=sys.stderr)
    if cache:
        cache.write_text(json.dumps(rows))
    return rows


def merged(caches: list[Path], data: Path, *, retired: bool = False) -> list[dict]:
    """The rows of ``--shard`` caches joined in the order ``collect`` gives them unsharded
    (speeches as ``dev_sets`` lists them), so the folds and the fit are the same."""
    order = {speech.name: n for n, speech in enumerate(dev_sets(data, retired=retired)[0])}
    rows = [row for cache in caches for row in json.loads(cache.read_text())]
    return sorted(rows, key=lambda row: order[row["doc"]])  # stable: each speech's rows keep their order


def set_number(name: str) -> int:
    """A retired set's number: "round91" -> 91, "unseen-speeches-75" -> 75, the first pair's
    "unseen-speeches" -> 1.

    >>> [set_number(n) for n in ("round91", "unseen-speeches-75", "unseen-speeches")]
    [91, 75, 1]
    """
    digits = name.rsplit("-", 1)[-1].removeprefix("round")
    return int(digits) if digits.isdigit() else 1


def retired_through(text: str) -> tuple[int, int]:
    """``--retired-through``: "ROUND/PAIR" -> (last round, last pair) whose rows are read.

    >>> retired_through("91/75")
    (91, 75)
    """
    return slashed(text, "the last round and pair as ROUND/PAIR, e.g. 91/75")


def shard_of(text: str) -> tuple[int, int]:
    """``--shard``: "I/N" -> (i, n), 0 <= i < n.

    >>> shard_of("1/2")
    (1, 2)
    """
    i, n = slashed(text, "the shard as I/N, e.g. 0/2")
    if not 0 <= i < n:
        raise argparse.ArgumentTypeError(f"{text!r}: I must be at least 0 and less than N")
    return i, n


def slashed(text: str, form: str) -> tuple[int, int]:
    """Two whole numbers written "A/B" (``--shard``, ``--chars``); else an error asking for ``form``."""
    try:
        a, b = (int(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give {form}") from None
    return a, b


# Feature sets compared by the grouped cross-validation; ``--features`` names the one written.
# The question features added in the seventh session and (``asks_stance``) the eleventh;
# CANDIDATES ends with them.
QUESTION_FEATURES = ("asks_aftermath", "unknown_phrases", "asks_stance")
SETS = {"base": FEATURES,
        "support": (*FEATURES, *(f for f in CANDIDATES if f not in QUESTION_FEATURES)),
        "support-only": (*FEATURES, "support_min", "support_mean"),
        "answer": (*FEATURES, "answer_support_min", "answer_support_mean"),
        "answer+support": (*FEATURES, "support_min", "support_mean", "answer_support_min", "answer_support_mean"),
        "measure": (*FEATURES, "measure_missing"),
        "measure+support": (*FEATURES, "measure_missing", "support_min", "support_mean", "answer_support_min",
                            "answer_support_mean")}
# Each with whether the question asks about the speech's reception or sequel, then with names
# of several words the documents never write together.
SETS.update({f"{name}+aftermath": (*SETS[name], "asks_aftermath")
             for name in ("support-only", "answer+support", "measure+support")})
SETS.update({f"{name}+phrases": (*SETS[name], "unknown_phrases")
             for name in ("answer+support+aftermath", "measure+support+aftermath")})
SETS["support+aftermath+phrases"] = (*FEATURES, *(f for f in CANDIDATES if f != "asks_stance"))
# ... and with whether it is a yes/no question on the speaker's own view (eleventh session).
SETS["support+aftermath+phrases+stance"] = (*FEATURES, *CANDIDATES)
# ... and with the pair score: a logistic regression over the question's MiniLM vector against
# the mean of the best three passages' (``pair_vector``), stacked (fourteenth session).
SETS["support+aftermath+phrases+stance+pair"] = (*FEATURES, *CANDIDATES, PAIR_MATCH)
# ... and the same without ``question_words``, the one input that reads the question's length
# rather than its evidence (seventeenth session, written down before its run in
# docs/experiments.md).
SETS["support+aftermath+phrases+stance+pair-length"] = tuple(
    f for f in SETS["support+aftermath+phrases+stance+pair"] if f != "question_words")
# ... and with the asked kind read by the entity tagger beside the patterns' reading (forty-second
# session, written down before its run in docs/experiments.md): ``kind_unnamed``.
SETS["support+aftermath+phrases+stance+pair-length+entities"] = (
    *SETS["support+aftermath+phrases+stance+pair-length"], *ENTITY_FEATURES)
# ... and with the judge's score (nineteenth session, written down before its run in
# docs/experiments.md): a cross-encoder fine-tuned on the rows' (question, best passage), each
# row's score out of fold (``--judge-scores``).
JUDGED = "support+aftermath+phrases+stance+pair-length+judge"
SETS[JUDGED] = (*SETS["support+aftermath+phrases+stance+pair-length"], CROSS_SCORE)
# Folds of the judge's out-of-fold scores, grouped by document (as the eighteenth session's probe).
JUDGE_FOLDS = 5
# The pair score's inverse L2 strength, fixed before its first run (2026-12-03), not tuned: its
# 768 inputs need far more shrinkage than the main model's 33. (Tried once each afterwards, not
# chosen: 0.01 and 0.2 gave 0.625 and 0.591 on the formerly blind rows against 0.618.)
PAIR_C = 0.05
# Folds of the inner cross-validation that gives each training row a pair score from a model
# that did not see its document, as the rows of an unseen document get at query time.
PAIR_FOLDS = 5
# The names discount (candidate N, fortieth session, docs/experiments.md): a name the question
# writes and the document never uses counts in ``UNKNOWN_NAMES`` at its weight, set by how the
# other documents' questions left it unknown: in how many of them (``NAME_UNIT``: "documents",
# each counting once per name and label, or "questions") in answerable questions (a) and in
# unanswerable ones (u), against the share of unanswerable ones among all such (b):
# min(1, ((u + k b) / (a + u + k)) / b), k = ``NAME_PRIOR``. A name never seen counts 1.
# Chosen by scripts/fit_name_discount.py (grouped CV, recall at the target) on the rows of
# every set retired through pair 61 and round 83, 2026-12-07.
NAME_UNIT = "questions"
NAME_PRIOR = 1.0


@dataclasses.dataclass(frozen=True)
class NameCounts:
    """Per document, how often each name key (``name_key``) was unknown in its answerable
    (``False``) and unanswerable (``True``) questions, for ``name_weights``."""

    keys: tuple[tuple[str, ...], ...]  # per row
    docs: tuple[str, ...]  # per row
    counts: tuple[float, ...]  # per row: ``UNKNOWN_NAMES`` unweighed (a name of several words counts as many)
    by_doc: dict[str, Counter]
    prior: float = NAME_PRIOR

    @classmethod
    def of(cls, rows: list[dict], unit: str = NAME_UNIT, prior: float = NAME_PRIOR) -> "NameCounts":
        keys = tuple(tuple(name_key(n) for n in r.get("names", ())) for r in rows)
        by_doc: dict[str, Counter] = {}
        for r, k in zip(rows, keys):
            found = by_doc.setdefault(r["doc"], Counter())
            for name in set(k):
                found[(name, bool(r["silent"]))] += 1
        if unit == "documents":
            by_doc = {d: Counter(dict.fromkeys(c, 1)) for d, c in by_doc.items()}
        return cls(keys=keys, docs=tuple(r["doc"] for r in rows),
                   counts=tuple(float(r["features"][UNKNOWN_NAMES]) for r in rows), by_doc=by_doc, prior=prior)

    def table(self, leave_out: set[str] = frozenset()) -> Counter:
        total: Counter = Counter()
        for d, c in self.by_doc.items():
            if d not in leave_out:
                total.update(c)
        return total

    def weights(self, leave_out: set[str] = frozenset()) -> dict[str, float]:
        """Each name's weight counted on the documents not in ``leave_out``; names that count 1 left out."""
        return name_weights(self.table(leave_out), self.prior)

    def column(self, rows: np.ndarray, leave_out: set[str] = frozenset(), *, own: bool = False) -> np.ndarray:
        """``UNKNOWN_NAMES`` of ``rows`` (indices) scaled by the mean weight of their names, weighed
        on the documents not in ``leave_out`` (with ``own``, each row's own document left out as
        well: what a new document meets), as ``AbstentionModel.inputs`` scales it."""
        cache: dict[str, dict[str, float]] = {}
        out = np.zeros(len(rows))
        for i, row in enumerate(rows):
            if not self.keys[row]:
                continue
            doc = self.docs[row] if own else ""
            if doc not in cache:
                cache[doc] = self.weights(set(leave_out) | ({doc} if own else set()))
            out[i] = self.counts[row] * names_weight(self.keys[row], cache[doc])
        return out


def name_weights(table: Counter, prior: float = NAME_PRIOR) -> dict[str, float]:
    """Each name of ``table`` ((key, unanswerable) -> count) whose weight is under 1:
    min(1, ((u + k b) / (a + u + k)) / b), b the unanswerable share of all the counts.

    "union" left unknown as often in answerable as in unanswerable questions, where three in
    four are unanswerable, weighs 2/3 with no prior:

    >>> t = Counter({("union", False): 2, ("union", True): 2, ("mars", True): 4})
    >>> name_weights(t, 0.0)
    {'union': 0.667}
    """
    answerable = sum(v for (_, silent), v in table.items() if not silent)
    unanswerable = sum(v for (_, silent), v in table.items() if silent)
    if not answerable or not unanswerable:
        return {}
    b = unanswerable / (answerable + unanswerable)
    out = {}
    for name in sorted({n for n, _ in table}):
        a, u = table[(name, False)], table[(name, True)]
        w = min(1.0, (u + prior * b) / (a + u + prior) / b)
        if w < 1.0:
            out[name] = round(w, 3)
    return out


def matrix(rows: list[dict], features: tuple[str, ...] = FEATURES) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, silent, document) per row; the ``PAIR_MATCH`` column, if asked, is left at 0
    for ``with_pair`` to fill fold by fold."""
    X = np.array([[0.0 if f == PAIR_MATCH else r["features"][f] for f in features] for r in rows],
                 dtype=np.float64)
    y = np.array([r["silent"] for r in rows], dtype=bool)
    groups = np.array([r["doc"] for r in rows])
    return X, y, groups


def fit_pair(Z: np.ndarray, y: np.ndarray) -> PairScore:
    """The pair score fitted on the pair vectors ``Z`` (``qa.search.evidence.pair_vector``)."""
    mean, scale, model = fit(Z, y, PAIR_C)
    return PairScore(mean=tuple(mean.round(6)), scale=tuple(scale.round(6)), coef=tuple(model.coef_[0].round(6)),
                     intercept=round(float(model.intercept_[0]), 6), encoder=settings().model)


def stacked_pair(Z: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each row's pair score from a pair model fitted on other documents only (``PAIR_FOLDS``
    folds grouped by document): what the main model is fitted on, so that it weighs the score
    as it will be on a document the pair model never saw."""
    from sklearn.model_selection import GroupKFold

    out = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=min(PAIR_FOLDS, len(set(groups)))).split(Z, y, groups):
        pair = fit_pair(Z[train], y[train])
        out[test] = [pair.score(z) for z in Z[test]]
    return out


def with_pair(X: np.ndarray, y: np.ndarray, groups: np.ndarray, Z: np.ndarray | None, column: int | None,
              train: np.ndarray, test: np.ndarray, names: "tuple[NameCounts, int] | None" = None
              ) -> tuple[np.ndarray, np.ndarray]:
    """(training rows, test rows) of ``X``, the pair column filled: stacked scores for the
    training rows, a pair model fitted on all of them for the test rows. With ``names`` (the
    counts and the ``UNKNOWN_NAMES`` column), that column weighed on the training documents:
    for a training row, on those but its own."""
    Xtr, Xte = X[train].copy(), X[test].copy()
    if names is not None:  # counted on documents, whatever the groups: a round's document is left out whole
        counts, at = names
        train_rows, test_rows = (np.flatnonzero(r) if r.dtype == bool else r for r in (train, test))
        held = {counts.docs[i] for i in test_rows}
        Xtr[:, at] = counts.column(train_rows, held, own=True)
        Xte[:, at] = counts.column(test_rows, held)
    if Z is not None and column is not None:
        Xtr[:, column] = stacked_pair(Z[train], y[train], groups[train])
        pair = fit_pair(Z[train], y[train])
        Xte[:, column] = [pair.score(z) for z in Z[test]]
    return Xtr, Xte


def pair_inputs(rows: list[dict], features: tuple[str, ...]) -> tuple[np.ndarray | None, int | None]:
    """The rows' pair vectors and the ``PAIR_MATCH`` column, if ``features`` has it."""
    if PAIR_MATCH not in features:
        return None, None
    return np.array([r["pair"] for r in rows], dtype=np.float64), features.index(PAIR_MATCH)


def name_inputs(rows: list[dict], features: tuple[str, ...], unit: str | None = NAME_UNIT,
                prior: float = NAME_PRIOR) -> "tuple[NameCounts, int] | None":
    """The rows' ``NameCounts`` and the ``UNKNOWN_NAMES`` column, if ``features`` has it and
    ``unit`` is not None (None: every unknown name counts 1, as before candidate N)."""
    if unit is None or UNKNOWN_NAMES not in features:
        return None
    if any("names" not in r for r in rows):
        sys.exit("the rows were collected before they kept their unknown names: collect them again "
                 "(scripts/fit_abstention.py --retired --cache NEW.json)")
    return NameCounts.of(rows, unit, prior), features.index(UNKNOWN_NAMES)


def fit(X: np.ndarray, y: np.ndarray, c: float = C):
    """(mean, scale, model) fitted on standardised features, with inverse L2 strength ``c``."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = X.mean(0), X.std(0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit((X - mean) / scale, y)
    return mean, scale, model


def out_of_fold(X: np.ndarray, y: np.ndarray, groups: np.ndarray, Z: np.ndarray | None = None,
                column: int | None = None, fitter=None, only=None,
                names: "tuple[NameCounts, int] | None" = None) -> np.ndarray:
    """Each question's probability from a model (and pair score, with ``Z``; names weighed,
    with ``names``) that never saw its group (one fold per group); the model fitted by
    ``fitter`` (default ``fit``), the pair score always by ``fit``. ``only``: the groups whose
    rows are scored (the others' are NaN, and in every training set)."""
    fitter = fitter or fit
    p = np.full(len(y), np.nan) if only is not None else np.zeros(len(y))
    for g in sorted(set(groups) if only is None else set(only)):
        test = np.flatnonzero(groups == g)
        train = np.flatnonzero(groups != g)
        Xtr, Xte = with_pair(X, y, groups, Z, column, train, test, names)
        mean, scale, model = fitter(Xtr, y[train])
        p[test] = model.predict_proba((Xte - mean) / scale)[:, 1]
    return p


def threshold_for(p: np.ndarray, y: np.ndarray, max_wrong: float = MAX_WRONG) -> float:
    """The lowest threshold that refuses at most ``max_wrong`` of the answerable questions
    (pooled: ``threshold_per_document`` with the rows as one document).

    >>> threshold_for(np.array([0.1, 0.2, 0.9, 0.95]), np.array([False, False, True, True]), 0.0)
    0.9
    """
    return threshold_per_document(p, y, np.zeros(len(p), int), max_wrong)


def _answerable_by_document(p: np.ndarray, y: np.ndarray, docs: np.ndarray) -> dict[str, np.ndarray]:
    return {d: p[(docs == d) & ~y] for d in sorted(set(docs[~y]))}


def _document_weights(documents: Iterable[str], weights: dict[str, float] | None) -> np.ndarray:
    """Each document's weight in a mean over documents: ``weights``' (absent ones 1), else 1."""
    return np.array([1.0 if weights is None else weights.get(d, 1.0) for d in documents])


def weighted_wrong(p: np.ndarray, y: np.ndarray, docs: np.ndarray, t: float,
                   weights: dict[str, float] | None = None) -> float:
    """The mean over documents of the share of their answerable rows refused at ``t``; with
    ``weights`` (document -> weight, absent ones 1), their weighted mean, as
    ``threshold_per_document`` holds it.

    >>> p, docs = np.array([0.9, 0.1, 0.1, 0.1]), np.array(["a", "b", "b", "b"])
    >>> weighted_wrong(p, np.zeros(4, bool), docs, 0.5), weighted_wrong(p, np.zeros(4, bool), docs, 0.5, {"a": 3.0})
    (0.5, 0.75)
    """
    by_document = _answerable_by_document(p, y, docs)
    return float(np.average([(a >= t).mean() for a in by_document.values()],
                            weights=_document_weights(by_document, weights)))


def threshold_per_document(p: np.ndarray, y: np.ndarray, docs: np.ndarray, max_wrong: float = MAX_WRONG,
                           weights: dict[str, float] | None = None) -> float:
    """The lowest threshold at which the documents' mean wrong-refusal rate is at most ``max_wrong``;
    with ``weights`` (document -> weight, absent ones 1), their weighted mean (``age_weights``).

    Document "a" has one answerable question, "b" three; pooled, refusing a's is 1 in 4:

    >>> p, y = np.array([0.6, 0.2, 0.2, 0.2, 0.9]), np.array([False, False, False, False, True])
    >>> docs = np.array(["a", "b", "b", "b", "b"])
    >>> threshold_for(p, y, 0.25), threshold_per_document(p, y, docs, 0.25)
    (0.6, 0.9)

    Weighing "b" three times "a", refusing a's is 1 in 4 again:

    >>> threshold_per_document(p, y, docs, 0.25, {"a": 1.0, "b": 3.0})
    0.6
    """
    by_document = _answerable_by_document(p, y, docs)
    answerable = [np.sort(a) for a in by_document.values()]
    candidates = np.unique(np.round(p, 6))
    # Each document's share refused at every candidate at once (as (a >= t).mean() per document).
    refused = np.array([(len(a) - np.searchsorted(a, candidates, side="left")) / len(a) for a in answerable])
    met = np.flatnonzero(np.average(refused, axis=0, weights=_document_weights(by_document, weights)) <= max_wrong)
    return float(candidates[met[0]]) if len(met) else float(np.round(p[~y].max(), 6) + 1e-6)


def per_group(refused: np.ndarray, y: np.ndarray, groups: np.ndarray, label: str = "document") -> dict:
    """``figures`` of the refusals, with the wrong refusals also as the mean over ``groups``
    (under the key ``wrong_refusals_mean_per_<label>``).

    >>> per_group(np.array([True, False, True, True]), np.array([False, False, True, False]),
    ...           np.array(["a", "a", "b", "b"]), "round")["wrong_refusals_mean_per_round"]
    0.75
    """
    wrong = [refused[(groups == g) & ~y].mean() for g in sorted(set(groups[~y]))]
    return {**figures(refused, y), f"wrong_refusals_mean_per_{label}": round(float(np.mean(wrong)), 3)}


def nested_wrong(p: np.ndarray, y: np.ndarray, groups: np.ndarray, label: str = "document") -> dict:
    """Each group's refusals at the threshold ``threshold_per_document`` chooses on the other
    groups (``per_group``): what a new speech, or a new round, meets.

    Group c's unanswerable question (0.7) is under the threshold groups a and b choose (0.8):

    >>> p = np.array([0.1, 0.9, 0.2, 0.8, 0.3, 0.7])
    >>> y = np.array([False, True, False, True, False, True])
    >>> nested_wrong(p, y, np.array(["a", "a", "b", "b", "c", "c"]))["abstain_recall"]
    0.667
    """
    refused = np.zeros(len(p), bool)
    for g in sorted(set(groups)):
        out = groups == g
        refused[out] = p[out] >= threshold_per_document(p[~out], y[~out], groups[~out])
    return per_group(refused, y, groups, label)


def shared_threshold(p: np.ndarray, y: np.ndarray, docs: np.ndarray, masks: list[np.ndarray],
                     weights: dict[str, float] | None = None) -> float:
    """The one threshold for every group ``masks`` marks: the highest of the groups' own
    (``threshold_per_document``, its documents weighed by ``weights``), so each group is held to
    ``MAX_WRONG``."""
    return max(threshold_per_document(p[mask], y[mask], docs[mask], weights=weights) for mask in masks)


def pair_number(name: str) -> int:
    """The number of a set of speeches held out whole: ``unseen-speeches`` is 1, ``unseen-speeches-N``
    is N.

    >>> pair_number("unseen-speeches"), pair_number("unseen-speeches-58")
    (1, 58)
    """
    return int(name.rsplit("-", 1)[1]) if name[-1].isdigit() else 1


def age_weights(docs: set[str] | list[str], half_life: float) -> dict[str, float]:
    """Each document's weight in the threshold: 0.5 ** (age / ``half_life``), its age the number
    of held-out pairs (``question_sets.PAIRS``, in the order of their numbers) written from its own
    to the newest among ``docs`` (a weighted mean is the same whichever pair the ages count to). A
    document in no pair (the early rounds' speeches) is as old as a pair numbered 0. ``half_life``
    infinite: every document weighs 1 (candidate R, thirty-ninth session, docs/experiments.md:
    later question sets are refused wrongly more often at the same threshold, so the next one is
    nearer the recent ones).

    >>> w = age_weights(["wilson-1918.txt", "grant-1869.txt", "abbott-boao-forum-2014.txt"], 2.0)
    >>> [round(w[d], 3) for d in ("wilson-1918.txt", "grant-1869.txt", "abbott-boao-forum-2014.txt")]
    [0.707, 1.0, 0.0]
    """
    if half_life == float("inf"):
        return {d: 1.0 for d in docs}
    pairs = {doc: pair_number(name) for name, (names, _) in question_sets.PAIRS.items() for doc in names}
    newest = max(pairs.get(d, 0) for d in docs)
    return {d: 0.5 ** ((newest - pairs.get(d, 0)) / half_life) for d in docs}


def figures(abstain: np.ndarray, y: np.ndarray) -> dict:
    return {"questions": int(len(y)), "unanswerable": int(y.sum()),
            "abstain_recall": round(float(abstain[y].mean()), 3) if y.any() else None,
            "wrong_refusals": round(float(abstain[~y].mean()), 3) if (~y).any() else None}


def populations(rows: list[dict], blind: np.ndarray) -> list[np.ndarray]:
    """The formerly ``blind`` rows in the two groups the issue's targets name apart: questions
    about the main speech and questions about the other speeches, each to be refused wrongly at
    most ``MAX_WRONG`` of the time. Pooled, the main speech's rows (a quarter, refused wrongly
    0.033 of the time against 0.055 for the others at the pooled threshold, ninth session) let
    the other speeches' rows pass the target."""
    main = np.array([r["doc"] == MAIN.name for r in rows])
    return [blind & main, blind & ~main]


def dev_ids(data: Path = DATA) -> set[str]:
    """The ids of the dev rows: the questions read while the features were written. A dev file
    that is not there (``dev.jsonl`` lies outside the repository) is said, as its rows, if a
    cache holds them, would count as formerly blind."""
    for f in MAIN_FILES:
        if not f.is_file():
            print(f"warning: {f} not found: its questions are not dev rows here", file=sys.stderr)
    return {i.id for items in dev_sets(data)[0].values() for i in items}


def formerly_blind(rows: list[dict], dev: set[str] | None = None) -> np.ndarray:
    """Which rows are formerly blind (held out, run once, retired). A row says its split; rows
    collected before they did are told by their ids, those not in ``dev`` (default: ``dev_ids()``).

    >>> formerly_blind([{"id": "a", "split": "heldout"}, {"id": "b", "split": "dev"}]).tolist()
    [True, False]
    """
    if all("split" in r for r in rows):
        return np.array([r["split"] == "heldout" for r in rows])
    dev = dev_ids() if dev is None else dev
    return np.array([r["id"] not in dev for r in rows])


def blind_groups(rows: list[dict], dev: set[str] | None = None) -> list[np.ndarray]:
    """``populations`` of the ``formerly_blind`` rows: the main speech's and the other
    speeches', each held to the target.

    >>> rows = [{"doc": MAIN.name, "split": "heldout"}, {"doc": "x.txt", "split": "dev"}, {"doc": "x.txt", "split": "heldout"}]
    >>> [m.tolist() for m in blind_groups(rows)]
    [[True, False, False], [False, False, True]]
    """
    return populations(rows, formerly_blind(rows, dev))


def cross_validate(rows: list[dict], features: tuple[str, ...], calibrate: list[np.ndarray] | None = None,
                   fitter=None, half_life: float = float("inf")) -> tuple[float, dict, dict]:
    """(threshold, pooled figures, per-document figures), all out of fold. The threshold is
    the lowest that keeps each group of rows ``calibrate`` marks (default: all rows, one
    group) at most ``MAX_WRONG`` wrongly refused, its documents weighing the same
    (``threshold_per_document``), or by their age with a finite ``half_life`` (``age_weights``).
    ``fitter``: as ``out_of_fold``."""
    X, y, groups = matrix(rows, features)
    p = out_of_fold(X, y, groups, *pair_inputs(rows, features), fitter=fitter, names=name_inputs(rows, features))
    masks = [np.ones(len(y), bool)] if calibrate is None else calibrate
    weights = age_weights(set(groups), half_life)
    t = shared_threshold(p, y, groups, masks, weights)
    per_doc = {}
    for doc in sorted(set(groups)):
        mask = groups == doc
        per_doc[doc] = figures(p[mask] >= t, y[mask])
        ranks = [r["rank"] for r, m in zip(rows, mask) if m and not r["silent"]]
        per_doc[doc]["hit@1"] = round(float(np.mean([r == 1 for r in ranks])), 3)
        per_doc[doc]["hit@3"] = round(float(np.mean([r is not None and r <= 3 for r in ranks])), 3)
    pooled = figures(p >= t, y)
    if half_life != float("inf"):  # what every document alike would set, for comparison
        pooled["threshold_documents_alike"] = round(shared_threshold(p, y, groups, masks), 6)
    if calibrate is not None:
        union = np.logical_or.reduce(masks)
        pooled["formerly_blind"] = figures(p[union] >= t, y[union])
        pooled["by_group"] = [
            {**figures(p[mask] >= t, y[mask]),
             "wrong_refusals_mean_per_document": round(weighted_wrong(p[mask], y[mask], groups[mask], t), 3),
             # what the threshold holds to MAX_WRONG: the same mean, documents weighed by age
             "wrong_refusals_age_weighted": round(weighted_wrong(p[mask], y[mask], groups[mask], t, weights), 3)}
            for mask in masks]
    return t, pooled, per_doc


def speech_passages(speech: Path) -> list[str]:
    """The passages of ``speech`` alone, chunked as the build chunks it (metadata lines left out)."""
    from qa.index.chunking import chunk_text

    document = read_document(speech, speech.name)
    return [c.text for c in chunk_text(document.source, document.text, body=document.body_span,
                                       **settings().chunk_settings())]


def probe_arguments(doc: str) -> argparse.ArgumentParser:
    """The probes' shared options: the cached rows (``--cache``) and the feature set they add to."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--cache", type=Path, required=True, help="rows written by fit_abstention.py --retired --cache")
    ap.add_argument("--features", default="support+aftermath+phrases+stance+pair-length", choices=sorted(SETS))
    return ap


def cached_rows(cache: Path, *, texts: bool = False) -> list[dict]:
    """The rows ``--cache`` holds; with ``texts``, exits with what to do when they were collected
    before rows kept the texts their features were read on (``read_texts``)."""
    rows = json.loads(cache.read_text())
    if texts and any("passage" not in r for r in rows):
        sys.exit(f"{cache} was collected before rows kept their texts: collect it again with "
                 "scripts/fit_abstention.py --retired --cache NEW.json")
    return rows


def compare_sets(rows: list[dict], sets: dict[str, tuple[str, ...]], fitter=None) -> None:
    """For the probes: each feature set of ``sets`` (label -> features) by ``cross_validate``
    with the threshold set as ``--retired`` sets it (formerly blind rows, main speech and others
    each at most ``MAX_WRONG`` wrongly refused); printed, nothing written."""
    calibrate = blind_groups(rows)
    for label, features in sets.items():
        t, pooled, _ = cross_validate(rows, features, calibrate, fitter=fitter)
        print(f"{label}: threshold {t:.3f}; formerly blind {pooled['formerly_blind']}; "
              f"main {pooled['by_group'][0]}; others {pooled['by_group'][1]}; all rows {pooled}")


def compare_training(rows: list[dict], features: tuple[str, ...], dev_ids: set[str]) -> None:
    """With ``--retired``: does fitting on the retired rows help on documents the model has not
    seen? Grouped by document, each document's rows are scored by a model fitted on the other
    documents' dev rows only, or on all their rows; printed for the formerly blind rows and all."""
    X, y, groups = matrix(rows, features)
    Z, column = pair_inputs(rows, features)
    names = name_inputs(rows, features)
    dev = ~formerly_blind(rows, dev_ids)
    for label, pool in (("dev rows only", dev), ("all rows", np.ones(len(rows), bool))):
        p = np.zeros(len(y))
        for doc in sorted(set(groups)):
            test = groups == doc
            Xtr, Xte = with_pair(X, y, groups, Z, column, ~test & pool, test, names)
            mean, scale, model = fit(Xtr, y[~test & pool])
            p[test] = model.predict_proba((Xte - mean) / scale)[:, 1]
        for name, mask in (("formerly blind rows", ~dev), ("all rows", np.ones(len(rows), bool))):
            got = figures(p[mask] >= threshold_for(p[mask], y[mask]), y[mask])
            print(f"  fitted on the other documents' {label:13s} scored on {name:19s}: {got}")


def judge_scores(rows: list[dict], path: Path | None) -> None:
    """Each row's ``CROSS_SCORE``: the judge's out-of-fold score (``JUDGE_FOLDS`` folds grouped
    by document, 25-40 minutes on 2 cores), read from ``path`` if there, else computed and
    written there (``path`` None: computed, not written)."""
    from qa.answer import judge_train

    if path is not None and path.is_file():
        scores = json.loads(path.read_text())
        if len(scores) != len(rows):
            sys.exit(f"{path} holds {len(scores)} scores for {len(rows)} rows: delete it to compute them again")
    else:
        if any("passage" not in r for r in rows):
            sys.exit("the rows were collected before they kept their texts: collect them again (--cache NEW.json)")
        scores = judge_train.out_of_fold(rows, judge_train.spec_for(None, settings().model), JUDGE_FOLDS,
                                         progress=lambda line: print(line, file=sys.stderr, flush=True)).round(6).tolist()
        if path is not None:
            path.write_text(json.dumps(scores))
    for r, score in zip(rows, scores):
        r["features"][CROSS_SCORE] = float(score)


def fitted(rows: list[dict], features: tuple[str, ...], calibrate, args) -> dict:
    """The model of ``features`` fitted on all ``rows``, as ``abstention.json`` holds it, its
    threshold and figures from the grouped CV; printed as it goes."""
    t, pooled, per_doc = cross_validate(rows, features, calibrate, half_life=args.recent_half_life)
    aged = args.recent_half_life != float("inf")
    X, y, groups = matrix(rows, features)
    Z, column = pair_inputs(rows, features)
    if Z is not None:
        X[:, column] = stacked_pair(Z, y, groups)
    names = name_inputs(rows, features)
    if names is not None:
        X[:, names[1]] = names[0].column(np.arange(len(rows)), own=True)
    mean, scale, model = fit(X, y)
    for name, c in sorted(zip(features, model.coef_[0]), key=lambda x: -abs(x[1])):
        print(f"  {name:22s} {c:+.3f}")
    data = [os.path.relpath(f.absolute(), ROOT) for f in dev_sets(args.data, retired=args.retired)[1]]
    name = next((k for k, v in SETS.items() if v == features), args.features)
    return {"features": list(features), "mean": mean.round(6).tolist(), "scale": scale.round(6).tolist(),
            "coef": model.coef_[0].round(6).tolist(), "intercept": round(float(model.intercept_[0]), 6),
            "threshold": round(t, 6),
            "fitted_by": f"scripts/fit_abstention.py --features {name}"
                         + (" --retired (dev rows and the retired held-out rows)" if args.retired
                            else " (split == dev rows only)")
                         + (f"; pair score C={PAIR_C}, stacked over {PAIR_FOLDS} folds" if Z is not None else "")
                         + (f"; judge scores out of fold over {JUDGE_FOLDS} folds grouped by document"
                            if CROSS_SCORE in features else "")
                         + (f"; documents weighed by age in the threshold, half-life {args.recent_half_life:g} "
                            "pairs (scripts/fit_recent_calibration.py)" if aged else "")
                         + (f"; unknown names weighed by the other documents' questions, counted in {NAME_UNIT}, "
                            f"prior {NAME_PRIOR:g} (scripts/fit_name_discount.py)" if names is not None else ""),
            "data": data, "date": dt.date.today().isoformat(),
            **({"pair": dataclasses.asdict(fit_pair(Z, y))} if Z is not None else {}),
            **({"name_weights": names[0].weights()} if names is not None else {}),
            "cv": {"protocol": "GroupKFold by document, threshold on out-of-fold probabilities"
                               + (" of the formerly blind rows, the main speech's and the other speeches' "
                                  "each held to the target" if args.retired else "")
                               + ", the mean of its documents' wrong-refusal rates held to the target"
                               + (f", each document weighed 0.5 ** (age in pairs / {args.recent_half_life:g})"
                                  if aged else ""),
                   "pooled": pooled, "per_document": per_doc}}


def passage_size(text: str) -> tuple[int, int]:
    """``--chars``: "TARGET/MAX" -> (target, at most).

    >>> passage_size("900/1200")
    (900, 1200)
    """
    target, most = slashed(text, "the passage size as TARGET/MAX, e.g. 900/1200")
    if not 0 < target <= most:
        raise argparse.ArgumentTypeError(f"{text!r}: the target must be positive and at most MAX")
    return target, most


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help=f"write the model to {ABSTENTION_FILE.relative_to(ROOT)}")
    ap.add_argument("--features", choices=sorted(SETS), default="base", help="the feature set written (default: base)")
    ap.add_argument("--cache", type=Path, help="features file: read it if there, else write it")
    ap.add_argument("--data", type=Path, default=DATA, help="folder with speeches/ and questions/ (default: tests/data)")
    ap.add_argument("--retired", action="store_true",
                    help="also fit on the held-out rows of the rounds and speeches already "
                         "evaluated once and reported (RETIRED_ROUNDS, UNSEEN)")
    ap.add_argument("--judge-scores", type=Path,
                    help="the judge's out-of-fold scores: read if there, else computed (25-40 minutes) and "
                         f"written; needed by the sets with {CROSS_SCORE} (with --write, the training pairs "
                         "go to qa/answer/judge-pairs.jsonl.gz)")
    ap.add_argument("--chars", type=passage_size, metavar="TARGET/MAX",
                    help="collect the rows with passages of this size (characters: target/at most, "
                         "e.g. 900/1200) instead of the shipped Settings'; for scripts/fit_passage_size.py")
    ap.add_argument("--recent-half-life", type=float, default=RECENT_HALF_LIFE, metavar="PAIRS",
                    help="weigh the other speeches in the threshold by their age: 0.5 ** (age / PAIRS), age in "
                         "held-out pairs (default: %(default)s, from scripts/fit_recent_calibration.py; "
                         "inf: every document alike)")
    ap.add_argument("--written-only", action="store_true",
                    help="cross-validate the written set alone: skip comparing it with the other sets and "
                         "training pools (minutes, not a quarter of an hour, on ~100 documents)")
    ap.add_argument("--shard", type=shard_of, metavar="I/N",
                    help="only collect the rows of every N-th speech from the I-th into --cache, and stop "
                         "(run the N shards at once, one per core, then --merge them)")
    ap.add_argument("--merge", type=Path, nargs="+", metavar="SHARD",
                    help="the --shard caches to join into --cache (in the unsharded order) before fitting")
    ap.add_argument("--retired-through", type=retired_through, metavar="ROUND/PAIR",
                    help="with --retired, read the rounds and pairs retired up to these numbers only (e.g. "
                         "91/75: the rows an earlier fit was made on, collected again at today's code)")
    ap.add_argument("--without", nargs="+", default=[], metavar="SET",
                    help="with --retired, leave out these retired sets (e.g. round88 unseen-speeches-70)")
    args = ap.parse_args()
    global RETIRED_ROUNDS, UNSEEN
    if args.retired_through:
        last_round, last_pair = args.retired_through
        RETIRED_ROUNDS = tuple(r for r in RETIRED_ROUNDS if set_number(r) <= last_round)
        UNSEEN = tuple(p for p in UNSEEN if set_number(p) <= last_pair)
    if unknown := set(args.without) - set(RETIRED_ROUNDS) - set(UNSEEN):
        ap.error(f"--without {' '.join(sorted(unknown))}: not a retired round or pair (e.g. round88, unseen-speeches-70)")
    RETIRED_ROUNDS = tuple(r for r in RETIRED_ROUNDS if r not in args.without)
    UNSEEN = tuple(p for p in UNSEEN if p not in args.without)
    if (args.shard or args.merge) and (not args.cache or args.cache.exists()):
        ap.error("--shard and --merge write a new --cache file: give one that does not exist")
    if args.shard:
        rows = collect(args.cache, args.data, retired=args.retired, chars=args.chars, shard=args.shard)
        print(f"wrote {len(rows)} rows of shard {args.shard[0]}/{args.shard[1]} to {args.cache}")
        return
    if args.merge:
        args.cache.write_text(json.dumps(merged(args.merge, args.data, retired=args.retired)))
    rows = collect(args.cache, args.data, retired=args.retired, chars=args.chars)
    if args.judge_scores:
        judge_scores(rows, args.judge_scores)
    elif CROSS_SCORE in SETS[args.features]:
        ap.error(f"--features {args.features} reads {CROSS_SCORE}: give --judge-scores")
    docs = len({r["doc"] for r in rows})
    dev = dev_ids(args.data)
    # With --retired the threshold is set on the formerly blind rows alone: the dev rows were
    # read while the features were written, and refuse less wrongly than questions nobody
    # tuned for (0.033 against 0.057 at a threshold set on all rows, eighth session), so a
    # threshold set on them lets more than MAX_WRONG of unseen answerable questions be refused.
    # Each of the two groups the targets name (main speech, other speeches) is held to MAX_WRONG.
    calibrate = blind_groups(rows, dev) if args.retired else None
    where = "the formerly blind rows, main speech and others each" if args.retired else "all rows"
    for name, features in SETS.items():
        if (CROSS_SCORE in features and not args.judge_scores) or args.written_only:
            continue  # --written-only: the written set's CV is run once, by ``fitted``, and printed below
        t, pooled, per_doc = cross_validate(rows, features, calibrate, half_life=args.recent_half_life)
        print(f"{name:13s} grouped CV ({docs} documents, threshold {t:.3f} for <= {MAX_WRONG:.0%} wrong refusals "
              f"out of fold on {where}): {pooled}")
    features = SETS[args.features]
    if args.retired and not args.written_only:
        compare_training(rows, features, dev)
    print(f"written set: {args.features}")
    out = fitted(rows, features, calibrate, args)
    if args.written_only:
        print(f"grouped CV ({docs} documents, threshold {out['threshold']:.3f} for <= {MAX_WRONG:.0%} wrong "
              f"refusals out of fold on {where}): {out['cv']['pooled']}")
    for doc, figs in out["cv"]["per_document"].items():
        print(f"  {doc}: {figs}")
    if CROSS_SCORE in features:
        print("its fallback, without the judge (used until the judge is trained):")
        out["fallback"] = fitted(rows, tuple(f for f in features if f != CROSS_SCORE), calibrate, args)
    if args.write:
        if CROSS_SCORE in features:
            from qa.answer import judge_train

            judge_train.write_pairs(rows, judge_train.PAIRS_FILE)
            out["judge"] = judge_train.spec_for(judge_train.PAIRS_FILE, settings().model).record
            print(f"wrote {judge_train.PAIRS_FILE} ({len(rows)} pairs): run python -m qa train-judge")
        ABSTENTION_FILE.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {ABSTENTION_FILE}")


if __name__ == "__main__":
    main()
