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
        if visible:  # e.g. "\ud800" (read as "?") or emoji only
            assert str(err) == "The question has no words - type a question about the speech"
            assert not any(ch.isalnum() for ch in visible)
        else:
            assert str(err) == "The question is empty - type a question about the speech"
    else:
        assert any(ch.isalnum() for ch in visible) and answer.text.strip()


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

QUESTIONS = ["Where is the second summit held?", "When was the announcement of the Belt and Road Initiative made?",
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
    asked = run("ask", "Where will leaders gather for the second China-Central Asia Summit?")
    assert asked.returncode == 0 and "Astana" in asked.stdout and "Traceback" not in asked.stderr
    assert run("status").returncode == 0
    # 938 characters, but 460 word pieces: the model reads 254 of them, and the reply says so
    digits = json.loads(run("ask", "When was the Belt and Road announced? " + "7 " * 450, "--json").stdout)
    assert digits["notes"][0].startswith("Your question was long; only its first ")
    assert len(digits["question"]) < 700 and digits["question"].startswith("When was the Belt")
    after = {"seeds": _snapshot(seeds), "cwd": _snapshot(cwd), "home": _snapshot(home)}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cwd", "home", "index", "seeds", "tmp"]


# -- hardening (issue 14): links out of seeds/, bad index folders, stale checks, input gaps ----

def test_links_out_of_seeds_loops_and_dangling_links_are_named_not_indexed(tmp_path, seeds, fake_encoder, caplog):
    secret = tmp_path / "secret.txt"
    secret.write_text("The vault code of the castle is swordfish seven.\n", encoding="utf-8")
    (seeds / "passwd.txt").symlink_to(secret)
    (seeds / "loop.txt").symlink_to(seeds / "loop.txt")
    (seeds / "a.md").symlink_to(seeds / "b.md")
    (seeds / "b.md").symlink_to(seeds / "a.md")
    (seeds / "gone.txt").symlink_to(tmp_path / "no-such-file.txt")
    (seeds / "notes").mkdir()
    (seeds / "notes" / "water.txt").write_text("A note on water sharing in the region.\n", encoding="utf-8")
    (seeds / "water-link.txt").symlink_to(seeds / "notes" / "water.txt")  # inside seeds/: allowed
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "vault.txt").write_text("The vault code is swordfish.\n", encoding="utf-8")
    (seeds / "linked-folder").symlink_to(tmp_path / "elsewhere")  # folders behind links are not walked
    index_dir = tmp_path / "index"
    report = qa.build(seeds_dir=seeds, index_dir=index_dir)

    assert sorted(f.source for f in report.files) == [SPEECH.name, "notes/water.txt", "water-link.txt"]
    named = {why.split(" ", 1)[0]: why for why in report.skipped}
    assert sorted(named) == ["a.md", "b.md", "gone.txt", "loop.txt", "passwd.txt"]
    assert named["passwd.txt"] == (f"passwd.txt is a symbolic link to {secret.resolve()}, outside the seeds "
                                   "folder - copy the file into the seeds folder if it should be indexed")
    assert "loops" in named["loop.txt"] and "loops" in named["a.md"] and "does not exist" in named["gone.txt"]
    warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert all(any(why in w for w in warned) for why in report.skipped)
    passages = qa.retrieve("What is the vault code of the castle?", k=10, seeds_dir=seeds, index_dir=index_dir)
    assert "passwd.txt" not in {p.source for p in passages}
    assert qa.status(seeds_dir=seeds, index_dir=index_dir).fresh  # the staleness check skips them too


@pytest.mark.parametrize("where", ["a file", "below a file"])
def test_an_index_dir_that_is_or_is_below_a_file_is_one_line_naming_it(tmp_path, seeds, fake_encoder, capsys, where):
    blocker = tmp_path / "index.txt"
    blocker.write_text("not a folder", encoding="utf-8")
    index_dir = blocker if where == "a file" else blocker / "index"
    with pytest.raises(qa.IndexPathError) as built:
        qa.build(seeds_dir=seeds, index_dir=index_dir)
    with pytest.raises(qa.IndexPathError) as status:
        qa.status(seeds_dir=seeds, index_dir=index_dir)
    for err in (built.value, status.value):
        _clear(err)
        assert str(err).startswith(f"{blocker} is a file, not a folder") and "--index-dir" in str(err)
        assert "run: python -m qa build" not in str(err)
    for command in ("build", "status", "ask"):
        args = [command, *(["a question about the summit"] if command == "ask" else [])]
        assert main([*args, "--seeds-dir", str(seeds), "--index-dir", str(index_dir)]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"error: {blocker} is a file, not a folder") and err.count("\n") == 1
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def _read_only(monkeypatch, index_dir: Path, how: str) -> None:
    """Make ``index_dir`` unwritable as far as the build can tell. Tests run as root, whom
    chmod does not stop, so: ``os.access`` says no (what a build checks first), or the lock
    file cannot be created (what a folder that is read-only in spite of os.access gives)."""
    if how == "access":
        real = os.access
        monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if Path(path) == index_dir
                            else real(path, mode, **kw))
    else:
        import filelock

        def refuse(self, *args, **kwargs):
            raise PermissionError(13, "Permission denied", str(index_dir / ".build.lock"))

        monkeypatch.setattr(filelock.FileLock, "acquire", refuse)


