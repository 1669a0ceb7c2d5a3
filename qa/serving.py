"""Answer from a fresh index, or rebuild it in the background while the old one answers.

Strict use (``qa.ask(...)``): every call compares ``manifest.json`` with the sha256 of each
file in ``seeds/`` and raises IndexStale naming what changed. A file is read and hashed again
whenever its size, mtime, ctime or inode moved (a restored mtime still moves the ctime), so
an unchanged folder costs a stat walk (see ``corpus.file_hashes``).

Serving use (``qa.ask(..., auto_rebuild=True)``, what the chat app does): a ``Service`` per
index folder. When the index is stale, missing or damaged, one background thread rebuilds
it and queries are answered from the previous generation meanwhile, with a note saying so.
A watcher thread polls ``seeds/`` every ``QA_WATCH_SECONDS`` (default 2; 0 turns it off), so
an edit is rebuilt and loaded before the next question. A query waits for the build only
when there is nothing to answer from: no index yet, a damaged one, or another model's.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from .index import store
from .config import Settings, Tuning
from .index.corpus import file_hashes, signature
from .errors import BuildLocked, IndexProblem, IndexStale, QAError, SeedsError

if TYPE_CHECKING:
    from .search.retrieval import Retriever

log = logging.getLogger(__name__)

_retrievers: dict[tuple[str, str, Tuning], "Retriever"] = {}
_cache_lock = threading.Lock()
# One generation loads at a time: threads that need it wait for the one loading it instead of
# loading it again, and numpy's .npy header parser (``ast.literal_eval``) is never run by two
# threads at once, which Python 3.11 does not allow ("AST constructor recursion depth
# mismatch", seen with 20 threads asking during a rebuild).
_load_lock = threading.Lock()


def check(s: Settings) -> store.Manifest:
    """The manifest, if the index matches ``s``'s seeds and settings; else IndexStale/Missing/Corrupt."""
    manifest = store.read_manifest(s.index_dir)
    from .index.multilingual import get_use_encoder

    store.check_fresh(manifest, model=s.model, chunking=s.chunk_settings(), sources=file_hashes(s.seeds_dir),
                      index_dir=s.index_dir, second_model=get_use_encoder().name)  # a name: loads nothing
    return manifest


def load_retriever(s: Settings, manifest: store.Manifest) -> "Retriever":
    """The retriever for the generation ``manifest`` names, loaded once and shared.

    Loading happens outside the cache lock, so queries served from a loaded generation
    never wait for another generation to load; threads that need the same new generation
    wait for the one thread loading it (``_load_lock``).
    """
    folder = str(s.index_dir.resolve())
    wanted = (folder, manifest.generation, s.tuning)
    with _cache_lock:
        hit = _retrievers.get(wanted)
    if hit is not None:
        return hit
    with _load_lock:
        # Loaded while this thread waited: the generation asked for, or the newest, which is
        # what loading would read now.
        newest = (folder, store.read_manifest(s.index_dir).generation, s.tuning)
        with _cache_lock:
            hit = _retrievers.get(wanted) or _retrievers.get(newest)
        return hit if hit is not None else _load(s, folder)


def _load(s: Settings, folder: str) -> "Retriever":
    from .index.onnx_encoder import query_encoder
    from .search.retrieval import Retriever

    stored = store.load(s.index_dir)  # re-reads the manifest: a newer generation may have landed
    # Queries are embedded by the model that made the index, never another: its ONNX export
    # when the index holds one (no torch), else the model itself.
    encoder = query_encoder(s.index_dir, stored.manifest.model, stored.manifest.query_encoder)
    loaded = Retriever(stored, encoder, tuning=s.tuning)
    key = (folder, stored.manifest.generation, s.tuning)
    with _cache_lock:
        loaded = _retrievers.setdefault(key, loaded)
        for old in [k for k in _retrievers if k[0] == folder and k != key]:
            del _retrievers[old]
    return loaded


def strict_retriever(s: Settings) -> "Retriever":
    return load_retriever(s, check(s))


@dataclass(frozen=True, kw_only=True)
class Served:
    """A retriever to answer with and, when it is not from a fresh index, why."""

    retriever: "Retriever"
    note: str | None = None


def _default_build(s: Settings) -> None:
    from .index.builder import build
    from .index.embedding import get_encoder

    build(s, load_encoder=lambda: get_encoder(s.model))


def _seeds_key(s: Settings) -> tuple:
    try:
        return signature(s.seeds_dir)
    except QAError:
        return ()


def _poll_seconds() -> float:
    """``$QA_WATCH_SECONDS``, or 2; a value that is not a number is reported and ignored."""
    raw = os.environ.get("QA_WATCH_SECONDS", "2")
    try:
        return max(0.0, float(raw))
    except ValueError:
        log.warning("QA_WATCH_SECONDS=%r is not a number of seconds - using 2", raw)
        return 2.0


