"""The tuned constants: each names where it comes from, and a ``Tuning`` given in the settings
is the one every stage uses (fast: the fake encoders)."""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from conftest import constant_abstention
from qa.answer.compose import Candidate, choose
from qa.api import answer_with, retriever
from qa.config import (REPO_ROOT, AboutDocument, Aliases, DocumentChoice, Expansion, Features, Quotes, Reply,
                       Tuning, settings)
from qa.questions.query import is_alias
from qa.search.retrieval import best_document

HOW = {"fitted", "swept", "measured", "hand"}


def test_every_tuned_constant_names_how_it_was_chosen_and_when():
    found = Tuning().provenance()
    assert "crosslingual.min_similarity" in found and "fusion.bm25_sentence" in found
    for name, (value, source) in found.items():
        assert isinstance(value, (int, float)), name
        assert source.how in HOW, name
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", source.date), name
        if source.how != "hand":
            assert source.data, name  # what it was fitted, swept or measured on
        if source.script:
            assert (REPO_ROOT / source.script).is_file(), (name, source.script)
    fitted = {name for name, (_, source) in found.items() if source.how == "fitted"}
    assert fitted >= {"crosslingual.min_similarity", "crosslingual.alias_min_cosine", "fusion.sentence_context"}


def test_the_table_of_constants_in_the_docs_is_the_code_s():
    page = (REPO_ROOT / "docs" / "tuning.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([a-z_]+\.[a-z_0-9]+)` \| ([^|]+) \|", page, re.MULTILINE))
    assert listed == {name: str(value) for name, (value, _) in Tuning().provenance().items()}


def test_settings_carry_the_tuning_they_are_given():
    mine = Tuning(reply=Reply(max_cited=1))
    assert settings(tuning=mine).tuning.reply.max_cited == 1
    assert settings().tuning == Tuning() and Tuning() != mine
    with pytest.raises(TypeError):
        Reply(max_cites=1)  # a misspelt constant fails at once


def _settings(built, tuning: Tuning):
    seeds, index = built
    return settings(seeds_dir=seeds, index_dir=index, tuning=tuning)


def test_each_tuning_gets_its_own_retriever(built):
    narrow = Tuning(expansion=Expansion(per_word=1))
    assert retriever(_settings(built, narrow)).tuning == narrow
    assert retriever(_settings(built, Tuning())).tuning == Tuning()
    assert retriever(_settings(built, narrow)).tuning == narrow


def test_query_expansion_follows_the_tuning(built):
    question = "Which zebras and giraffes travel the corridors?"  # words the speech never uses

    def expanded(expansion: Expansion) -> dict[str, int]:
        scored = retriever(_settings(built, Tuning(expansion=expansion))).score(question)
        return {word: len(terms) for word, terms in scored.expansions}

    # Any cosine will do at -1: each unknown word gets ``per_word`` corpus words; none at 2.
    assert {"zebras", "giraffes"} <= expanded(Expansion(min_cosine=-1.0, per_word=2)).keys()
    assert set(expanded(Expansion(min_cosine=-1.0, per_word=2)).values()) == {2}
    assert set(expanded(Expansion(min_cosine=-1.0, per_word=1)).values()) == {1}
    assert set(expanded(Expansion(min_cosine=2.0, per_word=2)).values()) == {0}


def test_the_english_reply_cites_as_many_passages_as_the_tuning_allows(built):
    """What is cited once the question is answered. The tests' hand-made abstention model
    (``FAKE_ABSTENTION``) would read the fake encoder's ranking here, which any change of the
    fusion's weights moves, so a model that never abstains decides instead."""
    question = "What does the speech say about transport, trade and cooperation in Central Asia?"

    def cited(reply: Reply) -> int:
        s = _settings(built, Tuning(reply=reply))
        answer = answer_with(retriever(s), question, k=5, history=(), abstention=constant_abstention(False))
        assert not answer.abstained, answer.notes
        return len(answer.passages)

    everything = Reply(passage_share=-10.0, cite_share=-10.0)
    assert cited(replace(everything, max_cited=3)) == 3
    assert cited(replace(everything, max_cited=1)) == 1
    assert cited(Reply(passage_share=10.0, cite_share=10.0)) == 1


