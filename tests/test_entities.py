"""The asked kind read by the entity tagger (``qa.search.entities``): what counts as a thing of
each kind, and that the question's own words never count. Sentences written for these tests."""
import pytest

from qa.search import entities
from qa.search.entities import unnamed

PASSAGE = ("In March 1998 the Ministry of Finance lent $40 million to farmers near Lake Issyk-Kul, "
           "and Mr. Arman Seitkali signed the agreement in Bishkek.")
PLAIN = "Cooperation between our peoples must grow stronger and deeper."


@pytest.mark.parametrize("kind", ["date", "time", "quantity", "count", "person", "agent", "place"])
def test_a_passage_that_names_the_kind_asked_for_is_not_missing_it(kind):
    assert not unnamed(kind, "What does it say?", PASSAGE)


@pytest.mark.parametrize("kind", ["date", "quantity", "count", "person", "agent", "place", "organization"])
def test_a_passage_without_names_or_figures_misses_every_kind(kind):
    assert unnamed(kind, "What does it say?", PLAIN)


def test_a_capitalised_word_is_not_a_person():
    # The patterns' "who" took any capitalised word; the tagger tells a place from a person.
    text = "Kazakhstan and Uzbekistan signed the water agreement in Tashkent."
    assert unnamed("person", "Who signed it?", text)
    assert not unnamed("place", "Where was it signed?", text)


def test_what_the_question_itself_names_does_not_answer_it():
    text = "Arman Seitkali spoke about the railway."
    assert not unnamed("person", "Who spoke about the railway?", text)
    assert unnamed("person", "Who introduced Arman Seitkali?", text)


def test_no_kind_asked_is_never_missing():
    assert not unnamed("", "Why?", PLAIN)
    assert not unnamed("stance", "Does he agree?", PLAIN)


def test_the_tagger_is_loaded_once_and_its_readings_cached():
    entities.entities(PLAIN)
    assert entities.tagger() is entities.tagger()
    hits = entities.entities.cache_info().hits
    entities.entities(PLAIN)
    assert entities.entities.cache_info().hits == hits + 1


def test_the_tagger_loads_without_torch_in_a_fresh_process():
    # spaCy's thinc would import torch (seconds); answering never loads it.
    import subprocess
    import sys

    code = ("import sys; from qa.search import entities; entities.entities('Paris in May.'); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
