"""The cross-lingual channel on the fake encoders: index arrays, routing, reply, abstention.

The fake multilingual encoder hashes words, so a Russian word never matches an English one
by meaning; what finds the passage here is the transliteration of names, which the real
channel uses too. The real model's quality is tested in test_multilingual.py.
"""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

import qa
import qa.search.crosslingual as crosslingual
from qa.api import answer_with, retriever
from qa.config import CrossLingual, Tuning, settings
from qa.index import store
from qa.answer.compose import framing
from qa.index.multilingual import PASSAGE_ARRAY, SENTENCE_ARRAY

SPEECH = "central-asia-modernization-speech.txt"
# The fake multilingual encoder's cosines are near 0, under the shipped similarity floor, so
# every Russian question would be "off topic": tests of what lies past the floor lower it.
NO_FLOOR = Tuning(crosslingual=CrossLingual(min_similarity=-1.0))
# A floor no question reaches: every question is refused as off topic.
ALL_OFF_TOPIC = Tuning(crosslingual=CrossLingual(min_similarity=2.0))


def _ask(built, question: str, *, tuning: Tuning = NO_FLOOR, k: int = 5) -> qa.Answer:
    """The reply ``qa.ask`` gives, with the constants of ``tuning`` in the settings."""
    seeds, index = built
    return answer_with(retriever(settings(seeds_dir=seeds, index_dir=index, tuning=tuning)), question,
                       k=k, history=())


def _use_fake():
    import qa.index.multilingual

    return qa.index.multilingual.get_use_encoder()


def test_build_stores_multilingual_vectors_for_passages_and_sentences(built):
    _, index = built
    loaded = store.load(index)
    sentences = sum(len(c.sentences) for c in loaded.chunks)
    assert loaded.extras[PASSAGE_ARRAY].shape == (len(loaded.chunks), 512)
    assert loaded.extras[SENTENCE_ARRAY].shape == (sentences, 512)
    assert np.allclose(np.linalg.norm(loaded.extras[PASSAGE_ARRAY], axis=1), 1.0, atol=1e-5)


def test_rebuild_embeds_only_changed_texts_with_the_multilingual_model(built):
    seeds, index = built
    fake = _use_fake()
    before = store.load(index).extras[PASSAGE_ARRAY]
    fake.calls.clear()
    qa.build(seeds_dir=seeds, index_dir=index)
    assert fake.calls == []  # nothing changed: every row reused
    assert np.array_equal(store.load(index).extras[PASSAGE_ARRAY], before)

    path = seeds / SPEECH
    path.write_text("A new opening line about Turkmenistan.\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    qa.build(seeds_dir=seeds, index_dir=index)
    assert fake.calls == [2]  # the new passage and its one sentence


def test_vectors_of_another_multilingual_model_are_not_reused(built, monkeypatch):
    import qa.index.multilingual
    from conftest import FakeEncoder

    seeds, index = built
    other = FakeEncoder(name="another-use", dimension=512)
    monkeypatch.setattr(qa.index.multilingual, "get_use_encoder", lambda: other)
    qa.build(seeds_dir=seeds, index_dir=index)
    loaded = store.load(index)
    assert other.calls == [len(loaded.chunks) + sum(len(c.sentences) for c in loaded.chunks)]


def test_russian_question_goes_through_the_cross_lingual_channel(built):
    seeds, index = built
    passages = qa.retrieve("Что делает Туркменистан?", k=3, seeds_dir=seeds, index_dir=index)
    top = passages[0]
    assert "Turkmenistan is activating its transport potential" in top.text
    assert top.citation == f"{SPEECH} ¶6"
    assert (seeds / SPEECH).read_text(encoding="utf-8")[top.start:top.end] == top.text


def test_reply_quotes_english_passages_with_russian_framing(built):
    seeds, _ = built
    # With the shipped floor the fake's cosines read as off topic; without it, the reply.
    assert _ask(built, "Что делает Туркменистан?", tuning=Tuning()).notes == (framing("ru")["nothing"],)
    answer = _ask(built, "Что делает Туркменистан?")
    assert not answer.abstained and answer.language == "ru"
    assert answer.text.startswith(framing("ru")["says"])
    assert f"[1] {SPEECH} ¶6" in answer.text
    assert "**Turkmenistan is activating its transport potential toward the Caspian Sea and Iran.**" in answer.text
    assert answer.passages[0].citation == f"{SPEECH} ¶6"
    s, e = answer.highlights[0][0].start, answer.highlights[0][0].end
    assert (seeds / SPEECH).read_text(encoding="utf-8")[s:e].startswith("Turkmenistan is activating")


def test_low_similarity_abstains_in_russian(built):
    seeds, index = built
    answer = qa.ask("Какая погода будет завтра?", seeds_dir=seeds, index_dir=index)
    assert answer.abstained and answer.language == "ru"
    assert answer.notes == (framing("ru")["nothing"],)
    assert "В выступлении об этом не говорится." in answer.text
    assert "Ближайшие фрагменты" in answer.text


def test_kazakh_reply_says_matching_is_approximate(built):
    seeds, index = built
    answer = qa.ask("Қытай – Қырғызстан – Өзбекстан дәлізіне қай ел қатысады?", seeds_dir=seeds, index_dir=index)
    assert answer.language == "kk"
    assert "шамамен" in answer.text and "приблизительно" in answer.text
    assert answer.notes[0] == framing("kk")["limited"]  # the chat page shows notes
    # Kazakh matching is too rough to claim the speech is silent: the reply says so.
    assert answer.abstained and "не найден ясный ответ" in answer.text


def test_english_question_is_unaffected(built):
    seeds, index = built
    answer = qa.ask("first China - Central Asia Summit held in Xi’an", seeds_dir=seeds, index_dir=index)
    assert answer.language == "en" and "В выступлении" not in answer.text


def test_index_without_multilingual_vectors_is_embedded_in_memory(built):
    _, index = built
    loaded = store.load(index)
    fake = _use_fake()
    bare = dataclasses.replace(loaded, extras={"sentence_vectors": loaded.extras["sentence_vectors"]})
    with_arrays = crosslingual.CrossLingualIndex(loaded, fake)
    without = crosslingual.CrossLingualIndex(bare, fake)
    assert np.allclose(without.passage_vectors, with_arrays.passage_vectors)
    question = "Что делает Туркменистан?"
    assert [p.citation for p in crosslingual.search(without, question, k=5)] == \
           [p.citation for p in crosslingual.search(with_arrays, question, k=5)]


def test_document_markup_is_escaped_in_the_russian_reply(seeds, tmp_path, fake_encoder):
    (seeds / "evil.md").write_text("Turkmenistan <img src=x onerror=alert(1)> is *great*.", encoding="utf-8")
    index = tmp_path / "index"
    qa.build(seeds_dir=seeds, index_dir=index)
    answer = _ask((seeds, index), "Туркменистан", k=25)
    assert not answer.abstained  # the document's text is quoted, not only listed as closest
    assert "<img" not in answer.text and "&lt;img" in answer.text


def test_eval_reports_russian_figures_from_the_cross_lingual_channel(built, tmp_path):
    from qa.config import settings
    from qa.eval.evaluation import read_items
    from qa.eval.report import run_eval

    seeds, index = built
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({
        "id": "t1", "question": "Что делает Туркменистан?", "type": "nonenglish", "lang": "ru",
        "evidence": ["Turkmenistan is activating its transport potential toward the Caspian Sea and Iran."],
    }, ensure_ascii=False) + "\n", encoding="utf-8")
    result = run_eval(read_items(questions), settings(seeds_dir=seeds, index_dir=index))
    assert result.summary["lang:ru"]["hit@1"] == 1.0
    assert result.per_question[0]["top3"][0] == f"{SPEECH} ¶6"
    assert "lang:ru" in result.table


