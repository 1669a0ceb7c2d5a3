"""Rebuilding after edits: incremental, atomic, locked, never silently stale (issue 4)."""
from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import zlib
from pathlib import Path

import numpy as np
import pytest

import qa
from qa.index import builder, store
from qa import serving
from qa.index.chunking import chunk_text, sentence_texts
from qa.index.corpus import read_document
from qa.cli import main
from qa.config import Settings, settings
from qa.search.retrieval import Retriever

from conftest import REPO, SPEECH, FakeEncoder, install_encoder

NAME = SPEECH.name
# The speech has 21 lines; its last two (Auther:, Source:) are metadata, not passages; its
# paragraphs are packed into passages of the shipped size (15 at 900 / 1,200 characters).
_DOCUMENT = read_document(SPEECH, SPEECH.name)
PASSAGES = len(chunk_text(NAME, _DOCUMENT.text, body=_DOCUMENT.body_span, **settings().chunk_settings()))
EDIT_OLD, EDIT_NEW = "impressive growth", "remarkable growth"  # paragraph 9, one passage
BUILD = "python -m qa build"


class RecordingEncoder(FakeEncoder):
    """The fake encoder, keeping every text it was asked to embed."""

    def __init__(self, name: str = "fake-encoder", dimension: int = 64) -> None:
        super().__init__(name, dimension)
        self.texts: list[str] = []

    def encode(self, texts):
        self.texts.extend(texts)
        return super().encode(texts)


class ModelFake(FakeEncoder):
    """A different "model" per name: the fake's vectors with columns shuffled by the name."""

    def encode(self, texts):
        order = np.random.default_rng(zlib.crc32(self.name.encode())).permutation(self.dimension)
        return np.ascontiguousarray(super().encode(texts)[:, order])


