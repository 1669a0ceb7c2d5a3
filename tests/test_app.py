"""The chat page's HTML and wiring, fast: the fake encoder, no browser.

What a user sees is asserted on the rendered HTML: the citation label, the marker's target,
the highlighted words, the copy-citation text, and that nothing from a user or a document
ever arrives as markup.
"""
from __future__ import annotations

import re

import pytest

import qa
from qa.index.chunking import paragraphs
from qa.index.corpus import read_corpus
from qa.types import Highlight
from qa_app.backend import Backend
from qa.answer.citation import citation_text, doc_info, quoted_words
from qa_app.render import NOT_IN_SPEECH, panel_html, question_html, reply_html, status_html, text

from conftest import SPEECH, Tags, visible

HOSTILE = "<img src=x onerror=alert(1)> and <script>alert(1)</script> ${alert(1)} *stars* [x](javascript:alert(1))"
SPEECH_SOURCE = SPEECH.name
FORUM = "speech at the International Forum “Chinese Modernization and the China–Central Asia Community with a Shared Future”"
SAFE_TAGS = {"div", "p", "a", "span", "mark", "blockquote", "button", "br", "section", "select", "option",
             "label", "h1"}


def _no_markup_from(markup: str) -> None:
    """Only the page's own tags, no event handlers, no script links."""
    parser = Tags()
    parser.feed(markup)
    for tag, attrs in parser.found:
        assert tag in SAFE_TAGS, tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert not (value or "").lower().startswith("javascript:"), (tag, value)


def _passage(doc: str, needle: str, *, source: str = SPEECH_SOURCE) -> qa.Passage:
    """The paragraph of ``doc`` containing ``needle``, as a passage with exact offsets."""
    for number, (s, e) in enumerate(paragraphs(doc), start=1):
        if needle in doc[s:e]:
            return qa.Passage(source=source, text=doc[s:e], start=s, end=e, paragraph=number,
                              last_paragraph=number, sentences=((s, e),), score=0.9)
    raise AssertionError(f"{needle!r} not in the document")


@pytest.fixture
def speech_text() -> str:
    return SPEECH.read_text(encoding="utf-8")


@pytest.fixture
def hostile_seeds(seeds):
    (seeds / "markup-notes.txt").write_text(
        f"These markup notes must show as plain text: {HOSTILE}\nAuthor: Eve <b>Mallory</b>, tester\n",
        encoding="utf-8")
    return seeds


# -- escaping -------------------------------------------------------------------------------

def test_text_is_inert_in_html_and_markdown():
    out = text(HOSTILE + "\nsecond line")
    _no_markup_from(out)
    assert "*" not in out and "[" not in out and "$" not in out and "\n" not in out
    assert visible(out) == HOSTILE + "\nsecond line"


def test_question_bubble_shows_exactly_what_was_typed():
    out = question_html(HOSTILE)
    _no_markup_from(out)
    assert visible(out) == HOSTILE


# -- citations ------------------------------------------------------------------------------

def test_speaker_and_forum_come_from_the_documents_own_lines(speech_text):
    info = doc_info(SPEECH_SOURCE, speech_text)
    assert info.speaker == "Ruslan Izimov"
    assert info.occasion == FORUM


def test_copy_citation_names_speaker_forum_paragraph_and_quotes_the_words(speech_text):
    passage = _passage(speech_text, "held in May 2023 in Xi’an")
    sentence = "The first China - Central Asia Summit, held in May 2023 in Xi’an, marked a significant " \
               "symbolic and political milestone."
    start = speech_text.index(sentence)
    got = citation_text(passage, doc_info(SPEECH_SOURCE, speech_text), ((start, start + len(sentence)),))
    assert got == f"Ruslan Izimov, {FORUM}, {SPEECH_SOURCE} ¶11: “{sentence}”"


def test_citation_without_author_lines_is_file_and_paragraph():
    doc = "First paragraph here.\nSecond one, with “quotes” inside"
    passage = _passage(doc, "Second", source="notes.txt")
    assert citation_text(passage, doc_info("notes.txt", doc)) == \
        "notes.txt ¶2: “Second one, with ‘quotes’ inside”."


