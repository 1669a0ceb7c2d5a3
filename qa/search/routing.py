"""Which documents answer a question: the caller's, the ones the question names, the
conversation's, or the one the evidence points to (``resolve_scope`` then ``narrowed``).

Every function takes the corpus's ``Retriever`` and returns document sources; the API
(``qa.api``) answers from the retriever over those documents alone.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from ..errors import QuestionError

if TYPE_CHECKING:
    from .retrieval import Retriever


def crosslingual_view(r: "Retriever"):
    """The multilingual view of the retriever's index, for questions not in English."""
    from .crosslingual import view
    from ..index.multilingual import get_use_encoder

    return view(r.stored, get_use_encoder(), tuning=r.tuning)


def narrowed(r: "Retriever", scope: tuple[str, ...], question: str, history: Sequence[str], *,
             language: str, compare: bool) -> tuple[str, ...]:
    """The scope to answer from: ``scope`` narrowed by the evidence to one document unless the
    question compares documents ("What does Biden say…" with two Biden speeches: the one that
    matches)."""
    if len(scope) == 1:
        return scope
    within = r.for_documents(scope) if scope else r
    return evidence_scope(within, question, history, language=language, compare=compare) or scope


def evidence_scope(r: "Retriever", question: str, history: Sequence[str], *, language: str,
                   compare: bool) -> tuple[str, ...]:
    """With several documents and no other scope, the one the evidence points to: passages of
    one document that agree outrank a stray passage elsewhere (``retrieval.best_document``).
    A question that compares documents keeps them all."""
    from ..questions.language import ENGLISH
    from .scope import describes
    if compare or len(r.documents) < 2 or (r.about_document(question, language)
                                          and not describes(question, r.documents)):
        return ()  # "Who gave this talk?" with nothing to say which: every document answers
    if language != ENGLISH:
        from .crosslingual import best_source

        return (best_source(crosslingual_view(r), question, history),)
    return (r.best_document(question, history),)


def resolve_scope(r: "Retriever", question: str, history: Sequence[str],
                  documents: Sequence[str]) -> tuple[tuple[str, ...], bool]:
    """(the documents to search, whether the question compares documents). The scope comes
    from the caller, else from the documents the question names, else from the office it
    calls the speaker by ("the PM"), else from the documents holding the words it quotes,
    else, for a follow-up, from those the previous question named; () leaves it to the
    evidence."""
    from ..questions.language import detect
    from ..questions.query import is_follow_up
    from ..questions.wording import quotations
    from .exact import texts_of
    from .scope import by_role, compares, describes, named, quoting

    if documents:
        return pick_documents(r, documents), False
    language = detect(question)
    scope = named(question, r.documents) or by_role(question, r.documents, language)
    if not scope and quotations(question):
        scope = quoting(question, texts_of(r, r.chunks))
    if not scope and history and len(r.documents) > 1 and (is_follow_up(question, language) or (
            r.about_document(question, language) and not describes(question, r.documents))):
        # "When was it held?", "Who gave this talk?": about what the conversation was about.
        before, spoken = history[-1], detect(history[-1])
        # The previous question's document as it was chosen then: named, else by the office
        # it called the speaker by and the evidence among those documents.
        offices = by_role(before, r.documents, spoken)
        scope = named(before, r.documents) or (offices if len(offices) == 1 else evidence_scope(
            r.for_documents(offices) if offices else r, before, history[:-1], language=spoken,
            compare=compares(before)))
    return scope, compares(question)


def pick_documents(r: "Retriever", documents: Sequence[str]) -> tuple[str, ...]:
    """The corpus's sources for the caller's names (a path under seeds/ or a file name)."""
    if isinstance(documents, str):
        documents = [documents]
    sources = [d.source for d in r.documents]
    out = []
    for name in documents:
        hits = [s for s in sources if s == name or s.rsplit("/", 1)[-1] == name]
        if not hits:
            raise QuestionError(f"No document {name!r} in the corpus - choose one of: {', '.join(sources)}")
        out.extend(hits)
    return tuple(dict.fromkeys(out))


def searched_label(r: "Retriever", scope: Sequence[str], language: str = "en") -> str:
    """What a refusal in ``language`` names: "" for a one-document corpus, the document's label
    when one was asked (by the caller, the question or the conversation), else how many were
    searched."""
    if len(r.documents) < 2:
        return ""
    if len(scope) == 1:
        return next(d.label_for(language) for d in r.documents if d.source == scope[0])
    return str(len(scope) or len(r.documents))
