"""speech-qa: ask questions about a speech and get the exact passages that answer them.

Example (it loads the model, so it is shown, not run as a doctest)::

    import qa
    answer = qa.ask("Which city hosted the first summit?")
    answer.passages[0].citation   # 'central-asia-modernization-speech.txt ¶11'

Importing ``qa`` is cheap: the model and FAISS load on the first call.
"""
from __future__ import annotations

from .config import __version__  # noqa: E402,F401 - qa.__version__

from .api import Status, ask, build, retrieve, status  # noqa: E402
from .errors import (  # noqa: E402
    BuildLocked, IndexCorrupt, IndexMissing, IndexPathError, IndexStale, ModelError, QAError, QuestionError, SeedsError,
)
from .types import Answer, BuildReport, Passage  # noqa: E402

__all__ = [
    "Answer", "BuildLocked", "BuildReport", "IndexCorrupt", "IndexMissing", "IndexPathError", "IndexStale", "ModelError",
    "Passage", "QAError", "QuestionError", "SeedsError", "Status", "ask", "build", "retrieve", "status",
]