def test_quoted_words_mark_a_gap_between_spans():
    doc = "One is first. Two is next. Three is last."
    passage = _passage(doc, "One", source="a.txt")
    assert quoted_words(passage, ((0, 13), (27, 41))) == "One is first. … Three is last."
    assert quoted_words(passage, ((0, 13), (14, 26))) == "One is first. Two is next."


# -- replies ------------------------------------------------------------------------------

def test_answered_reply_has_marker_label_highlight_and_copy_text(built):
    seeds, index = built
    answer = qa.ask("Where was the first summit between China and Central Asia held?",
                    seeds_dir=seeds, index_dir=index)
    assert not answer.abstained
    infos = {d.source: doc_info(d.source, d.text) for d in read_corpus(seeds).documents}
    out = reply_html(answer, infos)
    first = answer.passages[0]
    href = f'href="#qa-cite:{first.source}:{first.start}:{first.end}"'
    assert f'<a class="qa-cite" {href}' in out                       # the [1] marker
    assert f">[1] {first.source} ¶{first.paragraph}</a>" in out     # the citation label
    supporting = [first.text[h.start - first.start:h.end - first.start] for h in answer.highlights[0]]
    marked = [visible(m) for m in re.findall(r'<mark class="qa-support">(.*?)</mark>', out)]
    assert marked[:len(supporting)] == supporting
    copy = visible(re.search(r'<span class="qa-copy-text">(.*?)</span>', out).group(1))
    assert copy.startswith(f"Ruslan Izimov, {FORUM}, {first.citation}: “")
    assert "\n" not in out  # one HTML block: Markdown never reads the text inside it


def test_silent_reply_says_so_and_shows_closest_passages_apart(speech_text):
    near = _passage(speech_text, "Belt and Road Initiative was first announced")
    answer = qa.Answer(question="What is the population of Brazil?", text="", passages=(near,), abstained=True)
    out = reply_html(answer, {})
    assert NOT_IN_SPEECH in visible(out)
    assert "Closest passages — not an answer" in visible(out)
    assert 'class="qa-near"' in out and "qa-source" not in out and "Copy citation" not in out
    assert "qa-support" not in out  # nothing is highlighted as support


def test_notes_and_documents_with_markup_are_escaped(hostile_seeds):
    docs = read_corpus(hostile_seeds).documents
    notes = next(d for d in docs if d.source == "markup-notes.txt")
    passage = _passage(notes.text, "must show as plain text", source=notes.source)
    answer = qa.Answer(question=HOSTILE, text="", passages=(passage,), abstained=False, notes=(HOSTILE,),
                       highlights=((Highlight(start=passage.start + 6, end=passage.end),),))
    infos = {d.source: doc_info(d.source, d.text) for d in docs}
    reply, panel = reply_html(answer, infos), panel_html(docs, answer)
    for out in (reply, panel):
        _no_markup_from(out)
        assert HOSTILE in visible(out)
    assert "<b>" not in reply and "Eve &#60;b&#62;Mallory&#60;/b&#62;" in reply


# -- the text panel -----------------------------------------------------------------------

def test_panel_numbers_every_paragraph_and_marks_the_cited_passage(speech_text, seeds):
    docs = read_corpus(seeds).documents
    passage = _passage(speech_text, "held in May 2023 in Xi’an")
    sentence_end = speech_text.index("milestone.", passage.start) + len("milestone.")
    answer = qa.Answer(question="q", text="", passages=(passage,), abstained=False,
                       highlights=((Highlight(start=passage.start, end=sentence_end),),))
    out = panel_html(docs, answer)
    spans = paragraphs(speech_text, docs[0].body_span)  # the Auther:/Source: lines are not paragraphs
    assert len(spans) == len(paragraphs(speech_text)) - 2 and out.count('<p class="qa-meta"') == 2
    numbers = re.findall(r'<span class="qa-pnum">¶(\d+)</span>', out)
    assert numbers == [str(n) for n in range(1, len(spans) + 1)]
    hits = re.findall(rf'<mark class="([^"]+)" data-n="1" data-start="{passage.start}"[^>]*>(.*?)</mark>', out)
    assert "".join(visible(t) for _, t in hits) == passage.text
    assert visible(hits[0][1]) == speech_text[passage.start:sentence_end] and "qa-strong" in hits[0][0]
    shown = [visible(p) for p in re.findall(r'<p class="qa-para"[^>]*>(.*?)</p>', out)]
    assert [s.split(" ", 1)[1] for s in shown] == [speech_text[s:e] for s, e in spans]


