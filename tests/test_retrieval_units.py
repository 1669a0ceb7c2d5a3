"""The retrieval pieces against answers worked out by hand (fast: FakeEncoder, no model)."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from pathlib import Path

import numpy as np
import pytest

import qa
from qa.answer.abstain import decide
from qa.answer.compose import Candidate, choose, explains
from qa.search.evidence import COMPUTED, Evidence
from qa.search.kinds import contains, unmatched_focus
from qa.config import DEFAULT_MODEL, PAIR_MATCH, AbstentionModel, PairScore
from qa.search.fusion import Weights, fuse, zscore
from qa.index.lexical import Vocabulary, acronyms, edit_distance, words
from qa.questions.query import asks_for, is_alias, is_follow_up, read
from qa.index.views import view_texts

SPEECH_WORDS = ["It was in Kazakhstan in 2013 that the Belt and Road Initiative was first announced, "
                "according to reports on regionalization."]


def test_words_drop_possessives_and_split_hyphens():
    assert words("Kazakhstan's multi-vector U.S.-China") == ["kazakhstan", "multi", "vector", "u", "s", "china"]


def test_spelling_is_corrected_to_a_corpus_word_and_acronyms_expand():
    v = Vocabulary(SPEECH_WORDS)
    read_ = v.read("when was the BRI anounced in Kazakstan")
    assert ("anounced", "announced") in read_.corrected and ("kazakstan", "kazakhstan") in read_.corrected
    assert {"belt", "road", "initi"} <= set(read_.terms) and read_.unknown == ()


def test_unknown_words_lower_coverage_and_short_words_are_not_corrected():
    v = Vocabulary(SPEECH_WORDS)
    read_ = v.read("gdp of Kazakhstan")
    assert read_.unknown == ("gdp",) and v.coverage(read_) == 0.5
    assert v.correct("gdp") is None
    assert v.read("Kazakhstan", spelling=False).unknown == ()


def test_acronyms_and_edit_distance_by_hand():
    assert acronyms("the Digital Silk Road and the Belt and Road Initiative")["bri"] == ("belt", "road", "initiative")
    assert edit_distance("kitten", "sitting", 3) == 3 and edit_distance("abc", "abcdef", 2) == 3


def test_question_kinds_and_follow_ups():
    assert asks_for("When exactly will the summit open?") == "date"
    assert asks_for("What is Kazakhstan's inflation rate?") == "quantity"
    assert asks_for("Which president announced the initiative?") == "person"
    assert asks_for("Who announced the initiative?") == "agent" and asks_for("Why did globalization slow?") == ""
    assert asks_for("When was the program launched?") == "time" and asks_for("In what year did it start?") == "time"
    assert asks_for("How many workshops are there?") == "count" and asks_for("How long is the corridor?") == "quantity"
    assert asks_for("Who is the Prime Minister of Tajikistan?") == "person"
    assert asks_for("Who chaired the summit?") == "person"
    assert asks_for("Who is partnering with Kazakhstan?") == "agent"
    assert asks_for("What is the name of Kazakhstan's foreign minister?") == "person"
    q = read("which corridor is it part of?", ["Is Kyrgyzstan mentioned?"])
    assert q.follow_up and q.text.startswith("Is Kyrgyzstan mentioned?")
    assert not read("Which corridor does Kyrgyzstan join?", ["Is Kyrgyzstan mentioned?"]).follow_up
    assert not is_follow_up("What did the speaker propose for the summit agenda in the second half of his talk?")


def test_alias_needs_a_close_and_unambiguous_corpus_name():
    assert is_alias([0.8, 0.5]) and not is_alias([0.8, 0.78]) and not is_alias([0.5, 0.1])


def test_answer_type_is_looked_for_in_the_passage():
    assert contains("date", "held in May 2023") and not contains("date", "expected this year")
    assert contains("quantity", "grew by 4.8 percent") and not contains("quantity", "since 2013")
    assert not contains("quantity", "One of the most influential")
    assert contains("person", "Ruslan Izimov, Expert at the Center") and not contains("person", "in Kazakhstan in 2013")
    assert not contains("person", "regular meetings among heads of state")
    assert contains("quantity", "priorities:\n- one thing;\n- another.")
    assert contains("time", "first announced in 2013") and contains("time", "expected this year in Astana")
    assert contains("time", "globalization as we knew it in the 1990s-2000s") and not contains("time", "held in Astana")
    assert contains("count", "priorities:\n- Launch clusters;\n- Deepen ties.")
    assert not contains("quantity", "priorities:\n- Launch clusters;\n- Deepen ties.")


def test_an_actor_is_a_name_doing_something_not_a_place_or_the_question():
    assert contains("agent", "Amidst these shifts, China is becoming a key actor.")
    assert not contains("agent", "As we recall, it was in Kazakhstan in 2013 that the Belt and Road Initiative was announced.",
                        exclude=frozenset({"belt", "road", "initiative"}))


def _model(**coef: float) -> AbstentionModel:
    """A hand-made abstention model: each feature's weight as given, features unscaled."""
    names = tuple(coef)
    return AbstentionModel(features=names, mean=(0.0,) * len(names), scale=(1.0,) * len(names),
                           coef=tuple(coef.values()), intercept=-1.0, threshold=0.5)