@pytest.mark.parametrize("question, follows_on", [
    ("а где пройдёт второй?", True),
    ("Когда он прошёл?", True),
    ("Ол қайда өтеді?", True),
    ("Чем запомнился первый саммит Китай – Центральная Азия?", False),
    ("Армения упоминается?", False),
    # "This speech" points at the text, not back at the previous question.
    ("О чём эта речь?", False),
    ("Что говорится в этом выступлении о воде?", False),
    ("Бұл сөзде не айтылады?", False),
    ("А что в этом докладе сказано о нём?", True),
])
def test_short_russian_and_kazakh_follow_ups_read_the_previous_question(question, follows_on):
    read = crosslingual.query_text(question, ["Где прошёл первый саммит?"])
    assert read == (f"Где прошёл первый саммит? {question}" if follows_on else question)
    assert crosslingual.query_text(question, []) == question


@pytest.mark.parametrize("question, names", [
    ("Что автор говорит о роли России?", "«России»"),
    ("Как Туркменистан относится к Монголии и Путину?", "«Монголии», «Путину»"),
])
def test_russian_question_naming_what_the_speech_never_mentions_abstains(built, question, names):
    answer = _ask(built, question)  # no similarity floor: only the name check can abstain
    assert answer.abstained
    assert answer.notes == (f"В выступлении не встречается: {names}.",)
    assert answer.text.startswith(f"_В выступлении не встречается: {names}._")
    # A name is unknown when no corpus name is within ``alias_min_cosine``: at -1 every name is one.
    anything_goes = Tuning(crosslingual=CrossLingual(min_similarity=-1.0, alias_min_cosine=-1.0))
    assert not _ask(built, question, tuning=anything_goes).abstained


def test_names_the_speech_uses_in_russian_spelling_are_known(built):
    # First word capitalised only as the start of the question; Таджикистаном and
    # Казахстаном are the speech's names, inflected (their stem keys match, whatever the
    # encoder says: even with no cosine good enough for an alias).
    question = "Узбекистан сотрудничает с Таджикистаном и Казахстаном?"
    strict = Tuning(crosslingual=CrossLingual(min_similarity=-1.0, alias_min_cosine=2.0))
    answer = _ask(built, question, tuning=strict)
    assert not answer.abstained, answer.notes
    assert _ask(built, question, tuning=ALL_OFF_TOPIC).notes == (framing("ru")["nothing"],)


