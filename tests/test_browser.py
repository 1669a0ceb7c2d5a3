"""The chat page in a real browser: Debian's Chromium driven by Playwright, the real model.

One app runs for the module, in a subprocess on a free localhost port, with its seeds and
index under the module's temporary folder. Every page listens for dialogs: a hostile question
or document that ran script would open one, and none may.

Screenshots go under the test's tmp_path and are copied to ``test-output/screenshots/`` at
the repository root: the README names that folder and git ignores it; it is the one place
these tests write inside the checkout.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from urllib.parse import parse_qs, urlsplit
from pathlib import Path

import pytest

from conftest import REPO, SPEECH

pytestmark = [pytest.mark.browser, pytest.mark.model]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = REPO / "test-output" / "screenshots"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "<script>alert(1)</script>"
WAIT_MS = 120_000  # the first answer waits for the model to load


def _need(what: str) -> None:
    """Under CI a missing browser fails the run; elsewhere the browser tests are skipped."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} (CI=true: the browser tests must run)")
    pytest.skip(what)


@pytest.fixture(scope="module")
def sync_api():
    if not CHROMIUM.exists():
        _need(f"{CHROMIUM} is missing - install it with: sudo apt-get install chromium (or make test)")
    try:
        from playwright import sync_api
    except ImportError:
        _need("the playwright package is missing - install it with: pip install -e '.[test]'")
    return sync_api


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"app.py exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"app.py did not serve {url} within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


class Url(str):
    """The app's address, the seeds folder it serves and its log."""

    def __new__(cls, url: str, seeds: Path, log: Path) -> "Url":
        made = super().__new__(cls, url)
        made.seeds, made.log = seeds, log
        return made


@pytest.fixture(scope="module")
def server(tmp_path_factory, sync_api):
    root = tmp_path_factory.mktemp("browser")
    seeds = root / "seeds"
    seeds.mkdir()
    shutil.copyfile(SPEECH, seeds / SPEECH.name)
    (seeds / "markup-notes.txt").write_text(
        f"These markup notes hold hostile text that must show as plain text: {HOSTILE_IMG} "
        f"and {HOSTILE_SCRIPT} and [a link](javascript:alert(1)).\n", encoding="utf-8")
    (seeds / "legacy-notes.txt").write_bytes("Notes saved as Latin-1: caf\u00e9.\n".encode("latin-1"))
    url = f"http://127.0.0.1:{_free_port()}/"
    log = root / "app.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, str(REPO / "app.py"), "--port", url.rsplit(":", 1)[1].strip("/"),
             "--seeds-dir", str(seeds), "--index-dir", str(root / "index")],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(url, proc, log)
        yield Url(url, seeds, log)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(sync_api):
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Page:
    """A browser tab on the app that records any dialog (none may open)."""

    def __init__(self, browser, url: str, *, width: int = 1280, height: int = 800, query: str = "",
                 init_script: str = "") -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
        self.tab = self.context.new_page()
        self.dialogs: list[str] = []
        self.tab.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        if init_script:
            self.tab.add_init_script(init_script)
        self.tab.goto(url + query)
        self.tab.wait_for_selector(".qa-panel .qa-para", timeout=WAIT_MS)

    def ask(self, question: str):
        """Type ``question``, press Enter, and return the new reply once it is shown."""
        replies = self.tab.locator("#qa-chat .qa-reply")
        before = replies.count()
        box = self.tab.locator("#qa-question textarea")
        box.fill(question)
        box.press("Enter")
        self.tab.wait_for_function(
            "n => document.querySelectorAll('#qa-chat .qa-reply').length > n", arg=before, timeout=WAIT_MS)
        return replies.nth(before)

    def screenshot(self, tmp_path: Path, name: str, *, full_page: bool = True) -> Path:
        path = tmp_path / name
        self.tab.screenshot(path=str(path), full_page=full_page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, SCREENSHOTS / name)
        return path

    def close(self) -> None:
        self.tab.wait_for_timeout(300)  # let any handler that might fire, fire
        assert self.dialogs == [], f"a dialog opened: {self.dialogs}"
        self.context.close()


@pytest.fixture
def page(browser, server):
    tab = Page(browser, server)
    yield tab
    tab.close()


# The top of ``reply`` (and so the start of the answer) inside the chat's scrolling box.
REPLY_START_SHOWN = """r => { let box = r.parentElement;
    while (box && !(['auto', 'scroll'].includes(getComputedStyle(box).overflowY) && box.scrollHeight > box.clientHeight))
        box = box.parentElement;
    const a = r.getBoundingClientRect(), b = box.getBoundingClientRect();
    return a.top >= b.top - 1 && a.top < b.bottom - 40; }"""