@pytest.mark.parametrize("how", ["access", "lock"])
def test_a_read_only_index_is_up_to_date_when_fresh_and_one_line_when_stale(built, monkeypatch, capsys, how):
    seeds, index_dir = built
    before = sorted(p.name for p in index_dir.iterdir())
    _read_only(monkeypatch, index_dir, how)
    report = qa.build(seeds_dir=seeds, index_dir=index_dir)
    assert (report.embedded, report.reused) == (0, report.passages)
    assert main(["build", "--seeds-dir", str(seeds), "--index-dir", str(index_dir)]) == 0
    assert "Traceback" not in capsys.readouterr().err

    (seeds / "extra.txt").write_text("An added note about water cooperation.\n", encoding="utf-8")
    with pytest.raises(qa.IndexPathError) as stale:
        qa.build(seeds_dir=seeds, index_dir=index_dir)
    _clear(stale.value)
    assert str(stale.value).startswith(f"Cannot write the index in {index_dir} (")
    assert "out of date - make the folder writable" in str(stale.value)
    assert main(["build", "--seeds-dir", str(seeds), "--index-dir", str(index_dir)]) == 1
    assert capsys.readouterr().err.count("\n") == 1
    assert sorted(p.name for p in index_dir.iterdir()) == before


def test_a_write_that_fails_mid_build_is_one_line_and_the_old_index_stays(built, monkeypatch):
    seeds, index_dir = built

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(index_dir / ".passages.tmp"))

    monkeypatch.setattr(store.tempfile, "mkstemp", refuse)
    (seeds / "extra.txt").write_text("An added note about water cooperation.\n", encoding="utf-8")
    with pytest.raises(qa.IndexPathError, match=r"^Cannot write the index in .*Permission denied") as err:
        qa.build(seeds_dir=seeds, index_dir=index_dir)
    _clear(err.value)
    (seeds / "extra.txt").unlink()
    assert qa.status(seeds_dir=seeds, index_dir=index_dir).fresh


def test_a_same_size_edit_with_the_mtime_put_back_is_seen_by_the_next_query(seeds, tmp_path, fake_encoder):
    """As ``cp -p`` or ``touch -r`` do: size and mtime as before, only the ctime tells."""
    speech, index_dir = seeds / SPEECH.name, tmp_path / "index"
    day_ago = os.stat(speech).st_mtime_ns - 86_400 * 10**9  # out of the "changed just now" window
    os.utime(speech, ns=(day_ago, day_ago))
    qa.build(seeds_dir=seeds, index_dir=index_dir)
    question = "In which city is the upcoming second summit expected?"
    assert "Astana" in qa.ask(question, seeds_dir=seeds, index_dir=index_dir).passages[0].text  # hash cached

    text = speech.read_text(encoding="utf-8")
    edited = text.replace("expected this year in Astana", "expected this year in Almaty")
    assert edited != text and len(edited.encode()) == len(text.encode())
    speech.write_text(edited, encoding="utf-8")
    os.utime(speech, ns=(day_ago, day_ago))
    with pytest.raises(qa.IndexStale, match=f"changed: {SPEECH.name}"):
        qa.ask(question, seeds_dir=seeds, index_dir=index_dir)
    assert not qa.status(seeds_dir=seeds, index_dir=index_dir).fresh

    from qa import serving

    qa.ask(question, seeds_dir=seeds, index_dir=index_dir, auto_rebuild=True)  # starts the rebuild
    serving.service(qa.api.make_settings(seeds_dir=seeds, index_dir=index_dir)).wait(60)
    served = qa.ask(question, seeds_dir=seeds, index_dir=index_dir, auto_rebuild=True)
    assert "Almaty" in served.passages[0].text and not served.notes
    assert all(edited[p.start:p.end] == p.text for p in served.passages)


@pytest.mark.parametrize("question", ["?", "\ud800", "\udfff?!", "...", "¿¡ — ?", "🤝🇰🇿"])
def test_a_question_without_words_is_refused(index, question):
    seeds, index_dir = index
    for fn in (qa.ask, qa.retrieve):
        with pytest.raises(qa.QuestionError) as err:
            fn(question, seeds_dir=seeds, index_dir=index_dir, model=FAKE)
        assert str(err.value) == "The question has no words - type a question about the speech"


@pytest.mark.parametrize("history", [5, "an earlier question", b"bytes", {"q": 1}, [1, 2], ["ok", None]])
def test_a_history_that_is_not_a_list_of_questions_is_a_clear_error(index, history):
    seeds, index_dir = index
    for fn in (qa.ask, qa.retrieve):
        with pytest.raises(qa.QuestionError, match=r"^A history is a list of earlier questions") as err:
            fn("Then which city hosts it?", history=history, seeds_dir=seeds, index_dir=index_dir, model=FAKE)
        _clear(err.value)


def test_a_history_of_questions_is_read_and_blank_ones_are_left_out(index):
    seeds, index_dir = index
    answer = qa.ask("Then which city?", history=("Which summit is upcoming?", " ", "?"), seeds_dir=seeds,
                    index_dir=index_dir, model=FAKE)
    assert answer.passages
