"""The web chat: ``python app.py [--host H] [--port P] [--auth-file F] [--share] [--seeds-dir D] [--index-dir D]``.

A chat on the left whose replies quote the speech with clickable ``[n]`` markers, the text of
the speech on the right with the cited passages highlighted. Built on the same public
functions as the CLI. Scripts call ``/ask``:
``Client(url).predict("question", api_name="/ask")`` returns the reply as markdown.

Binds 127.0.0.1 unless told otherwise; the page appears at once while the index is built
(if needed) and the model loads in the background.
"""
from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline: no telemetry calls

import gradio as gr  # noqa: E402

import qa  # noqa: E402
from qa.api import make_settings  # noqa: E402
from qa_app.backend import Backend  # noqa: E402
from qa_app.render import error_html, header_html, panel_html, question_html, reply_html, status_html  # noqa: E402

log = logging.getLogger("speech_qa.app")
HERE = Path(__file__).resolve().parent / "qa_app"

EXAMPLES = [
    "When was the Belt and Road Initiative announced?",
    "Why can't another country's model simply be copied?",
    "What should the upcoming summit focus on?",
    "Does the speech mention the European Union?",
]


def make_respond(backend: Backend):
    """The chat handler: (question, chat, asked) -> (chat, asked, panel, cleared textbox)."""

    def respond(question: str, chat: list, asked: list[str]):
        if not (question or "").strip():
            return gr.skip(), gr.skip(), gr.skip(), ""
        panel = gr.skip()
        try:
            answer = backend.ask(question, history=asked)
            bubble = reply_html(answer, backend.infos())
            panel = panel_html(backend.documents(), answer)
        except qa.QAError as err:
            bubble = error_html(str(err))
        except Exception as err:  # noqa: BLE001 - a reply that says what broke beats a silent chat
            log.exception("answering %r failed", question)
            bubble = error_html(f"Something went wrong ({type(err).__name__}); the app's log has details.")
        chat = [*(chat or []), {"role": "user", "content": question_html(question)},
                {"role": "assistant", "content": bubble}]
        return chat, [*(asked or []), question], panel, ""

    return respond


def make_api(backend: Backend):
    def ask(question: str) -> str:
        """The reply to one question, as markdown with [n] markers and the cited passages."""
        try:
            return backend.ask(question).text
        except qa.QAError as err:  # the client raises it, with this message: not mistaken for a reply
            raise gr.Error(str(err)) from None

    return ask


def page_status(backend: Backend) -> str:
    now = backend.status()
    return status_html(state=now.state, message=now.message, detail=now.detail)


def make_app(backend: Backend) -> gr.Blocks:
    respond = make_respond(backend)
    private = {"api_visibility": "private"}
    # Questions share one queue, a few at a time, so one slow answer does not hold up the rest.
    answering = {"concurrency_id": "answer", "concurrency_limit": 4}
    with gr.Blocks(title="speech-qa") as demo:
        gr.HTML(lambda: header_html(list(backend.infos().values())), js_on_load=None)
        asked = gr.State([])
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                chat = gr.Chatbot(elem_id="qa-chat", show_label=False, height=420, latex_delimiters=[],
                                  buttons=[], feedback_options=None, group_consecutive_messages=False,
                                  placeholder="Ask a question about the speech, or pick an example below.")
                question = gr.Textbox(elem_id="qa-question", show_label=False, lines=1, max_lines=4,
                                      placeholder="Ask about the speech…", submit_btn="Ask",
                                      autofocus=True)
                with gr.Row(elem_id="qa-examples"):
                    example_buttons = [gr.Button(e, size="sm", variant="secondary", min_width=140) for e in EXAMPLES]
                with gr.Row():
                    clear = gr.Button("Clear chat", size="sm", min_width=100)
                    rebuild = gr.Button("Rebuild index", size="sm", min_width=100)
                status = gr.HTML(lambda: page_status(backend), elem_id="qa-status", js_on_load=None)
            with gr.Column(scale=2, min_width=300):
                panel = gr.HTML(lambda: panel_html(backend.documents()), elem_id="qa-panel", js_on_load=None)

        outputs = [chat, asked, panel, question]
        question.submit(respond, [question, chat, asked], outputs, **private, **answering)
        for button, text in zip(example_buttons, EXAMPLES):
            button.click(lambda chat_, asked_, text=text: respond(text, chat_, asked_), [chat, asked], outputs,
                         **private, **answering)
        def reset():
            return [], [], panel_html(backend.documents()), ""

        def start_rebuild() -> str:
            backend.rebuild()
            return page_status(backend)

        clear.click(reset, None, outputs, **private)
        chat.clear(reset, None, outputs, **private)  # the chat's own bin icon forgets the questions too
        rebuild.click(start_rebuild, None, status, **private)
        gr.Timer(2.0).tick(lambda: page_status(backend), None, status, show_progress="hidden", **private)
        gr.api(make_api(backend), api_name="ask", **answering)
    return demo


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


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    auth = load_auth(args.auth_file) if args.auth_file else None
    for warning in exposure_warnings(args.host, share=args.share, auth=bool(auth)):
        print(warning, file=sys.stderr)
    backend = Backend(make_settings(seeds_dir=args.seeds_dir, index_dir=args.index_dir))
    backend.start()
    make_app(backend).launch(
        server_name=args.host, server_port=args.port, share=args.share, auth=auth,
        css_paths=[HERE / "page.css"], js=(HERE / "page.js").read_text(encoding="utf-8"),
    )


if __name__ == "__main__":
    main()