def test_panel_shows_the_cited_document_and_outlines_closest_passages(hostile_seeds, speech_text):
    docs = read_corpus(hostile_seeds).documents
    near = _passage(speech_text, "Belt and Road Initiative was first announced")
    out = panel_html(docs, qa.Answer(question="q", text="", passages=(near,), abstained=True))
    shown = re.findall(r'<section class="qa-doc" data-doc="\d+" data-source="([^"]+)">', out)
    assert shown == [SPEECH_SOURCE]  # the other document is in the list but hidden
    assert "qa-near-hit" in out and "qa-hit" not in out
    assert 'markup-notes.txt</option>' in out


def test_status_line_escapes_its_message():
    out = status_html(state="stale", message="changed: <b>x</b>.txt")
    assert "<b>" not in out and "qa-status-stale" in out


# -- the backend and the app --------------------------------------------------------------

def test_backend_prepares_answers_and_rebuilds(seeds, tmp_path, fake_encoder):
    backend = Backend(qa.api.make_settings(seeds_dir=seeds, index_dir=tmp_path / "index"))
    backend.start().join(timeout=60)
    assert backend.status().state == "fresh"
    assert backend.ask("When was the announcement of the Belt and Road Initiative made?").passages
    (seeds / "extra.txt").write_text("An added note about water cooperation.", encoding="utf-8")
    assert backend.status().state == "stale"
    backend.rebuild().join(timeout=60)
    now = backend.status()
    assert now.state == "fresh" and now.detail.startswith("Rebuilt: ")
    assert [d.source for d in backend.documents()] == [SPEECH_SOURCE, "extra.txt"]


def test_chat_turns_pass_earlier_questions_and_escape_the_bubble(built, monkeypatch):
    from qa_app import page

    seeds, index = built
    backend = Backend(qa.api.make_settings(seeds_dir=seeds, index_dir=index))
    backend.start().join(timeout=60)
    seen = []
    original = backend.ask
    monkeypatch.setattr(backend, "ask", lambda q, history=(), documents=(): seen.append(list(history))
                        or original(q, history, documents))
    respond = page.make_respond(backend)
    chat, asked, panel, box = respond("When was the announcement of the Belt and Road Initiative made?", [], [])
    chat, asked, panel, box = respond(HOSTILE, chat, asked)
    assert seen == [[], ["When was the announcement of the Belt and Road Initiative made?"]]
    assert asked[-1] == HOSTILE and box == ""
    assert [m["role"] for m in chat] == ["user", "assistant", "user", "assistant"]
    _no_markup_from(chat[2]["content"])
    assert visible(chat[2]["content"]) == HOSTILE
    assert 'class="qa-panel"' in panel


def test_defaults_bind_localhost_without_share_or_password():
    import app

    args = app.parse_args([])
    assert (args.host, args.share, args.auth_file) == ("127.0.0.1", False, None)
    assert app.exposure_warnings("127.0.0.1", share=False, auth=False) == []


def test_exposing_the_app_warns_and_points_at_the_password_flag():
    import app

    (warning,) = app.exposure_warnings("0.0.0.0", share=False, auth=False)
    assert "reachable from other machines" in warning and "--auth-file" in warning
    assert "--auth-file" not in app.exposure_warnings("0.0.0.0", share=False, auth=True)[0]
    assert any("gradio.live" in w for w in app.exposure_warnings("127.0.0.1", share=True, auth=False))


