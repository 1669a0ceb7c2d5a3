"""Language detection by alphabet, and the transliteration the cross-lingual channel uses."""
from __future__ import annotations

import pytest

from qa.search.crosslingual import stem_key, stem_keys, transliterate
from qa.questions.cues import about_author, asks_for, names
from qa.questions.language import detect


@pytest.mark.parametrize("question, language", [
    ("Где пройдёт второй саммит?", "ru"),
    ("Кто написал эту статью?", "ru"),
    ("перед какими выборами стоит казахстан", "ru"),
    ("Баяндамашының пікірінше, Тәжікстан қандай жобаларды қолдайды?", "kk"),
    ("Бұл баяндаманың авторы кім?", "kk"),
    ("Саммит қайда өтеді?", "kk"),
    ("Where is the second summit expected to be held?", "en"),
    ("hows kazakhstan's inflation looking rn", "en"),
    # Names in Latin letters inside a Russian question do not make it English ...
    ("Что сказано про Belt and Road Initiative?", "ru"),
    ("Когда объявили BRI?", "ru"),
    # ... and one Russian word quoted in an English question does not make it Russian.
    ("What does the speaker mean by 'модернизация' here?", "en"),
    ("中亚峰会在哪里举行？", "other"),
    ("?", "en"),
    ("2013", "en"),
])
def test_detect(question, language):
    assert detect(question) == language


def test_transliteration_matches_english_spellings_of_names_and_international_words():
    pairs = [("Казахстан", "Kazakhstan"), ("Туркменистан", "Turkmenistan"), ("модернизации", "modernization"),
             ("инфраструктура", "infrastructure"), ("автор", "Auther"), ("Евразии", "Eurasia"),
             ("стратегические", "strategic"), ("блокчейн", "blockchain"),
             ("Таджикистаном", "Tajikistan"), ("Қазақстанға", "Kazakhstan")]
    for russian, english in pairs:
        assert stem_key(transliterate(russian)) == stem_key(english.lower()), (russian, english)


def test_unrelated_words_get_different_keys():
    assert stem_keys("Туркменистан") & stem_keys("Kazakhstan Uzbekistan Tajikistan") == frozenset()
    assert transliterate("Астана, 2023!") == "astana, 2023!"


@pytest.mark.parametrize("question, kind", [
    ("Какого числа состоится саммит?", "date"),
    ("В какой день объявили программу?", "date"),
    ("Келесі форум қай күні басталады?", "date"),
    ("Когда объявили об инициативе?", "time"),
    ("В каком году прошёл первый саммит?", "time"),
    ("Саммит қашан өтеді?", "time"),
    ("Сколько стоит билет на поезд?", "quantity"),
    ("Какова численность населения?", "quantity"),
    ("какой сейчас темп роста ВВП", "quantity"),
    ("Сколько стран участвует?", "count"),
    ("Қанша ел қатысады?", "count"),
    ("Какой президент выступил первым?", "person"),
    ("Кто является президентом Казахстана?", "person"),
    ("Кто председательствовал на саммите?", "person"),
    ("Қазақстанның президенті кім?", "person"),
    ("Кто объявил об инициативе?", "agent"),
    ("Саммитті кім ұйымдастырды?", "agent"),
    ("Где пройдёт второй саммит?", "place"),
    ("В каком городе прошёл первый саммит?", "place"),
    # Questions for an explanation or a description are not checked; nor is a Kazakh
    # question for a place (its matching is too rough to tell a wrong passage from silence).
    ("Какова цель стран региона?", ""),
    ("Где говорится о воде?", ""),
    ("Саммит қайда өтеді?", ""),
    ("Почему выросла роль Китая?", ""),
    ("Өңірлік ынтымақтастық неге күшейді?", ""),
])
def test_what_a_russian_or_kazakh_question_asks_for(question, kind):
    assert asks_for(question) == kind


@pytest.mark.parametrize("question, expected", [
    ("Какие интересы у России в Центральной Азии, по мнению автора?", ("России", "Азии")),
    ("Что сказал Путин о Великом шёлковом пути?", ("Путин",)),  # an adjective starts a title
    # Capitalised as the first word of the question or of a sentence, or of a quoted title.
    ("Россия? Монголия?", ()),
    ("Что такое «Цифровой Казахстан»?", ("Казахстан",)),
    ("какой темп роста ВВП", ()),  # an abbreviation, not a name
    ("Что сказано про Belt and Road?", ()),  # Latin names go through the encoder
])
def test_names_in_a_cyrillic_question(question, expected):
    assert names(question) == expected


@pytest.mark.parametrize("question, meta", [
    ("Кто автор статьи?", True),
    ("Кто написал этот доклад?", True),
    ("Бұл баяндаманың авторы кім?", True),
    ("Что, по словам автора, ждёт регион?", False),
    # "Who, in the speaker's view, is the main partner?" asks what the speech says.
    ("Кто, по мнению докладчика, главный партнёр?", False),
    ("Кто прочитал этот доклад?", False),  # about the speech, but no author word: qa.questions.meta reads it
])
def test_questions_about_the_author(question, meta):
    assert about_author(question) is meta