class Service:
    """Serves one index folder and keeps it matching ``seeds/`` (see the module docstring)."""

    def __init__(self, settings: Settings, *, build: Callable[[Settings], None] = _default_build,
                 poll_seconds: float | None = None) -> None:
        self.settings = settings
        self._build = build
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._failure: tuple[tuple, QAError] | None = None  # (seeds signature, error)
        self._current: "Retriever | None" = None
        self._stop = threading.Event()
        self._poll = _poll_seconds() if poll_seconds is None else poll_seconds
        self._watcher: threading.Thread | None = None
        if self._poll > 0:
            self._watcher = threading.Thread(target=self._watch, name="qa-watch-seeds", daemon=True)
            self._watcher.start()

    def get(self) -> Served:
        """A retriever for the freshest index available now; waits only if there is none."""
        try:
            return Served(retriever=self._fresh())
        except SeedsError as err:  # nothing to rebuild from: answer from what was built
            old = self._fallback()
            if old is None:
                raise
            return Served(retriever=old, note=f"{err}. This answer comes from the index built earlier.")
        except IndexProblem as err:
            self._start_build()
            old = self._fallback()
            if old is not None:
                try:  # a quick rebuild may have finished meanwhile: then there is nothing to note
                    return Served(retriever=self._fresh())
                except QAError:
                    return Served(retriever=old, note=self._stale_note(err))
        self.wait()
        with self._lock:
            failure = self._failure
        if failure is not None:
            raise failure[1]
        return Served(retriever=self._fresh())

    def refresh(self) -> bool:
        """Start a background rebuild if the index is out of date; True if it is fresh now."""
        try:
            self._fresh()
            return True
        except IndexProblem:
            self._start_build()
        except QAError as err:
            log.debug("not rebuilding: %s", err)
        return False

    def building(self) -> bool:
        with self._lock:
            return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a running rebuild; True once none is running."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.building()

    def stop(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join()
        self.wait()

    def _fresh(self) -> "Retriever":
        r = load_retriever(self.settings, check(self.settings))
        with self._lock:
            self._current = r
        return r

    def _fallback(self) -> "Retriever | None":
        """The index answered from last, or the one on disk, if it is this model's and loads."""
        with self._lock:
            current = self._current
        if current is not None and current.stored.manifest.model == self.settings.model:
            return current
        try:
            manifest = store.read_manifest(self.settings.index_dir)
            if manifest.model != self.settings.model:
                return None
            current = load_retriever(self.settings, manifest)
        except QAError:
            return None
        with self._lock:
            self._current = current
        return current

    def _stale_note(self, err: IndexProblem) -> str:
        with self._lock:
            failure = self._failure
        if failure is not None:
            return f"Rebuilding the index failed: {failure[1]}. This answer comes from the previous index."
        if isinstance(err, IndexStale):
            return (f"The documents changed ({'; '.join(err.changes)}); the index is being rebuilt, "
                    f"so this answer comes from the previous version.")
        return ("The index on disk is missing or damaged; it is being rebuilt, "
                "so this answer comes from the version loaded earlier.")

    def _start_build(self) -> None:
        key = _seeds_key(self.settings)
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            if self._failure is not None and self._failure[0] == key:
                return  # the same seeds failed already; an edit will try again
            self._failure = None
            self._thread = threading.Thread(target=self._run, args=(key,), name="qa-rebuild", daemon=True)
            self._thread.start()

    def _run(self, key: tuple) -> None:
        log.info("rebuilding %s from %s", self.settings.index_dir, self.settings.seeds_dir)
        try:
            self._build(self.settings)
        except BuildLocked as err:
            log.warning("%s", err)  # another process is building: not a failure of these seeds
            return
        except Exception as err:  # noqa: BLE001 - a background thread must report, not vanish
            if not isinstance(err, QAError):
                log.exception("rebuild failed")
                err = QAError(f"{type(err).__name__}: {err} - run: python -m qa build")
            log.warning("rebuild failed: %s", err)
            with self._lock:
                self._failure = (key, err)
            return
        try:
            self._fresh()  # load the new generation now, not on the next question
        except QAError as err:  # e.g. seeds/ changed during the build: the next check rebuilds
            log.info("after the rebuild: %s", err)

    def _watch(self) -> None:
        while not self._stop.wait(self._poll):
            if not self.building():
                self.refresh()


_services: dict[tuple[str, str, str], Service] = {}
_services_lock = threading.Lock()


def service(s: Settings) -> Service:
    """The one ``Service`` for ``s``'s seeds, index and model in this process."""
    key = (str(s.seeds_dir.resolve()), str(s.index_dir.resolve()), s.model)
    with _services_lock:
        if key not in _services:
            _services[key] = Service(s)
        return _services[key]


def stop_all() -> None:
    """Stop every watcher and wait for running rebuilds (tests, shutdown)."""
    with _services_lock:
        services = list(_services.values())
        _services.clear()
    for one in services:
        one.stop()