def _evidence(asks_for: str = "", unknown: tuple[str, ...] = (), **values: float) -> Evidence:
    return Evidence(values=values, asks_for=asks_for, unknown_names=unknown)


def test_the_reason_comes_from_the_feature_that_pushed_hardest():
    model = _model(unknown_names=2.0, kind_missing=1.5, dense_top=-4.0)
    named = decide(_evidence(unknown=("Russia",), unknown_names=1.0, kind_missing=1.0, dense_top=0.0), model)
    assert named.abstain and named.reason == "The speech does not mention Russia." and named.cause == "unknown_names"
    kind = decide(_evidence("person", unknown_names=0.0, kind_missing=1.0, dense_top=-0.2), model)
    assert kind.abstain and kind.reason == "The passages that match name no person for this."
    weak = decide(_evidence("person", unknown_names=0.0, kind_missing=0.0, dense_top=-1.0), model)
    assert weak.abstain and weak.reason == "Nothing in the speech matches the question."
    # A missing kind alone does not refuse when the match is strong: no rule vetoes.
    assert not decide(_evidence("person", unknown_names=0.0, kind_missing=1.0, dense_top=0.5), model).abstain


def test_the_threshold_is_the_models_and_a_model_missing_a_feature_fails_loudly():
    found = _evidence(unknown_names=0.0, kind_missing=1.0, dense_top=0.0)  # p = sigmoid(0.5) = 0.62
    assert decide(found, _model(unknown_names=2.0, kind_missing=1.5, dense_top=-4.0)).abstain
    strict = dataclasses.replace(_model(unknown_names=2.0, kind_missing=1.5, dense_top=-4.0), threshold=0.7)
    assert not decide(found, strict).abstain
    with pytest.raises(KeyError):
        decide(_evidence(dense_top=0.1), _model(unknown_words=1.0))
    with pytest.raises(ValueError):
        AbstentionModel(features=("a", "b"), mean=(0.0,), scale=(1.0,), coef=(1.0,), intercept=0.0, threshold=0.5)


def test_a_calibrated_document_is_decided_at_its_own_threshold_and_only_that_text():
    found = _evidence(unknown_names=0.0, kind_missing=1.0, dense_top=0.0)  # p = sigmoid(0.5) = 0.62
    model = dataclasses.replace(_model(unknown_names=2.0, kind_missing=1.5, dense_top=-4.0), threshold=0.7,
                                document_thresholds={"a" * 64: 0.6})
    assert decide(dataclasses.replace(found, document="a" * 64), model).abstain
    # Another text (an edited speech has another sha256), or none known: the shared threshold.
    assert not decide(dataclasses.replace(found, document="b" * 64), model).abstain
    assert not decide(found, model).abstain
    with pytest.raises(ValueError):
        dataclasses.replace(model, document_thresholds={"a" * 64: 1.5})


def test_a_name_counts_at_its_fitted_weight_and_an_unlisted_name_counts_one():
    """Candidate N: a name the fitted documents left unknown in answerable questions as often as
    in unanswerable ones weighs less; the reply still names it when it decides."""
    model = dataclasses.replace(_model(unknown_names=2.0), name_weights={"union": 0.25})
    genre = decide(_evidence(unknown=("the Union",), unknown_names=1.0), model)  # log-odds -1 + 0.5
    assert not genre.abstain
    named = decide(_evidence(unknown=("Mars",), unknown_names=1.0), model)  # log-odds -1 + 2
    assert named.abstain and named.reason == "The speech does not mention Mars."
    both = decide(_evidence(unknown=("the Union", "Mars"), unknown_names=2.0), model)  # -1 + 2.5
    assert both.abstain and both.probability == pytest.approx(1 / (1 + math.exp(-1.5)))
    with pytest.raises(ValueError):
        dataclasses.replace(model, name_weights={"union": 1.5})


def test_the_shipped_model_reads_computed_features_and_says_where_it_comes_from():
    model = AbstentionModel.load()
    assert set(model.features) <= {*COMPUTED, PAIR_MATCH} and len(set(model.features)) == len(model.features)
    # The pair score, if read, is fitted in the default encoder's space over its 2 x 384 values.
    assert model.pair is None or (model.pair.encoder == DEFAULT_MODEL and len(model.pair.coef) == 768)
    assert 0.0 < model.threshold < 1.0 and model.date and "fit_abstention.py" in model.fitted_by
    root = Path(qa.__file__).resolve().parent.parent
    assert model.data and all((root / f).is_file() for f in model.data if not f.startswith(".."))
    # The threshold holds the main speech's blind rows and the other speeches' each to 5%: the
    # mean of their documents' wrong-refusal rates, each document weighed by its age
    # (``age_weights``; all alike, it is the plain mean). Pooled without the weights, the rate
    # can be higher when the newest documents are refused wrongly least.
    groups = model.cv["pooled"]["by_group"]
    assert len(groups) == 2 and all(g["wrong_refusals_age_weighted"] <= 0.05 and g["questions"] for g in groups)
    # A text's own threshold says which document it was fitted on and how, and holds that
    # document's rounds to 5% wrong refusals out of fold (nested).
    assert set(model.calibration) == set(model.document_thresholds)
    for record in model.calibration.values():
        assert (root / "seeds" / record["document"]).is_file() and "fit_document_threshold.py" in record["fitted_by"]
        assert record["cv"]["nested"]["wrong_refusals_mean_per_round"] <= 0.055