def test_auth_file_is_read_and_bad_lines_are_named(tmp_path):
    import app

    good = tmp_path / "auth"
    good.write_text("# readers\nann:correct horse\n\nbob:pa:ss\n", encoding="utf-8")
    assert app.load_auth(good) == [("ann", "correct horse"), ("bob", "pa:ss")]
    bad = tmp_path / "bad"
    bad.write_text("ann\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="line 1 is not user:password"):
        app.load_auth(bad)
    with pytest.raises(SystemExit, match="cannot read --auth-file"):
        app.load_auth(tmp_path / "missing")


def test_ask_endpoint_returns_the_reply_markdown(built):
    """``Client(url).predict(question, api_name="/ask")`` is the scripts' contract."""
    import socket

    from gradio_client import Client

    from qa_app import page

    seeds, index = built
    backend = Backend(qa.api.make_settings(seeds_dir=seeds, index_dir=index))
    backend.start().join(timeout=60)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo = page.make_app(backend)
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        question = "When was the announcement of the Belt and Road Initiative made?"
        reply = client.predict(question, api_name="/ask")
        # An error is raised in the client with the library's message, never passed off as a reply.
        with pytest.raises(Exception, match="The question is empty - type a question about the speech"):
            client.predict("   ", api_name="/ask")
    finally:
        demo.close()
    assert reply == qa.ask(question, seeds_dir=seeds, index_dir=index).text
    assert "[1]" in reply


def test_russian_reply_is_framed_in_russian():
    from qa.types import Answer, Passage

    from qa_app.render import reply_html

    p = Passage(source="s.txt", text="Kazakhstan is large.", start=0, end=20, paragraph=1,
                last_paragraph=1, sentences=((0, 20),), score=0.5)
    silent = reply_html(Answer(question="q", text="", passages=(p,), abstained=True, language="ru"), {})
    assert "В выступлении об этом не говорится." in silent and "The speech does not" not in silent
    said = reply_html(Answer(question="q", text="", passages=(p,), abstained=False, language="ru"), {})
    assert "В выступлении говорится" in said and "Kazakhstan is large." in said


# -- what the running app lets through (issue 14) ------------------------------------------

# Every handler the page's config lists, by name and API visibility. Any of them can be
# reached through the queue by its number (that is how the page calls them); only "public"
# ones by name. A new handler must be added here on purpose: this list is the announcement.
ANNOUNCED = [
    ("respond", "private"),                    # the chat turn (Enter / Ask)
    ("lambda", "private"), ("lambda_1", "private"), ("lambda_2", "private"),
    ("lambda_3", "private"),                   # the four example buttons
    ("reset", "private"), ("reset_1", "private"),  # "Clear chat" and the chat's bin icon
    ("start_rebuild", "private"),              # the "Rebuild index" button
    ("picked", "private"),                     # the document picker: header and text follow it
    ("loaded", "private"),                     # header, status, panel and picker filled on page load
    ("lambda_4", "private"),                   # the status line's timer
    ("ask", "public"),                         # the API for scripts
]


@pytest.fixture
def served_app(built):
    """The app as ``app.py`` launches it (its launch options), on a free loopback port."""
    import socket

    from qa_app import page
    from qa_app.guard import launch_options

    seeds, index = built
    backend = Backend(qa.api.make_settings(seeds_dir=seeds, index_dir=index))
    backend.start().join(timeout=60)
    demo = page.make_app(backend)

    def launch(auth=None) -> str:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
                    **launch_options(demo, auth=auth))
        return f"http://127.0.0.1:{port}"

    yield launch
    demo.close()


def test_only_ask_is_public_and_every_handler_is_announced(served_app):
    import httpx
    from gradio_client import Client

    base = served_app()
    api = Client(base + "/", verbose=False).view_api(return_format="dict", print_info=False)
    assert list(api["named_endpoints"]) == ["/ask"] and api["unnamed_endpoints"] == {}
    config = httpx.get(base + "/config").json()
    assert [(d["api_name"], d["api_visibility"]) for d in config["dependencies"]] == ANNOUNCED
    for name, visibility in ANNOUNCED:
        called = httpx.post(f"{base}/gradio_api/call/{name}", json={"data": []})
        if visibility == "private":  # gradio itself would run it: "private" only hides it from its client
            assert called.status_code == 404 and "not an API of this app" in called.json()["detail"]
            assert httpx.get(f"{base}/gradio_api/call/{name}/some-event").status_code == 404
    assert httpx.post(f"{base}/gradio_api/run/start_rebuild", json={"data": []}).status_code == 404


