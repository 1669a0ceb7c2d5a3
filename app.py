"""The web chat: ``python app.py [--host 127.0.0.1] [--port 7860] [--seeds-dir D] [--index-dir D]``.

Built on the same public functions as the CLI. The reply is the answer's markdown; Gradio's
Chatbot sanitises the HTML it renders, and the answer escapes document text itself.
"""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

import gradio as gr

import qa
from qa.api import make_settings

log = logging.getLogger("speech_qa.app")

EXAMPLES = [
    "When was the Belt and Road Initiative announced?",
    "Which city hosted the first China–Central Asia Summit?",
    "What priorities does the speaker propose for the summit?",
    "What does the speaker say about Russia?",
]


def make_reply(settings):
    def reply(message: str, history: list) -> str:
        earlier = [m["content"] for m in history or [] if isinstance(m, dict) and m.get("role") == "user"
                   and isinstance(m.get("content"), str)]
        try:
            answer = qa.ask(message, history=earlier, seeds_dir=settings.seeds_dir,
                            index_dir=settings.index_dir, auto_rebuild=True)
        except qa.QAError as err:
            return f"⚠️ {err}"
        return answer.text

    return reply


def make_app(settings) -> gr.Blocks:
    reply = make_reply(settings)
    return gr.ChatInterface(
        reply,
        title="speech-qa",
        description="Ask about Ruslan Izimov's speech on Central Asia's paths of modernization. "
                    "Every answer quotes the speech and cites the paragraph.",
        examples=EXAMPLES,
        api_name="ask",
    )


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="Start the speech-qa web chat.")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=7860, help="port (default: 7860)")
    p.add_argument("--seeds-dir", type=Path, help="documents folder (default: seeds/)")
    p.add_argument("--index-dir", type=Path, help="index folder (default: index/)")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    settings = make_settings(seeds_dir=args.seeds_dir, index_dir=args.index_dir)
    status = qa.status(seeds_dir=settings.seeds_dir, index_dir=settings.index_dir)
    if not status.fresh:
        log.info("%s - building the index now", status.message)
        try:
            qa.build(seeds_dir=settings.seeds_dir, index_dir=settings.index_dir)
        except qa.QAError as err:
            raise SystemExit(f"error: {err}")
    make_app(settings).launch(server_name=args.host, server_port=args.port, share=False)


if __name__ == "__main__":
    main()
