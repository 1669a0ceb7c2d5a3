"""Ranked passages with sentence scores -> the reply: answering sentences with ``[n]`` markers,
then the cited passages with the supporting sentences highlighted. Pure functions, no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .types import Answer, Highlight, Passage

# A passage after the first is cited when its score is within this much of the best one.
PASSAGE_MARGIN = 0.08
# Within a cited passage, sentences scoring within this much of its best sentence are quoted.
SENTENCE_MARGIN = 0.06
MAX_CITED = 3
NOT_IN_SPEECH = "The speech does not answer this."


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """A ranked passage with a score for each of its sentences (same order as its spans)."""

    passage: Passage
    sentence_scores: tuple[float, ...]


def _escape_md(text: str) -> str:
    """Text that renders literally in Markdown (and never as HTML).

    >>> _escape_md("<b>*x*</b>")
    '&lt;b&gt;\\\\*x\\\\*&lt;/b&gt;'
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_{}\[\]#|~])", r"\\\1", text)


def choose(candidates: list[Candidate]) -> list[tuple[Candidate, tuple[int, ...]]]:
    """The passages to cite and, in each, the indices of the sentences that answer."""
    if not candidates:
        return []
    best = candidates[0].passage.score
    chosen = []
    for cand in candidates[:MAX_CITED]:
        if chosen and cand.passage.score < best - PASSAGE_MARGIN:
            break
        scores = cand.sentence_scores
        top = max(scores) if scores else 0.0
        picks = tuple(i for i, s in enumerate(scores) if s >= top - SENTENCE_MARGIN) or (0,)
        chosen.append((cand, picks))
    return chosen


def _quote_block(number: int, passage: Passage, spans: tuple[tuple[int, int], ...]) -> str:
    parts, pos = [], passage.start
    for s, e in spans:
        parts.append(_escape_md(passage.text[pos - passage.start:s - passage.start]))
        parts.append("**" + _escape_md(passage.text[s - passage.start:e - passage.start]) + "**")
        pos = e
    parts.append(_escape_md(passage.text[pos - passage.start:]))
    body = "".join(parts).replace("\n", "\n> ")
    return f"[{number}] {passage.citation}\n> {body}"


def compose(question: str, candidates: list[Candidate], *, abstained: bool, notes: tuple[str, ...] = ()) -> Answer:
    """The reply to ``question`` from ranked ``candidates``."""
    note_lines = "".join(f"_{_escape_md(n)}_\n\n" for n in notes)
    if abstained:
        nearest = tuple(c.passage for c in candidates[:MAX_CITED])
        lines = [f"{note_lines}{NOT_IN_SPEECH}"]
        if nearest:
            lines.append("\nClosest passages (they do not answer the question):\n")
            lines += [f"- {p.citation}: {_escape_md(p.text)}" for p in nearest]
        return Answer(question=question, text="\n".join(lines), passages=nearest, abstained=True, notes=notes)

    chosen = choose(candidates)
    reply, blocks, highlights = [], [], []
    for number, (cand, picks) in enumerate(chosen, start=1):
        spans = tuple(cand.passage.sentences[i] for i in picks)
        sentences = " ".join(
            _escape_md(cand.passage.text[s - cand.passage.start:e - cand.passage.start]) for s, e in spans
        )
        reply.append(f"{sentences} [{number}]")
        blocks.append(_quote_block(number, cand.passage, spans))
        highlights.append(tuple(Highlight(start=s, end=e) for s, e in spans))
    text = f"{note_lines}" + "\n\n".join(reply) + "\n\n---\n\n" + "\n\n".join(blocks)
    return Answer(question=question, text=text, passages=tuple(c.passage for c, _ in chosen),
                  abstained=False, highlights=tuple(highlights), notes=notes)
