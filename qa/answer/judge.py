"""The judge: a fine-tuned cross-encoder that reads a question beside its best passage and
scores how likely it is that the passage does not answer it.

The abstention model (``qa.config.AbstentionModel``) reads this score as one input,
``CROSS_SCORE``, beside the evidence features. Bi-encoder features compare a question's vector
with a passage's; the judge reads both texts together, word against word, and so sees whether
the passage gives the detail asked (a date, a name, a figure) or only speaks of the same thing.

Trained on the user's machine, once (``python -m qa train-judge``, ``qa.answer.judge_train``,
torch), from the (question, best passage, unanswerable) pairs the fitting script ships beside
the model (``PAIRS_FILE``), and exported to ONNX. Answering reads the exported file with ONNX
Runtime and the tokenizer only, as the query encoder does (``qa.index.onnx_encoder``).

The trained judge lives in ``JUDGE_DIR/<key>/`` (``QA_JUDGE_DIR`` overrides the folder), where
``<key>`` digests the pairs and the training settings: a refit that changes them asks for a new
judge, and an old one is never read with a model fitted for another.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from ..config import REPO_ROOT, JudgeSpec
from ..index.store import file_sha256

log = logging.getLogger(__name__)

PAIRS_FILE = REPO_ROOT / "qa" / "answer" / "judge-pairs.jsonl.gz"
MODEL_FILE = "judge.onnx"
MANIFEST_FILE = "judge.json"
TOKENIZER_FILE = "tokenizer.json"
TRAIN = "python -m qa train-judge"


def judge_dir() -> Path:
    """Where trained judges live: ``QA_JUDGE_DIR``, else ``models/judge`` in the repository."""
    return Path(os.environ.get("QA_JUDGE_DIR") or REPO_ROOT / "models" / "judge")


def folder_of(spec: JudgeSpec, root: Path | None = None) -> Path:
    """The folder of the judge trained for ``spec``."""
    return (root or judge_dir()) / spec.key


def missing(spec: JudgeSpec, root: Path | None = None) -> str | None:
    """Why the judge of ``spec`` cannot be read (with what to do), or None when it can.

    >>> import tempfile
    >>> spec = JudgeSpec(pairs_sha256="0" * 64, base="m", epochs=1, rate=1.0, batch=1, max_pieces=8, seed=0)
    >>> print(missing(spec, Path(tempfile.mkdtemp())))
    the answerability judge is not trained yet - run: python -m qa train-judge (once, about 10 minutes on 2 cores)
    """
    folder = folder_of(spec, root)
    if not (folder / MANIFEST_FILE).is_file():
        return f"the answerability judge is not trained yet - run: {TRAIN} (once, about 10 minutes on 2 cores)"
    try:
        recorded = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"the answerability judge's {MANIFEST_FILE} is unreadable - run: {TRAIN} --force"
    try:
        same = JudgeSpec(**recorded["spec"]) == spec
    except (KeyError, TypeError, ValueError):  # no spec, or settings this version does not know
        same = False
    if not same:
        return f"the answerability judge in {folder} was trained for other settings - run: {TRAIN} --force"
    for name in (MODEL_FILE, TOKENIZER_FILE):
        path = folder / name
        if not path.is_file() or (name == MODEL_FILE and path.stat().st_size != recorded.get("bytes")):
            return f"the answerability judge's {name} is missing or damaged - run: {TRAIN} --force"
    return None


class Judge:
    """The exported judge and its tokenizer; ``score`` is safe to call from several threads."""

    def __init__(self, folder: Path, *, max_pieces: int, threads: int = 2) -> None:
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        import onnxruntime
        from tokenizers import Tokenizer

        self.folder = Path(folder)
        self.tokenizer = Tokenizer.from_file(str(self.folder / TOKENIZER_FILE))
        self.tokenizer.no_padding()
        # As training read them: the passage is cut, never the question; a question too long to
        # leave the passage room (the encoder reads up to 254 of its pieces) is cut too.
        self.both = Tokenizer.from_str(self.tokenizer.to_str())
        self.tokenizer.enable_truncation(max_length=max_pieces, strategy="only_second")
        self.both.enable_truncation(max_length=max_pieces, strategy="longest_first")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(self.folder / MODEL_FILE), options,
                                                    providers=["CPUExecutionProvider"])

    def scores(self, pairs: list[tuple[str, str]]) -> list[float]:
        """The judge's probability that each passage does not answer its question."""
        import numpy as np

        if not pairs:
            return []
        try:
            encoded = self.tokenizer.encode_batch(pairs)
        except Exception:  # tokenizers: "Sequence to truncate too short to respect the provided max_length"
            encoded = self.both.encode_batch(pairs)
        width = max(len(e.ids) for e in encoded)

        def padded(field: str) -> np.ndarray:
            return np.array([getattr(e, field) + [0] * (width - len(e.ids)) for e in encoded], dtype=np.int64)

        logits = self.session.run(None, {"input_ids": padded("ids"), "attention_mask": padded("attention_mask"),
                                         "token_type_ids": padded("type_ids")})[0][:, 0]
        return [float(p) for p in 1.0 / (1.0 + np.exp(-logits.astype(np.float64)))]

    def score(self, question: str, passage: str) -> float:
        return self.scores([(question, passage)])[0]


def _load(folder: Path, max_pieces: int) -> Judge | None:
    try:
        return Judge(folder, max_pieces=max_pieces)
    except Exception as err:  # onnxruntime's own errors have no common base class
        log.warning("not using the answerability judge in %s (%s) - run: %s --force", folder, err, TRAIN)
        return None


_said: set[str] = set()
# Each judge folder that passed ``missing``, once read: its judge, or None when it would not load.
_loaded: dict[Path, Judge | None] = {}


def load(spec: JudgeSpec, root: Path | None = None) -> Judge | None:
    """The trained judge of ``spec``, read once per process (its folder is checked until then,
    so a judge trained while the chat runs is picked up); None (and one log line on why) when
    there is none: the abstention model then falls back to its inputs without it."""
    folder = folder_of(spec, root)
    if folder not in _loaded:
        why = missing(spec, root)
        if why is not None:
            if why not in _said:
                _said.add(why)
                log.warning("refusals are decided without the answerability judge: %s", why)
            return None
        _loaded[folder] = _load(folder, spec.max_pieces)
    return _loaded[folder]
