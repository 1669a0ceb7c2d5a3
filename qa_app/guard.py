"""What the server lets through to gradio: one public API, small requests, slow password guessing.

``launch_options(demo, auth=...)`` gives the keyword arguments for ``demo.launch`` that put
``Guard`` in front of the app. Gradio 6.31 serves every handler by name at
``/gradio_api/call/NAME`` whatever its ``api_visibility`` ("private" only hides it from the
client library and the API page), ignores values beyond a handler's inputs, and accepts
uploads of any size; this app has one API (``/ask``) and no upload feature, so:

- By name, only ``PUBLIC_API`` can be called. The page reaches its own handlers (chat turn,
  rebuild button, status timer...) by their number through the queue, as gradio's page does.
- A call must send exactly as many values as its handler takes (``/ask``: one question).
- A request body over ``MAX_BODY_BYTES`` is refused (413) before gradio reads or queues it,
  gradio keeps the inputs of ``SESSIONS_KEPT`` sessions, not 10,000, and uploads are capped
  at 0 bytes: what the server holds for its callers stays bounded (see ``MAX_BODY_BYTES``).
- With a login (``--auth-file``), repeated failed logins from one address are refused for a
  time that doubles with each failure after ``LoginThrottle.free`` (see there).
"""
from __future__ import annotations

import json
import logging
import math
import re
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

log = logging.getLogger(__name__)

PUBLIC_API = ("ask",)
# Gradio keeps, per session, the last value of every input of every call (for deep links),
# until SESSIONS_KEPT sessions exist; a script's raw call to /ask is a session of its own.
# So what one session may send is what the server may keep: 100 requests of 1 MB held
# ~100 MB (issue 14). A question is at most turn.MAX_QUESTION_CHARS (2,000) characters,
# <= 24 KB even JSON-escaped; the page also sends the chat back, kept to page.CHAT_KEPT_TURNS
# turns of <= ~8 KB. At most SESSIONS_KEPT x (body + the chat it returns) ~ 100 MB is held.
MAX_BODY_BYTES = 256 << 10
SESSIONS_KEPT = 200  # gradio's default is 10,000
_BY_NAME = re.compile(r"/gradio_api/(?:call|run|api)/([^/]+)/?")
_BY_NUMBER = re.compile(r"/gradio_api/queue/join/?")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


