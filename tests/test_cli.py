from __future__ import annotations

import json
import subprocess
import sys

from qa.cli import main

from conftest import REPO


def run_cli(*args: str, env_extra=None):
    return subprocess.run([sys.executable, "-m", "qa", *args], capture_output=True, text=True, cwd=REPO)


def test_status_without_index_exits_4_and_says_what_to_run(tmp_path, seeds):
    result = run_cli("status", "--seeds-dir", str(seeds), "--index-dir", str(tmp_path / "none"))
    assert result.returncode == 4
    assert result.stdout.strip() == f"No index in {tmp_path / 'none'} - run: python -m qa build"


def test_ask_without_index_or_seeds_is_one_line_error_exit_1(tmp_path):
    # Without an index, ask builds one first; without documents to build from, it says so.
    result = run_cli("ask", "Where?", "--seeds-dir", str(tmp_path / "nope"), "--index-dir", str(tmp_path / "none"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: No seeds folder at {tmp_path / 'nope'} - create it and put the speech (a .txt or .md file) in it"
    ]


def test_missing_seeds_folder_is_one_line_error(tmp_path):
    result = run_cli("build", "--seeds-dir", str(tmp_path / "nope"), "--index-dir", str(tmp_path / "i"))
    assert result.returncode == 1
    assert result.stderr.strip().startswith(f"error: No seeds folder at {tmp_path / 'nope'}")


def test_help_lists_every_command():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("build", "ask", "eval", "status"):
        assert command in result.stdout


def test_build_status_ask_in_process(built, capsys):
    seeds, index = built
    dirs = ["--seeds-dir", str(seeds), "--index-dir", str(index)]
    assert main(["status", *dirs]) == 0
    assert main(["build", "--json", *dirs]) == 0
    report = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert report["embedded"] == 0 and report["reused"] == report["passages"]
    assert main(["ask", "In what city did leaders first meet for a China - Central Asia Summit, Xi’an?", "--json",
                 *dirs]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["passages"][0]["paragraph"] == 11


def test_empty_question_exit_1(built, capsys):
    seeds, index = built
    assert main(["ask", "  ", "--seeds-dir", str(seeds), "--index-dir", str(index)]) == 1
    assert capsys.readouterr().err.strip() == "error: The question is empty - type a question about the speech"


def test_output_cut_short_by_the_reader_is_no_traceback(tmp_path, seeds):
    # `python -m qa status | head -c 0`: the reader is gone before the CLI writes its line.
    proc = subprocess.Popen([sys.executable, "-m", "qa", "status", "--seeds-dir", str(seeds),
                             "--index-dir", str(tmp_path / "none")],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_eval_on_a_bad_question_file_is_one_line_error(built, tmp_path, capsys):
    seeds, index = built
    dirs = ["--seeds-dir", str(seeds), "--index-dir", str(index)]
    cases = {
        "binary.jsonl": (b"\xff\xfe\x00", "Cannot read"),
        "null.jsonl": (b'{"id": "x", "question": null, "evidence": []}\n', ":1 is not a question record"),
        "string.jsonl": (b'{"id": "x", "question": "Q?", "evidence": "Xi"}\n', "evidence must be a list of strings"),
        "empty.jsonl": (b"\n", "holds no questions"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        assert main(["eval", str(tmp_path / name), *dirs]) == 1, name
        err = capsys.readouterr().err.strip()
        assert err.startswith("error: ") and message in err and len(err.splitlines()) == 1, err


def test_eval_names_documents_by_file_name_or_stem_and_refuses_unknown_ones(built, tmp_path, capsys):
    seeds, index = built
    dirs = ["--seeds-dir", str(seeds), "--index-dir", str(index)]
    (tmp_path / "q.jsonl").write_text(json.dumps({"id": "x", "question": "Which city hosted the summit?",
                                                  "evidence": ["Xi’an"], "type": "factoid"}) + "\n", encoding="utf-8")
    shares = []
    for name in ("central-asia-modernization-speech.txt", "central-asia-modernization-speech"):
        assert main(["eval", str(tmp_path / "q.jsonl"), "--doc", name, "--json", *dirs]) == 0
        shares.append(json.loads(capsys.readouterr().out)[0]["right_document"])
    assert shares == [True, True]
    assert main(["eval", str(tmp_path / "q.jsonl"), "--doc", "nosuch", *dirs]) == 1
    err = capsys.readouterr().err
    assert "No document 'nosuch'" in err and "central-asia-modernization-speech.txt" in err


def test_ask_json_passages_carry_the_citation_the_page_copies(built, capsys):
    seeds, index = built
    assert main(["ask", "In what city did leaders first meet for a China - Central Asia Summit, Xi’an?", "--json",
                 "--seeds-dir", str(seeds), "--index-dir", str(index)]) == 0
    first = json.loads(capsys.readouterr().out)["passages"][0]
    assert first["cite"].startswith("Ruslan Izimov, speech at the International Forum “Chinese Modernization and "
                                    "the China–Central Asia Community with a Shared Future”, "
                                    "central-asia-modernization-speech.txt ¶11: “")
    assert "Xi’an" in first["cite"]


def test_status_names_skipped_files_in_text_and_json(built, capsys):
    seeds, index = built
    (seeds / "old.txt").write_bytes("caf\u00e9 notes\n".encode("latin-1"))
    (seeds / "photo.md").write_bytes(b"\x89PNG\x00\x00")
    dirs = ["--seeds-dir", str(seeds), "--index-dir", str(index)]
    assert main(["status", *dirs]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "not indexed: old.txt is not UTF-8 text (byte 3); save it as UTF-8",
        "not indexed: photo.md looks binary (it has NUL bytes)"]
    assert main(["status", "--json", *dirs]) == 0
    assert json.loads(capsys.readouterr().out)["skipped"] == [
        "old.txt is not UTF-8 text (byte 3); save it as UTF-8", "photo.md looks binary (it has NUL bytes)"]


def test_a_python_without_the_packages_gets_one_line_saying_to_run_the_set_up(tmp_path):
    # As `python -m qa` outside the venv: a third-party import fails (here numpy, blocked).
    code = ("import sys, runpy; sys.modules['numpy'] = None; "
            f"sys.argv = ['qa', 'build', '--seeds-dir', {str(tmp_path)!r}, '--index-dir', {str(tmp_path / 'i')!r}]; "
            "runpy.run_module('qa', run_name='__main__', alter_sys=True)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: the package 'numpy' is missing from {sys.executable} - run the set-up (make setup) "
        "and use .venv/bin/python -m qa ..."]
