"""The chat page: a Gradio ``Blocks`` with the chat on the left and the speech on the right.

``make_app(backend)`` builds it; ``app.py`` starts the backend first and imports this module
(and with it gradio, ~3 s) while the model loads, so the two overlap. ``/ask`` is the API
for scripts: ``Client(url).predict("question", api_name="/ask")`` returns the reply as markdown.
"""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline: no telemetry calls

import gradio as gr  # noqa: E402

import qa  # noqa: E402

from .backend import Backend  # noqa: E402
from .guard import PUBLIC_API  # noqa: E402
from .render import header_html, panel_html, status_html  # noqa: E402
from .turn import MAX_QUESTION_CHARS, take_turn, too_long  # noqa: E402

LOADING_PANEL = '<div class="qa-panel"><p class="qa-panel-note">Loading the text…</p></div>'

# Earlier questions kept for follow-ups, and turns the chat keeps on the page (the page sends
# them back with each question): bounded, so a long session's requests and state stay small.
HISTORY_KEPT = 20
CHAT_KEPT_TURNS = 25

EXAMPLES = [
    "When was the Belt and Road Initiative first put forward?",
    "Why can't another country's model simply be copied?",
    "What should the upcoming summit focus on?",
    "Does the speech mention the European Union?",
]


ALL_DOCUMENTS = ""  # the picker's value for "search every document"


def scope_choices(backend: Backend) -> list[tuple[str, str]]:
    """The document picker's entries: every document (as "Speaker — file"), then each alone."""
    infos = backend.infos()
    return [(f"All {len(infos)} documents", ALL_DOCUMENTS)] + [
        (f"{i.speaker} — {source}" if i.speaker else source, source) for source, i in infos.items()]


def make_respond(backend: Backend):
    """The chat handler: (question, chat, asked, scope) -> (chat, asked, panel, cleared textbox)."""

    def respond(question: str, chat: list, asked: list[str], scope: str = ALL_DOCUMENTS):
        if not (question or "").strip():
            return gr.skip(), gr.skip(), gr.skip(), ""
        turn = take_turn(backend, question, history=asked or [], documents=[scope] if scope else [])
        panel = gr.skip() if turn.answer is None else panel_html(backend.documents(), turn.answer, scope=scope or "")
        chat = [*(chat or []), {"role": "user", "content": turn.asked},
                {"role": "assistant", "content": turn.reply}][-2 * CHAT_KEPT_TURNS:]
        asked = [*(asked or []), question][-HISTORY_KEPT:] if turn.kept else asked or []
        return chat, asked, panel, ""

    return respond


def make_api(backend: Backend):
    def ask(question: str) -> str:
        """The reply to one question, as markdown with [n] markers and the cited passages."""
        if isinstance(question, str) and (refused := too_long(question)):
            raise gr.Error(refused)
        try:
            return backend.ask(question).text
        except qa.QAError as err:  # the client raises it, with this message: not mistaken for a reply
            raise gr.Error(str(err), print_exception=False) from None  # the user's mistake: no server traceback

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
        header = gr.HTML(header_html(list(backend.infos().values())), js_on_load=None)
        asked = gr.State([])
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                # page.js scrolls a new reply's start into view; gradio's autoscroll shows its end.
                chat = gr.Chatbot(elem_id="qa-chat", show_label=False, height=420, latex_delimiters=[], autoscroll=False,
                                  buttons=[], feedback_options=None, group_consecutive_messages=False,
                                  placeholder="Ask a question about the speech, or pick an example below.")
                question = gr.Textbox(elem_id="qa-question", show_label=False, lines=1, max_lines=4,
                                      placeholder="Ask about the speech…", submit_btn="Ask",
                                      autofocus=True, max_length=MAX_QUESTION_CHARS)
                # With several documents: ask all of them, or one (hidden with a single document).
                scope = gr.Dropdown(choices=[("All documents", ALL_DOCUMENTS)], value=ALL_DOCUMENTS,
                                    elem_id="qa-scope", label="Ask", visible=False, interactive=True)
                with gr.Row(elem_id="qa-examples"):
                    example_buttons = [gr.Button(e, size="sm", variant="secondary", min_width=140) for e in EXAMPLES]
                with gr.Row():
                    clear = gr.Button("Clear chat", size="sm", min_width=100)
                    rebuild = gr.Button("Rebuild index", size="sm", min_width=100)
                # Empty until the page's load event fills them: a value computed when the app was
                # built would show start-up's status and text to every later visitor first.
                status = gr.HTML("", elem_id="qa-status", js_on_load=None)
            with gr.Column(scale=2, min_width=300):
                panel = gr.HTML(LOADING_PANEL, elem_id="qa-panel", js_on_load=None)

        outputs = [chat, asked, panel, question]
        question.submit(respond, [question, chat, asked, scope], outputs, **private, **answering)
        for button, text in zip(example_buttons, EXAMPLES):
            button.click(lambda chat_, asked_, scope_, text=text: respond(text, chat_, asked_, scope_),
                         [chat, asked, scope], outputs, **private, **answering)
        def reset():
            return [], [], panel_html(backend.documents()), ""

        def start_rebuild() -> str:
            backend.rebuild()
            return page_status(backend)

        clear.click(reset, None, outputs, **private)
        chat.clear(reset, None, outputs, **private)  # the chat's own bin icon forgets the questions too
        rebuild.click(start_rebuild, None, status, **private)

        def picked(source: str):
            """The chat now asks ``source`` alone (or every document): header and text follow."""
            return header_html(list(backend.infos().values()), source or ""), panel_html(backend.documents(), scope=source or "")

        scope.change(picked, scope, [header, panel], show_progress="hidden", **private)

        def loaded(request: gr.Request):
            choices = scope_choices(backend)
            start = (header_html(list(backend.infos().values())), page_status(backend),
                     gr.Dropdown(choices=choices, value=ALL_DOCUMENTS, visible=len(choices) > 2))
            # A question asked on the holding page comes along as ``?ask=``: the chat goes on from it.
            carried = (request.query_params.get("ask") or "").strip() if request is not None else ""
            if carried:
                chat_, asked_, panel_, _ = respond(carried, [], [])
                return (*start, panel_, chat_, asked_)
            return (*start, panel_html(backend.documents()), gr.skip(), gr.skip())

        demo.load(loaded, None, [header, status, scope, panel, chat, asked], show_progress="hidden", **private)
        gr.Timer(2.0).tick(lambda: page_status(backend), None, status, show_progress="hidden", **private)
        gr.api(make_api(backend), api_name="ask", **answering)
    for fn in demo.fns.values():  # the page's own handlers, with the loaders gr.HTML(callable) adds
        if fn.api_name not in PUBLIC_API:
            fn.api_visibility = "private"
    return demo