class GatedEncoder(FakeEncoder):
    """Blocks inside ``encode`` on the background rebuild thread until ``gate`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()

    def encode(self, texts):
        if threading.current_thread().name == "qa-rebuild":
            self.entered.set()
            self.gate.wait(60)
        return super().encode(texts)


@pytest.fixture(autouse=True)
def _no_watcher(monkeypatch):
    monkeypatch.setenv("QA_WATCH_SECONDS", "0")  # tests that want the watcher turn it on


@pytest.fixture
def encoder(monkeypatch, fake_abstention) -> RecordingEncoder:
    enc = RecordingEncoder()
    install_encoder(monkeypatch, enc, fake_abstention)
    return enc


@pytest.fixture
def dirs(seeds, tmp_path, encoder):
    index = tmp_path / "index"
    qa.build(seeds_dir=seeds, index_dir=index)
    encoder.texts.clear()
    return seeds, index


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def leftovers(index: Path) -> set[str]:
    """Files in ``index`` that the manifest does not name."""
    named = set(json.loads((index / "manifest.json").read_text())["files"].values())
    return {p.name for p in index.iterdir()} - named - {"manifest.json", ".build.lock"}


# --- incremental --------------------------------------------------------------------------

def test_edit_one_paragraph_embeds_only_its_passage(dirs, encoder):
    seeds, index = dirs
    edit(seeds / NAME, EDIT_OLD, EDIT_NEW)
    report = qa.build(seeds_dir=seeds, index_dir=index)
    assert (report.embedded, report.reused, report.removed) == (1, report.passages - 1, 1)
    assert [(f.source, f.embedded, f.removed) for f in report.files] == [(NAME, 1, 1)]
    # Only texts holding the edited words are embedded again: the passage, its sentence, the
    # context views (qa/views.py) that read the edited sentence before their own text, and the
    # one word the corpus did not use before (the word view, for query expansion).
    assert encoder.texts and all(EDIT_NEW in t or t == "remarkable" for t in encoder.texts)
    assert encoder.texts.count("remarkable") == 1
    assert sum(t == (seeds / NAME).read_text(encoding="utf-8").splitlines()[8] for t in encoder.texts) == 1
    top = qa.retrieve("remarkable growth planned economy", k=1, seeds_dir=seeds, index_dir=index)[0]
    assert EDIT_NEW in top.text and top.citation == f"{NAME} ¶9"
    assert not any(EDIT_OLD in c.text for c in store.load(index).chunks)


def _same_index(a: store.StoredIndex, b: store.StoredIndex, *, atol: float) -> None:
    assert a.chunks == b.chunks and a.hashes == b.hashes
    np.testing.assert_allclose(a.vectors, b.vectors, atol=atol, rtol=0)
    assert a.extras.keys() == b.extras.keys() and "sentence_vectors" in a.extras
    for name in a.extras:  # every view and the multilingual arrays, not only the passages
        if a.extras[name].dtype.kind == "f":
            np.testing.assert_allclose(a.extras[name], b.extras[name], atol=atol, rtol=0, err_msg=name)
        else:
            assert (a.extras[name] == b.extras[name]).all(), name


def test_incremental_index_equals_a_full_rebuild(dirs, tmp_path):
    seeds, index = dirs
    edit(seeds / NAME, EDIT_OLD, EDIT_NEW)
    (seeds / "more.md").write_text("Closing remarks on water.\n\nThanks to the hosts.", encoding="utf-8")
    qa.build(seeds_dir=seeds, index_dir=index)
    qa.build(seeds_dir=seeds, index_dir=tmp_path / "from-scratch")
    _same_index(store.load(index), store.load(tmp_path / "from-scratch"), atol=0)


@pytest.mark.model
def test_real_model_incremental_build_matches_a_full_one(tmp_path):
    kw = {"model": "all-MiniLM-L6-v2"}
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copyfile(SPEECH, seeds / NAME)
    qa.build(seeds_dir=seeds, index_dir=tmp_path / "index", **kw)
    edit(seeds / NAME, EDIT_OLD, EDIT_NEW)
    report = qa.build(seeds_dir=seeds, index_dir=tmp_path / "index", **kw)
    assert (report.embedded, report.reused) == (1, PASSAGES - 1)
    full = qa.build(seeds_dir=seeds, index_dir=tmp_path / "full", **kw)
    assert full.embedded == PASSAGES
    # Batches differ in size and padding, so the floats may differ in the last bits.
    _same_index(store.load(tmp_path / "index"), store.load(tmp_path / "full"), atol=1e-5)
    top = qa.retrieve("Which growth does the planned economy produce?", k=1,
                      seeds_dir=seeds, index_dir=tmp_path / "index", **kw)[0]
    assert EDIT_NEW in top.text and top.citation == f"{NAME} ¶9"


def test_unchanged_rebuild_embeds_nothing_and_full_embeds_everything(dirs, encoder, monkeypatch):
    import qa.index.embedding

    seeds, index = dirs
    manifest = (index / "manifest.json").read_bytes()
    real_get_encoder = qa.index.embedding.get_encoder

    def no_model(*args, **kwargs):
        raise AssertionError("an up-to-date index needs no model")

    monkeypatch.setattr(qa.index.embedding, "get_encoder", no_model)
    again = qa.build(seeds_dir=seeds, index_dir=index)
    assert (again.embedded, again.removed) == (0, 0) and again.reused == again.passages > 0
    assert [(f.source, f.passages, f.reused) for f in again.files] == [(NAME, again.passages, again.passages)]
    assert encoder.texts == [] and (index / "manifest.json").read_bytes() == manifest  # nothing written
    edit(seeds / NAME, EDIT_OLD, EDIT_NEW)  # an edit needs the model again
    with pytest.raises(AssertionError, match="needs no model"):
        qa.build(seeds_dir=seeds, index_dir=index)
    monkeypatch.setattr(qa.index.embedding, "get_encoder", real_get_encoder)
    full = qa.build(seeds_dir=seeds, index_dir=index, full=True)
    assert full.embedded == full.passages and full.reused == 0


def test_added_file_is_embedded_alone_and_cited_by_its_path(dirs, encoder):
    seeds, index = dirs
    (seeds / "notes").mkdir()
    (seeds / "notes" / "qa.md").write_text("Questions followed.\n\nThe moderator asked about water treaties.",
                                           encoding="utf-8")
    report = qa.build(seeds_dir=seeds, index_dir=index)
    by_file = {f.source: f for f in report.files}
    assert by_file["notes/qa.md"].embedded == by_file["notes/qa.md"].passages == 2
    assert by_file[NAME].embedded == 0 and report.documents == 2
    top = qa.retrieve("moderator water treaties", k=1, seeds_dir=seeds, index_dir=index)[0]
    assert top.citation == "notes/qa.md ¶2" and top.source == "notes/qa.md"


def test_removed_file_removes_its_passages(dirs):
    seeds, index = dirs
    (seeds / "extra.txt").write_text("Water treaties were discussed at length.", encoding="utf-8")
    qa.build(seeds_dir=seeds, index_dir=index)
    (seeds / "extra.txt").unlink()
    report = qa.build(seeds_dir=seeds, index_dir=index)
    assert [(f.source, f.passages, f.removed) for f in report.files] == [(NAME, PASSAGES, 0), ("extra.txt", 0, 1)]
    assert {c.source for c in store.load(index).chunks} == {NAME}
    passages = qa.retrieve("water treaties discussed", k=25, seeds_dir=seeds, index_dir=index)
    assert all(p.source == NAME for p in passages)


def test_renamed_file_reuses_vectors_and_cites_the_new_path(dirs, encoder):
    seeds, index = dirs
    (seeds / "speeches").mkdir()
    (seeds / NAME).rename(seeds / "speeches" / "izimov.txt")
    report = qa.build(seeds_dir=seeds, index_dir=index)
    assert report.embedded == 0 and encoder.texts == []
    assert [(f.source, f.passages, f.reused, f.removed) for f in report.files] == [
        (NAME, 0, 0, PASSAGES), ("speeches/izimov.txt", PASSAGES, PASSAGES, 0)]
    assert {c.source for c in store.load(index).chunks} == {"speeches/izimov.txt"}
    assert qa.status(seeds_dir=seeds, index_dir=index).fresh


def test_model_change_rebuilds_everything_and_never_mixes_vectors(seeds, tmp_path, monkeypatch):
    import qa.index.embedding

    encoders = {name: ModelFake(name) for name in ("fake-a", "fake-b")}
    monkeypatch.setattr(qa.index.embedding, "get_encoder", lambda model: encoders[model])
    index = tmp_path / "index"
    qa.build(seeds_dir=seeds, index_dir=index, model="fake-a")
    status = qa.status(seeds_dir=seeds, index_dir=index, model="fake-b")
    assert status.changes == ("model: fake-a -> fake-b",)
    with pytest.raises(qa.IndexStale, match="model: fake-a -> fake-b"):
        qa.retrieve("summit", seeds_dir=seeds, index_dir=index, model="fake-b")

    report = qa.build(seeds_dir=seeds, index_dir=index, model="fake-b")
    assert report.embedded == report.passages and report.reused == 0
    loaded = store.load(index)
    b = encoders["fake-b"]
    np.testing.assert_array_equal(loaded.vectors, b.encode([c.text for c in loaded.chunks]))
    sentences = [t for c in loaded.chunks for t in sentence_texts(c)]
    np.testing.assert_array_equal(loaded.extras["sentence_vectors"], b.encode(sentences))
    assert loaded.manifest.model == "fake-b"


# --- stale detection ----------------------------------------------------------------------

def test_status_names_each_change_and_exit_codes(dirs, capsys):
    seeds, index = dirs
    args = ["status", "--seeds-dir", str(seeds), "--index-dir", str(index)]
    assert main(args) == 0
    assert capsys.readouterr().out.strip() == "The index is up to date."
    edit(seeds / NAME, EDIT_OLD, EDIT_NEW)
    (seeds / "new.md").write_text("New remarks.", encoding="utf-8")
    assert main(args) == 3
    assert capsys.readouterr().out.strip() == (
        f"The index in {index} is out of date (changed: {NAME}; added: new.md) - run: {BUILD}")
    qa.build(seeds_dir=seeds, index_dir=index)
    (seeds / "new.md").unlink()
    assert qa.status(seeds_dir=seeds, index_dir=index).changes == ("removed: new.md",)


def test_same_size_edit_right_after_a_check_is_noticed(dirs):
    """An edit within the clock's granularity keeps size and maybe mtime: still seen."""
    seeds, index = dirs
    assert qa.status(seeds_dir=seeds, index_dir=index).fresh
    path = seeds / NAME
    before = path.stat()
    edit(path, "impressive", "impresSive")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # worst case: the same mtime
    assert qa.status(seeds_dir=seeds, index_dir=index).changes == (f"changed: {NAME}",)


