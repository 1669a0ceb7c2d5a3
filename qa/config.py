"""One frozen ``Settings`` record: where the texts and the index live, which model, chunk sizes.

Defaults come from the repository layout and can be overridden by environment variables
(``QA_SEEDS_DIR``, ``QA_INDEX_DIR``, ``QA_MODEL``) or by keyword arguments.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

__version__ = "0.1.0"  # keep in step with pyproject.toml
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = "all-MiniLM-L6-v2"
# The model reads at most 256 word pieces (~1,000 characters of English); longer questions
# are cut to this many characters and the reply says so.
MAX_QUESTION_CHARS = 1000


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything a build or a query needs to know, fixed for the call.

    >>> Settings(seeds_dir=Path("s"), index_dir=Path("i")).model
    'all-MiniLM-L6-v2'
    """

    seeds_dir: Path
    index_dir: Path
    model: str = DEFAULT_MODEL
    # Passages are split at sentence ends and packed up to target_chars; a sentence or a
    # list block is never cut, but a list is split between items past max_chars.
    target_chars: int = 450
    max_chars: int = 800

    def chunk_settings(self) -> dict[str, int]:
        return {"target_chars": self.target_chars, "max_chars": self.max_chars}


def settings(
    *,
    seeds_dir: str | os.PathLike[str] | None = None,
    index_dir: str | os.PathLike[str] | None = None,
    model: str | None = None,
) -> Settings:
    """Settings from keyword arguments, else the environment, else the repository defaults."""
    base = Settings(
        seeds_dir=Path(os.environ.get("QA_SEEDS_DIR") or REPO_ROOT / "seeds"),
        index_dir=Path(os.environ.get("QA_INDEX_DIR") or REPO_ROOT / "index"),
        model=os.environ.get("QA_MODEL") or DEFAULT_MODEL,
    )
    return replace(
        base,
        seeds_dir=Path(seeds_dir) if seeds_dir is not None else base.seeds_dir,
        index_dir=Path(index_dir) if index_dir is not None else base.index_dir,
        model=model or base.model,
    )
