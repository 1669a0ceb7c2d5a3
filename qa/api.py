"""The public functions: ``retrieve``, ``ask``, ``build``, ``status``.

Heavy things (torch, the model, FAISS) load on the first call, not at ``import qa``.
A loaded index is cached per folder and generation and shared between threads.
"""
from __future__ import annotations

import os
import threading
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from .config import MAX_QUESTION_CHARS, Settings
from .config import settings as make_settings
from .errors import IndexMissing, IndexStale, QuestionError
from .types import Answer, BuildReport, Passage

if TYPE_CHECKING:
    from .retrieval import Retriever, Stages

PathLike = str | os.PathLike[str] | None
_retrievers: dict[tuple, "Retriever"] = {}
_lock = threading.RLock()


@dataclass(frozen=True, kw_only=True)
class Status:
    """Whether ``index/`` matches ``seeds/`` and the model; ``changes`` says what differs."""

    fresh: bool
    exists: bool
    changes: tuple[str, ...]
    message: str


def clean_question(question: object) -> tuple[str, tuple[str, ...]]:
    """The question as the model will read it, and notes for the reply.

    >>> clean_question("  What\\x00 is it?  ")
    ('What is it?', ())
    """
    if not isinstance(question, str):
        raise QuestionError(f"A question must be text, not {type(question).__name__}")
    text = question.encode("utf-8", "replace").decode("utf-8")
    text = "".join(ch if ch.isspace() or unicodedata.category(ch)[0] != "C" else "" for ch in text)
    text = " ".join(text.split())
    if not text:
        raise QuestionError("The question is empty - type a question about the speech")
    notes: tuple[str, ...] = ()
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS].rsplit(" ", 1)[0] or text[:MAX_QUESTION_CHARS]
        notes = (f"Your question was long; only its first {len(text):,} characters were read.",)
    return text, notes


def _settings(seeds_dir: PathLike, index_dir: PathLike, model: str | None) -> Settings:
    return make_settings(seeds_dir=seeds_dir, index_dir=index_dir, model=model)


def _check(s: Settings):
    from . import store
    from .corpus import file_hashes

    manifest = store.read_manifest(s.index_dir)
    store.check_fresh(manifest, model=s.model, chunking=s.chunk_settings(),
                      sources=file_hashes(s.seeds_dir), index_dir=s.index_dir)
    return manifest


def retriever(s: Settings, *, auto_rebuild: bool = False) -> "Retriever":
    """The retriever for ``s``'s index, loading it (or rebuilding it, if asked) when needed."""
    from . import store
    from .embedding import get_encoder
    from .retrieval import Retriever

    try:
        manifest = _check(s)
    except (IndexMissing, IndexStale):
        if not auto_rebuild:
            raise
        build_index(s)
        manifest = _check(s)
    key = (str(s.index_dir.resolve()), manifest.generation, s.model)
    with _lock:
        if key not in _retrievers:
            loaded = Retriever(store.load(s.index_dir), get_encoder(s.model))
            for old in [k for k in _retrievers if k[0] == key[0]]:
                del _retrievers[old]
            _retrievers[key] = loaded
        return _retrievers[key]


def build_index(s: Settings, *, full: bool = False) -> BuildReport:
    from .builder import build as run_build
    from .embedding import get_encoder

    return run_build(s, get_encoder(s.model), full=full)


def _check_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 100:
        raise QuestionError(f"k must be a whole number from 1 to 100, not {k!r}")
    return k


def _history(history: Sequence[str] | None) -> tuple[str, ...]:
    cleaned = []
    for item in history or ():
        try:
            cleaned.append(clean_question(item)[0])
        except QuestionError:
            continue
    return tuple(cleaned)


def retrieve(question: str, *, k: int = 5, history: Sequence[str] | None = None,
             seeds_dir: PathLike = None, index_dir: PathLike = None, model: str | None = None,
             auto_rebuild: bool = False) -> list[Passage]:
    """The ``k`` passages that best match ``question``, best first, with exact offsets."""
    text, _ = clean_question(question)
    r = retriever(_settings(seeds_dir, index_dir, model), auto_rebuild=auto_rebuild)
    return r.search(text, k=_check_k(k), history=_history(history))


def ask(question: str, *, history: Sequence[str] | None = None, k: int = 5,
        seeds_dir: PathLike = None, index_dir: PathLike = None, model: str | None = None,
        auto_rebuild: bool = False) -> Answer:
    """An answer quoting the speech, with ``[n]`` markers and the cited passages.

    ``history`` is the user's earlier questions, oldest first, so a follow-up is understood.
    """
    text, notes = clean_question(question)
    r = retriever(_settings(seeds_dir, index_dir, model), auto_rebuild=auto_rebuild)
    return answer_with(r, text, k=_check_k(k), history=_history(history), notes=notes)


def answer_with(r: "Retriever", question: str, *, k: int, history: Sequence[str],
                notes: tuple[str, ...] = (), stages: "Stages | None" = None) -> Answer:
    """Retrieve, decide whether the speech answers, and compose the reply."""
    from .abstain import judge
    from .answer import Candidate, compose
    from .retrieval import ALL_STAGES

    stages = stages or ALL_STAGES
    scored = r.score(question, history, stages=stages)
    passages = r.rank(scored, k=k)
    sentence_scores = r.sentence_scores(scored)
    candidates = [Candidate(passage=p, sentence_scores=sentence_scores[r.chunk_id(p)]) for p in passages]
    decision = judge(r, scored, stages=stages)
    notes = notes + ((decision.reason,) if decision.abstain and decision.reason else ())
    return compose(question, candidates, abstained=decision.abstain, notes=notes)


def build(*, seeds_dir: PathLike = None, index_dir: PathLike = None, model: str | None = None,
          full: bool = False) -> BuildReport:
    """Rebuild ``index/`` from ``seeds/``; only new or edited passages are embedded."""
    return build_index(_settings(seeds_dir, index_dir, model), full=full)


def status(*, seeds_dir: PathLike = None, index_dir: PathLike = None, model: str | None = None) -> Status:
    """Is the index there and does it match the seeds and the model?"""
    try:
        _check(_settings(seeds_dir, index_dir, model))
    except IndexMissing as err:
        return Status(fresh=False, exists=False, changes=(), message=str(err))
    except IndexStale as err:
        return Status(fresh=False, exists=True, changes=err.changes, message=str(err))
    return Status(fresh=True, exists=True, changes=(), message="The index is up to date.")