def test_answer_cites_one_passage_shown_from_its_start_and_marker_shows_it(page, tmp_path):
    page.ask("What should the upcoming summit focus on?")  # a long reply: the chat must scroll
    reply = page.ask("Where did the first summit take place?")
    assert "Xi’an" in reply.locator(".qa-answer").inner_text()
    # A fact question cites the one passage that answers it, and the chat shows the reply's
    # start (the answer), not its end.
    assert reply.locator(".qa-source").count() == 1
    page.tab.wait_for_timeout(500)  # any late scrolling by the page would have happened by now
    assert reply.evaluate(REPLY_START_SHOWN)
    assert "central-asia-modernization-speech.txt ¶11" in reply.locator(".qa-label").first.inner_text()
    assert "Xi’an" in reply.locator("mark.qa-support").first.inner_text()
    # The panel highlights the cited passage; the marker brings it into view and outlines it.
    panel_hits = page.tab.locator("#qa-panel mark.qa-hit")
    assert "Xi’an" in " ".join(panel_hits.all_inner_texts())
    reply.locator(".qa-answer a.qa-cite").first.click()
    focused = page.tab.locator("#qa-panel .qa-focus").first
    focused.wait_for(state="visible")
    assert "Xi’an" in focused.inner_text()
    assert focused.evaluate("""e => { const body = e.closest('.qa-panel-body').getBoundingClientRect();
                                     const r = e.getBoundingClientRect();
                                     return r.top >= body.top && r.bottom <= body.bottom; }""")
    # The README's picture (docs/screenshot.png is a copy): the answer's start, one citation.
    page.screenshot(tmp_path, "desktop-1280x800.png", full_page=False)


def test_copy_citation_gives_speaker_forum_paragraph_and_words(page):
    reply = page.ask("Where was the first summit between China and Central Asia held?")
    reply.locator("button.qa-copy").first.click()
    page.tab.wait_for_function("() => document.querySelector('button.qa-copy').textContent === 'Copied'")
    copied = page.tab.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Ruslan Izimov, speech at the International Forum “Chinese Modernization and the "
                             "China–Central Asia Community with a Shared Future”, "
                             "central-asia-modernization-speech.txt ¶11: “")
    assert "Xi’an" in copied


def test_example_question_is_asked_with_one_click(page):
    from qa_app.page import EXAMPLES

    page.tab.get_by_role("button", name=EXAMPLES[0]).click()
    page.tab.wait_for_function("() => document.querySelectorAll('#qa-chat .qa-reply').length === 1",
                               timeout=WAIT_MS)
    assert "2013" in page.tab.locator("#qa-chat .qa-answer").inner_text()


def test_unanswerable_question_says_so_plainly(page):
    reply = page.ask("What is the population of Brazil?")
    assert "None of the 2 documents answers this question." in reply.inner_text()  # the speech and the notes
    assert reply.locator(".qa-source").count() == 0 and reply.locator("button.qa-copy").count() == 0
    if reply.locator(".qa-near").count():
        assert "Closest passages — not an answer" in reply.locator(".qa-closest-head").inner_text()
    assert page.tab.locator("#qa-panel mark.qa-hit").count() == 0


def test_russian_question_gets_cited_english_passages_framed_in_russian(page):
    reply = page.ask("В каком городе прошёл первый саммит Китай – Центральная Азия?")
    assert "qa-answered" in reply.get_attribute("class")
    assert "В выступлении говорится" in reply.locator(".qa-says").inner_text()
    assert "Xi’an" in reply.locator(".qa-answer").inner_text()  # quoted in English, as spoken
    assert "central-asia-modernization-speech.txt ¶11" in reply.locator(".qa-label").first.inner_text()


def test_follow_up_uses_the_conversation_and_clear_resets_it(page):
    page.ask("Where was the first summit between China and Central Asia held?")
    follow_up = page.ask("When was it held?")
    assert "qa-answered" in follow_up.get_attribute("class")
    assert "May 2023" in follow_up.locator(".qa-answer").inner_text()
    page.tab.get_by_role("button", name="Clear chat").click()
    page.tab.wait_for_function("() => document.querySelectorAll('#qa-chat .qa-reply').length === 0")


