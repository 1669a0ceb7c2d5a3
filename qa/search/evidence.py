"""What retrieval found for one question, as a few general numbers: the ``Evidence`` record
the search stage hands to the decision (``qa.answer.abstain`` reads it, never the retriever).

Every feature is a property of the evidence, not of the question's wording: how well the
best passages match in meaning (two encoders) and in words, by how much they beat the
rest, whether the best sentences hold a thing of the kind asked for (a date, a figure, a
person...: read by patterns, and by a trained entity tagger on the best passage), and how
many of the question's names the document never uses. The old abstention rules survive
here as features (``kind_missing``, ``focus_missing``, ``unknown_names``); the fitted model
in ``qa/answer/abstention.json`` weighs them against the rest, so none of them refuses on
its own.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from ..index.lexical import stem, words as word_list
from ..questions.query import AGENT, COUNT, DATE, ORGANIZATION, PERSON, PLACE, QUANTITY, TIME, measured, name_phrases
from . import entities
from .kinds import contains, figure_neighbours, focus_words, unmatched_focus

if TYPE_CHECKING:
    from .retrieval import Retriever, Scored, Stages

KINDS = (DATE, TIME, QUANTITY, COUNT, PERSON, ORGANIZATION, PLACE, AGENT)
FEATURES = ("dense_top", "dense_margin", "sentence_top", "second_top", "bm25_top", "vocabulary_coverage",
            "passage_coverage", "fused_top", "fused_margin", "kind_missing", "focus_missing",
            "unknown_names", "unknown_words", "question_words", *(f"asks_{k}" for k in KINDS))
# Computed as well, for the fitting script to weigh against the rest (``--features``); the
# model in ``abstention.json`` names the features it reads.
CANDIDATES = ("sentence_coverage", "support_min", "support_mean", "best_support_min", "best_support_mean",
              "answer_support_min", "answer_support_mean", "measure_missing", "asks_aftermath", "unknown_phrases",
              "asks_stance")
# The asked kind read by the entity tagger (forty-second session, docs/experiments.md).
ENTITY_FEATURES = ("kind_unnamed",)
COMPUTED = (*FEATURES, *CANDIDATES, *ENTITY_FEATURES)


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """The features of one question's evidence (``values``, by the names in ``FEATURES``)
    and what a reply needs to say why the speech is silent."""

    values: dict[str, float]
    asks_for: str
    unknown_names: tuple[str, ...]  # as the question writes them
    unknown_phrases: tuple[str, ...] = ()  # names of several words the documents never write
    weakest: str = ""  # the question's word the best passages support least, if not used there
    # The question's vector beside the mean vector of the best passages (``pair_vector``): the
    # abstention model may read it through its own fitted match score (``AbstentionModel.pair``).
    pair: np.ndarray | None = None
    encoder: str = ""  # the encoder of ``pair`` (the index manifest's model)
    # The question as searched and the best passage's text: what the judge reads
    # (``qa.answer.judge``; the abstention model's ``CROSS_SCORE``).
    question: str = ""
    passage: str = ""
    # The sha256 of the best passage's document as the index recorded it: a model calibrated
    # on that very text decides with its own threshold (``AbstentionModel.threshold_for``).
    document: str = ""


def top_and_margin(scores: np.ndarray) -> tuple[float, float]:
    """The best score and how far ahead of the second it is.

    >>> top_and_margin(np.array([0.2, 0.7, 0.5]))
    (0.7, 0.2)
    """
    if not len(scores):
        return 0.0, 0.0
    top = np.sort(np.asarray(scores, dtype=np.float64))[::-1]
    return round(float(top[0]), 6), round(float(top[0] - top[1]) if len(top) > 1 else 0.0, 6)


@lru_cache(maxsize=8192)
def text_stems(text: str) -> frozenset[str]:
    """The stems of ``text``'s words; the passages and sentences a question's evidence reads
    are the index's, so each is read once per process, not once per question.

    >>> sorted(text_stems("Farmers farm the farms"))
    ['farm', 'farmer', 'the']
    """
    return frozenset(stem(w) for w in word_list(text))


def covered_share(terms: tuple[str, ...], expansions: dict[str, tuple[str, ...]], text: str) -> float:
    """Share of the question's content stems that ``text`` uses; a word the corpus lacks
    counts when ``text`` uses a word it was expanded to (a synonym under the encoder).

    >>> covered_share(("growth", "fast"), {"fast": ("rapid",)}, "Growth was rapid.")
    1.0
    >>> covered_share(("growth", "mar"), {}, "Growth was rapid.")
    0.5
    """
    if not terms:
        return 1.0
    stems = text_stems(text)
    by_stem = {stem(w): found for w, found in expansions.items()}
    hits = sum(1 for t in terms if t in stems or any(e in stems for e in by_stem.get(t, ())))
    return hits / len(terms)


def term_vectors(retriever: "Retriever", scored: "Scored") -> list["np.ndarray | None"]:
    """The MiniLM vector of each content word of the question (``Retriever.word_vector``),
    looked up once for every text ``term_support`` reads; None for a name the document never
    uses (another name near it under MiniLM, "Kazakhstan" for "Mongolia", is not support)."""
    names = unknown_stems(scored)
    return [None if term in names else retriever.word_vector(term, scored.terms.unknown) for term in scored.terms.terms]


def unknown_stems(scored: "Scored") -> frozenset[str]:
    """The stems of the question's names that the document never uses."""
    return frozenset(stem(w) for name in scored.unknown_names for w in word_list(name))


