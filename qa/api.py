"""The public functions: ``retrieve``, ``ask``, ``build``, ``status``.

Heavy things (torch, the model, FAISS) load on the first call, not at ``import qa``.
A loaded index is cached per folder and generation and shared between threads.
With ``auto_rebuild=True`` a stale index is rebuilt in the background while the previous
one answers (see ``qa.serving``).
"""
from __future__ import annotations

import logging
import os
import unicodedata
from collections import abc
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from .config import MAX_QUESTION_CHARS, AbstentionModel, Settings
from .config import settings as make_settings
from .errors import IndexCorrupt, IndexMissing, IndexStale, QAError, QuestionError
from .search.routing import crosslingual_view, narrowed, resolve_scope, searched_label
from .types import Answer, BuildReport, Passage

if TYPE_CHECKING:
    from .search.retrieval import Retriever, Stages

PathLike = str | os.PathLike[str] | None
log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Status:
    """Whether ``index/`` matches ``seeds/`` and the model; ``changes`` says what differs,
    ``skipped`` which files under ``seeds/`` are not indexed and why (not UTF-8, binary, ...)."""

    fresh: bool
    exists: bool
    changes: tuple[str, ...]
    message: str
    corrupt: bool = False
    skipped: tuple[str, ...] = ()
    # Why refusals are decided without the answerability judge ("" when it is trained, or when
    # the abstention model reads none): ``python -m qa train-judge`` fixes it.
    judge: str = ""


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
    if not any(ch.isalnum() for ch in text):  # "?", "...", an emoji, a lone surrogate (read as "?")
        raise QuestionError("The question has no words - type a question about the speech")
    notes: tuple[str, ...] = ()
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS].rsplit(" ", 1)[0] or text[:MAX_QUESTION_CHARS]
        notes = (f"Your question was long; only its first {len(text):,} characters were read.",)
    return text, notes


def _settings(seeds_dir: PathLike, index_dir: PathLike, model: str | None) -> Settings:
    return make_settings(seeds_dir=seeds_dir, index_dir=index_dir, model=model)


def retriever(s: Settings, *, auto_rebuild: bool = False) -> "Retriever":
    """The retriever for ``s``'s index; IndexStale etc. unless ``auto_rebuild``."""
    return served(s, auto_rebuild=auto_rebuild)[0]


def served(s: Settings, *, auto_rebuild: bool) -> tuple["Retriever", str | None]:
    """A retriever and, if it answers from a previous index while a rebuild runs, a note why."""
    from . import serving

    if not auto_rebuild:
        try:
            return serving.strict_retriever(s), None
        except IndexMissing:  # a fresh clone: build on first use, as the chat does
            return _first_build(s), FIRST_BUILD_NOTE
    got = serving.service(s).get()
    if got.note:
        log.warning("%s", got.note)
    return got.retriever, got.note


FIRST_BUILD_NOTE = "There was no index yet: it was built from the documents for this question."


def _first_build(s: Settings) -> "Retriever":
    """Build the missing index of ``s`` and return its retriever (a stale one is never
    rebuilt here: that stays IndexStale unless ``auto_rebuild``)."""
    from . import serving

    log.info("No index in %s yet: building it from %s (once, some seconds)", s.index_dir, s.seeds_dir)
    build_index(s)
    return serving.strict_retriever(s)


def watch(*, seeds_dir: PathLike = None, index_dir: PathLike = None, model: str | None = None) -> None:
    """Start keeping the index in step with ``seeds/`` in the background (the chat app's mode).

    ``ask(..., auto_rebuild=True)`` starts the same on its first call; calling this at start
    means an edit made before the first question is rebuilt (in the background) already.
    """
    from . import serving

    serving.service(_settings(seeds_dir, index_dir, model)).refresh()


def build_index(s: Settings, *, full: bool = False, wait: float = 60.0) -> BuildReport:
    from .index.builder import build as run_build
    from .index.embedding import get_encoder

    return run_build(s, load_encoder=lambda: get_encoder(s.model), full=full, lock_timeout=wait)