def test_a_fact_about_a_named_thing_must_come_from_where_the_thing_is_named():
    summit = "The first China - Central Asia Summit, held in May 2023 in Xi’an, marked a milestone."
    # "When was the forum held?" finds the summit's date: the forum is named elsewhere.
    assert unmatched_focus(("forum",), summit) == ("forum",)
    assert unmatched_focus(("summit", "first"), summit) == ()
    assert unmatched_focus(("third", "summit"), summit) == ("third",)


def test_what_a_question_asks_about_is_the_names_the_speech_uses_not_the_speech_itself():
    from qa.search.kinds import focus_words
    names = ["astana", "forum", "speech", "summit"]
    assert focus_words("When was the Forum held, according to the speech?", names) == ("forum",)
    assert focus_words("Where will the summit's next meeting be held?", names) == ("summit",)
    assert asks_for("Where was the forum held?") == "place" and asks_for("In which city is it?") == "place"
    assert asks_for("Where does water come up in the speech?") == ""
    assert focus_words("When will the third summit of 2026 meet?", names) == ("third", "summit", "2026")


def test_fusion_zscores_and_scales_lexical_by_coverage():
    assert zscore(np.array([2.0, 2.0])).tolist() == [0.0, 0.0]
    signals = {"sentence": np.array([1.0, 0.0]), "bm25_sentence": np.array([0.0, 9.0])}
    w = Weights(sentence=1, context=0, sentence_context=0, bm25_sentence=1, coverage_power=1)
    assert np.argmax(fuse(signals, w, coverage=0.1)) == 0  # paraphrase: meaning wins
    assert fuse(signals, w, coverage=1.0).tolist() == [0.0, 0.0]  # equal weight: a tie


def test_views_are_parallel_to_sentences_and_chunks():
    from qa.index.chunking import chunk_text

    chunks = chunk_text("a.txt", "One here. Two there.\nThree now.", target_chars=12)
    views = view_texts(chunks)
    assert views["sentence_vectors"] == ["One here.", "Two there.", "Three now."]
    assert views["sentence_context_vectors"] == ["One here.", "One here. Two there.", "Two there. Three now."]
    assert views["context_vectors"] == ["One here.", "One here. Two there.", "Two there. Three now."]


def _passage(text: str, sentences, score: float) -> qa.Passage:
    return qa.Passage(source="a.txt", text=text, start=0, end=len(text), paragraph=1, last_paragraph=1,
                      sentences=tuple(sentences), score=score)


def test_a_list_is_quoted_whole_and_weak_passages_are_not_cited():
    text = "Priorities:\n- a;\n- b."
    listed = _passage(text, [(0, 11), (12, 16), (17, 21)], 10.0)
    other = _passage("Unrelated.", [(0, 10)], 5.0)
    chosen = choose([Candidate(passage=listed, sentence_scores=(1.0, 3.0, 0.1)),
                     Candidate(passage=other, sentence_scores=(2.0,))])
    assert [(c.passage.text, picks) for c, picks in chosen] == [(text, (0, 1, 2))]


def test_ask_a_list_question_quotes_every_item(built):
    seeds, index = built
    answer = qa.ask("We consider it timely to focus on the following priorities during the summit",
                    seeds_dir=seeds, index_dir=index)
    assert not answer.abstained
    reply = answer.text.split("---")[0]
    assert reply.count("\n- ") == 5 and "Luban Workshops" in reply


def test_unknown_name_abstains_and_says_why(built):
    seeds, index = built
    answer = qa.ask("What does the speaker say about Mongolia's railways?", seeds_dir=seeds, index_dir=index)
    assert answer.abstained and "does not mention Mongolia" in answer.text


def test_rebuild_embeds_only_the_changed_texts(built, fake_encoder):
    seeds, index = built
    path = seeds / "central-asia-modernization-speech.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("\nAuther:", "\nA closing line.\nAuther:"), encoding="utf-8")
    fake_encoder.calls.clear()
    report = qa.build(seeds_dir=seeds, index_dir=index)
    # New: the passage, its sentence, both context views, and the words "closing" and "line"
    # (the word view); the name list is unchanged. The one-sentence passage equals its
    # sentence and its context view equals its sentence's; the build embeds each distinct
    # text once: four texts.
    assert report.embedded == 1 and fake_encoder.calls == [4]


def test_eval_ablate_prints_one_row_per_stage(built, tmp_path, capsys):
    from qa.cli import main

    seeds, index = built
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "x1", "question": "Which city hosted the first summit?", "type": "factoid",
                                     "evidence": ["held in May 2023 in Xi’an"]}) + "\n", encoding="utf-8")
    assert main(["eval", str(questions), "--ablate", "--seeds-dir", str(seeds), "--index-dir", str(index)]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].startswith("| configuration")
    for row in ["all stages", "- lexical (BM25)", "- sentence granularity", "- answer-type check"]:
        assert f"| {row}" in table


def test_top_two_pooling_prefers_a_passage_with_two_matching_sentences():
    from qa.search.fusion import pool

    values = np.array([0.9, 0.0, 0.8, 0.7])  # passage 0: one strong sentence; passage 1: two good ones
    owners = np.array([0, 0, 1, 1])
    assert pool(values, owners, 2, top=1).tolist() == [0.9, 0.8]
    assert pool(values, owners, 2, top=2).round(2).tolist() == [0.45, 0.75]


