"""Answers and documents -> HTML for the page. Pure functions; every text is escaped here.

Chat bubbles go through Gradio's Markdown renderer and sanitiser, which drops ``data-*``
attributes, so a citation marker carries its target in its ``href``:
``#qa-cite:<quoted source>:<start>:<end>``. The text panel is a ``gr.HTML``, which Gradio
does not sanitise, so nothing unescaped may ever reach it.
"""
from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote

from qa import Answer, Passage
from qa.index.chunking import paragraphs
from qa.answer.compose import framing
from qa.types import Document

from qa.answer.citation import DocInfo, citation_text

NOT_IN_SPEECH = framing("en")["not"]
PANEL_HINT = "Ask a question: the passages that answer it are highlighted here."
# Closest passages are cut to this many characters in the chat; the panel shows them whole.
NEAR_CHARS = 240
# A document longer than this is shown in the panel only when a reply cites it.
MAX_SHOWN_CHARS = 500_000

# Characters Markdown would read as markup, written as entities so they show as themselves.
_MARKDOWN = {c: f"&#{ord(c)};" for c in "\\`*_[]|~$<>&\"'"}
Span = tuple[int, int]


def text(value: str) -> str:
    """``value`` as inert HTML that Markdown leaves alone too; line breaks become ``<br>``.

    >>> text("<b>*hi*</b>\\nok")
    '&#60;b&#62;&#42;hi&#42;&#60;/b&#62;<br>ok'
    """
    return "<br>".join("".join(_MARKDOWN.get(c, c) for c in line) for line in value.splitlines())


def cite_href(passage: Passage) -> str:
    """The marker's target, read by page.js.

    >>> cite_href(Passage(source="a b.txt", text="x", start=3, end=4, paragraph=1,
    ...                   last_paragraph=1, sentences=((3, 4),), score=0.0))
    '#qa-cite:a%20b.txt:3:4'
    """
    return f"#qa-cite:{quote(passage.source, safe='')}:{passage.start}:{passage.end}"


def _link(passage: Passage, label: str, cls: str = "qa-cite") -> str:
    return f'<a class="{cls}" href="{html.escape(cite_href(passage))}" title="Show in the text">{label}</a>'


def _spans(answer: Answer, index: int) -> tuple[Span, ...]:
    if index < len(answer.highlights):
        return tuple((h.start, h.end) for h in answer.highlights[index])
    return ()


def _cut(passage: Passage, start: int, end: int) -> str:
    return passage.text[start - passage.start:end - passage.start]


def _marked(passage: Passage, spans: Sequence[Span]) -> str:
    """The passage with its supporting spans in ``<mark>``."""
    parts, pos = [], passage.start
    for s, e in sorted(spans):
        s, e = max(s, pos), min(e, passage.end)
        if e <= s:
            continue
        parts.append(text(_cut(passage, pos, s)))
        parts.append(f'<mark class="qa-support">{text(_cut(passage, s, e))}</mark>')
        pos = e
    parts.append(text(_cut(passage, pos, passage.end)))
    return "".join(parts)


def question_html(question: str) -> str:
    """The user's bubble: their words, shown exactly as typed."""
    return f'<div class="qa-question">{text(question)}</div>'


def error_html(message: str) -> str:
    return f'<div class="qa-reply qa-error"><p>⚠️ {text(message)}</p></div>'


def _notes(answer: Answer) -> str:
    return "".join(f'<p class="qa-note">{text(note)}</p>' for note in answer.notes)


def _answered(answer: Answer, infos: Mapping[str, DocInfo]) -> str:
    sentences = []
    for i, passage in enumerate(answer.passages):
        n, spans = i + 1, _spans(answer, i)
        said = " ".join(text(_cut(passage, s, e)) for s, e in spans) if spans else text(passage.text)
        sentences.append(f'{said} {_link(passage, f"[{n}]")}')
    says = framing(answer.language)["says"]
    lead = f'<p class="qa-says">{text(says)}</p>' if says else ""
    return f'{lead}<p class="qa-answer">{" ".join(sentences)}</p>{_sources(answer, infos)}'


# One token of a reply's Markdown: an escaped character, bold, a [n] marker, or plain text.
_MD_TOKEN = re.compile(r"\\(.)|(\*\*)|\[(\d+)\]|([^\\*\[]+|.)", re.S)