def _check_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 100:
        raise QuestionError(f"k must be a whole number from 1 to 100, not {k!r}")
    return k


def _history(history: Sequence[str] | None) -> tuple[str, ...]:
    """The earlier questions that can be read; QuestionError if ``history`` is not a list of them.

    >>> _history(["Who spoke?", "  ", "?"])
    ('Who spoke?',)
    """
    if history is None:
        return ()
    if isinstance(history, (str, bytes)) or not isinstance(history, abc.Sequence):
        raise QuestionError(f"A history is a list of earlier questions (oldest first), not {type(history).__name__}"
                            " - pass e.g. history=[\"Who spoke?\"]")
    if not all(isinstance(item, str) for item in history):
        raise QuestionError("A history is a list of earlier questions, each of them text - "
                            "pass e.g. history=[\"Who spoke?\"]")
    cleaned = []
    for item in history:
        try:
            cleaned.append(clean_question(item)[0])
        except QuestionError:
            continue
    return tuple(cleaned)


def retrieve(question: str, *, k: int = 5, history: Sequence[str] | None = None,
             documents: Sequence[str] = (), seeds_dir: PathLike = None, index_dir: PathLike = None,
             model: str | None = None, auto_rebuild: bool = False) -> list[Passage]:
    """The ``k`` passages that best match ``question``, best first, with exact offsets.

    ``documents`` (file names or paths under ``seeds/``) limits the search to those; without
    it, the documents the question names, else the one the evidence points to, come first.
    """
    text, notes = clean_question(question)
    earlier, k = _history(history), _check_k(k)
    r, _note = served(_settings(seeds_dir, index_dir, model), auto_rebuild=auto_rebuild)  # the note is logged
    text, _ = fit_to_model(r.encoder, text, notes)  # BM25 reads what the encoder reads
    return search_with(r, text, k=k, history=earlier, documents=documents)


def search_with(r: "Retriever", question: str, *, k: int, history: Sequence[str],
                documents: Sequence[str] = ()) -> list[Passage]:
    """Ranked passages; a question not in English goes through the cross-lingual channel."""
    from .answer.meta import metadata_passages
    from .questions.language import ENGLISH, detect

    scope, compare = resolve_scope(r, question, history, documents)
    language = detect(question)
    scope = narrowed(r, scope, question, history, language=language, compare=compare)
    part = r.for_documents(scope) if scope else r
    if language != ENGLISH:
        from .search.crosslingual import search

        ranked = search(crosslingual_view(part), question, k=k, history=history)
    else:
        ranked = part.search(question, k=k, history=history)
    first = metadata_passages(part, question, language=language)
    return (first + ranked)[:k] if first else ranked


def ask(question: str, *, history: Sequence[str] | None = None, k: int = 5, documents: Sequence[str] = (),
        seeds_dir: PathLike = None, index_dir: PathLike = None, model: str | None = None,
        auto_rebuild: bool = False) -> Answer:
    """An answer quoting the speech, with ``[n]`` markers and the cited passages.

    ``history`` is the user's earlier questions, oldest first, so a follow-up is understood.
    ``documents`` limits the answer to those documents (file names or paths under ``seeds/``);
    otherwise the documents the question names, or the one the evidence points to, answer.
    With ``auto_rebuild=True`` a stale index is rebuilt in the background; until it is done
    the previous index answers and ``notes`` says so.
    """
    text, notes = clean_question(question)
    earlier, k = _history(history), _check_k(k)
    s = _settings(seeds_dir, index_dir, model)
    r, note = served(s, auto_rebuild=auto_rebuild)
    text, notes = fit_to_model(r.encoder, text, notes)
    notes = notes + ((note,) if note else ())
    from .answer.abstain import load_model

    return answer_with(r, text, k=k, history=earlier, notes=notes, documents=documents,
                       abstention=load_model(s.abstention))


