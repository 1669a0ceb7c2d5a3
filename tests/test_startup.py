"""Starting the chat: ``make chat PORT=…``, a busy port, and a page from the first second."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import REPO, SPEECH

SPEECH_NAME = SPEECH.name
# A question the speech answers in its second paragraph ("... in 2013 ...").
QUESTION = "When was the announcement of the Belt and Road Initiative made?"


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
def test_the_first_page_answers_before_gradio_then_the_chat_takes_over(tmp_path, seeds):
    import httpx

    from qa_app.holding import MARKER

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = _app("--port", str(port), tmp_path=tmp_path)  # no index yet: it is built first
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            deadline, first = time.monotonic() + 60, None
            while first is None and time.monotonic() < deadline:
                try:
                    first = client.get("/").text
                except httpx.HTTPError:
                    time.sleep(0.05)
            # The first page anyone gets is the holding one, with its form: the port was bound
            # before gradio was imported, seconds before the chat can serve.
            assert first is not None and MARKER in first and 'name="q"' in first
            # Asked now, the question waits for the index and the model, and is answered on
            # that page (even if the chat has taken the port meanwhile: the reply was owed).
            reply = client.post("/", data={"q": QUESTION}).text
            assert MARKER in reply and "2013" in reply and f"{SPEECH_NAME} ¶" in reply
            while time.monotonic() < deadline + 60:
                try:
                    now = client.get("/")
                    if now.status_code == 200 and MARKER not in now.text:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            else:
                pytest.fail("the chat never replaced the holding page")
            called = client.post("/gradio_api/call/ask", json={"data": [QUESTION]})
            assert called.status_code == 200 and "event_id" in called.json()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
