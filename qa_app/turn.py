"""One chat turn without gradio: the question checked, asked, and both bubbles rendered.

The chat page (``page.py``) and the loading page that answers before gradio is up
(``holding.py``, through ``app.py``) both reply with ``take_turn``, so a question gets the
same reply, escaped the same way, on either.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import qa

from .backend import Backend
from .render import error_html, question_html, reply_html

log = logging.getLogger("speech_qa.app")

# The longest question the page and /ask accept. The model reads about 1,000 characters
# (qa.config.MAX_QUESTION_CHARS; longer questions are cut and the reply says so); twice that
# leaves room for a pasted quotation, while a 1 MB "question" is refused before anything keeps
# it (the chat state, the history of the next turns). The server refuses request bodies over
# guard.MAX_BODY_BYTES before gradio reads them.
MAX_QUESTION_CHARS = 2_000


def too_long(question: str) -> str | None:
    """The reply to a question longer than the app accepts, or None.

    >>> too_long("a" * 2_001)
    'The question is 2,001 characters long; the chat reads at most 2,000 - shorten it'
    """
    if len(question) <= MAX_QUESTION_CHARS:
        return None
    return (f"The question is {len(question):,} characters long; "
            f"the chat reads at most {MAX_QUESTION_CHARS:,} - shorten it")


@dataclass(frozen=True, kw_only=True)
class Turn:
    """The two bubbles of one turn, as escaped HTML; ``answer`` is None when the question was
    refused or failed, and ``kept`` says whether the question joins the history."""

    asked: str
    reply: str
    answer: qa.Answer | None = None
    kept: bool = True


def take_turn(backend: Backend, question: str, *, history: Sequence[str] = (),
              documents: Sequence[str] = ()) -> Turn:
    """Ask ``backend`` and render the reply; a too-long question is refused unasked (and not
    kept), a ``QAError`` becomes its message, anything else a line pointing at the log."""
    if refused := too_long(question):
        return Turn(asked=question_html(question[:300] + "…"), reply=error_html(refused), kept=False)
    try:
        answer = backend.ask(question, history=history, documents=documents)
        return Turn(asked=question_html(question), reply=reply_html(answer, backend.infos()), answer=answer)
    except qa.QAError as err:
        reply = error_html(str(err))
    except Exception as err:  # noqa: BLE001 - a reply that says what broke beats a silent chat
        log.exception("answering %r failed", question)
        reply = error_html(f"Something went wrong ({type(err).__name__}); the app's log has details.")
    return Turn(asked=question_html(question), reply=reply)