def test_the_speakers_name_from_the_metadata_is_no_unknown_name(built):
    # "Izimov" stands only in the speech's metadata line (Auther: ...), never in its text.
    question = "Что, по словам Изимова, происходит с Казахстаном?"
    strict = Tuning(crosslingual=CrossLingual(min_similarity=-1.0, alias_min_cosine=2.0))
    answer = _ask(built, question, tuning=strict)
    assert not answer.abstained, answer.notes
    unknown = _ask(built, "Что, по словам Петрова, происходит с Казахстаном?", tuning=strict)
    assert unknown.abstained and unknown.notes == ("В выступлении не встречается: «Петрова».",)


def test_kazakh_names_are_not_checked(built):
    # Ресей (Russia) is no name of the speech; even with no cosine good enough for an alias
    # the Kazakh question is answered, with the caveat alone.
    strict = Tuning(crosslingual=CrossLingual(min_similarity=-1.0, alias_min_cosine=2.0))
    answer = _ask(built, "Түрікменстан мен Ресей көлік әлеуетін дамытып жатыр ма?", tuning=strict)
    assert not answer.abstained and answer.notes == (framing("kk")["limited"],)
    russian = _ask(built, "Туркменистан и Россия развивают транспорт?", tuning=strict)
    assert russian.abstained and russian.notes == ("В выступлении не встречается: «Россия».",)
    refused = _ask(built, "Түрікменстан мен Ресей көлік әлеуетін дамытып жатыр ма?", tuning=ALL_OFF_TOPIC)
    assert refused.notes == (framing("kk")["limited"], framing("kk")["nothing"])


@pytest.mark.parametrize("question, kind", [
    ("Сколько денег Туркменистан вложил в транспорт?", "quantity"),
    ("Какого числа Туркменистан начал развивать транспорт?", "date"),
])
def test_russian_question_for_a_figure_or_date_the_best_sentence_lacks_abstains(built, question, kind):
    answer = _ask(built, question)  # past the similarity floor: the kind check decides
    assert answer.abstained
    assert answer.notes == (framing("ru")["missing"][kind],)


def test_russian_question_for_a_year_the_best_sentence_has_is_answered(built):
    question = "В каком году в Казахстане объявили Belt and Road Initiative?"
    answer = _ask(built, question)
    assert not answer.abstained, answer.notes
    assert _ask(built, question, tuning=ALL_OFF_TOPIC).notes == (framing("ru")["nothing"],)
    assert "**As we all recall, it was in Kazakhstan in 2013" in answer.text


@pytest.mark.parametrize("question", ["Кто является автором доклада?", "Кто написал этот доклад?",
                                      "Бұл баяндаманың авторы кім?", "В каком учреждении работает автор?",
                                      "Где работает автор речи?"])
def test_question_about_the_author_is_answered_from_the_byline(built, question):
    seeds, index = built
    answer = qa.ask(question, seeds_dir=seeds, index_dir=index)
    assert not answer.abstained
    assert "Auther: **Ruslan Izimov" in answer.text
    passages = qa.retrieve(question, k=3, seeds_dir=seeds, index_dir=index)
    assert passages[0].text == answer.passages[0].text and len(passages) == 3


def test_a_document_without_a_byline_answers_author_questions_by_similarity(seeds, tmp_path, fake_encoder):
    path = seeds / SPEECH
    path.write_text(path.read_text(encoding="utf-8").replace("Auther:", "Written by"), encoding="utf-8")
    index = tmp_path / "index"
    qa.build(seeds_dir=seeds, index_dir=index)
    question = "Кто автор этой речи?"
    from qa.index.corpus import read_corpus

    # The edited line is no metadata line any more: the document has no author field...
    assert not [f for d in read_corpus(seeds).documents for f in d.header if f.key == "author"]
    # ...so the reply quotes the passages the similarity ranking gives, in its order.
    ranked = qa.retrieve(question, k=5, seeds_dir=seeds, index_dir=index)
    answer = qa.ask(question, seeds_dir=seeds, index_dir=index)
    # (It is not answered from a header line, as it is while the line is there.)
    assert answer.passages and all(p.paragraph > 0 for p in answer.passages)
    assert [p.start for p in answer.passages] == [p.start for p in ranked[:len(answer.passages)]]


def test_names_a_who_question_uses_itself_are_not_taken_for_the_answer(built):
    _, index = built
    view = crosslingual.view(store.load(index), _use_fake())
    sentence = "In 2013 Kazakhstan and the Belt and Road Initiative met China."
    # Казахстана is Kazakhstan by its transliterated stem; China is left as a possible answer.
    assert view.own_names("Кто поддержал Казахстана?", sentence) == frozenset({"kazakhstan"})
    assert view.own_names("Кто это сделал?", sentence) == frozenset()
