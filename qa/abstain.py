"""Does the speech answer the question? Decided from what the question asks for and what
retrieval found, never from the question's wording alone.

Three independent reasons to abstain, each a general property of question and corpus:

- the question names something the speech never mentions (after spelling correction, and
  unless the name is plainly another word for a name the speech uses, e.g. a capital city);
- the question asks for a date, a quantity or a person, and the sentences that best match
  it contain nothing of that kind;
- neither the meaning nor the words of the question match any passage well.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from typing import TYPE_CHECKING

from .query import DATE, PERSON, QUANTITY

if TYPE_CHECKING:
    from .retrieval import Retriever, Scored, Stages

# The weak-evidence net. scripts/tune_fusion.py sweeps both: on dev no answerable question
# abstains for MIN_DENSE <= 0.30 at MIN_COVERAGE 0.5, and none of the dev unanswerables needs
# this rule; 0.25 sits inside that safe band rather than on its edge.
MIN_DENSE = 0.25
MIN_COVERAGE = 0.5

_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_NUMBER_WORDS = r"(one(?! of)|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|" \
                r"hundred|thousand|million|billion|trillion|dozen|half|third|quarter|percent|per cent)"
_HAS = {
    DATE: re.compile(rf"\b{_MONTH}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{_MONTH}\b|\b{_MONTH}\b|\b\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}\b"),
    QUANTITY: re.compile(rf"(?<![\w-])(?!(1[89]|20)\d\d(?!\d))\d[\d,.]*(?!\d)|%|\$|€|£|\b{_NUMBER_WORDS}\b", re.I),
    PERSON: re.compile(r"\b(Mr|Mrs|Ms|Dr|Prof)\.?\s+[A-Z]|\b[A-Z][a-z]+ [A-Z][a-z]+,? (said|says|announced|proposed)\b|"
                       r"\b(?i:president|minister|chairman|leader|expert|author|professor|ambassador|secretary|"
                       r"director|official|spokesman|spokesperson|king|queen|premier|chancellor|founder|heads? of state)s?\b"),
}


_MISSING = {DATE: "The passages that match give no date for this.",
            QUANTITY: "The passages that match give no figure for this.",
            PERSON: "The passages that match name no person for this."}


@dataclass(frozen=True, kw_only=True)
class Decision:
    """Whether to abstain and, if so, why (shown to the user)."""

    abstain: bool
    reason: str = ""


def contains(kind: str, text: str) -> bool:
    """Does ``text`` hold a thing of ``kind`` (a date, a quantity, a person)?

    >>> contains("quantity", "in 2013 it grew"), contains("quantity", "by 5.2%"), contains("date", "in May 2023")
    (False, True, True)
    """
    pattern = _HAS.get(kind)
    return True if pattern is None else bool(pattern.search(text))


def decide(*, unknown_names: tuple[str, ...], asks_for: str, best_text: str, top_dense: float,
           coverage: float, check_type: bool = True, min_dense: float = MIN_DENSE,
           min_coverage: float = MIN_COVERAGE) -> Decision:
    """Abstain when the question names what the speech never mentions, asks for a kind of
    thing the best sentences lack, or matches nothing in meaning or in words.

    >>> decide(unknown_names=("mars",), asks_for="", best_text="", top_dense=0.9, coverage=1.0).abstain
    True
    """
    if unknown_names:
        listed = ", ".join(n.title() for n in unknown_names)
        return Decision(abstain=True, reason=f"The speech does not mention {listed}.")
    if check_type and asks_for and not contains(asks_for, best_text):
        return Decision(abstain=True, reason=_MISSING[asks_for])
    if top_dense < min_dense and coverage < min_coverage:
        return Decision(abstain=True, reason="Nothing in the speech matches the question.")
    return Decision(abstain=False)


def judge(retriever: "Retriever", scored: "Scored", *, stages: "Stages") -> Decision:
    """``decide`` on what ``retriever`` found for one question."""
    if not len(scored.fused):
        return Decision(abstain=True, reason="There are no passages to search.")
    best = int(scored.fused.argmax())
    return decide(unknown_names=scored.unknown_names if stages.unknown_names else (),
                  asks_for=scored.query.asks_for, best_text=retriever.chunks[best].text,
                  top_dense=float(scored.dense.max()), coverage=scored.coverage,
                  check_type=stages.answer_type)