def fit_to_model(encoder: object, text: str, notes: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The question cut to what the encoder reads (it may stop before MAX_QUESTION_CHARS,
    e.g. on digits or Chinese), with a note that says so."""
    readable = getattr(encoder, "readable", None)
    cut = readable(text).rstrip() if readable else text
    if not cut or len(cut) >= len(text):
        return text, notes
    return cut, (f"Your question was long; only its first {len(cut):,} characters were read.",)


def answer_with(r: "Retriever", question: str, *, k: int, history: Sequence[str],
                notes: tuple[str, ...] = (), stages: "Stages | None" = None,
                documents: Sequence[str] = (), abstention: "AbstentionModel | None" = None) -> Answer:
    """Read the question, find its documents, retrieve, decide whether they answer (by
    ``abstention``, else the shipped model), reply."""
    from .answer.abstain import judge
    from .answer.compose import Candidate, compose, silence
    from .answer.meta import metadata_answer, unlisted_note
    from .answer.wording import wording_answer
    from .search.evidence import evidence
    from .questions.language import ENGLISH, detect
    from .search.retrieval import ALL_STAGES

    language = detect(question)
    scope, compare = resolve_scope(r, question, history, documents)
    wording = wording_answer(r, question, scope=scope, compare=compare, history=history, language=language,
                              notes=notes, documents=documents)
    if wording is not None:  # its first line names what was searched: no "From ..." line
        from dataclasses import replace

        return replace(_stamped(r, *wording), text=wording[0].text)
    searched = searched_label(r, scope, language)  # what the user asked: one document, or how many
    asked = scope
    scope = narrowed(r, scope, question, history, language=language, compare=compare)
    part = r.for_documents(scope) if scope else r
    # The evidence chose the document and another came close: an answer names that one too.
    close = _close_call(r, question, history) if not asked and len(scope) == 1 and language == ENGLISH else ()
    notes = notes + close
    meta = metadata_answer(part, question, language=language, notes=notes)
    if meta is not None:
        return _stamped(r, meta, scope)
    unlisted = unlisted_note(part, question, language=language, history=history)
    notes = notes + ((unlisted,) if unlisted else ())
    if unlisted and language != ENGLISH:  # no data to judge the text's answer by: refused as such
        return _stamped(r, silence(question, (), notes=notes, language=language, searched=searched), scope)
    if language != ENGLISH:
        from .answer.crosslingual import answer

        reply = answer(crosslingual_view(part), question, language=language, k=k, history=history, notes=notes,
                       searched=searched)
        return _stamped(r, reply, scope)

    stages = stages or ALL_STAGES
    scored = part.score(question, history, stages=stages)
    passages = part.rank(scored, k=k)
    sentence_scores = part.sentence_scores(scored)
    candidates = [Candidate(passage=p, sentence_scores=sentence_scores[part.chunk_id(p)]) for p in passages]
    decision = judge(evidence(part, scored, stages=stages), model=abstention)
    if decision.abstain:  # nothing answers: "ask that one instead" would promise an answer
        notes = tuple(n for n in notes if n not in close) + ((decision.reason,) if decision.reason else ())
    reply = compose(question, candidates, abstained=decision.abstain, notes=notes, searched=searched,
                    asks_for=scored.query.asks_for, reply=part.tuning.reply)
    return _stamped(r, reply, scope)


def _close_call(r: "Retriever", question: str, history: Sequence[str]) -> tuple[str, ...]:
    """When the evidence chose the document and another came close: a note naming it."""
    from .answer.compose import framing

    close = r.close_document(question, history)
    if not close:
        return ()
    label = next(d.label for d in r.documents if d.source == close)
    return (framing("en")["also_close"].format(doc=f"{label} ({close})" if label != close else close),)




def _stamped(r: "Retriever", reply: Answer, scope: Sequence[str]) -> Answer:
    """The reply with its scope, the document it quotes and, in a corpus of several
    documents, a first line naming that document."""
    from dataclasses import replace

    from .answer.compose import _escape_md, framing

    searched = tuple(scope) or tuple(d.source for d in r.documents)
    sources = {p.source for p in reply.passages} if not reply.abstained else set()
    cited = sources.pop() if len(sources) == 1 else ""
    text = reply.text
    if cited and len(r.documents) > 1:
        label = next(d.label_for(reply.language) for d in r.documents if d.source == cited)
        intro = framing(reply.language).get("from", framing("en")["from"]).format(doc=f"{label} ({cited})" if label != cited else cited)
        text = f"_{_escape_md(intro)}_\n\n{text}"
    return replace(reply, text=text, scope=searched, document=cited)


def build(*, seeds_dir: PathLike = None, index_dir: PathLike = None, model: str | None = None,
          full: bool = False, wait: float = 60.0) -> BuildReport:
    """Rebuild ``index/`` from ``seeds/``; only new or edited passages are embedded.

    ``full=True`` embeds every passage again. Waits up to ``wait`` seconds for another
    build of the same folder, then raises BuildLocked.
    """
    return build_index(_settings(seeds_dir, index_dir, model), full=full, wait=wait)


def status(*, seeds_dir: PathLike = None, index_dir: PathLike = None, model: str | None = None) -> Status:
    """Is the index there, intact, and does it match the seeds and the model?"""
    from . import serving
    from .index import store
    from .index.onnx_export import slower_because

    s = _settings(seeds_dir, index_dir, model)
    try:
        store.verify(s.index_dir)
        manifest = serving.check(s)
    except IndexMissing as err:
        return Status(fresh=False, exists=False, changes=(), message=str(err), skipped=_skipped(s))
    except IndexCorrupt as err:
        return Status(fresh=False, exists=True, changes=(), message=str(err), corrupt=True, skipped=_skipped(s))
    except IndexStale as err:
        return Status(fresh=False, exists=True, changes=err.changes, message=str(err), skipped=_skipped(s))
    slower = slower_because(s.index_dir, s.model, manifest.query_encoder)
    judge = judge_missing(s)
    message = f"The index is up to date, but {slower}" if slower else "The index is up to date."
    if judge:
        message += f" Refusals are decided without the answerability judge: {judge}."
    return Status(fresh=True, exists=True, changes=(), message=message, skipped=_skipped(s), judge=judge)


def judge_missing(s: Settings) -> str:
    """Why the abstention model of ``s`` cannot read its judge ("" when it can or reads none)."""
    from .answer.abstain import load_model
    from .answer.judge import missing

    model = load_model(s.abstention)
    return (missing(model.judge) or "") if model.judge is not None else ""


def train_judge(*, force: bool = False, progress=None) -> str:
    """Fine-tune and export the judge the shipped abstention model reads (``qa.answer.judge_train``),
    unless it is there already (or ``force``); returns what was done, in one line."""
    from .answer.abstain import load_model
    from .answer.judge import PAIRS_FILE, missing
    from .answer.judge_train import train

    model = load_model(make_settings().abstention)
    if model.judge is None:
        return "The abstention model reads no judge: nothing to train."
    if not force and missing(model.judge) is None:
        return "The answerability judge is trained already."
    if not PAIRS_FILE.is_file():
        raise QAError(f"No training pairs at {PAIRS_FILE} - restore the file with git (git checkout -- qa/answer/{PAIRS_FILE.name})")
    try:
        folder = train(model.judge, PAIRS_FILE, force=force, progress=progress)
    except ValueError as err:
        raise QAError(str(err)) from err
    return f"The answerability judge is trained, in {folder}."


def _skipped(s: Settings) -> tuple[str, ...]:
    from .errors import SeedsError
    from .index.corpus import skipped_files

    try:
        return skipped_files(s.seeds_dir)
    except SeedsError:  # no seeds folder: the status message says so already
        return ()