def test_hostile_questions_and_documents_never_run(page):
    for question in (HOSTILE_IMG, HOSTILE_SCRIPT):
        page.ask(question)
        assert question in page.tab.locator("#qa-chat .qa-question").last.inner_text()
    reply = page.ask("What must the markup notes show as plain text?")
    assert HOSTILE_SCRIPT in reply.inner_text(), "the reply should quote the hostile document, as text"
    # Show the hostile document in the panel, whichever passage the reply cited.
    page.tab.locator(".qa-doc-select").select_option(label="markup-notes.txt")
    notes = page.tab.locator('#qa-panel .qa-doc[data-source="markup-notes.txt"]')
    notes.wait_for(state="visible")
    assert HOSTILE_IMG in notes.inner_text() and HOSTILE_SCRIPT in notes.inner_text()
    assert page.tab.locator("#qa-chat img[src='x'], #qa-panel img, #qa-panel script, #qa-chat script").count() == 0
    assert page.tab.locator("a[href^='javascript']").count() == 0
    assert reply.is_visible()


def test_phone_layout_fits_375_pixels(browser, server, tmp_path):
    phone = Page(browser, server, width=375, height=812)
    try:
        phone.ask("Where was the first summit between China and Central Asia held?")
        # The panel scrolls by itself to the new reply's first highlight (¶11, far down).
        phone.tab.wait_for_function("""() => { const m = document.querySelector('#qa-panel mark.qa-hit');
            const body = m && m.closest('.qa-panel-body');
            return body && body.scrollTop > 0 && m.offsetTop >= body.scrollTop
                   && m.offsetTop < body.scrollTop + body.clientHeight; }""", timeout=10_000)
        assert phone.tab.evaluate("document.documentElement.scrollWidth") <= 375
        chat_box = phone.tab.locator("#qa-chat").bounding_box()
        panel_box = phone.tab.locator("#qa-panel").bounding_box()
        assert panel_box["y"] >= chat_box["y"] + chat_box["height"]  # the text sits below the chat
        # A marker brings its passage to the middle of the screen, not its bottom edge.
        phone.tab.locator("#qa-chat .qa-reply").last.locator(".qa-answer a.qa-cite").first.click()
        phone.tab.wait_for_timeout(600)  # smooth scrolling, if any, has ended
        middle = phone.tab.locator("#qa-panel .qa-focus").first.evaluate(
            "e => { const r = e.getBoundingClientRect(); return (r.top + r.bottom) / 2 / innerHeight; }")
        assert 0.3 <= middle <= 0.7, f"the passage's middle is at {middle:.0%} of the screen's height"
        phone.screenshot(tmp_path, "phone-375x812.png")
    finally:
        phone.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_is_readable_in_both_themes(browser, server, tmp_path, theme):
    tab = Page(browser, server, query=f"?__theme={theme}")
    try:
        tab.ask("When was the announcement of the Belt and Road Initiative made?")
        luminance = """e => { const rgb = getComputedStyle(e).color.match(/\\d+(\\.\\d+)?/g).map(Number);
                               return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255; }"""
        text_light = tab.tab.locator("#qa-panel .qa-para").first.evaluate(luminance)
        reply_light = tab.tab.locator("#qa-chat .qa-answer").last.evaluate(luminance)
        if theme == "dark":
            assert text_light > 0.6 and reply_light > 0.6
        else:
            assert text_light < 0.4 and reply_light < 0.4
        tab.screenshot(tmp_path, f"desktop-{theme}.png")
    finally:
        tab.close()


def test_status_shows_fresh_index_and_rebuild_keeps_the_chat_answering(page):
    status = page.tab.locator("#qa-status")
    status.get_by_text("Index up to date").wait_for(timeout=WAIT_MS)
    page.tab.get_by_role("button", name="Rebuild index").click()
    reply = page.ask("When was the announcement of the Belt and Road Initiative made?")
    assert "2013" in reply.inner_text()
    status.get_by_text("Rebuilt:").wait_for(timeout=WAIT_MS)


def test_ask_endpoint_for_scripts(server):
    from gradio_client import Client

    reply = Client(server, verbose=False).predict("When was the announcement of the Belt and Road Initiative made?",
                                                  api_name="/ask")
    assert "2013" in reply and "[1]" in reply and "¶2" in reply


def _fonts(tab, selector: str) -> list[str]:
    """The fonts Chromium used to draw the text of ``selector`` (one per family)."""
    cdp = tab.context.new_cdp_session(tab)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return [f["familyName"] for f in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]]


def test_title_is_drawn_in_one_font(page):
    for selector in (".qa-header h1", ".qa-header .qa-about"):
        assert len(_fonts(page.tab, selector)) == 1, (selector, _fonts(page.tab, selector))


