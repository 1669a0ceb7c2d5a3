"""What the page asks of ``qa``, with the slow parts off the request path.

At start a background thread builds the index if it is missing or stale and loads the model,
so the page is up before the model is; a question asked meanwhile waits for it. A rebuild
started from the page runs in its own thread with the same ``qa.build`` as the command line,
and the chat keeps answering from the index it has.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import qa
from qa.config import Settings
from qa.index.corpus import file_hashes, read_corpus
from qa.types import Document

from qa.answer.citation import DocInfo, doc_info

log = logging.getLogger(__name__)

# How long a question waits for the start-up build and model load before giving up.
READY_TIMEOUT = 300.0
WARM_UP_QUESTION = "What is the speech about?"


@dataclass(frozen=True, kw_only=True)
class PageStatus:
    """The index status line: ``state`` is fresh, stale, busy or error."""

    state: str
    message: str
    detail: str = ""


class Backend:
    """Answers questions and reports the index status for one seeds/index pair."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._ready = threading.Event()
        self._loaded_or_building = threading.Event()  # see wait_for_load
        self._lock = threading.Lock()
        self._busy = ""            # what the background thread is doing, "" when idle
        self._last = ("", "")      # the outcome of the last rebuild from the page, and the generation it saw
        self._failed = ""          # why the start-up preparation failed, if it did
        self._docs: tuple[tuple, tuple[Document, ...], dict[str, DocInfo]] | None = None

    @property
    def _dirs(self) -> dict:
        return {"seeds_dir": self.settings.seeds_dir, "index_dir": self.settings.index_dir,
                "model": self.settings.model}

    def start(self) -> threading.Thread:
        """Build (if needed) and warm the model in the background; returns the thread."""
        self._set_busy("Starting: checking the index…")
        thread = threading.Thread(target=self._prepare, name="qa-warm-up", daemon=True)
        thread.start()
        return thread

    def _set_busy(self, what: str) -> None:
        with self._lock:
            self._busy = what

    def _prepare(self) -> None:
        try:
            if not qa.status(**self._dirs).fresh:
                self._set_busy("Building the index…")
                self._loaded_or_building.set()  # minutes, with torch: the page need not wait for it
                qa.build(**self._dirs)
            self._set_busy("Loading the model…")
            qa.ask(WARM_UP_QUESTION, **self._dirs)
            qa.api.watch(**self._dirs)  # from now on, edits to seeds/ are rebuilt in the background
            log.info("ready: index loaded and model warm")
        except qa.QAError as err:
            log.error("could not prepare the index: %s", err)
            with self._lock:
                self._failed = str(err)
        except Exception as err:  # noqa: BLE001 - the page must say why it cannot answer
            log.exception("could not prepare the index")
            with self._lock:
                self._failed = f"{type(err).__name__}: {err}"
        finally:
            self._set_busy("")
            self._ready.set()
            self._loaded_or_building.set()
        self._warm_multilingual()

    def wait_for_load(self, timeout: float = READY_TIMEOUT) -> bool:
        """Wait until the start-up has loaded the index and the model (or failed), or has found
        that it must build the index first; False if ``timeout`` passed before either.

        ``app.py`` imports gradio only then: in one process the two take turns on the GIL
        (mostly pure-Python work), so loading first gives the first answer in about half the
        time, and the chat page is ready about when it would have been anyway."""
        return self._loaded_or_building.wait(timeout)

    @staticmethod
    def _warm_multilingual() -> None:
        """Make sure the multilingual encoder is loaded and has run once. The warm-up question
        usually loads it already (its cosines are an abstention feature of every question), so
        this is cheap then; it matters for an index without multilingual vectors, where only a
        Russian or Kazakh question would need it."""
        try:
            from qa.index.multilingual import get_use_encoder

            get_use_encoder().encode(["warm-up"])
        except Exception:  # noqa: BLE001 - a failed warm-up only means a slower first question
            log.warning("could not warm the multilingual encoder", exc_info=True)

    def ask(self, question: str, history: Sequence[str] = (), documents: Sequence[str] = ()) -> qa.Answer:
        """``qa.ask`` on this index, after the start-up preparation (which it waits for);
        ``documents`` limits it to those (the page's document picker)."""
        if not self._ready.wait(READY_TIMEOUT):
            raise qa.QAError("The chat is still building the index or loading the model - ask again in a minute")
        return qa.ask(question, history=list(history), documents=list(documents), auto_rebuild=True, **self._dirs)

    def rebuild(self) -> threading.Thread | None:
        """Start a rebuild in the background and return its thread; None if one is running."""
        with self._lock:
            if self._busy:
                return None
            self._busy = "Rebuilding the index… the chat keeps answering meanwhile."
        thread = threading.Thread(target=self._rebuild, name="qa-rebuild", daemon=True)
        thread.start()
        return thread

    def _rebuild(self) -> None:
        try:
            report = qa.build(**self._dirs)
            qa.retrieve(WARM_UP_QUESTION, k=1, **self._dirs)  # load the new index before saying done
            outcome = (f"Rebuilt: {report.passages} passages from {report.documents} document(s), "
                       f"{report.embedded} embedded, {report.reused} reused, in {report.seconds:.1f} s.")
        except qa.QAError as err:
            outcome = f"Rebuild failed: {err}"
        except Exception as err:  # noqa: BLE001 - the page must say the rebuild ended, whatever happened
            log.exception("rebuild failed")
            outcome = f"Rebuild failed: {type(err).__name__}: {err}"
        with self._lock:
            self._last, self._busy, self._failed = (outcome, self._generation()), "", ""

    def _generation(self) -> str:
        """The id of the index on disk now ("" if none can be read)."""
        from qa.index.store import read_manifest

        try:
            return read_manifest(self.settings.index_dir).generation
        except qa.QAError:
            return ""

    def status(self) -> PageStatus:
        """The status line for the page: busy, or what ``qa.status`` says, and skipped files."""
        with self._lock:
            busy, (last, seen), failed = self._busy, self._last, self._failed
        if busy:
            return PageStatus(state="busy", message=busy)
        try:
            now = qa.status(**self._dirs)
        except qa.QAError as err:
            return PageStatus(state="error", message=str(err))
        if seen != self._generation():
            last = ""  # the index changed since (the watcher rebuilt it): that note is history
        skipped = "".join(f" Not indexed: {why}." for why in now.skipped)
        if now.fresh:
            count = len(self.documents())
            return PageStatus(state="fresh", message=f"Index up to date ({count} document{'s' * (count != 1)}).",
                              detail=(last + skipped).strip())
        what = "; ".join(now.changes) or now.message
        state = "error" if failed else "stale"
        return PageStatus(state=state, message=f"Index out of date: {what}. Rebuild it, or just ask: "
                          "the next question rebuilds it.", detail=((failed or last) + skipped).strip())

    def _corpus(self) -> tuple[tuple[Document, ...], dict[str, DocInfo]]:
        """The documents under seeds/ and their speakers, re-read only when a file changes."""
        try:
            key = tuple(sorted(file_hashes(self.settings.seeds_dir).items()))
            if self._docs is None or self._docs[0] != key:
                documents = read_corpus(self.settings.seeds_dir).documents
                self._docs = (key, documents, {d.source: doc_info(d.source, d.text) for d in documents})
            return self._docs[1], self._docs[2]
        except qa.QAError as err:
            log.warning("no documents to show: %s", err)
            return (), {}

    def documents(self) -> tuple[Document, ...]:
        """The documents to show; () if none is usable."""
        return self._corpus()[0]

    def infos(self) -> dict[str, DocInfo]:
        """Speaker and occasion of each document, by source."""
        return self._corpus()[1]