def _retriever(built):
    from qa.api import make_settings, retriever

    seeds, index = built
    return retriever(make_settings(seeds_dir=seeds, index_dir=index))


def test_second_embedder_scores_paraphrases_with_its_stored_vectors(built):
    from dataclasses import replace

    import qa.index.multilingual
    from qa.search.retrieval import ALL_STAGES

    r = _retriever(built)
    paraphrase = "what do the zorbly examples of teamwork prove about gizmo platforms"
    _, terms, signals, _, _ = r.signals(paraphrase)
    assert r.vocabulary.coverage(terms) < r.weights.use_below_coverage
    vector = qa.index.multilingual.get_use_encoder().encode([paraphrase])[0]
    expected = r.stored.extras[qa.index.multilingual.PASSAGE_ARRAY] @ vector
    assert np.allclose(signals["use_passage"], expected, atol=1e-5)
    _, _, without, _, _ = r.signals(paraphrase, stages=replace(ALL_STAGES, second_embedder=False))
    assert "use_passage" not in without
    # A question in the speech's own words is left to BM25 and MiniLM: no second model call.
    own_words = "regional initiatives evolving into real platforms for modernization"
    assert "use_passage" not in r.signals(own_words)[2]
    assert "use_passage" in r.signals(own_words, always_second=True)[2]


def test_second_embedder_is_skipped_when_the_index_was_made_by_another_version(built, monkeypatch):
    import qa.index.multilingual

    from conftest import FakeEncoder

    r = _retriever(built)
    other = FakeEncoder(name="fake-use-v2", dimension=qa.index.multilingual.DIMENSION)
    monkeypatch.setattr(qa.index.multilingual, "get_use_encoder", lambda: other)
    _, _, signals, _, _ = r.signals("regional initiatives", always_second=True)
    assert "use_passage" not in signals and r.search("zorbly gizmo initiatives", k=3)


def test_spelling_candidates_by_deletion_match_a_full_scan():
    import random

    from qa.index.lexical import edit_distance

    from conftest import SPEECH

    v = Vocabulary([SPEECH.read_text(encoding="utf-8")])

    def scan(word):  # the plain definition: shortest first, then most frequent, nearest distance
        if len(word) < 6 or not word.isalpha():
            return None
        limit = 1 if len(word) < 9 else 2
        for distance in range(1, limit + 1):
            for length in range(len(word) - distance, len(word) + distance + 1):
                for candidate in v._by_length.get(length, ()):
                    if edit_distance(word, candidate, distance) <= distance:
                        return candidate
        return None

    rng = random.Random(7)
    typos = []
    for word in sorted(w for w in v.counts if w.isalpha() and len(w) >= 5):
        for _ in range(3):
            chars, i = list(word), rng.randrange(len(word))
            edit = rng.randrange(3)
            if edit == 0:
                chars[i] = rng.choice("aeiourstn")
            elif edit == 1:
                chars.insert(i, rng.choice("aeiourstn"))
            elif i + 1 < len(chars):
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
            typos.append("".join(chars))
    assert any(v.correct(t) for t in typos)
    assert [v.correct(t) for t in typos] == [scan(t) for t in typos]



def test_an_unknown_word_searches_for_its_nearest_corpus_words(built):
    from dataclasses import replace

    from qa.search.retrieval import ALL_STAGES

    r = _retriever(built)
    # "initiatory" is no corpus word and too far from one to be a typo; the fake encoder reads
    # a word's first five letters, so its nearest corpus words are "initiative(s)".
    _, terms, signals, _, _ = r.signals("initiatory")
    assert terms.unknown == ("initiatory",)
    holds = np.array(["initiative" in c.text.lower() for c in r.chunks])
    assert holds.any() and (signals["bm25_passage"][holds] > 0).all() and (signals["bm25_passage"][~holds] == 0).all()
    _, _, plain, _, _ = r.signals("initiatory", stages=replace(ALL_STAGES, expansion=False))
    assert not plain["bm25_passage"].any()
    # Expansion ranks passages but leaves the question's coverage, which abstention reads, alone.
    assert r.score("initiatory").coverage == 0.0


def test_a_passage_that_points_back_ranks_with_the_passage_it_concludes(built):
    from dataclasses import replace

    from qa.search.retrieval import ALL_STAGES

    r = _retriever(built)
    marked = [c.text.split(",")[0][:25] for c, back in zip(r.chunks, r.points_back) if back]
    assert "These developments indicate that regional initiatives"[:25] in marked
    assert "In other words" in marked and not any(m.startswith("It is here") for m in marked)
    question = "Uzbekistan partnering with Kazakhstan and Tajikistan on energy and water"
    at = int(np.flatnonzero([c.text.startswith("These developments") for c in r.chunks])[0])
    order = list(np.argsort(-r.score(question).fused, kind="stable"))
    assert order.index(at) == order.index(at - 1) + 1
    plain = list(np.argsort(-r.score(question, stages=replace(ALL_STAGES, discourse=False)).fused, kind="stable"))
    assert plain.index(at) > plain.index(at - 1) + 1


