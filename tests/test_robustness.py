"""Robustness: any text as a question, the CLI under hostile input, queries during a rebuild,
and no writes outside ``index/`` and the temporary folder.

Fast tests use the FakeEncoder; the one test marked ``model`` runs the real CLI in a
subprocess. Time limits are hypothesis deadlines, never timed assertions.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, configuration, example, given, settings
from hypothesis import strategies as st

import qa
from qa.index import store
from qa.cli import main

from conftest import REPO, SPEECH, FakeEncoder

FAKE = "fake-encoder"
# Every code point, with lone surrogates, control and format characters drawn often.
ANY_CHAR = st.one_of(st.characters(), st.characters(categories=["Cs", "Cc", "Cf", "Zs", "Zl", "Zp"]))
ANY_TEXT = st.one_of(st.text(ANY_CHAR, max_size=300), st.text(ANY_CHAR, min_size=2000, max_size=5000))
EDGE_CASES = [
    "", " ", "\t\n\r \u3000", "\x00", "\x00What\x00 is\x07 it?\x1b[31m", "a" * 100_000,
    "summit " * 15_000, "🇰🇿🤝🇨🇳 summit? 👩‍👩‍👧", "ما هو دور كازاخستان؟", "מה נאמר על אסטנה?",
    "\u202eevil\u202c Astana", "\ud800", "Astana \udfff summit", "\ufeff\u200b\u200d", "\U0010ffff",
    "-k 5", "--help", "Ω" * 3000, "<script>alert(1)</script> summit",
    "Где пройдёт второй саммит?\x00", "Саммит " * 20_000, "Екінші саммит қайда өтеді? 🤝", "中国" * 600,
]
# Hypothesis caches in ./.hypothesis by default (its pytest plugin writes there while
# collecting); keep the checkout clean by using the system temp folder instead.
configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "speech-qa-hypothesis")
PROPERTY = settings(max_examples=60, deadline=timedelta(seconds=3), database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _use_fakes(mp: pytest.MonkeyPatch, encoder: FakeEncoder) -> None:
    """``encoder`` for English and a fake for the multilingual channel, as conftest does."""
    import qa.index.embedding
    import qa.index.multilingual

    mp.setattr(qa.index.embedding, "get_encoder", lambda model=FAKE: encoder)
    use_fake = FakeEncoder(name="fake-use", dimension=qa.index.multilingual.DIMENSION)
    mp.setattr(qa.index.multilingual, "get_use_encoder", lambda: use_fake)


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> tuple[Path, Path]:
    """(seeds_dir, index_dir) built once for the module with the fake encoders."""
    root = tmp_path_factory.mktemp("robust")
    seeds = root / "seeds"
    seeds.mkdir()
    shutil.copyfile(SPEECH, seeds / SPEECH.name)
    with pytest.MonkeyPatch.context() as mp:
        _use_fakes(mp, FakeEncoder(FAKE))
        qa.build(seeds_dir=seeds, index_dir=root / "index", model=FAKE)
        yield seeds, root / "index"


def _clear(err: qa.QAError) -> None:
    """A message fit to show a user: one line of words, no traceback."""
    message = str(err)
    assert len(message) > 10 and "\n" not in message and "Traceback" not in message


def _ask_or_clear_error(fn, question, **dirs):
    try:
        return fn(question, model=FAKE, **dirs)
    except qa.QAError as err:
        assert isinstance(err, qa.QuestionError), err
        _clear(err)
        return None


@PROPERTY
@given(question=ANY_TEXT)
@example(question="")
@example(question="\x00")
@example(question="\ud800")
@example(question="a" * 100_000)
def test_any_text_gets_an_answer_or_a_clear_error(index, question):
    seeds, index_dir = index
    answer = _ask_or_clear_error(qa.ask, question, seeds_dir=seeds, index_dir=index_dir)
    if answer is not None:
        assert isinstance(answer, qa.Answer) and answer.text.strip()
        answer.text.encode("utf-8")  # no lone surrogate reaches the page or the terminal
        answer.question.encode("utf-8")
        assert all(isinstance(p, qa.Passage) for p in answer.passages)


@PROPERTY
@given(question=ANY_TEXT, k=st.integers(min_value=1, max_value=100))
@example(question="\udfff Astana \u202e", k=1)
@example(question="Astana " * 15_000, k=100)
def test_any_text_retrieves_passages_or_a_clear_error(index, question, k):
    seeds, index_dir = index
    passages = _ask_or_clear_error(lambda q, **kw: qa.retrieve(q, k=k, **kw), question,
                                   seeds_dir=seeds, index_dir=index_dir)
    if passages is not None:
        assert isinstance(passages, list) and 1 <= len(passages) <= k
        text = SPEECH.read_text(encoding="utf-8")
        assert all(text[p.start:p.end] == p.text for p in passages)


@pytest.mark.parametrize("question", EDGE_CASES)
def test_edge_cases_answer_or_say_the_question_is_empty(index, question):
    seeds, index_dir = index
    # a lone surrogate is read as "?"; other invisible characters are dropped
    visible = "".join(ch for ch in question if "\ud800" <= ch <= "\udfff" or (
        ch.isprintable() and not ch.isspace() and ch not in "\ufeff\u200b\u200d"))
    try:
        answer = qa.ask(question, seeds_dir=seeds, index_dir=index_dir, model=FAKE)
    except qa.QuestionError as err:
        assert str(err) == "The question is empty - type a question about the speech"
        assert not visible
    else:
        assert visible and answer.text.strip()


@pytest.mark.parametrize("k", [0, -1, 101, 2.5, True, "5", None])
def test_bad_k_is_a_clear_error(index, k):
    seeds, index_dir = index
    with pytest.raises(qa.QuestionError, match="k must be a whole number from 1 to 100") as caught:
        qa.retrieve("Astana", k=k, seeds_dir=seeds, index_dir=index_dir, model=FAKE)
    _clear(caught.value)


@pytest.mark.parametrize("question", [None, 42, b"bytes", ["a list"]])
def test_a_question_that_is_not_text_is_a_clear_error(index, question):
    seeds, index_dir = index
    with pytest.raises(qa.QuestionError, match="A question must be text"):
        qa.ask(question, seeds_dir=seeds, index_dir=index_dir, model=FAKE)


def test_a_long_question_is_cut_and_the_reply_says_how_much_was_read(index):
    seeds, index_dir = index
    answer = qa.ask("Where is the summit held? " * 4000, seeds_dir=seeds, index_dir=index_dir, model=FAKE)
    assert len(answer.question) <= qa.api.MAX_QUESTION_CHARS
    assert answer.notes == (f"Your question was long; only its first {len(answer.question):,} characters were read.",)
    assert answer.notes[0] in answer.text


class ShortSightedEncoder(FakeEncoder):
    """Reads the words within the first 40 characters, as the real model stops after 256 word pieces."""

    def readable(self, text: str) -> str:
        return text if len(text) <= 40 else text[:40].rsplit(" ", 1)[0]


def test_a_question_longer_than_the_encoder_reads_is_cut_there_and_the_reply_says_so(seeds, tmp_path, monkeypatch):
    _use_fakes(monkeypatch, ShortSightedEncoder(FAKE))
    qa.build(seeds_dir=seeds, index_dir=tmp_path / "index", model=FAKE)
    answer = qa.ask("Where is the second summit going to be held, and when?", seeds_dir=seeds,
                    index_dir=tmp_path / "index", model=FAKE)
    assert answer.question == "Where is the second summit going to be"
    assert answer.notes == ("Your question was long; only its first 38 characters were read.",)
    assert "_Your question was long; only its first 38 characters were read._" in answer.text
    short = qa.ask("Where is the summit?", seeds_dir=seeds, index_dir=tmp_path / "index", model=FAKE)
    assert short.notes == () and short.question == "Where is the summit?"


# --- the command line -------------------------------------------------------------------------

@PROPERTY
@given(question=ANY_TEXT)
@example(question="\x00")
@example(question="x" * 100_000)
def test_cli_ask_exits_0_with_an_answer_or_1_with_one_line(index, capsys, question):
    seeds, index_dir = index
    code = main(["ask", "--seeds-dir", str(seeds), "--index-dir", str(index_dir), "--model", FAKE, "--", question])
    out, err = capsys.readouterr()
    out.encode("utf-8")
    if code == 0:
        assert out.strip() and not err
    else:
        assert code == 1 and not out
        assert err.endswith("\n") and err.count("\n") == 1 and err.startswith("error: ")


def test_cli_subprocess_hostile_question_is_one_line_not_a_traceback(tmp_path, seeds):
    question = "\u202e🤝 ما هو \x07\x1b[2J" + "Astana? " * 2000
    result = subprocess.run(
        [sys.executable, "-m", "qa", "ask", question, "--seeds-dir", str(tmp_path / "nope"),
         "--index-dir", str(tmp_path / "none")],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [f"error: No seeds folder at {tmp_path / 'nope'} - create it and put "
                                          "the speech (a .txt or .md file) in it"]

    result = subprocess.run([sys.executable, "-m", "qa", "ask", " \t\x1b ", "--seeds-dir", str(seeds)],
                            capture_output=True, text=True, cwd=REPO, timeout=60)
    assert (result.returncode, result.stderr) == (1, "error: The question is empty - type a question about the speech\n")


# --- queries during a rebuild ---------------------------------------------------------------

QUESTIONS = ["Where is the second summit held?", "When was the Belt and Road Initiative announced?",
             "What does the speaker propose?", "Which city hosted the first summit?"]


def test_twenty_threads_keep_answering_while_the_index_is_rebuilt(built):
    seeds, index_dir = built
    first = store.read_manifest(index_dir).generation
    stop, lock = threading.Event(), threading.Lock()
    failures: list[str] = []
    answered = [0] * 20

    def asker(n: int) -> None:
        i = 0
        while not stop.is_set() or i < 5:
            try:
                answer = qa.ask(QUESTIONS[(n + i) % len(QUESTIONS)], seeds_dir=seeds, index_dir=index_dir)
                if not answer.passages:
                    raise AssertionError("no passages")
            except Exception as err:  # noqa: BLE001 - every failure is collected and reported
                with lock:
                    failures.append(f"{type(err).__name__}: {err}")
            i += 1
        answered[n] = i

    threads = [threading.Thread(target=asker, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    generations = set()
    for _ in range(6):
        qa.build(seeds_dir=seeds, index_dir=index_dir, full=True)
        generations.add(store.read_manifest(index_dir).generation)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert failures == []
    assert min(answered) >= 5
    assert first not in generations and len(generations) == 6
    assert len(list(index_dir.glob("index-*.faiss"))) == 1


def test_a_rebuild_between_reading_the_manifest_and_the_files_is_not_an_error(built, monkeypatch):
    """The window the threads above rarely hit: a build swaps generations mid-load."""
    import numpy as np

    seeds, index_dir = built
    real_fromfile, rebuilt = np.fromfile, []

    def rebuild_then_read(*args, **kwargs):
        if not rebuilt:  # once: the build itself loads the old index too
            rebuilt.append(True)
            qa.build(seeds_dir=seeds, index_dir=index_dir, full=True)
        return real_fromfile(*args, **kwargs)

    monkeypatch.setattr(np, "fromfile", rebuild_then_read)  # np.load and the FAISS read both use it
    loaded = store.load(index_dir)
    assert rebuilt and loaded.manifest.generation == store.read_manifest(index_dir).generation


# --- where the CLI writes --------------------------------------------------------------------

def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


def test_cli_writes_only_to_the_index_and_the_temp_folder(tmp_path, seeds, fake_encoder, monkeypatch, capsys):
    home, tmp, cwd, index_dir = (tmp_path / name for name in ("home", "tmp", "cwd", "index"))
    for folder in (home, tmp, cwd):
        folder.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    monkeypatch.chdir(cwd)
    before = {"seeds": _snapshot(seeds), "cwd": _snapshot(cwd), "home": _snapshot(home)}
    dirs = ["--seeds-dir", str(seeds), "--index-dir", str(index_dir)]
    assert main(["build", *dirs]) == 0
    assert main(["ask", "Where is the second summit held?", *dirs]) == 0
    assert main(["status", *dirs]) == 0
    assert main(["build", "--full", "--json", *dirs]) == 0
    capsys.readouterr()
    after = {"seeds": _snapshot(seeds), "cwd": _snapshot(cwd), "home": _snapshot(home)}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cwd", "home", "index", "seeds", "tmp"]


@pytest.mark.model
def test_real_cli_writes_only_to_the_index_and_the_temp_folder(tmp_path, seeds):
    """The real model in fresh processes: build, ask, status with HOME and TMPDIR elsewhere."""
    home, tmp, cwd, index_dir = (tmp_path / name for name in ("home", "tmp", "cwd", "index"))
    for folder in (home, tmp, cwd):
        folder.mkdir()
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(tmp), "PYTHONPATH": str(REPO)}
    env.pop("QA_MODEL", None)
    before = {"seeds": _snapshot(seeds), "cwd": _snapshot(cwd), "home": _snapshot(home)}
    dirs = ["--seeds-dir", str(seeds), "--index-dir", str(index_dir)]

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "qa", *args, *dirs], capture_output=True, text=True,
                              cwd=cwd, env=env, timeout=300)

    assert run("build").returncode == 0
    asked = run("ask", "Where is the second China-Central Asia Summit expected to be held?")
    assert asked.returncode == 0 and "Astana" in asked.stdout and "Traceback" not in asked.stderr
    assert run("status").returncode == 0
    # 938 characters, but 460 word pieces: the model reads 254 of them, and the reply says so
    digits = json.loads(run("ask", "When was the Belt and Road announced? " + "7 " * 450, "--json").stdout)
    assert digits["notes"][0].startswith("Your question was long; only its first ")
    assert len(digits["question"]) < 700 and digits["question"].startswith("When was the Belt")
    after = {"seeds": _snapshot(seeds), "cwd": _snapshot(cwd), "home": _snapshot(home)}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cwd", "home", "index", "seeds", "tmp"]