def name_free_expansions(scored: "Scored") -> dict[str, tuple[str, ...]]:
    """The question's unknown words with the corpus words they were expanded to, but for the
    names the document never uses: "Mongolia" expanded to "Kazakhstan" covers nothing."""
    names = unknown_stems(scored)
    return {w: found for w, found in scored.expansions if stem(w) not in names}


def word_support(retriever: "Retriever", term: str, vector: "np.ndarray | None", stems, rows: "np.ndarray") -> float:
    """How well words (their ``stems``, and their ``rows`` of the word table) support one
    question ``term``: 1.0 when they hold it, else the MiniLM cosine of its ``vector`` with the
    nearest of them, clipped to [0, 1]; 0.0 without a vector."""
    if term in stems:
        return 1.0
    table = retriever.views["word_vectors"]
    if vector is None or table is None or not len(rows):
        return 0.0
    return float(np.clip((table[rows] @ vector).max(), 0.0, 1.0))


def term_support(retriever: "Retriever", scored: "Scored", text: str,
                 vectors: list["np.ndarray | None"]) -> tuple[float, float, str]:
    """How well ``text`` supports each content word of the question: 1.0 when it uses the word
    (its stem), else the MiniLM cosine of the word (``vectors``, from ``term_vectors``) with the
    nearest word of ``text`` (a synonym scores high, an unrelated word low, a word with no
    vector 0). (the weakest, the mean, the weakest term); (1.0, 1.0, "") for a question without
    content words."""
    terms = scored.terms.terms
    if not terms:
        return 1.0, 1.0, ""
    stems = text_stems(text)
    rows = retriever.word_rows(stems)
    support = [word_support(retriever, term, vector, stems, rows) for term, vector in zip(terms, vectors)]
    weakest = int(np.argmin(support))
    return round(support[weakest], 6), round(sum(support) / len(support), 6), terms[weakest]


def answer_support(retriever: "Retriever", scored: "Scored", passages: "np.ndarray",
                   vectors: list["np.ndarray | None"]) -> tuple[float, float]:
    """Is there a sentence that says what was asked, about what was asked? Among the best
    ``features.sentences_read`` sentences of ``passages`` (``Settings.tuning``), those holding a thing of the kind the
    question asks for (any sentence when it asks for none): the best ``term_support`` of one
    of them, (the weakest word, the mean); (0.0, 0.0) when none holds such a thing."""
    kind = scored.query.asks_for
    own = frozenset(w.lower() for w in re.findall(r"[\w’'-]+", scored.query.text))
    weakest = mean = 0.0
    for row in best_rows(retriever, scored, passages):
        text = retriever.sentences[int(row)]
        if kind and not contains(kind, text, exclude=own):
            continue
        low, avg, _ = term_support(retriever, scored, text, vectors)
        weakest, mean = max(weakest, low), max(mean, avg)
    return weakest, mean