def _passage(text: str, score: float):
    import qa

    return qa.Passage(source="a.txt", text=text, start=0, end=len(text), paragraph=1, last_paragraph=1,
                      sentences=((0, len(text)),), score=score)


def test_choosing_passages_and_sentences_follows_the_reply_tuning():
    first, weak, close = _passage("First.", 5.0), _passage("Weak.", 4.9), _passage("Close.", 4.5)
    cands = [Candidate(passage=first, sentence_scores=(4.0,)), Candidate(passage=weak, sentence_scores=(1.0,)),
             Candidate(passage=close, sentence_scores=(3.0,))]
    assert [c.passage for c, _ in choose(cands)] == [first, close]
    assert [c.passage for c, _ in choose(cands, reply=Reply(cite_share=0.2))] == [first, weak, close]
    assert [c.passage for c, _ in choose(cands, reply=Reply(passage_share=0.95))] == [first]
    two = Candidate(passage=_passage("A. B.", 5.0), sentence_scores=(4.0, 2.0))
    assert choose([two])[0][1] == (0,)
    assert choose([two], reply=Reply(sentence_share=0.5))[0][1] == (0, 1)


def test_document_choice_and_aliases_follow_the_tuning():
    fused, owner = np.array([3.0, 0.0, 2.5, 2.4]), np.array([0, 0, 1, 1])
    assert best_document(fused, owner, 2) == 1  # 2.5 + a quarter of 2.4 beats 3.0 + a quarter of 0
    assert best_document(fused, owner, 2, choice=DocumentChoice(passages_alone_share=0.0)) == 0
    cosines, sentence_owner = np.array([0.9, 0.2, 0.3]), np.array([0, 1, 1])  # document 0 says it in one sentence
    assert best_document(fused, owner, 2, sentences=(cosines, sentence_owner)) == 0
    assert best_document(fused, owner, 2, choice=DocumentChoice(sentence_weight=0.0),
                         sentences=(cosines, sentence_owner)) == 1
    assert is_alias([0.76, 0.60]) and not is_alias([0.76, 0.60], Aliases(min_cosine=0.8))
    assert not is_alias([0.76, 0.70]) and is_alias([0.76, 0.70], Aliases(min_margin=0.05))


def test_a_misquote_is_matched_only_as_closely_as_the_tuning_allows(built):
    question = 'Did the speech say "Turkmenistan is activating its transport potential toward the Baltic Sea and Iran"?'

    def outcome(quotes: Quotes):
        said = answer_with(retriever(_settings(built, Tuning(quotes=quotes))), question, k=5, history=())
        return said.wording.outcome, said.wording.closest

    speech = "central-asia-modernization-speech.txt"
    said = "Turkmenistan is activating its transport potential toward the Caspian Sea and Iran."
    start = (built[0] / speech).read_text(encoding="utf-8").index(said)
    # One word of ten differs: close at the shipped share, nothing close when every word must match.
    assert outcome(Quotes()) == ("close", (speech, start, start + len(said)))
    assert outcome(Quotes(close_share=1.0)) == ("absent", None)


def test_word_coverage_is_read_over_as_many_passages_as_the_tuning_says(built):
    from qa.search.evidence import evidence
    from qa.search.retrieval import ALL_STAGES

    question = "How do Turkmenistan, the Caspian Sea and the Belt and Road Initiative connect?"

    def coverage(covered_by: int) -> float:
        r = retriever(_settings(built, Tuning(features=Features(covered_by=covered_by))))
        return evidence(r, r.score(question), stages=ALL_STAGES).values["passage_coverage"]

    assert coverage(1) < coverage(3) <= coverage(50)


def test_a_question_about_the_document_is_recognised_by_meaning_as_the_tuning_says(built):
    question = "Which website hosts it?"  # no pattern reads it; "website" says which field
    from qa.questions.meta import asks_about_document

    assert asks_about_document(question) == ""

    def kind(about: AboutDocument) -> str:
        return retriever(_settings(built, Tuning(about_document=about))).about_document(question, "en")

    assert kind(AboutDocument(min_cosine=-1.0)) == "source"  # any cosine will do
    assert kind(AboutDocument(min_cosine=2.0)) == ""          # none will
