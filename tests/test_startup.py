"""Starting the chat: ``make chat PORT=…``, a busy port, and a page from the first second."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import REPO


def _app(*args: str, tmp_path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(REPO / "app.py"), *args, "--seeds-dir", str(tmp_path / "seeds"),
                             "--index-dir", str(tmp_path / "index")],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_busy_port_is_one_line_with_the_command_to_run_and_exit_1(tmp_path, seeds):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _app("--port", str(port), tmp_path=tmp_path)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and out == ""
    [line] = err.splitlines()
    assert line.startswith(f"error: port {port} is in use: run `make chat PORT=")
    suggested = int(line.split("PORT=")[1].split("`")[0])
    assert suggested > port


def test_make_chat_passes_its_port_to_the_app():
    result = subprocess.run(["make", "-n", "chat", "PORT=7861"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0
    assert "app.py --port 7861" in result.stdout


@pytest.mark.model
def test_a_page_answers_before_gradio_and_the_model_have_loaded(tmp_path, seeds):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = _app("--port", str(port), tmp_path=tmp_path)
    try:
        deadline, first = time.monotonic() + 60, None
        while first is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    first = response.read().decode()
            except OSError:
                time.sleep(0.05)
        # The first page anyone gets is the "loading" one: the port was bound before the
        # seconds of importing gradio and the model.
        assert first is not None and "loading the model…" in first
    finally:
        proc.terminate()
        proc.wait(timeout=30)
