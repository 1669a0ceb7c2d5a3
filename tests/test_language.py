"""Language detection by alphabet, and the transliteration the cross-lingual channel uses."""
from __future__ import annotations

import pytest

from qa.crosslingual import stem_key, stem_keys, transliterate
from qa.language import detect


@pytest.mark.parametrize("question, language", [
    ("Где пройдёт второй саммит?", "ru"),
    ("Кто автор этого текста?", "ru"),
    ("перед какими выборами стоит казахстан", "ru"),
    ("Баяндамашының айтуынша, Қырғызстан қандай инфрақұрылымды дамытып жатыр?", "kk"),
    ("Бұл мәтіннің авторы кім?", "kk"),
    ("Саммит қайда өтеді?", "kk"),
    ("Where is the second summit expected to be held?", "en"),
    ("whats kazakhstan's gdp growth rate rn", "en"),
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
             ("стратегические", "strategic"), ("блокчейн", "blockchain")]
    for russian, english in pairs:
        assert stem_key(transliterate(russian)) == stem_key(english.lower()), (russian, english)


def test_unrelated_words_get_different_keys():
    assert stem_keys("Туркменистан") & stem_keys("Kazakhstan Uzbekistan Tajikistan") == frozenset()
    assert transliterate("Астана, 2023!") == "astana, 2023!"
