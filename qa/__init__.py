"""speech-qa: ask questions about a speech and get the exact passages that answer them.

>>> import qa
>>> answer = qa.ask("Which city hosted the first summit?")   # doctest: +SKIP
>>> answer.passages[0].citation                               # doctest: +SKIP
'central-asia-modernization-speech.txt ¶11'

Importing ``qa`` is cheap: the model and FAISS load on the first call.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .api import Status, ask, build, retrieve, status  # noqa: E402
from .errors import (  # noqa: E402
    BuildLocked, IndexCorrupt, IndexMissing, IndexStale, ModelError, QAError, QuestionError, SeedsError,
)
from .types import Answer, BuildReport, Passage  # noqa: E402

__all__ = [
    "Answer", "BuildLocked", "BuildReport", "IndexCorrupt", "IndexMissing", "IndexStale", "ModelError",
    "Passage", "QAError", "QuestionError", "SeedsError", "Status", "ask", "build", "retrieve", "status",
]