def test_chunk_settings_change_is_stale(dirs):
    seeds, index = dirs
    manifest = json.loads((index / "manifest.json").read_text())
    manifest["chunking"]["target_chars"] = 300
    (index / "manifest.json").write_text(json.dumps(manifest))
    status = qa.status(seeds_dir=seeds, index_dir=index)
    assert status.changes and status.changes[0].startswith("chunk settings:")


# --- documents that cannot be read ---------------------------------------------------------

def test_non_utf8_binary_and_empty_files_are_skipped_with_a_warning(seeds, tmp_path, encoder, caplog, capsys):
    (seeds / "latin1.txt").write_bytes("Caf\u00e9 in Almaty".encode("latin-1"))
    (seeds / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (seeds / "blank.txt").write_text("  \n", encoding="utf-8")
    index = tmp_path / "index"
    with caplog.at_level(logging.WARNING, logger="qa.index.corpus"):
        assert main(["build", "--json", "--seeds-dir", str(seeds), "--index-dir", str(index)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["documents"] == 1 and [f["source"] for f in report["files"]] == [NAME]
    assert report["skipped"] == ["blank.txt is empty", "image.md looks binary (it has NUL bytes)",
                                 "latin1.txt is not UTF-8 text (byte 3); save it as UTF-8"]
    assert [r.getMessage() for r in caplog.records] == [f"not indexed: {why}" for why in report["skipped"]]
    assert qa.status(seeds_dir=seeds, index_dir=index).fresh
    (seeds / "latin1.txt").write_text("Caf\u00e9 in Almaty", encoding="utf-8")  # saved again as UTF-8
    assert qa.status(seeds_dir=seeds, index_dir=index).changes == ("added: latin1.txt",)


def test_empty_seeds_is_a_clear_error_and_keeps_the_old_index(dirs):
    seeds, index = dirs
    generation = store.read_manifest(index).generation
    for path in seeds.iterdir():
        path.unlink()
    with pytest.raises(qa.SeedsError, match=rf"No usable \.txt or \.md documents in {seeds} - add the speech"):
        qa.build(seeds_dir=seeds, index_dir=index)
    (seeds / "notes.txt").write_bytes(b"\xff\xfe\x00b\x00i\x00n")
    with pytest.raises(qa.SeedsError, match=r"notes\.txt looks binary"):
        qa.build(seeds_dir=seeds, index_dir=index)
    assert store.load(index).manifest.generation == generation


# --- corruption -----------------------------------------------------------------------------

def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _break_json_line(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3][:40] + "\n"
    path.write_text("".join(lines), encoding="utf-8")


DAMAGE = {
    "truncated faiss": ("index-*.faiss", _truncate),
    "broken json line": ("passages-*.jsonl", _break_json_line),
    "missing vectors": ("vectors-*.npy", Path.unlink),
    "truncated sentence vectors": ("sentence_vectors-*.npy", _truncate),
    "broken manifest": ("manifest.json", lambda p: p.write_text('{"model": "fake-enc', encoding="utf-8")),
    "manifest of the wrong shape": ("manifest.json", lambda p: p.write_text('["x"]', encoding="utf-8")),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_damaged_index_names_the_file_and_build_recovers(dirs, damage, capsys):
    seeds, index = dirs
    pattern, hurt = DAMAGE[damage]
    victim = next(index.glob(pattern))
    hurt(victim)
    with pytest.raises(qa.IndexCorrupt) as err:
        qa.retrieve("summit", seeds_dir=seeds, index_dir=index)
    assert str(victim) in str(err.value) and str(err.value).endswith(f"- run: {BUILD}")
    dirs_args = ["--seeds-dir", str(seeds), "--index-dir", str(index)]
    assert main(["status", *dirs_args]) == 5
    assert capsys.readouterr().out.strip() == str(err.value)
    assert main(["ask", "Where was the summit?", *dirs_args]) == 1
    assert capsys.readouterr().err.strip() == f"error: {err.value}"

    report = qa.build(seeds_dir=seeds, index_dir=index)
    assert report.passages == PASSAGES
    assert qa.status(seeds_dir=seeds, index_dir=index).fresh and leftovers(index) == set()
    assert qa.retrieve("Xi’an summit", k=1, seeds_dir=seeds, index_dir=index)[0].paragraph == 11


def test_load_follows_a_generation_switch_that_happens_while_it_reads(dirs, monkeypatch):
    seeds, index = dirs
    first = store.read_manifest(index)
    edit(seeds / NAME, EDIT_OLD, EDIT_NEW)
    qa.build(seeds_dir=seeds, index_dir=index)  # deletes the first generation's files
    with pytest.raises(qa.IndexCorrupt, match="is missing"):
        store._load_generation(index, first)
    reads = iter([first])
    real = store.read_manifest
    monkeypatch.setattr(store, "read_manifest", lambda d: next(reads, None) or real(d))
    loaded = store.load(index)  # read the old manifest, found its files gone, read the new one
    assert loaded.manifest.generation != first.generation
    assert any(EDIT_NEW in c.text for c in loaded.chunks)


def test_cleaning_never_touches_files_the_store_did_not_write(dirs):
    seeds, index = dirs
    (index / "notes.jsonl").write_text("mine\n")
    (index / "vectors.npy").write_bytes(b"mine")
    (index / ".passages-20990101T000000-abcdef.jsonl.x1y2.tmp").write_text("partial")
    qa.build(seeds_dir=seeds, index_dir=index, full=True)
    assert leftovers(index) == {"notes.jsonl", "vectors.npy"}


# --- atomic: kill -9 mid-build ----------------------------------------------------------------

def _start_child(seeds: Path, index: Path, point: str) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, str(REPO / "tests" / "build_child.py"), str(seeds), str(index), point],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    line = child.stdout.readline().strip()
    if line != "STOPPED":
        child.kill()
        pytest.fail(f"build child did not stop at {point}: {line!r} {child.stderr.read()}")
    return child


def _kill(child: subprocess.Popen) -> None:
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()
    child.stderr.close()


# Files are written: 1 passages, 2 vectors, 3 sentence vectors, 4 FAISS index, 5 manifest.
BEFORE_COMMIT = ["encode", "write:1", "after:1", "write:3", "after:3", "write:index", "after:index", "write:manifest"]


@pytest.mark.parametrize("point", BEFORE_COMMIT)
def test_build_killed_before_the_manifest_switch_leaves_the_old_index(dirs, point, encoder):
    seeds, index = dirs
    old = store.read_manifest(index)
    edit(seeds / NAME, EDIT_OLD, EDIT_NEW)
    _kill(_start_child(seeds, index, point))

    loaded = store.load(index)
    assert loaded.manifest == old
    assert any(EDIT_OLD in c.text for c in loaded.chunks)
    top = Retriever(loaded, encoder).search("planned economy impressive growth", k=1)[0]
    assert EDIT_OLD in top.text
    with pytest.raises(qa.IndexStale, match=f"changed: {NAME}"):
        qa.retrieve("growth", seeds_dir=seeds, index_dir=index)
    if point != "encode":
        assert leftovers(index)  # the killed build left files behind ...

    report = qa.build(seeds_dir=seeds, index_dir=index)
    assert leftovers(index) == set()  # ... and the next build removed them
    assert report.embedded == 1
    assert EDIT_NEW in qa.retrieve("remarkable growth", k=1, seeds_dir=seeds, index_dir=index)[0].text


def test_build_killed_after_the_manifest_switch_serves_the_new_index(dirs):
    seeds, index = dirs
    edit(seeds / NAME, EDIT_OLD, EDIT_NEW)
    _kill(_start_child(seeds, index, "after:manifest"))
    assert qa.status(seeds_dir=seeds, index_dir=index).fresh
    assert EDIT_NEW in qa.retrieve("remarkable growth", k=1, seeds_dir=seeds, index_dir=index)[0].text
    assert leftovers(index)  # the old generation, not yet deleted
    qa.build(seeds_dir=seeds, index_dir=index)
    assert leftovers(index) == set()


# --- concurrent builds --------------------------------------------------------------------------

def test_second_build_refuses_clearly_while_one_runs_and_a_killed_one_frees_the_lock(dirs, encoder):
    seeds, index = dirs
    edit(seeds / NAME, EDIT_OLD, EDIT_NEW)
    child = _start_child(seeds, index, "encode")  # holds the lock, stuck embedding
    try:
        with pytest.raises(qa.BuildLocked) as err:
            qa.build(seeds_dir=seeds, index_dir=index, wait=0)
        assert str(err.value) == (f"Another build of {index} is still running after 0 s - "
                                  f"wait for it to finish, then run: {BUILD}")
        env = {k: v for k, v in os.environ.items() if k != "QA_MODEL"}  # the real model: it never loads here
        result = subprocess.run([sys.executable, "-m", "qa", "build", "--wait", "0", "--seeds-dir", str(seeds),
                                 "--index-dir", str(index)], capture_output=True, text=True, cwd=REPO, env=env)
        assert result.returncode == 1 and result.stderr.strip().endswith(f"error: {err.value}")
    finally:
        _kill(child)
    assert qa.build(seeds_dir=seeds, index_dir=index, wait=0).embedded == 1


def test_second_build_waits_for_the_first_and_never_interleaves(dirs, monkeypatch):
    seeds, index = dirs
    edit(seeds / NAME, EDIT_OLD, EDIT_NEW)
    events: list[str] = []
    real_save, real_read = builder.save, builder.read_corpus
    monkeypatch.setattr(builder, "save", lambda *a, **k: (events.append(f"save {threading.current_thread().name}"),
                                                          real_save(*a, **k))[1])
    monkeypatch.setattr(builder, "read_corpus", lambda d: (events.append(f"read {threading.current_thread().name}"),
                                                           real_read(d))[1])
    gated = GatedEncoder()
    waiting = threading.Event()

    class Seen(logging.Handler):
        def emit(self, record):
            if "another build" in record.getMessage():
                waiting.set()

    handler = Seen()
    logging.getLogger("qa.index.builder").addHandler(handler)
    settings = Settings(seeds_dir=seeds, index_dir=index, model=gated.name)
    results = {}
    first = threading.Thread(target=lambda: results.update(first=builder.build(settings, gated, full=True)),
                             name="qa-rebuild")
    second = threading.Thread(target=lambda: results.update(second=builder.build(settings, gated, lock_timeout=60)),
                              name="second")
    try:
        first.start()
        assert gated.entered.wait(30)
        second.start()
        assert waiting.wait(30)  # the second build found the lock taken and is waiting
        gated.gate.set()
        first.join(60)
        second.join(60)
    finally:
        gated.gate.set()
        logging.getLogger("qa.index.builder").removeHandler(handler)
    # The second build reads the seeds only after the first saved, finds the index up to date
    # and writes nothing.
    assert events == ["read qa-rebuild", "save qa-rebuild", "read second"]
    assert results["first"].embedded == PASSAGES and results["second"].embedded == 0
    assert qa.status(seeds_dir=seeds, index_dir=index, model=gated.name).fresh


# --- serving while rebuilding -------------------------------------------------------------------

@pytest.fixture
def gated(monkeypatch, fake_abstention) -> GatedEncoder:
    enc = GatedEncoder()
    install_encoder(monkeypatch, enc, fake_abstention)
    return enc


def test_query_during_a_rebuild_is_answered_from_the_old_index(seeds, tmp_path, gated):
    index = tmp_path / "index"
    gated.gate.set()
    qa.build(seeds_dir=seeds, index_dir=index)
    gated.gate.clear()
    kw = {"seeds_dir": seeds, "index_dir": index, "auto_rebuild": True}
    edit(seeds / NAME, EDIT_OLD, EDIT_NEW)

    during = qa.ask("planned economy impressive growth", **kw)
    assert gated.entered.wait(30)  # the rebuild is running, stuck embedding
    assert EDIT_OLD in during.passages[0].text
    assert during.notes == (f"The documents changed (changed: {NAME}); the index is being rebuilt, "
                            f"so this answer comes from the previous version.",)
    assert "being rebuilt" in during.text
    assert EDIT_OLD in qa.retrieve("planned economy impressive growth", k=1, **kw)[0].text

    gated.gate.set()
    service = serving.service(Settings(seeds_dir=seeds, index_dir=index, model=gated.name))
    assert service.wait(60)
    after = qa.ask("planned economy remarkable growth", **kw)
    assert EDIT_NEW in after.passages[0].text and not after.notes


def test_watcher_rebuilds_after_an_edit_without_a_query(dirs, monkeypatch):
    seeds, index = dirs
    monkeypatch.setenv("QA_WATCH_SECONDS", "0.05")
    kw = {"seeds_dir": seeds, "index_dir": index}
    qa.api.watch(**kw)
    generation = store.read_manifest(index).generation
    edit(seeds / NAME, EDIT_OLD, EDIT_NEW)
    for _ in range(1200):  # a bounded wait for the watcher, not a timing check
        if store.read_manifest(index).generation != generation and qa.status(**kw).fresh:
            break
        threading.Event().wait(0.05)
    else:
        pytest.fail("the watcher did not rebuild after the edit")
    answer = qa.ask("planned economy remarkable growth", auto_rebuild=True, **kw)
    assert EDIT_NEW in answer.passages[0].text and not answer.notes


def test_auto_rebuild_builds_a_missing_index_before_answering(seeds, tmp_path, encoder):
    answer = qa.ask("Which city hosted the first summit in Xi’an?", seeds_dir=seeds, index_dir=tmp_path / "new",
                    auto_rebuild=True)
    assert answer.passages[0].paragraph == 11 and not answer.notes


def test_auto_rebuild_recovers_a_damaged_index(dirs):
    seeds, index = dirs
    _truncate(next(index.glob("index-*.faiss")))
    answer = qa.ask("Xi’an summit", seeds_dir=seeds, index_dir=index, auto_rebuild=True)
    assert answer.passages[0].paragraph == 11 and not answer.notes  # nothing else to answer from: waited
    assert qa.status(seeds_dir=seeds, index_dir=index).fresh


def test_damaged_index_under_a_running_app_is_rebuilt_while_the_loaded_one_answers(seeds, tmp_path, gated):
    index = tmp_path / "index"
    gated.gate.set()
    kw = {"seeds_dir": seeds, "index_dir": index, "auto_rebuild": True}
    assert qa.ask("Xi’an summit", **kw).passages[0].paragraph == 11  # builds, then loads
    gated.gate.clear()
    (index / "manifest.json").write_text("{", encoding="utf-8")
    answer = qa.ask("Xi’an summit", **kw)
    assert answer.passages[0].paragraph == 11
    assert answer.notes == ("The index on disk is missing or damaged; it is being rebuilt, "
                            "so this answer comes from the version loaded earlier.",)
    gated.gate.set()
    assert serving.service(Settings(seeds_dir=seeds, index_dir=index, model=gated.name)).wait(60)
    assert qa.status(seeds_dir=seeds, index_dir=index).fresh


def test_failed_rebuild_keeps_answering_and_says_why(dirs):
    seeds, index = dirs
    kw = {"seeds_dir": seeds, "index_dir": index, "auto_rebuild": True}
    assert qa.ask("Xi’an summit", **kw).passages[0].paragraph == 11
    (seeds / NAME).write_bytes(b"\x00\x01binary now")
    answer = qa.ask("Xi’an summit", **kw)
    assert answer.passages[0].paragraph == 11
    assert len(answer.notes) == 1 and answer.notes[0].startswith(f"No usable .txt or .md documents in {seeds}")
    assert f"{NAME} looks binary" in answer.notes[0]
    assert answer.notes[0].endswith("This answer comes from the index built earlier.")


def test_auto_rebuild_after_a_model_change_never_answers_with_the_old_vectors(seeds, tmp_path, monkeypatch,
                                                                              fake_abstention):
    import qa.index.embedding

    monkeypatch.setenv("QA_ABSTENTION", str(fake_abstention))
    encoders = {name: ModelFake(name) for name in ("fake-a", "fake-b")}
    monkeypatch.setattr(qa.index.embedding, "get_encoder", lambda model: encoders[model])
    index = tmp_path / "index"
    qa.build(seeds_dir=seeds, index_dir=index, model="fake-a")
    answer = qa.ask("Xi’an summit", seeds_dir=seeds, index_dir=index, model="fake-b", auto_rebuild=True)
    assert not answer.notes and answer.passages[0].paragraph == 11
    assert store.read_manifest(index).model == "fake-b"
