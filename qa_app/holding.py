"""The port, held from the first second: a tiny page says "loading…" until the chat takes over.

``python app.py`` spends seconds importing gradio and the model. Binding the port first means
a busy port is reported at once (one line, no traceback) and a browser opened right away
gets a page, which reloads itself into the chat once gradio serves. Standard library only,
so it is up before anything heavy is imported.
"""
from __future__ import annotations

import errno
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MARKER = "qa-holding-page"
PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>speech-qa</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;
margin:3rem auto;max-width:36rem;padding:0 1rem}}</style></head>
<body id="{MARKER}"><h1>Ask the speech</h1>
<p role="status">The chat is starting: loading the model… This page opens the chat by itself.</p>
<script>
// Poll until the chat (not this page) answers, then show it. A failed fetch is the moment
// of hand-over from this server to the chat's: just try again.
setInterval(async () => {{
  try {{
    const r = await fetch(location.pathname, {{cache: "no-store"}});
    if (r.ok && !(await r.text()).includes("{MARKER}")) location.reload();
  }} catch (e) {{}}
}}, 500);
</script></body></html>
""".encode()


class PortBusy(Exception):
    """The port is taken; ``str()`` is the one line to show."""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
        if self.path.split("?")[0] not in ("/", ""):
            self.send_error(503, "The chat is starting")
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    do_HEAD = do_GET

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
    """Serves the "loading…" page on ``host:port`` until ``release()``."""

    def __init__(self, host: str, port: int) -> None:
        try:
            self._server = _server_class(host)((host, port), _Handler)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                other = free_port_after(port, host)
                raise PortBusy(f"port {port} is in use: run `make chat PORT={other}` "
                               f"(or: .venv/bin/python app.py --port {other})") from None
            raise PortBusy(f"cannot listen on {host}:{port} ({err.strerror}) - choose another "
                           "--host or --port") from None
        self._thread = threading.Thread(target=self._server.serve_forever, name="qa-holding", daemon=True)
        self._thread.start()

    def release(self) -> None:
        """Stop serving and free the port for the chat."""
        self._server.shutdown()
        self._server.server_close()
