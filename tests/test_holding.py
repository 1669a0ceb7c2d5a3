"""The holding page ``app.py`` serves before gradio is up: it answers with the chat's own
reply, escaped, refuses what it should, and lets no script but its own run.

Fast: the fake encoder, the page served in-process on a free port, plain HTTP. The hand-over
to the chat in a browser is in ``test_browser.py``; the real app's start in ``test_startup.py``.
"""
from __future__ import annotations

import base64
import hashlib
import re

import httpx
import pytest

import qa
from conftest import Tags, visible
from qa_app.backend import Backend
from qa_app.holding import MARKER, MAX_BODY_BYTES, Holding
from qa_app.render import reply_html

HOSTILE = "<img src=x onerror=alert(1)> and <script>alert(1)</script> [x](javascript:alert(1))"


def _reply_part(page: str) -> str:
    """The part of the page that shows the question and its reply."""
    return re.search(r'<div id="qa-holding-reply">(.*)</div>\n<script>', page, re.S).group(1)


@pytest.fixture
def hostile_built(seeds, tmp_path, fake_encoder):
    (seeds / "markup-notes.txt").write_text(f"These markup notes must show as plain text: {HOSTILE}\n",
                                            encoding="utf-8")
    index = tmp_path / "index"
    qa.build(seeds_dir=seeds, index_dir=index)
    return seeds, index


@pytest.fixture
def holding(hostile_built):
    """The holding page as ``app.py`` starts it (same answer function), on a free port."""
    import app

    seeds, index = hostile_built
    backend = Backend(qa.api.make_settings(seeds_dir=seeds, index_dir=index))
    served = Holding("127.0.0.1", 0, answer=app.early_answer(backend))
    backend.start()  # a question asked now waits for it, as on the real page
    with httpx.Client(base_url=f"http://127.0.0.1:{served.port}", timeout=60) as client:
        yield client, backend
    served.release()


def test_the_form_answers_with_the_chats_own_reply(holding):
    client, backend = holding
    question = "What do the markup notes say about plain text?"
    response = client.post("/", data={"q": question})
    assert response.status_code == 200 and MARKER in response.text
    shown = _reply_part(response.text)
    expected = reply_html(backend.ask(question), backend.infos())
    assert shown.endswith(expected) and "markup-notes.txt" in expected  # the cited document, by name
    assert visible(shown).startswith(question)


def test_questions_and_documents_arrive_as_text_never_as_markup(holding):
    client, _ = holding
    asked = _reply_part(client.post("/", data={"q": HOSTILE}).text)
    assert visible(asked).startswith(HOSTILE)  # the question, shown exactly as typed
    quoted = _reply_part(client.post("/", data={"q": "markup notes plain text"}).text)
    assert HOSTILE in visible(quoted)  # the document's hostile line, quoted as text
    parser = Tags()
    parser.feed(asked + quoted)
    assert {tag for tag, _ in parser.found} <= {"div", "p", "a", "span", "mark", "blockquote", "button", "br"}
    for tag, attrs in parser.found:
        assert not any(name.startswith("on") for name, _ in attrs), tag
        assert all(value.startswith("#qa-cite:") for name, value in attrs if name == "href"), attrs


def test_only_the_pages_own_script_may_run(holding):
    client, _ = holding
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    [script] = re.findall(r"<script>(.*?)</script>", response.text, re.S)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy and "default-src 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_too_long_empty_and_oversized_questions_are_refused(holding):
    client, _ = holding
    long = visible(_reply_part(client.post("/", data={"q": "Which summit? " * 200}).text))
    assert "the chat reads at most 2,000 - shorten it" in long
    assert _reply_part(client.post("/", data={"q": "   "}).text) == ""
    big = client.post("/", content=b"q=" + b"a" * MAX_BODY_BYTES,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert big.status_code == 413
    assert client.get("/gradio_api/info").status_code == 503
    assert client.post("/elsewhere", data={"q": "x"}).status_code == 503


def test_with_a_login_the_page_only_waits_for_the_chat():
    served = Holding("127.0.0.1", 0)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{served.port}") as client:
            page = client.get("/")
            assert page.status_code == 200 and MARKER in page.text and "<form" not in page.text
            assert client.post("/", data={"q": "Where is the summit?"}).status_code == 403
    finally:
        served.release()