def test_questions_about_the_author_are_answered_by_the_byline(built):
    seeds, index = built
    for question in ["Who gave this talk?", "Where does the speaker work?", "What is the author's affiliation?",
                     "Who wrote this piece?", "What is the name of the author?"]:
        answer = qa.ask(question, seeds_dir=seeds, index_dir=index)
        assert not answer.abstained and answer.passages[0].text.startswith("Auther: Ruslan Izimov"), question
        assert answer.text.startswith("Ruslan Izimov, Expert"), answer.text
        assert answer.passages[0].citation.endswith(", header")
    # A question about what the speaker says is not about the speaker.
    said = qa.retrieve("What does the speaker say about water cooperation?", k=1, seeds_dir=seeds, index_dir=index)
    assert not said[0].text.startswith("Auther")


def test_a_question_for_a_named_official_abstains_when_no_person_is_named(built):
    seeds, index = built
    answer = qa.ask("What is the name of the Chinese president?", seeds_dir=seeds, index_dir=index)
    assert answer.abstained and "name no person" in answer.text


def test_a_question_for_named_companies_abstains_when_none_is_named(built):
    seeds, index = built
    answer = qa.ask("Which Chinese companies run the industrial parks?", seeds_dir=seeds, index_dir=index)
    assert answer.abstained and "name no company or organisation" in answer.text
    # The byline names an institute: asked for the author's organisation, it answers.
    assert not qa.ask("Which organization does the author work for?", seeds_dir=seeds, index_dir=index).abstained


def test_a_yes_no_question_on_the_speakers_view_is_marked_in_every_language():
    from qa.questions.query import AFTERMATH, STANCE

    assert set(STANCE) == set(AFTERMATH)  # one table per language the question reader knows
    assert read("Is the minister in favour of a bigger budget?").stance
    assert read("Would she welcome a second vote?").stance
    assert not read("Does the minister say the budget will grow?").stance
    assert not read("Why does the minister favour a bigger budget?").stance  # not a yes/no question
    assert read("Одобряет ли министр новый бюджет?", language="ru").stance
    assert not read("Говорит ли министр, что за год бюджет вырос?", language="ru").stance


def test_every_language_says_why_for_every_kind_of_question():
    from qa.questions import cues, query
    from qa.answer.compose import FRAMING

    kinds = {kind for kind, _ in query._ASKS} | {kind for kind, _ in cues._ASKS}
    for language, words in FRAMING.items():
        assert set(words["missing"]) == kinds, language


def test_a_fact_question_cites_one_passage_and_a_weak_neighbour_is_left_out():
    first = _passage("Held in May in the capital. Many came.", [(0, 27), (28, 38)], 5.0)
    inherits = _passage("It then met again.", [(0, 18)], 5.0)   # same score, weak sentences
    also = _passage("The capital hosted it again.", [(0, 28)], 4.9)
    cands = [Candidate(passage=first, sentence_scores=(4.0, 1.0)),
             Candidate(passage=inherits, sentence_scores=(1.5,)),
             Candidate(passage=also, sentence_scores=(3.0,))]
    assert [c.passage for c, _ in choose(cands, asks_for="place")] == [first]
    # An explanation may cite several passages, but only those whose own sentences match.
    assert [c.passage for c, _ in choose(cands)] == [first, also]


def test_a_why_reply_quotes_the_sentence_that_gives_the_reasons():
    text = "Growth has slowed. The reasons are clear: debt and war. Trade goes on."
    slowed = _passage(text, [(0, 18), (19, 55), (56, 70)], 5.0)
    cands = [Candidate(passage=slowed, sentence_scores=(6.0, 2.0, 0.5))]
    assert choose(cands)[0][1] == (0,)                        # a what-question: the best sentence
    assert choose(cands, why=True)[0][1] == (0, 1)            # why: and the reasons after it
    assert explains("Why has growth slowed?") and explains("How is trade changing?")
    assert not explains("How many came?") and not explains("Where did they meet?")


def _one_document(seeds, tmp_path, name: str, text: str):
    """A retriever over ``text`` alone, saved as ``seeds/name`` beside the speech and built."""
    from qa.api import _settings, served

    (seeds / name).write_text(text, encoding="utf-8")
    index = tmp_path / "index"
    qa.build(seeds_dir=seeds, index_dir=index)
    r, _ = served(_settings(seeds, index, None), auto_rebuild=False)
    return r.for_documents([name])


def test_a_name_the_text_writes_by_its_initials_is_known(seeds, tmp_path, fake_encoder):
    """"The United States" where a text writes "U.S.", and "the WTO" where it writes "World
    Trade Organization", are names the text uses; "the European Union" is not."""
    part = _one_document(seeds, tmp_path, "trade.txt",
                         "The U.S. and Chile spoke at the World Trade Organization about ports.\n")
    known = part.score("What did the United States and the WTO say about ports?")
    assert known.unknown_names == () and known.unknown_phrases == ()
    unknown = part.score("What did the European Union say about ports?")
    assert unknown.unknown_phrases == ("the European Union",)


def test_a_country_named_in_another_form_is_known(seeds, tmp_path, fake_encoder):
    """"France" where a text writes "the French Republic", "the British" where it writes
    "Great Britain": names the text uses, in another form; "Germany" is not."""
    part = _one_document(seeds, tmp_path, "treaty.txt",
                         "The French Republic and Great Britain signed the treaty of ports.\n")
    assert part.score("What did France and the British sign about ports?").unknown_names == ()
    assert part.score("What did Germany sign about ports?").unknown_names == ("germany",)


