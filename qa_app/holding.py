"""The port, held from the first second: a small page that answers until the chat takes over.

``python app.py`` spends seconds importing gradio. Binding the port first means a busy port
is reported at once (one line, no traceback) and a browser opened right away gets a page: a
question form, answered by ``answer`` (``app.py`` passes the chat's own reply, see
``turn.py``) as soon as the index and the model are loaded, which is seconds before gradio
serves. Once the chat serves, the page turns into it: at once if nothing was asked or
typed, else through a link, so a reply being read does not vanish. With a login
(``--auth-file``) the form is left out: only the chat checks passwords.

Standard library only, so it is up before anything heavy is imported. Every reply is HTML
that ``answer`` has escaped (``render.py``); the page also forbids any script but its own
(Content-Security-Policy), in case.
"""
from __future__ import annotations

import base64
import errno
import hashlib
import logging
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote

log = logging.getLogger(__name__)

MARKER = "qa-holding-page"
# A form's body holds one question: 2,000 characters (turn.MAX_QUESTION_CHARS) are at most
# ~24 KB percent-encoded. Bigger bodies are refused unread.
MAX_BODY_BYTES = 64 << 10
# Questions answered at once, as the chat's queue does (page.py); more wait their turn.
ANSWERING = 4
# How often the server checks whether to stop: ``release()`` waits up to this long, and the
# chat cannot bind the port before (http.server's default, 0.5 s, cost 0.25 s a start).
POLL_SECONDS = 0.02

