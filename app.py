"""The web chat: ``python app.py [--host H] [--port P] [--auth-file F] [--share] [--seeds-dir D] [--index-dir D]``.

A chat on the left whose replies quote the speech with clickable ``[n]`` markers, the text of
the speech on the right with the cited passages highlighted. Built on the same public
functions as the CLI. Scripts call ``/ask``:
``Client(url).predict("question", api_name="/ask")`` returns the reply as markdown.

Binds 127.0.0.1 unless told otherwise. The port is taken first (``qa_app/holding.py``): a
busy port is one line and exit 1, and a small page with a question form is served at once.
The index and the ONNX query encoder load next, and that form answers from then on (the same
reply as the chat, ``qa_app/turn.py``); only then is gradio imported, and the chat page
(``qa_app/page.py``) replaces the small one. In one process the two loads would take turns on
the GIL: loading the model first gives the first answer in about half the time and the chat
about when it would have been ready anyway (docs/speed.md). This file is the launcher
(arguments, login, warnings, that order).
"""
from __future__ import annotations

import argparse
import importlib.util
import ipaddress
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline: no telemetry calls

from qa.api import make_settings  # noqa: E402
from qa_app.backend import Backend  # noqa: E402
from qa_app.holding import Holding, PortBusy, free_port_after  # noqa: E402
from qa_app.turn import take_turn  # noqa: E402

HERE = Path(__file__).resolve().parent / "qa_app"


def load_auth(path: Path) -> list[tuple[str, str]]:
    """``user:password`` pairs, one a line (``#`` comments and blank lines ignored)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise SystemExit(f"error: cannot read --auth-file {path}: {err.strerror} - "
                         "give a file with one user:password line") from None
    pairs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        user, sep, password = line.strip().partition(":")
        if not sep or not user or not password:
            raise SystemExit(f"error: {path} line {number} is not user:password - fix or remove it")
        pairs.append((user, password))
    if not pairs:
        raise SystemExit(f"error: {path} has no user:password line - add one, e.g. reader:a-long-passphrase")
    return pairs


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warnings(host: str, *, share: bool, auth: bool) -> list[str]:
    """What to tell the user when the chat is reachable from other machines."""
    warnings = []
    if not is_loopback(host):
        warnings.append(f"warning: --host {host} makes the chat reachable from other machines on your network"
                        + ("" if auth else "; protect it with --auth-file FILE (one user:password line)"))
    if share:
        warnings.append("warning: --share publishes the chat on a public gradio.live link"
                        + ("" if auth else "; anyone with the link can use it - add --auth-file FILE"))
    return warnings


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Start the speech-qa web chat (http://127.0.0.1:7860 by default).")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1: this machine only; 0.0.0.0 exposes it, with a warning)")
    p.add_argument("--port", type=int, default=7860, help="port (default: 7860)")
    p.add_argument("--auth-file", type=Path, help="require a login: a file with user:password lines")
    p.add_argument("--share", action="store_true", help="also publish a public gradio.live link (off by default)")
    p.add_argument("--seeds-dir", type=Path, help="documents folder (default: seeds/ or $QA_SEEDS_DIR)")
    p.add_argument("--index-dir", type=Path, help="index folder (default: index/ or $QA_INDEX_DIR)")
    return p.parse_args(argv)


def early_answer(backend: Backend):
    """What the holding page answers with: the chat's own turn (question and reply, escaped)."""

    def answer(question: str) -> str:
        turn = take_turn(backend, question)
        return turn.asked + turn.reply

    return answer


def quiet_logs() -> None:
    """Keep the console to what a user can act on."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    for noisy in ("httpx", "faiss.loader"):  # faiss reports a missing AVX512 build at INFO
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for package in ("gradio", "numpy", "faiss", "sentence_transformers"):  # before any thread imports them
        if importlib.util.find_spec(package) is None:
            raise ModuleNotFoundError(f"No module named {package!r}", name=package)
    quiet_logs()
    auth = load_auth(args.auth_file) if args.auth_file else None
    backend = Backend(make_settings(seeds_dir=args.seeds_dir, index_dir=args.index_dir))
    try:  # the port first: a busy one is said at once, and a browser gets a page from now on
        # With a login, only the chat answers: it is the one that checks passwords.
        holding = Holding(args.host, args.port, answer=None if auth else early_answer(backend))
    except PortBusy as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for warning in exposure_warnings(args.host, share=args.share, auth=bool(auth)):
        print(warning, file=sys.stderr)
    backend.start()  # the index and the ONNX query encoder (no torch); a missing index is built
    backend.wait_for_load()  # then gradio (not during a build: that takes minutes)
    from qa_app.guard import launch_options
    from qa_app.page import make_app

    demo = make_app(backend)
    holding.release()
    try:
        _, local_url, share_url = demo.launch(
            server_name=args.host, server_port=args.port, share=args.share, quiet=True,
            prevent_thread_lock=True, css_paths=[HERE / "page.css"],
            js=(HERE / "page.js").read_text(encoding="utf-8"),
            **launch_options(demo, auth=auth),  # one public API, no uploads, small requests, slow guessing
        )
    except OSError:  # another program took the port in the instant between hand-over and bind
        print(f"error: port {args.port} is in use: run `make chat PORT={free_port_after(args.port, args.host)}`",
              file=sys.stderr)
        return 1
    print(f"The chat is on {local_url}" + (f" and {share_url}" if share_url else "") + " - Ctrl+C stops it",
          flush=True)
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ModuleNotFoundError as missing:
        if (missing.name or "qa").split(".")[0] in ("qa", "qa_app"):
            raise
        from qa.cli import missing_dependency

        sys.exit(missing_dependency(missing.name, then="make chat (or .venv/bin/python app.py)"))