def test_a_name_the_speech_never_uses_is_named_with_its_article(built):
    seeds, index = built
    answer = qa.ask("What does he say about the Baltic Fleet?", seeds_dir=seeds, index_dir=index)
    assert answer.abstained and "The speech does not mention the Baltic Fleet." in answer.text


def _one_file_retriever(tmp_path: Path, name: str, text: str):
    """A retriever over one file of ``text``, built under ``tmp_path`` (with the fake encoder)."""
    from qa.api import retriever
    from qa.config import settings

    seeds = tmp_path / "docs"
    seeds.mkdir()
    (seeds / name).write_text(text, encoding="utf-8")
    s = settings(seeds_dir=seeds, index_dir=tmp_path / "index")
    qa.build(seeds_dir=seeds, index_dir=s.index_dir)
    return retriever(s)


def test_other_forms_of_a_corpus_name_are_not_unknown_names(tmp_path, fake_encoder):
    """A demonym of a country the speech names, and an acronym of a title its metadata lines
    spell out, are not names the speech never mentions; a country it never names still is."""
    r = _one_file_retriever(tmp_path, "talk.txt",
                            "Speaker: Ada Lovelace\nRole: Prime Minister of Freedonia\n\n"
                            "Our farmers trade rice with buyers from Japan and Korea every autumn.\n\n"
                            "The harvest fair opens in the old market hall.\n")
    assert r.score("Do Japanese or Korean buyers pay more for rice?").unknown_names == ()
    assert r.score("Will the PM open the harvest fair?").unknown_names == ()
    assert r.score("Do Mongolian buyers come too?").unknown_names == ("mongolian",)


def test_a_capital_standing_for_a_country_the_speech_names_is_no_unknown_name(tmp_path, fake_encoder):
    """A question may name a country by its capital ("Washington" for the United States):
    that is no name the speech never uses when the speech names the country; a capital whose
    country it never names still is, and so is a country's name it never uses."""
    r = _one_file_retriever(tmp_path, "talk.txt",
                            "The United States and Japan will fund new ports across the Pacific.\n\n"
                            "The harvest fair opens in the old market hall.\n")
    assert r.score("What will Washington and Tokyo fund?").unknown_names == ()
    assert r.score("Will Moscow fund ports too?").unknown_names == ("moscow",)
    assert r.score("Will Russia fund ports too?").unknown_names == ("russia",)


def test_a_country_whose_capital_the_speech_names_is_no_unknown_name(tmp_path, fake_encoder):
    """The other way round: a text that says "here in Tokyo" but never "Japan" is about Japan
    too, so "Japan" or "Japanese" in a question is no name it never uses; a country whose
    capital it does not name still is."""
    r = _one_file_retriever(tmp_path, "talk.txt",
                            "Thank you for welcoming us here in Tokyo, Prime Minister.\n\n"
                            "The harvest fair opens in the old market hall.\n")
    assert r.score("What does he thank Japan's prime minister for?").unknown_names == ()
    assert r.score("Which Japanese leader does he thank?").unknown_names == ()
    assert r.score("What does he thank Korea's president for?").unknown_names == ("korea",)


def test_a_speaker_known_only_by_the_file_name_is_no_unknown_name(tmp_path, fake_encoder):
    """A text that never names its speaker is known by its file name ("vandyke-1901.txt"): a
    question naming that speaker, with given names ("Jane Van Dyke") or the family name in two
    words ("Van Dyke"), names nothing the text never uses; another person still is. A month or a
    weekday is no name a text must write either."""
    r = _one_file_retriever(tmp_path, "vandyke-1901.txt",
                            "Fellow citizens, the harvest fair opens in the old market hall.\n\n"
                            "Our farmers trade rice with buyers from Japan every autumn.\n")
    for question in ("Did Jane Van Dyke say the fair opens in the hall?",
                     "In Van Dyke's 1901 message, where does the fair open?"):
        scored = r.score(question)
        assert scored.unknown_names == () and scored.unknown_phrases == (), question
    other = r.score("Did Jane Doe say the fair opens in the hall?")
    assert other.unknown_names == ("jane", "doe") and other.unknown_phrases == ("Jane Doe",)
    assert r.score("Does the fair open in September, on a Monday?").unknown_names == ()


def test_a_name_of_several_words_counts_only_as_the_text_writes_it(tmp_path, fake_encoder):
    """Each word of "Power Africa" is in the text, the name is not: it is an unknown phrase
    (the abstention model weighs it); a name the text writes, in another case or with a
    possessive, and a title before a name, are not."""
    r = _one_file_retriever(tmp_path, "talk.txt",
                            "Title: Harbour remarks\nSpeaker: Ada Lind, Minister of Ports\n"
                            "Power lines now reach every village in Africa.\n\n"
                            "The Green Climate Fund’s grant built the Harbour Wall last year.\n")
    assert r.score("What role does Power Africa play in the new lines?").unknown_phrases == ("Power Africa",)
    assert r.score("Who paid for the harbour wall: the Green Climate Fund?").unknown_phrases == ()
    assert r.score("What did the Blue Ocean Fund pay for?").unknown_phrases == ("the Blue Ocean Fund",)
    assert r.score("What did Minister Ada Lind say of the Harbour Wall?").unknown_phrases == ()


