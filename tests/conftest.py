"""Shared fixtures. Fast tests use ``FakeEncoder``; tests marked ``model`` load the real one.

Every test writes only under pytest's ``tmp_path``; ``QA_SEEDS_DIR``/``QA_INDEX_DIR`` are
pointed there so nothing can touch the checkout's ``seeds/`` or ``index/``.
"""
from __future__ import annotations

import hashlib
import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
SPEECH = REPO / "seeds" / "central-asia-modernization-speech.txt"
SHARED = REPO.parent / "shared"
DEV = SHARED / "eval" / "dev.jsonl"


class FakeEncoder:
    """Bag of hashed word stems -> unit vector: deterministic, instant, and topical enough
    that a question sharing words with a passage finds it."""

    def __init__(self, name: str = "fake-encoder", dimension: int = 64) -> None:
        self.name = name
        self._dimension = dimension
        self.calls: list[int] = []

    @property
    def dimension(self) -> int:
        return self._dimension

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w{3,}", text.lower()):
                h = int(hashlib.md5(word[:5].encode()).hexdigest(), 16)
                out[row, h % self._dimension] += 1.0
            out[row, 0] += 1e-3
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def visible(markup: str) -> str:
    """What a browser shows of ``markup``: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup.replace("<br>", "\n")))


class Tags(HTMLParser):
    """Every start tag of the markup fed to it, with its attributes (``found``)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


@pytest.fixture(autouse=True)
def _isolated_dirs(request, tmp_path, monkeypatch):
    monkeypatch.setenv("QA_SEEDS_DIR", str(tmp_path / "no-seeds-set"))
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "no-index-set"))
    # Fast tests never read a trained judge (``qa.answer.judge``): what they check must not
    # depend on whether ``python -m qa train-judge`` has run on this machine. Model tests read
    # the trained one, as a user's answers do.
    if "model" in request.keywords:
        monkeypatch.delenv("QA_JUDGE_DIR", raising=False)
    else:
        monkeypatch.setenv("QA_JUDGE_DIR", str(tmp_path / "no-judge-set"))
    monkeypatch.delenv("QA_MODEL", raising=False)
    monkeypatch.delenv("QA_ABSTENTION", raising=False)


@pytest.fixture
def seeds(tmp_path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copyfile(SPEECH, folder / SPEECH.name)
    return folder


# The abstention model of the fast tests. The shipped one is fitted on the real encoders'
# cosines, which the fake ones do not resemble; this one refuses on what the fake encoders
# leave intact: a name the speech never uses, a missing date/figure/person, a missing focus.
FAKE_ABSTENTION = {"features": ["unknown_names", "kind_missing", "focus_missing"], "mean": [0.0, 0.0, 0.0],
                   "scale": [1.0, 1.0, 1.0], "coef": [3.0, 3.0, 3.0], "intercept": -1.0, "threshold": 0.5,
                   "fitted_by": "tests/conftest.py (by hand, for the fake encoders)"}


def constant_abstention(abstain: bool):
    """An abstention model that always (or never) abstains, whatever the evidence: for a test
    whose subject is what happens after the decision, not the decision."""
    from qa.config import AbstentionModel

    return AbstentionModel(features=("dense_top",), mean=(0.0,), scale=(1.0,), coef=(0.0,),
                           intercept=10.0 if abstain else -10.0, threshold=0.5)


@pytest.fixture(scope="session")
def fake_abstention(tmp_path_factory) -> Path:
    """``FAKE_ABSTENTION`` as a file, for ``QA_ABSTENTION``."""
    import json

    path = tmp_path_factory.mktemp("abstention") / "fake-abstention.json"
    path.write_text(json.dumps(FAKE_ABSTENTION), encoding="utf-8")
    return path


def install_encoder(monkeypatch, encoder, abstention: Path) -> None:
    """Make ``encoder`` every encoder the library asks for, and a fake multilingual encoder
    the cross-lingual channel's, so fast tests never load a real model; abstention is
    decided by ``FAKE_ABSTENTION`` (the file ``abstention``)."""
    import qa.index.embedding
    import qa.index.multilingual

    monkeypatch.setenv("QA_ABSTENTION", str(abstention))

    monkeypatch.setattr(qa.index.embedding, "get_encoder", lambda model=encoder.name: encoder)
    use_fake = FakeEncoder(name="fake-use", dimension=qa.index.multilingual.DIMENSION)
    monkeypatch.setattr(qa.index.multilingual, "get_use_encoder", lambda: use_fake)
    monkeypatch.setenv("QA_MODEL", encoder.name)


@pytest.fixture
def fake_encoder(monkeypatch, fake_abstention) -> FakeEncoder:
    """Every encoder the library asks for is this fake one."""
    encoder = FakeEncoder()
    install_encoder(monkeypatch, encoder, fake_abstention)
    return encoder


@pytest.fixture
def built(seeds, tmp_path, fake_encoder):
    """(seeds_dir, index_dir) with an index built by the fake encoder."""
    import qa

    index = tmp_path / "index"
    qa.build(seeds_dir=seeds, index_dir=index)
    return seeds, index


@pytest.fixture(autouse=True)
def _stop_rebuild_services():
    """No background watcher or rebuild (``auto_rebuild=True``) outlives its test."""
    yield
    from qa import serving

    serving.stop_all()
