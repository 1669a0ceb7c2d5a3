"""One frozen ``Settings`` record: where the texts and the index live, which model, chunk sizes.

Defaults come from the repository layout and can be overridden by environment variables
(``QA_SEEDS_DIR``, ``QA_INDEX_DIR``, ``QA_MODEL``, ``QA_ABSTENTION``) or by keyword arguments.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

__version__ = "0.1.0"  # keep in step with pyproject.toml
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = "all-MiniLM-L6-v2"
# The model reads at most 256 word pieces (~1,000 characters of English); longer questions
# are cut to this many characters and the reply says so.
MAX_QUESTION_CHARS = 1000
# The abstention model fitted by scripts/fit_abstention.py, stored beside the code that reads it.
ABSTENTION_FILE = REPO_ROOT / "qa" / "answer" / "abstention.json"


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
    # The fitted abstention model (a JSON file read by ``AbstentionModel.load``).
    abstention: Path = ABSTENTION_FILE

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
        abstention=Path(os.environ.get("QA_ABSTENTION") or ABSTENTION_FILE),
    )
    return replace(
        base,
        seeds_dir=Path(seeds_dir) if seeds_dir is not None else base.seeds_dir,
        index_dir=Path(index_dir) if index_dir is not None else base.index_dir,
        model=model or base.model,
    )



@dataclass(frozen=True, kw_only=True)
class AbstentionModel:
    """A logistic regression over the evidence features (``qa.answer.features``): the speech
    is taken to be silent when the probability of that is at least ``threshold``.

    Features are standardised with ``mean`` and ``scale`` before the ``coef`` apply, so each
    term ``coef * (x - mean) / scale`` is that feature's push towards abstaining: the reply's
    reason comes from the largest. ``fitted_by``, ``data``, ``date`` and ``cv`` say where
    the numbers come from; tests build their own model instead of patching this one.

    >>> m = AbstentionModel(features=("a",), mean=(0.0,), scale=(1.0,), coef=(2.0,), intercept=0.0, threshold=0.5)
    >>> round(m.probability({"a": 1.0}), 3), m.contributions({"a": 1.0})
    (0.881, {'a': 2.0})
    """

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    fitted_by: str = ""
    data: tuple[str, ...] = ()
    date: str = ""
    cv: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        sizes = {len(self.features), len(self.mean), len(self.scale), len(self.coef)}
        if len(sizes) != 1:
            raise ValueError(f"abstention model: features, mean, scale and coef differ in length ({sorted(sizes)})")

    def contributions(self, values: dict[str, float]) -> dict[str, float]:
        """Each feature's term of the log-odds of abstaining; a missing feature is a KeyError."""
        return {name: c * (values[name] - m) / (s or 1.0)
                for name, m, s, c in zip(self.features, self.mean, self.scale, self.coef)}

    def probability(self, values: dict[str, float]) -> float:
        """The fitted probability that the speech does not answer."""
        import math

        z = self.intercept + sum(self.contributions(values).values())
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    @classmethod
    def load(cls, path: Path = ABSTENTION_FILE) -> "AbstentionModel":
        import json

        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