def best_rows(retriever: "Retriever", scored: "Scored", passages: "np.ndarray") -> "np.ndarray":
    """The best ``features.sentences_read`` sentences (by fused score) of ``passages``."""
    rows = np.flatnonzero(np.isin(retriever.sentence_owner, passages))
    return rows[np.argsort(-scored.sentence_fused[rows], kind="stable")][:retriever.tuning.features.sentences_read]


def measure_missing(retriever: "Retriever", scored: "Scored", passages: "np.ndarray",
                    vectors: list["np.ndarray | None"]) -> float:
    """For a question for a figure of something ("how many jobs ...?", ``measured``): is a
    figure in the best sentences a figure of that? 1 - the best support of the measured
    words (1.0 for the word itself, else its MiniLM cosine with the nearest word) among the
    ``features.figure_window`` words either side of each figure; 0.0 for any other question,
    or when the question's measured words are not among its content words."""
    kind = scored.query.asks_for
    terms = scored.terms.terms
    wanted = [(t, vectors[terms.index(t)]) for t in dict.fromkeys(stem(w) for w in measured(scored.query.text))
              if t in terms]
    if kind not in (QUANTITY, COUNT) or not wanted:
        return 0.0
    best = 0.0
    for row in best_rows(retriever, scored, passages):
        for near in figure_neighbours(kind, retriever.sentences[int(row)], retriever.tuning.features.figure_window):
            stems = {stem(w) for w in near}
            rows = retriever.word_rows(stems)
            best = max(best, *(word_support(retriever, term, vector, stems, rows) for term, vector in wanted))
    return round(1.0 - best, 6)


def best_sentence(retriever: "Retriever", scored: "Scored", passage: int) -> str:
    """The passage's sentence with the highest fused score."""
    rows = np.flatnonzero(retriever.sentence_owner == passage)
    return retriever.sentences[int(rows[np.argmax(scored.sentence_fused[rows])])] if len(rows) else ""


def kind_missing(retriever: "Retriever", scored: "Scored", best: int) -> bool:
    """Does the question ask for a kind of thing (a date, a person...) the best evidence
    lacks? Who-questions are read on the best sentence, the rest on the best passage."""
    kind = scored.query.asks_for
    if not kind:
        return False
    own = frozenset(w.lower() for w in re.findall(r"[\w’'-]+", scored.query.text))
    where = best_sentence(retriever, scored, best) if kind in (PERSON, AGENT) else retriever.chunks[best].text
    return not contains(kind, where or retriever.chunks[best].text, exclude=own)


def kind_unnamed(retriever: "Retriever", scored: "Scored", best: int) -> bool:
    """Does the question ask for a kind of thing (a date, a person...) the best passage names
    nothing of? Read by the entity tagger (``qa.search.entities``), where ``kind_missing``
    reads the patterns of ``qa.search.kinds``: the tagger tells a person from a place, the
    patterns read an office ("the commander") as an answer to "who"."""
    return entities.unnamed(scored.query.asks_for, scored.query.text, retriever.chunks[best].text)


def focus_missing(retriever: "Retriever", scored: "Scored", best: int) -> float:
    """Share of what the question asks about (names the speech uses, ordinals, years) that
    the best passage and the one before it never say."""
    focus = focus_words(scored.query.text, retriever.names)
    if not focus:
        return 0.0
    chunk = retriever.chunks[best]
    before = retriever.chunks[best - 1].text if best and retriever.chunks[best - 1].source == chunk.source else ""
    return len(unmatched_focus(focus, f"{before} {chunk.text}")) / len(focus)