RECORD_ON_LOAD = """() => {
  window.__seen = {status: [], panel: []};
  new MutationObserver(() => {
    const status = document.querySelector('#qa-status'), panel = document.querySelector('#qa-panel');
    if (status) window.__seen.status.push(status.innerText);
    if (panel) window.__seen.panel.push(panel.textContent);  // hidden documents too
  }).observe(document, {childList: true, subtree: true, characterData: true});
}"""


def test_status_on_load_is_true_and_names_skipped_files(browser, server):
    first = Page(browser, server)
    first.ask("Where did the first summit take place?")  # now the model is loaded
    first.close()
    tab = Page(browser, server, init_script=f"({RECORD_ON_LOAD})()")
    try:
        status = tab.tab.locator("#qa-status")
        status.get_by_text("Index up to date").wait_for(timeout=WAIT_MS)
        assert "Not indexed: legacy-notes.txt is not UTF-8 text" in status.inner_text()
        tab.tab.wait_for_timeout(2500)  # a status timer tick
        seen = tab.tab.evaluate("window.__seen.status")
        assert not [s for s in seen if "Loading the model" in s or "Starting" in s or "processing" in s], seen
    finally:
        tab.close()


def test_rebuild_note_goes_once_the_index_changes_and_old_text_never_flashes(browser, server, tmp_path):
    status_page = Page(browser, server)
    try:
        status_page.tab.get_by_role("button", name="Rebuild index").click()
        status_page.tab.locator("#qa-status").get_by_text("Rebuilt:").wait_for(timeout=WAIT_MS)
    finally:
        status_page.close()
    seeds = Path(server.seeds)
    notes = seeds / "markup-notes.txt"
    notes.write_text(notes.read_text(encoding="utf-8") + "Seven blue herons crossed the page.\n", encoding="utf-8")
    tab = Page(browser, server, init_script=f"({RECORD_ON_LOAD})()")
    try:
        status = tab.tab.locator("#qa-status")
        # The watcher rebuilds the edited seeds; the page's note of the earlier rebuild goes.
        tab.tab.wait_for_function("() => /Index up to date/.test(document.querySelector('#qa-status').innerText)"
                                  " && !/Rebuilt:/.test(document.querySelector('#qa-status').innerText)",
                                  timeout=WAIT_MS)
        assert "Rebuilt:" not in status.inner_text()
        # A fresh visit shows the documents as they are now, from the first paint.
        tab.tab.reload()
        tab.tab.locator('#qa-panel .qa-doc-select').wait_for()
        tab.tab.wait_for_timeout(500)
        seen = [t for t in tab.tab.evaluate("window.__seen.panel") if "markup notes hold hostile" in t]
        assert seen and all("Seven blue herons" in t for t in seen)
    finally:
        tab.close()


def test_the_log_holds_only_what_a_user_can_act_on(server):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="The question is empty"):
        Client(server, verbose=False).predict("", api_name="/ask")
    time.sleep(0.5)
    log = server.log.read_text()
    assert "The chat is on http://127.0.0.1:" in log
    for noise in ("Traceback", "swigfaiss_avx512", "share=True", "run: python -m qa build"):
        assert noise not in log, f"{noise!r} in the app's log:\n{log[-3000:]}"


def test_the_document_picker_scopes_the_chat(page):
    picker = page.tab.locator("#qa-scope")
    picker.wait_for(state="visible")
    # Every document, or one: the list offers both, and picking one limits the chat to it.
    picker.locator("input").click()
    options = page.tab.locator("ul[role='listbox'] li")
    options.first.wait_for(state="visible")
    labels = options.all_inner_texts()
    assert "All 2 documents" in labels[0] and any("markup-notes.txt" in t for t in labels)
    options.filter(has_text="markup-notes.txt").first.click()
    page.tab.wait_for_function(
        "() => !document.querySelector('#qa-panel .qa-doc[data-source=\"markup-notes.txt\"]').hidden")
    reply = page.ask("When was the announcement of the Belt and Road Initiative made?")
    # Limited to the notes, the speech's answer is not quoted: the notes do not answer it.
    assert "markup-notes.txt does not answer this question" in reply.inner_text()
    assert "central-asia-modernization-speech.txt" not in reply.locator(".qa-answer").all_inner_texts().__str__()
    picker.locator("input").click()
    options.filter(has_text="central-asia-modernization-speech.txt").first.click()
    page.tab.wait_for_timeout(300)
    reply = page.ask("When was the announcement of the Belt and Road Initiative made?")
    assert "2013" in reply.locator(".qa-answer").inner_text()
    assert "Ruslan Izimov" in page.tab.locator(".qa-about").inner_text()