def _from_markdown(line: str, answer: Answer) -> str:
    """One line of a reply written by ``qa`` (escaped Markdown): bold kept, ``[n]`` made a
    link to its passage, every other character shown as itself.

    >>> _from_markdown("**No.** “a\\*b” &lt;x&gt;", Answer(question="", text="", passages=(), abstained=False))
    '<strong>No.</strong> “a&#42;b” &#60;x&#62;'
    """
    out, bold = [], False
    for m in _MD_TOKEN.finditer(line):
        escaped, star, marker, plain = m.groups()
        if star:
            out.append("</strong>" if bold else "<strong>")
            bold = not bold
        elif marker and 1 <= int(marker) <= len(answer.passages):
            out.append(_link(answer.passages[int(marker) - 1], f"[{marker}]"))
        else:
            out.append(text(html.unescape(escaped or plain or m.group())))
    return "".join(out) + ("</strong>" if bold else "")


def _wording(answer: Answer, infos: Mapping[str, DocInfo]) -> str:
    """A reply about the wording: its outcome lines as ``qa`` wrote them, then the passages
    (one per sentence, every occurrence marked)."""
    head = answer.text.split("\n\n---\n\n", 1)[0]
    lines = [p for p in head.split("\n\n") if p.strip() and not (p.startswith("_") and p.endswith("_"))]
    body = "".join(f'<p class="qa-answer qa-wording">{_from_markdown(p, answer)}</p>' for p in lines)
    return body + (_sources(answer, infos) if answer.passages else "")


def _sources(answer: Answer, infos: Mapping[str, DocInfo]) -> str:
    sources = []
    for i, passage in enumerate(answer.passages):
        n, spans = i + 1, _spans(answer, i)
        closest = answer.wording is not None and answer.wording.outcome in ("close", "no", "absent")
        copy = citation_text(passage, infos.get(passage.source), () if closest else spans)
        sources.append(
            '<div class="qa-source">'
            f'<div class="qa-source-head">{_link(passage, f"[{n}] {text(passage.citation)}", "qa-cite qa-label")}'
            f' <button class="qa-copy" type="button" title="Copy this citation">Copy citation</button>'
            f'<span class="qa-copy-text">{text(copy)}</span></div>'
            f'<blockquote class="qa-passage">{_marked(passage, spans)}</blockquote></div>'
        )
    return f'<div class="qa-sources">{"".join(sources)}</div>'


def shorten(value: str, limit: int = NEAR_CHARS) -> str:
    """``value`` cut at a word break before ``limit`` characters, with an ellipsis.

    >>> shorten("one two three", 9)
    'one two…'
    """
    if len(value) <= limit:
        return value
    return value[:limit].rsplit(None, 1)[0].rstrip(",;:") + "…"


def _silent(answer: Answer) -> str:
    nearest = "".join(
        f'<div class="qa-near">{_link(p, text(p.citation), "qa-cite qa-near-label")}'
        f'<blockquote class="qa-near-text">{text(shorten(p.text))}</blockquote></div>'
        for p in answer.passages
    )
    words = framing(answer.language)
    closest = f'<div class="qa-closest"><p class="qa-closest-head">{text(words["closest"])}</p>{nearest}</div>'
    return f'<p class="qa-silence">{text(answer.silence or words["not"])}</p>' + (closest if nearest else "")


def reply_html(answer: Answer, infos: Mapping[str, DocInfo]) -> str:
    """The assistant's bubble: the answering sentences with ``[n]`` markers, then the cited
    passages (label, copy button, supporting words marked); or, when the speech is silent,
    that plain statement and the closest passages, styled apart from citations."""
    kind = "qa-abstained" if answer.abstained else "qa-answered"
    if answer.wording is not None:
        body = _wording(answer, infos)
    else:
        body = _silent(answer) if answer.abstained else _answered(answer, infos)
    return f'<div class="qa-reply {kind}">{_notes(answer)}{body}</div>'


def _marks_in(document: Document, answer: Answer | None) -> list[tuple[int, Passage, tuple[Span, ...]]]:
    if answer is None:
        return []
    return [(i + 1, p, _spans(answer, i)) for i, p in enumerate(answer.passages) if p.source == document.source]


def _paragraph(doc_text: str, start: int, end: int, marks, near: bool) -> str:
    """One paragraph, cut where a cited passage or a supporting span begins or ends."""
    cuts = {start, end}
    for _, p, spans in marks:
        cuts.update(x for x in (p.start, p.end, *[b for s in spans for b in s]) if start < x < end)
    out, bounds = [], sorted(cuts)
    for a, b in zip(bounds, bounds[1:]):
        piece = html.escape(doc_text[a:b])
        hit = next(((n, p, spans) for n, p, spans in marks if p.start <= a < p.end), None)
        if hit is None:
            out.append(piece)
            continue
        n, p, spans = hit
        strong = any(s <= a < e for s, e in spans)
        cls = "qa-near-hit" if near else "qa-hit qa-strong" if strong else "qa-hit"
        out.append(f'<mark class="{cls}" data-n="{n}" data-start="{p.start}" data-end="{p.end}">{piece}</mark>')
    return "".join(out)