def pair_vector(question: np.ndarray, passages: np.ndarray) -> np.ndarray:
    """The question's MiniLM vector against the mean of the best passages' vectors, as the
    element-wise product and absolute difference (the usual input of a sentence-pair
    classifier): which directions of meaning the two share and where they part.

    >>> pair_vector(np.array([1.0, 0.0]), np.array([[0.0, 1.0], [1.0, 1.0]])).tolist()
    [0.5, 0.0, 0.5, 1.0]
    """
    mean = np.asarray(passages, dtype=np.float64).mean(axis=0)
    question = np.asarray(question, dtype=np.float64)
    return np.concatenate([question * mean, np.abs(question - mean)])


def evidence(retriever: "Retriever", scored: "Scored", *, stages: "Stages") -> Evidence | None:
    """The features of what ``retriever`` found for one question; None when it has no passages."""
    if not len(scored.fused):
        return None
    best = int(scored.fused.argmax())
    # Word coverage is read over the best few passages (``Settings.tuning.features``).
    order = np.argsort(-scored.fused, kind="stable")[:retriever.tuning.features.covered_by]
    dense_top, dense_margin = top_and_margin(scored.dense)
    fused_top, fused_margin = top_and_margin(scored.fused)
    second = scored.second if scored.second is not None else scored.dense
    text = " ".join(retriever.chunks[i].text for i in order)
    kind = scored.query.asks_for
    vectors = term_vectors(retriever, scored)
    expansions = name_free_expansions(scored)
    support = term_support(retriever, scored, text, vectors)
    best_support = term_support(retriever, scored, retriever.chunks[best].text, vectors)
    answered = answer_support(retriever, scored, order, vectors)
    values = {
        "dense_top": dense_top, "dense_margin": dense_margin, "second_top": top_and_margin(second)[0],
        "sentence_top": top_and_margin(scored.sentence_dense if scored.sentence_dense is not None else scored.dense)[0],
        "bm25_top": math.log1p(max(0.0, float(scored.lexical.max()))) if len(scored.lexical) else 0.0,
        "vocabulary_coverage": scored.coverage,
        "passage_coverage": covered_share(scored.terms.terms, expansions, text),
        "sentence_coverage": covered_share(scored.terms.terms, expansions,
                                           best_sentence(retriever, scored, best)),
        "support_min": support[0], "support_mean": support[1],
        "best_support_min": best_support[0], "best_support_mean": best_support[1],
        "answer_support_min": answered[0], "answer_support_mean": answered[1],
        "measure_missing": measure_missing(retriever, scored, order, vectors),
        "fused_top": fused_top, "fused_margin": fused_margin,
        "kind_missing": float(stages.answer_type and kind_missing(retriever, scored, best)),
        "kind_unnamed": float(stages.answer_type and kind_unnamed(retriever, scored, best)),
        "focus_missing": focus_missing(retriever, scored, best) if stages.answer_type else 0.0,
        "unknown_names": float(len(scored.unknown_names)),
        "unknown_phrases": float(len(scored.unknown_phrases)),
        # Words the document never uses and that have no near synonym in it either.
        "unknown_words": float(sum(1 for _, found in scored.expansions if not found)),
        "question_words": math.log(1 + len(scored.query.text.split())),
        **{f"asks_{k}": float(kind == k) for k in KINDS},
        "asks_aftermath": float(scored.query.aftermath),
        "asks_stance": float(scored.query.stance),
    }
    weakest = next((w for w in word_list(scored.query.text) if stem(w) == support[2]), support[2])
    return Evidence(values=values, asks_for=kind, weakest=weakest if support[0] < 1.0 else "",
                    unknown_names=name_phrases(scored.query.text, scored.unknown_names),
                    unknown_phrases=scored.unknown_phrases,
                    pair=pair_vector(scored.query_vector, retriever.stored.vectors[order]),
                    encoder=retriever.stored.manifest.model, question=scored.query.text,
                    passage=retriever.chunks[best].text,
                    document=retriever.stored.manifest.sources.get(retriever.chunks[best].source, ""))
