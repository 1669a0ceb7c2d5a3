"""Does the speech answer the question? Decided by a fitted model over the features of the
evidence (``qa.search.evidence``: the record the search stage hands over), never by a rule on
the question's wording.

The model (``qa.config.AbstentionModel``, fitted by ``scripts/fit_abstention.py`` with
cross-validation grouped by document) gives the probability that the speech is silent; at or
above its threshold the reply says so. The reason shown is that of the feature that pushed
hardest towards abstaining: an unknown name, a missing date or figure or person, a question
about the speech's reception or sequel or about the speaker's own view, passages whose meaning is
near but not what was asked (the pair score), or a weak match overall.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..config import ABSTENTION_FILE, CROSS_SCORE, PAIR_MATCH, AbstentionModel, JudgeSpec
from ..index.lexical import stem, words
from ..search.evidence import Evidence
from .compose import FRAMING, unknown_note

ARTICLES = frozenset({"the", "a", "an"})

# Features whose push towards abstaining means "the best passages lack what was asked".
# (A figure that counts something else is no figure of what was asked: ``measure_missing``.)
_KIND_FEATURES = frozenset({"kind_missing", "kind_unnamed", "focus_missing", "measure_missing"})
# ... and those whose push means "the best passages do not speak of one of the question's words".
_SUPPORT_FEATURES = frozenset({"passage_coverage", "sentence_coverage", "support_min", "best_support_min",
                               "answer_support_min", "vocabulary_coverage", "unknown_words"})
# ... and the pair score's: "the best passages are about something else than what was asked".
_MATCH_FEATURES = frozenset({PAIR_MATCH})


@dataclass(frozen=True, kw_only=True)
class Decision:
    """Whether to abstain and, if so, why (shown to the user); ``probability`` is the model's,
    ``cause`` the feature the reason comes from."""

    abstain: bool
    reason: str = ""
    probability: float = 0.0
    cause: str = ""
    judged: bool = False  # whether the judge's score was read (else the fallback model decided)


@lru_cache(maxsize=4)
def load_model(path: Path = ABSTENTION_FILE) -> AbstentionModel:
    """The fitted model in ``path`` (``qa/answer/abstention.json`` by default), read once."""
    return AbstentionModel.load(path)


def reason(cause: str, found: Evidence, language: str = "en") -> str:
    """The sentence that tells the user why, for the feature that decided.

    >>> e = Evidence(values={}, asks_for="date", unknown_names=("Mars",), weakest="budget")
    >>> reason("unknown_names", e), reason("kind_missing", e), reason("dense_top", e)
    ('The speech does not mention Mars.', 'The passages that match give no date for this.', 'Nothing in the speech matches the question.')
    >>> reason("support_min", e)
    'The passages that match say nothing of “budget”.'
    >>> reason("measure_missing", Evidence(values={}, asks_for="count", unknown_names=()))
    'The passages that match give no number for this.'
    >>> reason("unknown_phrases", Evidence(values={}, asks_for="", unknown_names=(), unknown_phrases=("Power Africa",)))
    'The speech does not mention Power Africa.'
    >>> reason("asks_aftermath", e)
    'A speech does not report how it was received or what came of it later, and the passages that match do not either.'
    >>> reason("asks_stance", e)
    "The passages that match do not give the speaker's view on this."
    >>> reason("cross_score", e)
    'The closest passages do not answer this.'
    """
    words = FRAMING.get(language, FRAMING["en"])
    if cause == "unknown_names" and found.unknown_names:
        return unknown_note(found.unknown_names, language)
    if cause == "unknown_phrases" and found.unknown_phrases:
        return unknown_note(found.unknown_phrases, language)
    if cause == "asks_aftermath" and "aftermath" in words:
        return words["aftermath"]
    if cause == "asks_stance" and "stance" in words:
        return words["stance"]
    if (cause in _KIND_FEATURES or cause.startswith("asks_")) and found.asks_for in words["missing"]:
        return words["missing"][found.asks_for]
    if cause == CROSS_SCORE and "unanswered" in words:
        return words["unanswered"]
    if cause in _MATCH_FEATURES and "unmatched" in words:
        return words["unmatched"]
    if cause in _SUPPORT_FEATURES and found.weakest and "unsupported" in words:
        return words["unsupported"].format(word=found.weakest)
    return words["nothing"]


def name_key(name: str) -> str:
    """A name as ``AbstentionModel.name_weights`` keys it: the stems of its words, lower case,
    without the article the question gave it.

    >>> name_key("the Union"), name_key("White House"), name_key("The Hague")
    ('union', 'white hous', 'hagu')
    """
    stems = [stem(w) for w in words(name.lower())]
    return " ".join(stems[1:] if len(stems) > 1 and stems[0] in ARTICLES else stems)


def cross_score(found: Evidence, spec: JudgeSpec) -> float | None:
    """The judge's score of the question beside its best passage, or None when there is no
    judge trained for ``spec`` or no passage text to read."""
    if not found.question or not found.passage:
        return None
    from . import judge

    trained = judge.load(spec)
    return None if trained is None else trained.score(found.question, found.passage)


def decide(found: Evidence, model: AbstentionModel, *, scorer=cross_score) -> Decision:
    """Abstain when the model's probability that the speech is silent reaches its threshold.
    A model that reads the judge (``CROSS_SCORE``) gets its score from ``scorer``; when that
    is None, the model's ``fallback`` (fitted without it) decides.

    >>> m = AbstentionModel(features=("unknown_names", "dense_top"), mean=(0.0, 0.5), scale=(1.0, 0.1),
    ...                     coef=(3.0, -1.0), intercept=-1.0, threshold=0.5)
    >>> decide(Evidence(values={"unknown_names": 1.0, "dense_top": 0.5}, asks_for="", unknown_names=("Mars",)), m).reason
    'The speech does not mention Mars.'
    >>> decide(Evidence(values={"unknown_names": 0.0, "dense_top": 0.6}, asks_for="", unknown_names=()), m).abstain
    False

    With a judge: its score when there is one, else the fallback model.

    >>> spec = JudgeSpec(pairs_sha256="0" * 64, base="m", epochs=1, rate=1.0, batch=1, max_pieces=8, seed=0)
    >>> plain = AbstentionModel(features=("a",), mean=(0.0,), scale=(1.0,), coef=(1.0,), intercept=0.0, threshold=0.5)
    >>> judged = AbstentionModel(features=("a", "cross_score"), mean=(0.0, 0.5), scale=(1.0, 0.1), coef=(1.0, 2.0),
    ...                          intercept=0.0, threshold=0.5, judge=spec, fallback=plain)
    >>> e = Evidence(values={"a": -0.1}, asks_for="", unknown_names=())
    >>> with_score = decide(e, judged, scorer=lambda found, spec: 0.9)
    >>> with_score.abstain, with_score.judged, with_score.reason
    (True, True, 'The closest passages do not answer this.')
    >>> without = decide(e, judged, scorer=lambda found, spec: None)
    >>> without.abstain, without.judged
    (False, False)
    """
    score = scorer(found, model.judge) if model.judge is not None else None
    if model.judge is not None and score is None:
        model = model.fallback
    values = model.inputs(found.values, found.pair, found.encoder, tuple(name_key(n) for n in found.unknown_names))
    if score is not None:
        values = {**values, CROSS_SCORE: score}
    p = model.probability(values)
    if p < model.threshold_for(found.document):
        return Decision(abstain=False, probability=p, judged=score is not None)
    pushes = model.contributions(values)
    cause = max(pushes, key=pushes.__getitem__)
    return Decision(abstain=True, reason=reason(cause, found), probability=p, cause=cause, judged=score is not None)


def judge(found: Evidence | None, *, model: AbstentionModel | None = None) -> Decision:
    """``decide`` on the evidence of one question (the shipped model by default); ``found`` is
    None when there were no passages to search.

    >>> judge(None).reason
    'There are no passages to search.'
    """
    if found is None:
        return Decision(abstain=True, reason="There are no passages to search.", cause="no_passages")
    return decide(found, model or load_model())