class LoginThrottle:
    """Per client address: ``free`` failed logins, then a wait that doubles with each further
    failure (2 s, 4 s, 8 s... up to ``max_wait``): 200 guesses take hours, not 0.3 s. A
    success clears the address's count, and an address with no recent failures is never
    kept waiting.

    An attempt counts as failed until its response says otherwise, so parallel guesses are
    throttled as well as sequential ones.

    >>> t, now = LoginThrottle(free=1, clock=lambda: now), 100.0
    >>> t.begin("a"), t.begin("a"), t.begin("a"), t.begin("b")
    (0.0, 0.0, 2.0, 0.0)
    """

    def __init__(self, *, free: int = 5, max_wait: float = 60.0, clock: Callable[[], float] = time.monotonic,
                 max_clients: int = 10_000) -> None:
        self.free, self.max_wait, self._clock, self._max_clients = free, max_wait, clock, max_clients
        self._tries: dict[str, tuple[int, float]] = {}  # address -> (failures, refused until)
        self._lock = threading.Lock()

    def begin(self, client: str) -> float:
        """Seconds ``client`` must wait before trying again (the attempt is refused), else 0
        (the attempt may go on, and counts as a failure until ``succeeded``)."""
        now = self._clock()
        with self._lock:
            failures, until = self._tries.get(client, (0, 0.0))
            if now < until:
                return float(math.ceil(until - now))
            failures += 1
            if failures > self.free:
                until = now + min(self.max_wait, 2.0 ** (failures - self.free))
            if len(self._tries) >= self._max_clients and client not in self._tries:
                self._forget_oldest()
            self._tries[client] = (failures, until)
            return 0.0

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._tries.pop(client, None)

    def _forget_oldest(self) -> None:
        for client, _ in sorted(self._tries.items(), key=lambda kv: kv[1][1])[: self._max_clients // 2]:
            del self._tries[client]


class Guard:
    """ASGI middleware in front of gradio's app (see the module docstring)."""

    def __init__(self, app, *, inputs: Mapping[int, tuple[str, int]], throttle: LoginThrottle | None = None,
                 max_body: int = MAX_BODY_BYTES) -> None:
        self.app, self.inputs, self.throttle, self.max_body = app, inputs, throttle, max_body
        self.by_name = {name: count for name, count in inputs.values()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            return await self._get(scope, receive, send)
        path = scope["path"]
        named = _BY_NAME.search(path)
        if named and named.group(1) not in PUBLIC_API:
            return await _reply(send, 404, f"/{named.group(1)} is not an API of this app - scripts call /ask")
        body, too_big = await _read_body(scope, receive, self.max_body)
        if too_big:
            return await _reply(send, 413, f"The request is larger than {self.max_body // 1024} KB - "
                                "ask a shorter question")
        if named or _BY_NUMBER.search(path):
            problem = self._arity(body, named.group(1) if named else None)
            if problem:
                return await _reply(send, 400, problem)
        if self.throttle is not None and path.rstrip("/").endswith("/login"):
            return await self._login(scope, _replay(body, receive), send)
        return await self.app(scope, _replay(body, receive), send)

    async def _get(self, scope: Scope, receive: Receive, send: Send) -> None:
        named = _BY_NAME.search(scope.get("path", "")) if scope["type"] == "http" else None
        if named and named.group(1) not in PUBLIC_API:  # the result stream of a call by name
            return await _reply(send, 404, f"/{named.group(1)} is not an API of this app - scripts call /ask")
        return await self.app(scope, receive, send)

    def _arity(self, body: bytes, name: str | None) -> str | None:
        """Why the call's values do not fit its handler, or None (gradio itself drops extras)."""
        try:
            call = json.loads(body)
            data = call.get("data")
            expected = self.by_name.get(name) if name else self.inputs.get(call.get("fn_index"), ("", None))[1]
        except (ValueError, AttributeError, TypeError):
            return None  # gradio answers malformed requests itself
        if expected is None or not isinstance(data, list) or len(data) == expected:
            return None
        what = f"/{name}" if name else "This handler"
        return f"{what} takes {expected} value{'s' * (expected != 1)}, not {len(data)}"

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = (scope.get("client") or ("unknown",))[0]
        wait = self.throttle.begin(client)
        if wait:
            log.warning("login from %s refused for %.0f s after repeated failures", client, wait)
            return await _reply(send, 429, f"Too many failed logins - try again in {wait:.0f} s",
                                headers=[(b"retry-after", str(int(wait)).encode())])

        async def watch(message: dict) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                self.throttle.succeeded(client)
            await send(message)

        await self.app(scope, receive, watch)


async def _read_body(scope: Scope, receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The whole request body, or (b"", True) as soon as it passes ``limit`` bytes."""
    declared = dict(scope.get("headers") or ()).get(b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return b"", True
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > limit:
            return b"", True
        if not message.get("more_body"):
            break
    return b"".join(chunks), False


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the body already read, then passes on (e.g. a disconnect)."""
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _reply(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"detail": detail, "error": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


def handler_inputs(demo) -> dict[int, tuple[str, int]]:
    """Each handler's number -> (its name, how many values it takes), from a built ``gr.Blocks``."""
    return {fn_id: (str(fn.api_name), len(fn.inputs)) for fn_id, fn in demo.fns.items()}


def launch_options(demo, *, auth: list[tuple[str, str]] | None) -> dict[str, Any]:
    """Keyword arguments for ``demo.launch``: no uploads, ``Guard`` in front, the login if any."""
    from starlette.middleware import Middleware

    throttle = LoginThrottle() if auth else None
    return {"auth": auth, "max_file_size": 0, "state_session_capacity": SESSIONS_KEPT,
            "app_kwargs": {"middleware": [Middleware(Guard, inputs=handler_inputs(demo), throttle=throttle)]}}