SCRIPT = f"""
// Poll until the chat (not this page) answers, then show it: at once if nothing was asked or
// typed here, else by a link. A failed fetch is the moment of hand-over: just try again.
const form = document.getElementById("qa-ask"), box = document.getElementById("q");
let sending = false;
if (form) form.addEventListener("submit", () => {{ sending = true; }});
const busy = () => sending || document.querySelector("#qa-holding-reply .qa-reply") || (box && box.value.trim());
const poll = setInterval(async () => {{
  try {{
    const r = await fetch("/", {{cache: "no-store"}});
    if (!r.ok || (await r.text()).includes("{MARKER}")) return;
  }} catch (e) {{ return; }}
  if (!busy()) {{ location.replace("/" + location.search); return; }}  // ?ask=..., a theme: kept
  clearInterval(poll);
  document.getElementById("qa-holding-status").hidden = true;
  document.getElementById("qa-holding-ready").hidden = false;
}}, 500);
"""
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
CSP = (f"default-src 'none'; script-src 'sha256-{_SCRIPT_HASH}'; style-src 'unsafe-inline'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

_STYLE = (Path(__file__).with_name("page.css").read_text(encoding="utf-8") + """
:root { --border-color-primary: #d4d4d8; --body-text-color-subdued: #52525b; --link-text-color: #1d4ed8; }
@media (prefers-color-scheme: dark) {
  :root { color-scheme: dark; --border-color-primary: #3f3f46; --body-text-color-subdued: #a1a1aa;
          --link-text-color: #93c5fd; } }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
  margin: 2rem auto; max-width: 44rem; padding: 0 1rem; }
#qa-ask { display: flex; gap: .5rem; margin: 1rem 0; }
#q { flex: 1; min-width: 0; font: inherit; padding: .4rem .6rem; }
#qa-ask button { font: inherit; padding: .4rem 1rem; }
.qa-question { font-weight: 600; margin: 1rem 0 .5rem; }
button.qa-copy { display: none; }
""")


def page(reply: str = "", *, answering: bool, asked: str = "") -> bytes:
    """The holding page; ``reply`` is escaped HTML (a question and its reply) shown under the
    form, ``asked`` the question it answers, which the link to the full chat carries there
    (``/?ask=...``: the chat asks it again, so the conversation goes on from it).

    >>> b'href="/?ask=Who%20%26%20%3Cwhy%3E%3F"' in page("<p>reply</p>", answering=True, asked="Who & <why>?")
    True
    """
    if answering:
        status = ("The chat is starting. You can ask already: the first answer waits for the model "
                  "(a few seconds), and the full chat, with the text beside the replies, follows.")
        form = ('<form id="qa-ask" method="post" action="/" accept-charset="utf-8">'
                '<input id="q" name="q" type="text" required autofocus autocomplete="off" '
                'aria-label="Your question" placeholder="Ask about the speech…">'
                '<button type="submit">Ask</button></form>')
    else:
        status, form = "The chat is starting: loading the model… This page opens the chat by itself.", ""
    chat_link = f"/?ask={quote(asked, safe='')}" if asked.strip() else "/"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>speech-qa</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{_STYLE}</style></head>
<body id="{MARKER}"><h1>Ask the speech</h1>
<p role="status" id="qa-holding-status">{status}</p>
<p role="status" id="qa-holding-ready" hidden>The full chat is ready: <a href="{chat_link}">open it</a>
(replies with the text beside them).</p>
{form}
<div id="qa-holding-reply">{reply}</div>
<script>{SCRIPT}</script></body></html>
""".encode()


class PortBusy(Exception):
    """The port is taken; ``str()`` is the one line to show."""


class _Handler(BaseHTTPRequestHandler):
    timeout = 30  # seconds a client may take to send its request

    def _root(self) -> bool:
        if self.path.split("?")[0] in ("/", ""):
            return True
        self.send_error(503, "The chat is starting")
        return False

    def _send(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
        if self._root():
            self._send(page(answering=self.server.answer is not None))

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802
        if not self._root():
            return
        answer = self.server.answer
        if answer is None:
            self.send_error(403, "Sign in to the chat once it has started")
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self.send_error(411, "Send the question from the form")
            return
        if not 0 <= length <= MAX_BODY_BYTES:
            self.send_error(413, "Ask a shorter question")
            return
        try:
            fields = parse_qs(self.rfile.read(length).decode("ascii", "replace"), max_num_fields=4,
                              encoding="utf-8", errors="replace")
        except ValueError:
            self.send_error(400, "Send the question from the form")
            return
        question = (fields.get("q") or [""])[0]
        reply = ""
        if question.strip():
            try:
                with self.server.answering:
                    reply = answer(question)
            except Exception:  # noqa: BLE001 - a page that says so beats a dropped connection
                log.exception("answering %r failed", question)
                self.send_error(500, "Something went wrong; the app's log has details")
                return
        self._send(page(reply, answering=True, asked=question if reply else ""))

    def log_message(self, *args) -> None:  # keep the console to what a user can act on
        pass


def _server_class(host: str) -> type[ThreadingHTTPServer]:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return type("HoldingServer", (ThreadingHTTPServer,), {"address_family": family, "daemon_threads": True})


def free_port_after(port: int, host: str = "127.0.0.1") -> int:
    """The first port above ``port`` that can be bound now (to suggest one)."""
    for candidate in range(port + 1, min(port + 100, 65535)):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
            try:
                s.bind((host, candidate))
                return candidate
            except OSError:
                continue
    return port + 1


class Holding:
    """Serves the holding page on ``host:port`` until ``release()``; with ``answer`` (a
    question -> escaped reply HTML) its form answers questions meanwhile."""

    def __init__(self, host: str, port: int, *, answer: Callable[[str], str] | None = None) -> None:
        try:
            self._server = _server_class(host)((host, port), _Handler)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                other = free_port_after(port, host)
                raise PortBusy(f"port {port} is in use: run `make chat PORT={other}` "
                               f"(or: .venv/bin/python app.py --port {other})") from None
            raise PortBusy(f"cannot listen on {host}:{port} ({err.strerror}) - choose another "
                           "--host or --port") from None
        self._server.answer = answer
        self._server.answering = threading.BoundedSemaphore(ANSWERING)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(POLL_SECONDS,), name="qa-holding",
                                        daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        """The port it listens on (the one asked for, or the one the system chose for 0)."""
        return self._server.server_address[1]

    def release(self) -> None:
        """Stop taking requests and free the port for the chat; a question being answered
        still gets its reply."""
        self._server.shutdown()
        self._server.server_close()
