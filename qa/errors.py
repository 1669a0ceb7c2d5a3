"""The exceptions ``qa`` raises. Every message says what to do next.

QAError
├── SeedsError        seeds/ is missing, empty, or unreadable
├── QuestionError     the question cannot be asked (empty, not text)
├── IndexProblem      base for problems with index/
│   ├── IndexMissing  no index has been built
│   ├── IndexCorrupt  a file in index/ is unreadable
│   └── IndexStale    index/ no longer matches seeds/ or the model
├── IndexPathError    index/ cannot be used: a file is in the way, or it cannot be written
├── BuildLocked       another build holds the lock
└── ModelError        the embedding model or the entity tagger cannot be loaded
"""
from __future__ import annotations


class QAError(Exception):
    """Base class: ``str(err)`` is a one-line message that says what to do next."""


class SeedsError(QAError):
    pass


class QuestionError(QAError):
    pass


class IndexProblem(QAError):
    pass


class IndexMissing(IndexProblem):
    pass


class IndexCorrupt(IndexProblem):
    pass


class IndexStale(IndexProblem):
    """``changes`` lists what differs, e.g. ``("changed: speech.txt", "model: a -> b")``."""

    def __init__(self, message: str, changes: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.changes = changes


class IndexPathError(QAError):
    pass


class BuildLocked(QAError):
    pass


class ModelError(QAError):
    pass