def test_the_speaker_s_full_name_is_not_an_unknown_name(tmp_path, fake_encoder):
    """A transcript knows its speaker only by the label's family name ("MR. LIND:"); a question
    that gives the full name ("Ada Lind") asks about that speaker, so neither the given name
    nor the full name counts as a name the text never uses. Another unknown name still does."""
    r = _one_file_retriever(tmp_path, "talk.txt",
                            "MR. LIND: The harbour wall was finished last year.\n\n"
                            "MR. LIND: Trade through the port doubled since then.\n")
    asked = r.score("What does Ada Lind say about the harbour wall?")
    assert asked.unknown_names == () and asked.unknown_phrases == ()
    other = r.score("What does Bob Marsh say about the harbour wall?")
    assert other.unknown_phrases == ("Bob Marsh",) and "bob" in other.unknown_names

def test_a_figure_counts_only_what_stands_next_to_it(tmp_path, fake_encoder):
    """A question for a figure of something ("how many ships") is answered by a figure written
    next to that thing, not by any figure of the passage: ``measure_missing`` is 0 when the
    measured word stands by a figure, above 0 when the passage's figures count something
    else, and 0 for a question that asks for no figure."""
    from qa.search.evidence import evidence
    from qa.search.retrieval import ALL_STAGES

    r = _one_file_retriever(tmp_path, "port.txt",
                            "Last year the harbour of Ostrava Bay received 300 container ships from every continent. "
                            "The dock workers also loaded grain for the northern farms.\n\n"
                            "The harbour festival opens every spring in the old market hall.\n")

    def missing(question: str) -> float:
        return evidence(r, r.score(question), stages=ALL_STAGES).values["measure_missing"]

    assert missing("How many container ships reached the harbour of Ostrava Bay?") == 0.0
    assert missing("How many dock workers did the harbour of Ostrava Bay have?") > 0.0
    assert missing("Why do container ships come to the harbour?") == 0.0


def test_a_name_the_document_never_uses_is_not_covered_by_a_neighbouring_name():
    """Query expansion may search "Kazakhstan" for "Mongolia", but the evidence features do
    not count the unknown name as covered by it; an unknown common word keeps its synonyms."""
    from types import SimpleNamespace

    from qa.search.evidence import covered_share, name_free_expansions

    scored = SimpleNamespace(unknown_names=("mongolia",),
                             expansions=(("mongolia", ("kazakhstan",)), ("swiftly", ("rapid",))))
    expansions = name_free_expansions(scored)
    assert expansions == {"swiftly": ("rapid",)}
    assert covered_share(("mongolia", "trade"), dict(scored.expansions), "Kazakhstan trade grew.") == 1.0
    assert covered_share(("mongolia", "trade"), expansions, "Kazakhstan trade grew.") == 0.5


def _paired(encoder: str = "minilm") -> AbstentionModel:
    """A hand-made model that reads only the pair score, which rises with the vector's first
    value; fitted (so to speak) for ``encoder``."""
    pair = PairScore(mean=(0.0, 0.0), scale=(1.0, 1.0), coef=(4.0, 0.0), intercept=-2.0, encoder=encoder)
    return AbstentionModel(features=(PAIR_MATCH,), mean=(-1.0,), scale=(1.0,), coef=(1.0,), intercept=-1.0,
                           threshold=0.5, pair=pair)


def test_the_pair_score_decides_only_under_the_encoder_it_was_fitted_for():
    unmatched = Evidence(values={}, asks_for="", unknown_names=(), pair=np.array([1.0, 0.0]), encoder="minilm")
    refused = decide(unmatched, _paired())  # score 2: log-odds -1 + (2 - -1) = 2
    assert refused.abstain and refused.cause == PAIR_MATCH
    assert refused.reason == "The closest passages are about something else than what was asked."
    assert not decide(Evidence(values={}, asks_for="", unknown_names=(), pair=np.array([0.0, 1.0]),
                               encoder="minilm"), _paired()).abstain  # score -2
    # Another encoder's vectors, or none: the score sits at its mean and pushes neither way.
    for other in (dataclasses.replace(unmatched, encoder="another model"), dataclasses.replace(unmatched, pair=None),
                  dataclasses.replace(unmatched, pair=np.array([1.0, 0.0, 0.0]))):
        assert not decide(other, _paired()).abstain
    with pytest.raises(ValueError):  # a pair score without the feature, or the feature without one
        dataclasses.replace(_paired(), pair=None)
    with pytest.raises(ValueError):
        PairScore(mean=(0.0,), scale=(1.0, 1.0), coef=(1.0,), intercept=0.0, encoder="m")


def test_a_model_with_a_pair_score_survives_its_file(tmp_path):
    import json

    model = _paired()
    data = {k: v for k, v in dataclasses.asdict(model).items()}
    path = tmp_path / "abstention.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert AbstentionModel.load(path) == model


