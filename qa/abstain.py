"""Does the speech answer the question? Decided from the retrieval evidence, not the text.

Kept apart from ranking so that it can grow (question types, unknown names) on its own.
"""
from __future__ import annotations

# Below this cosine similarity between the question and the best passage, and with no
# strong lexical match, the passages are about something else.
MIN_DENSE = 0.30
MIN_LEXICAL = 2.0


def should_abstain(*, top_dense: float, top_lexical: float) -> bool:
    """True when neither the meaning nor the words of the question match any passage.

    >>> should_abstain(top_dense=0.1, top_lexical=0.0)
    True
    """
    return top_dense < MIN_DENSE and top_lexical < MIN_LEXICAL