def _document(index: int, document: Document, answer: Answer | None, shown: bool) -> str:
    marks = _marks_in(document, answer)
    near = bool(answer and answer.abstained)
    if len(document.text) > MAX_SHOWN_CHARS and not marks:
        body = (f'<p class="qa-para">{html.escape(document.source)} is too long to show here; '
                'it is shown when a reply cites it.</p>')
    else:
        start = document.body_span[0]
        meta = {True: "", False: ""}  # metadata lines above the speech, and below it
        for f in document.header:
            meta[f.line_start < start] += (
                f'<p class="qa-meta" data-start="{f.line_start}" data-end="{f.line_end}">'
                f'{_paragraph(document.text, f.line_start, f.line_end, marks, near)}</p>')
        body = meta[True] + "".join(
            f'<p class="qa-para" id="qa-d{index}-p{n}" data-start="{s}" data-end="{e}">'
            f'<span class="qa-pnum">¶{n}</span> {_paragraph(document.text, s, e, marks, near)}</p>'
            for n, (s, e) in enumerate(paragraphs(document.text, document.body_span), start=1)
        ) + meta[False]
    hidden = "" if shown else " hidden"
    return (f'<section class="qa-doc" data-doc="{index}" data-source="{html.escape(document.source)}"{hidden}>'
            f'{body}</section>')


def _answer_key(answer: Answer | None) -> str:
    """Tells one reply's panel from the next (page.js scrolls to a new reply's first highlight)."""
    if answer is None:
        return ""
    cited = ",".join(f"{p.start}-{p.end}" for p in answer.passages)
    return hashlib.sha1(f"{answer.question}|{cited}".encode()).hexdigest()[:12]


def panel_html(documents: Sequence[Document], answer: Answer | None = None, *, problem: str = "",
               scope: str = "") -> str:
    """The text beside the chat: every document (one shown, chosen from a list), paragraphs
    numbered, metadata lines apart, and the passages of ``answer`` marked: cited ones
    highlighted, closest ones (when the speech is silent) outlined. The document shown is the
    one the reply cites, else the one the chat is limited to (``scope``), else the first."""
    if not documents:
        return f'<div class="qa-panel"><p class="qa-panel-note">{html.escape(problem or "No documents.")}</p></div>'
    cited = answer.passages[0].source if answer and answer.passages else scope
    shown = next((i for i, d in enumerate(documents) if d.source == cited), 0)
    options = "".join(
        f'<option value="{i}"{" selected" if i == shown else ""}>{html.escape(d.source)}</option>'
        for i, d in enumerate(documents)
    )
    if answer is None:
        note = PANEL_HINT
    elif answer.abstained:
        note = "Outlined: the closest passages. They do not answer the question."
    else:
        note = "Highlighted: the passages cited by the latest reply."
    sections = "".join(_document(i, d, answer, i == shown) for i, d in enumerate(documents))
    return (
        f'<div class="qa-panel" data-answer="{_answer_key(answer)}">'
        f'<div class="qa-panel-head"><label class="qa-doc-label">Document '
        f'<select class="qa-doc-select" aria-label="Document to show">{options}</select></label>'
        f'<p class="qa-panel-note">{html.escape(note)}</p></div>'
        f'<div class="qa-panel-body">{sections}</div></div>'
    )


def status_html(*, state: str, message: str, detail: str = "") -> str:
    """The index status line; ``state`` is one of fresh, stale, busy, error (a CSS class)."""
    icon = {"fresh": "✓", "stale": "!", "busy": "…", "error": "✕"}.get(state, "")
    extra = f' <span class="qa-status-detail">{html.escape(detail)}</span>' if detail else ""
    return (f'<div class="qa-status qa-status-{html.escape(state)}" role="status">'
            f'<span class="qa-status-icon">{icon}</span> {html.escape(message)}{extra}</div>')


def header_html(infos: Sequence[DocInfo], scope: str = "") -> str:
    """The page title, naming the speaker and occasion of the document the chat asks (the one
    picked, or the only one); with several and none picked, how many documents it searches."""
    picked = [i for i in infos if i.source == scope] or (list(infos) if len(infos) == 1 else [])
    who = picked[0] if picked else None
    about = ""
    if who is not None:
        about = ", ".join(part for part in (who.speaker, who.occasion) if part) or who.source
    elif infos:
        about = f"{len(infos)} documents: " + "; ".join(i.speaker or i.source for i in infos)
    if about:
        about = f'<p class="qa-about">{html.escape(about)}</p>'
    return (
        '<div class="qa-header"><h1>Ask the speech</h1>'
        f'{about}<p class="qa-lede">Every answer quotes the text and cites its paragraph: '
        'click a <span class="qa-demo-marker">[1]</span> marker to see the passage in the text.</p></div>'
    )