def test_uploads_oversized_requests_and_extra_values_are_refused(served_app, built):
    import httpx
    from gradio_client import Client

    seeds, index = built
    base = served_app()
    upload = httpx.post(f"{base}/gradio_api/upload", files={"files": ("notes.txt", b"some text")})
    assert upload.status_code == 413
    big = httpx.post(f"{base}/gradio_api/call/ask", json={"data": ["summit " * 200_000]})
    assert big.status_code == 413 and "ask a shorter question" in big.json()["detail"]
    two = httpx.post(f"{base}/gradio_api/call/ask", json={"data": ["Where is the summit?", "extra"]})
    assert two.status_code == 400 and two.json()["detail"] == "/ask takes 1 value, not 2"
    client = Client(base + "/", verbose=False)
    with pytest.raises(Exception, match="400"):
        client.predict("Where is the summit?", "extra", api_name="/ask")
    with pytest.raises(Exception, match="the chat reads at most 2,000 - shorten it"):
        client.predict("Which summit? " * 200, api_name="/ask")
    question = "Where will the second summit be held?"
    assert client.predict(question, api_name="/ask") == qa.ask(question, seeds_dir=seeds, index_dir=index).text


def test_a_too_long_chat_question_is_answered_with_an_error_and_not_kept(built):
    from qa_app import page

    seeds, index = built
    backend = Backend(qa.api.make_settings(seeds_dir=seeds, index_dir=index))
    respond = page.make_respond(backend)
    chat, asked, _panel, box = respond("Which summit? " * 200, [], ["an earlier question"])
    assert asked == ["an earlier question"] and box == ""
    assert "the chat reads at most 2,000" in visible(chat[1]["content"])
    assert len(visible(chat[0]["content"])) <= 301


def test_repeated_failed_logins_are_refused_per_address_and_a_right_one_is_not_slowed(served_app):
    import httpx

    base = served_app(auth=[("ann", "correct horse")])

    def login(password: str, address: str = "127.0.0.1") -> httpx.Response:
        with httpx.Client(transport=httpx.HTTPTransport(local_address=address)) as c:
            return c.post(f"{base}/login", data={"username": "ann", "password": password})

    assert login("correct horse").status_code == 200
    assert [login(f"guess {n}").status_code for n in range(6)] == [400] * 6  # 5 free, the 6th starts a wait
    refused = login("guess 7")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "2"
    assert refused.json()["detail"] == "Too many failed logins - try again in 2 s"
    assert login("correct horse", "127.0.0.2").status_code == 200  # other addresses are not held up
    assert [login("wrong", "127.0.0.3").status_code for _ in range(3)] == [400] * 3
    assert login("correct horse", "127.0.0.3").status_code == 200  # a success clears the count
    assert [login("wrong", "127.0.0.3").status_code for _ in range(5)] == [400] * 5


def test_login_waits_double_after_the_free_tries_and_a_success_clears_them():
    from qa_app.guard import LoginThrottle

    now = [0.0]
    throttle = LoginThrottle(free=2, max_wait=8, clock=lambda: now[0])
    waits = []
    for _ in range(7):
        wait = throttle.begin("a")
        waits.append(wait)
        now[0] += wait  # a patient guesser waits exactly as long as told, then guesses again
        if wait:
            assert throttle.begin("a") == 0  # the wait is over: this guess goes through
    assert waits == [0, 0, 0, 2, 4, 8, 8]
    assert throttle.begin("a") == 8 and throttle.begin("a") == 8  # refused, whatever it sends
    assert throttle.begin("b") == 0
    throttle.succeeded("a")
    assert throttle.begin("a") == 0


@pytest.mark.model
def test_soak_memory_levels_off_under_large_requests(tmp_path):
    """``benchmarks/soak.py``, briefly: the real app, 3 rounds of 30 questions of 900,000
    characters (half to /ask, half as chat turns). Before the request limits, memory rose
    776 -> 876 -> 915 -> 924 MB (and each chat turn took longer, re-reading every earlier
    question); the script exits 1 when the later rounds grow by more than 4 MB each."""
    import os
    import subprocess
    import sys

    from conftest import REPO

    run = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "soak.py"), "--rounds", "3", "--requests", "30",
         "--size", "900000", "--floor", "4", "--time-limit", "240"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    rounds = [line for line in run.stdout.splitlines() if line.startswith("round ")]
    assert len(rounds) == 3 and run.stdout.rstrip().endswith("plateau")