def test_wording_questions_mark_every_occurrence_in_the_text(page, tmp_path):
    import re

    body = SPEECH.read_text(encoding="utf-8").split("\nAuther:")[0]
    expected = len(re.findall(r"(?<!\w)Uzbekistan(?:[’']s)?(?!\w)", body, re.I))
    reply = page.ask("How many times does the speaker mention Uzbekistan?")
    assert reply.locator(".qa-wording strong").first.inner_text() == f"{expected}."
    marks = page.tab.locator("#qa-panel mark.qa-strong")
    assert marks.all_inner_texts() == ["Uzbekistan"] * expected
    check = page.ask('Did the speaker say "It is a universal solution"?')
    assert "Not verbatim — close wording exists." in check.locator(".qa-wording").first.inner_text()
    assert "not" in page.tab.locator("#qa-panel mark.qa-strong").all_inner_texts()
    page.screenshot(tmp_path, "wording-close-quote.png", full_page=False)


def test_a_question_carried_from_the_holding_page_starts_the_chat(browser, server):
    """``/?ask=...`` (the holding page's link to the chat) asks that question on load: the
    conversation goes on from it, and what it carries is shown as text, never run."""
    from urllib.parse import quote

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    dialogs: list[str] = []
    try:
        tab = context.new_page()
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        tab.goto(server + "?ask=" + quote(HOSTILE_IMG, safe=""))
        tab.wait_for_selector("#qa-chat .qa-reply", timeout=WAIT_MS)
        assert HOSTILE_IMG in tab.locator("#qa-chat").inner_text()
        assert tab.locator("img[src='x']").count() == 0
        box = tab.locator("#qa-question textarea")
        box.fill("Where did the first summit take place?")
        box.press("Enter")
        tab.wait_for_function("() => document.querySelectorAll('#qa-chat .qa-reply').length == 2", timeout=WAIT_MS)
        tab.wait_for_timeout(300)
        assert dialogs == []
    finally:
        context.close()


def test_the_holding_page_answers_then_hands_over_to_the_chat(browser, tmp_path):
    """Before gradio serves, the page ``app.py`` holds the port with answers questions; once
    the chat serves, a tab showing a reply gets a link to it, an untouched tab turns into it.
    (Its replies and their escaping: tests/test_holding.py; the real app: test_startup.py.)"""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from qa_app.holding import Holding
    from qa_app.render import question_html

    def answer(question: str) -> str:
        return question_html(question) + '<div class="qa-reply qa-answered"><p class="qa-answer">Cited [1]</p></div>'

    class StandIn(BaseHTTPRequestHandler):  # the chat, as far as the holding page can tell
        def do_GET(self):
            body = b'<!doctype html><html><body><p id="stand-in-chat">the chat</p></body></html>'
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    holding, chat = Holding("127.0.0.1", port, answer=answer), None
    context = browser.new_context()
    dialogs: list[str] = []
    context.on("page", lambda tab: tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss())))
    try:
        asking, idle = context.new_page(), context.new_page()
        asking.goto(url)
        asking.locator("#q").fill(HOSTILE_IMG)
        asking.locator("#q").press("Enter")
        asking.wait_for_selector("#qa-holding-reply .qa-reply")
        assert asking.locator("#qa-holding-reply .qa-question").inner_text() == HOSTILE_IMG
        idle.goto(url)
        idle.wait_for_timeout(700)  # at least one poll against the holding page itself
        assert idle.locator("#q").is_visible()
        holding.release()
        chat = ThreadingHTTPServer(("127.0.0.1", port), StandIn)
        threading.Thread(target=chat.serve_forever, daemon=True).start()
        idle.wait_for_selector("#stand-in-chat", timeout=10_000)  # by itself: nothing was asked there
        link = asking.locator("#qa-holding-ready a")
        link.wait_for(state="visible", timeout=10_000)
        assert asking.locator("#qa-holding-reply .qa-reply").is_visible()  # the reply stays until the user moves
        asking.screenshot(path=str(tmp_path / "holding-page-answered.png"), full_page=True)
        link.click()
        asking.wait_for_selector("#stand-in-chat")
        assert parse_qs(urlsplit(asking.url).query) == {"ask": [HOSTILE_IMG]}  # the chat asks it again
        assert dialogs == [] and asking.locator("img[src='x']").count() == 0
    finally:
        if chat is None:
            holding.release()
        else:
            chat.shutdown()
            chat.server_close()
        context.close()