def test_the_evidence_pairs_the_question_with_its_best_passages(tmp_path, fake_encoder):
    """``pair`` is the question's vector against the mean of the best passages' (product,
    then absolute difference), made by the index's encoder."""
    from qa.search.evidence import evidence, pair_vector
    from qa.search.retrieval import ALL_STAGES

    r = _one_file_retriever(tmp_path, "port.txt",
                            "The harbour of Ostrava Bay received container ships from every continent.\n\n"
                            "The harbour festival opens every spring in the old market hall.\n\n"
                            "Grain for the northern farms left by rail.\n")
    scored = r.score("When does the harbour festival open?")
    found = evidence(r, scored, stages=ALL_STAGES)
    best = np.argsort(-scored.fused, kind="stable")[:r.tuning.features.covered_by]
    assert found.encoder == r.stored.manifest.model and found.pair.shape == (2 * r.stored.vectors.shape[1],)
    assert np.allclose(found.pair, pair_vector(scored.query_vector, r.stored.vectors[best]))
    assert not np.allclose(found.pair, pair_vector(scored.query_vector, r.stored.vectors[best[:1]]))
    # The best passage's document, by the sha256 of the file's bytes (what a calibration is keyed by).
    assert found.document == hashlib.sha256((tmp_path / "docs" / "port.txt").read_bytes()).hexdigest()


def _memory_for(path: Path, chunk, vector, encoder: str):
    from qa.search.memory import QuestionMemory

    v = np.asarray(vector, dtype=np.float64)
    return QuestionMemory(document=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(), encoder=encoder,
                          vectors=(v / np.linalg.norm(v))[None, :], spans=np.array([[0, chunk.start, chunk.end]]),
                          k=1, weight=3.0)


def test_a_memory_of_answered_questions_reorders_the_passages_of_its_own_text_only(tmp_path, fake_encoder):
    """A question like one answered before moves the passage that answered it up; the passages
    keep their fused scores. An edited text (another sha256) or another encoder: no memory."""
    from qa.search.retrieval import Retriever

    r = _one_file_retriever(tmp_path, "port.txt",
                            "The harbour of Ostrava Bay received container ships from every continent.\n\n"
                            "The harbour festival opens every spring in the old market hall.\n\n"
                            "Grain for the northern farms left by rail.\n")
    assert r.memory is None  # the shipped memory is of another text
    question = "What happens at the harbour?"
    scored = r.score(question)
    plain = r.rank(scored, k=3)
    last = next(c for c in r.chunks if c.start == plain[-1].start)
    memory = _memory_for(tmp_path / "docs" / "port.txt", last, scored.query_vector, r.stored.manifest.model)
    remembering = Retriever(r.stored, r.encoder, tuning=r.tuning, memory=memory)
    ranked = remembering.rank(remembering.score(question), k=3)
    assert ranked[0].start == last.start and [p.start for p in ranked] != [p.start for p in plain]
    assert ranked[0].score == pytest.approx(plain[-1].score)
    for other in (dataclasses.replace(memory, sha256="0" * 64), dataclasses.replace(memory, encoder="another model")):
        assert Retriever(r.stored, r.encoder, tuning=r.tuning, memory=other).memory is None


def test_a_memory_applies_only_when_its_text_is_the_whole_corpus_searched(tmp_path, fake_encoder):
    """Beside another document the memory stays out (it would favour its text); scoped to its
    text, it applies."""
    from qa.api import retriever
    from qa.config import settings
    from qa.search.retrieval import Retriever

    seeds = tmp_path / "docs"
    seeds.mkdir()
    (seeds / "port.txt").write_text("The harbour received container ships.\n\nThe festival opens in spring.\n",
                                    encoding="utf-8")
    (seeds / "farm.txt").write_text("Grain left by rail for the northern farms.\n", encoding="utf-8")
    s = settings(seeds_dir=seeds, index_dir=tmp_path / "index")
    qa.build(seeds_dir=seeds, index_dir=s.index_dir)
    r = retriever(s)
    port = next(c for c in r.chunks if c.source == "port.txt")
    memory = _memory_for(seeds / "port.txt", port, r.score("ships").query_vector, r.stored.manifest.model)
    both = Retriever(r.stored, r.encoder, tuning=r.tuning, memory=memory)
    assert both.memory is None
    assert both.for_documents(["port.txt"]).memory is not None
    assert both.for_documents(["farm.txt"]).memory is None


def test_the_shipped_memory_is_of_the_shipped_speech_and_says_where_it_comes_from(caplog, tmp_path):
    from qa.search.memory import load

    memory = load()
    root = Path(qa.__file__).resolve().parent.parent
    speech = root / "seeds" / memory.document
    assert memory.sha256 == hashlib.sha256(speech.read_bytes()).hexdigest() and memory.encoder == DEFAULT_MODEL
    text = qa.index.corpus.read_document(speech, speech.name).text
    assert len(memory.vectors) == memory.record["questions"] and memory.spans[:, 0].max() < len(memory.vectors)
    assert (memory.spans[:, 2] <= len(text)).all() and (memory.spans[:, 1] < memory.spans[:, 2]).all()
    assert "fit_question_memory.py" in memory.record["fitted_by"] and memory.record["date"]
    assert all((root / f).is_file() for f in memory.record["data"])
    # A damaged file is said and ranking goes on without it.
    broken = tmp_path / "memory.npz"
    broken.write_bytes(b"not a memory")
    assert load(broken) is None and "unreadable" in caplog.text
