"""Questions about the wording: quote checks, phrases, mentions and counts, answered exactly.

Worked examples on the shipped speech (fake encoder; the wording channel never needs the model).
Expected counts are computed here independently, with a regular expression over the speech
without its two trailing metadata lines.
"""
from __future__ import annotations

import json
import re

import pytest

import qa
from qa.index.chunking import paragraphs
from qa.questions.wording import read_wording

NAME = "central-asia-modernization-speech.txt"


def _text(seeds) -> str:
    return (seeds / NAME).read_text(encoding="utf-8")


def _body(text: str) -> str:
    """The speech without its metadata lines (``Auther:`` and ``Source:`` at the end)."""
    return text[:text.index("\nAuther:")]


def _ask(built, question, **kw):
    seeds, index = built
    return qa.ask(question, seeds_dir=seeds, index_dir=index, **kw)


def _offsets_hold(answer, text):
    """Every occurrence and every highlight is exact, inside its passage, and numbered as the chunker does."""
    body = _body(text)
    numbered = paragraphs(text, (0, len(body)))
    for source, start, end in answer.wording.occurrences:
        assert source == NAME and 0 <= start < end <= len(body)
    for passage, marks in zip(answer.passages, answer.highlights):
        assert text[passage.start:passage.end] == passage.text
        para = next(n for n, (a, b) in enumerate(numbered, start=1) if a <= passage.start < b)
        assert passage.paragraph == para
        for h in marks:
            assert passage.start <= h.start < h.end <= passage.end


@pytest.mark.parametrize("question", [
    'Did the speaker say "steadily expanding its influence across the region"?',
    "Did the speaker say “steadily expanding its influence across the region”?",
    "Did the speaker say 'steadily expanding its influence across the region'?",
    "Сказал ли автор «steadily expanding its influence across the region»?",
    "Did he really say that China is becoming a key actor, steadily expanding its influence across the region?",
])
def test_a_verbatim_quote_in_each_quote_style(built, question):
    answer = _ask(built, question)
    text = _text(built[0])
    assert answer.wording.kind == "quote" and answer.wording.outcome == "verbatim"
    (source, start, end), = answer.wording.occurrences
    assert text[start:end].lower().endswith("steadily expanding its influence across the region")
    assert answer.text.startswith(("**Found verbatim**", "**Найдено дословно**"))
    assert answer.highlights[0][0].start == start and answer.highlights[0][0].end == end
    _offsets_hold(answer, text)


def test_dashes_quote_marks_and_case_are_not_differences(built):
    answer = _ask(built, "Did he say “deepening U.S.–China Rivalry — all of which”?")
    (_, start, end), = answer.wording.occurrences
    assert _text(built[0])[start:end] == "deepening U.S.-China rivalry -- all of which"


def test_a_misquote_that_drops_not_is_not_a_match(built):
    answer = _ask(built, 'Did the speaker say "It is a universal solution"?')
    text = _text(built[0])
    result = answer.wording
    assert result.outcome == "close" and result.occurrences == ()
    assert answer.text.startswith("**Not verbatim — close wording exists.**")
    assert "does not say it in those words" in answer.text
    assert "not" in result.negation and "**Careful:**" in answer.text
    source, start, end = result.closest
    assert "It is not a universal solution" in text[start:end]
    (mark,) = answer.highlights[0]  # the one word that differs: "not"
    assert text[mark.start:mark.end] == "not"
    _offsets_hold(answer, text)


def test_a_quote_with_nothing_close_is_not_found(built):
    answer = _ask(built, 'Did the speaker say "penguins deserve a seat at the table"?')
    assert answer.wording.outcome == "absent" and answer.passages == ()
    assert answer.text.startswith("**Not found.**")


def test_a_phrase_present_and_a_phrase_absent(built):
    yes = _ask(built, "Is the phrase 'Digital Silk Road' used in the speech?")
    assert yes.wording.outcome == "yes" and yes.text.startswith("**Yes.**")
    (_, start, end), = yes.wording.occurrences
    assert _text(built[0])[start:end] == "Digital Silk Road"
    no = _ask(built, "Does the speech use the phrase “hydrogen corridor”?")
    assert no.wording.outcome == "no" and no.wording.occurrences == () and no.text.startswith("**No.**")


@pytest.mark.parametrize("term", ["China", "Kazakhstan", "region", "Community"])
def test_a_count_matches_an_independent_count(built, term):
    text = _text(built[0])
    expected = len(re.findall(rf"(?<!\w){term}(?:[’']s)?(?!\w)", _body(text), re.I))
    answer = _ask(built, f"How many times is {term} mentioned?")
    result = answer.wording
    assert result.kind == "count" and result.count == expected
    assert len(result.occurrences) == expected and answer.text.startswith(f"**{expected}.**")
    assert all(text[s:e].lower() == term.lower() for _, s, e in result.occurrences)
    _offsets_hold(answer, text)


def test_a_count_says_what_was_counted(built):
    answer = _ask(built, "How often does the speech mention China?")
    assert answer.wording.counted == ("China", "China’s")
    assert "“China’s”" in answer.text and "not “Chinese”" in answer.text


def test_the_header_is_not_the_speech(built):
    # "Shared Future" occurs only in the Source: line at the end of the file.
    answer = _ask(built, "Does the speech mention a shared future?")
    assert answer.wording.outcome == "no" and answer.text.startswith("**No.**")


def test_a_mention_question_answered_no(built):
    answer = _ask(built, "Does the speech mention the Arctic Council?")
    assert answer.wording.kind == "mention" and answer.wording.outcome == "no"
    assert answer.text.startswith("**No.** “Arctic Council” is not mentioned")
    assert not answer.abstained and answer.passages == ()


def test_which_paragraphs_cites_every_occurrence(built):
    answer = _ask(built, "Which paragraphs mention Uzbekistan?")
    text = _text(built[0])
    expected = len(re.findall(r"(?<!\w)Uzbekistan(?:[’']s)?(?!\w)", _body(text)))
    assert answer.wording.outcome == "yes" and len(answer.wording.occurrences) == expected
    assert sum(len(h) for h in answer.highlights) == expected
    _offsets_hold(answer, text)


def test_other_questions_are_not_wording_questions(built):
    assert _ask(built, "What does the speech say about China?").wording is None


def test_ask_json_shows_the_wording_result(built, capsys):
    from qa.cli import main

    seeds, index = built
    assert main(["ask", "How many times does the speaker mention Kyrgyzstan?", "--json",
                 "--seeds-dir", str(seeds), "--index-dir", str(index)]) == 0
    out = json.loads(capsys.readouterr().out)
    expected = len(re.findall(r"(?<!\w)Kyrgyzstan(?:[’']s)?(?!\w)", _body(_text(seeds)), re.I))
    assert out["wording"]["kind"] == "count" and out["wording"]["count"] == expected


def test_a_count_over_one_of_several_documents(seeds, tmp_path, fake_encoder):
    (seeds / "other.txt").write_text("China and China again. China's role.\n", encoding="utf-8")
    qa.build(seeds_dir=seeds, index_dir=tmp_path / "index")
    answer = qa.ask("How many times is China mentioned?", documents=["other.txt"], seeds_dir=seeds,
                    index_dir=tmp_path / "index")
    assert answer.wording.count == 3 and {s for s, _, _ in answer.wording.occurrences} == {"other.txt"}
    quote = qa.ask('Did anyone say "China again"?', seeds_dir=seeds, index_dir=tmp_path / "index")
    assert quote.wording.outcome == "verbatim" and quote.wording.occurrences == (("other.txt", 10, 21),)


@pytest.mark.parametrize("question, kind, term", [
    ("How often is the word 'reform' used?", "count", "reform"),
    ("Does Rudd ever mention Kyoto in his speech?", "mention", "Kyoto"),
    ("Как часто в выступлении встречается «Astana»?", "count", "Astana"),
    ("Есть ли в выступлении фраза «soft power»?", "phrase", "soft power"),
    ("Упоминается ли в речи Евросоюз?", "mention", "Евросоюз"),
])
def test_reading_wording_questions(question, kind, term):
    found = read_wording(question)
    assert (found.kind, found.term) == (kind, term)


@pytest.mark.parametrize("question", ["What did he say about reform?", "Why does he mention China?",
                                      "What does “multi-vector” mean here?"])
def test_reading_other_questions(question):
    assert read_wording(question) is None


def test_a_count_naming_no_document_counts_where_the_words_are(seeds, tmp_path, fake_encoder):
    (seeds / "other.txt").write_text("Astrakhan is far. Astrakhan again.\n", encoding="utf-8")
    qa.build(seeds_dir=seeds, index_dir=tmp_path / "index")
    answer = qa.ask("How many times is Astrakhan mentioned?", seeds_dir=seeds, index_dir=tmp_path / "index")
    assert answer.wording.count == 2 and answer.scope == ("other.txt",)
    none = qa.ask("Does the speech mention Vladivostok?", seeds_dir=seeds, index_dir=tmp_path / "index")
    assert none.wording.outcome == "no" and len(none.scope) == 2 and "the 2 documents searched" in none.text


def test_quoted_words_do_not_choose_the_document(seeds, tmp_path, fake_encoder):
    (seeds / "other.txt").write_text("Title: Remarks on the Digital Silk Road\n\nWe met in Rome.\n", encoding="utf-8")
    qa.build(seeds_dir=seeds, index_dir=tmp_path / "index")
    answer = qa.ask("Is the phrase 'Digital Silk Road' used in the remarks?", seeds_dir=seeds,
                    index_dir=tmp_path / "index")
    assert answer.wording.outcome == "yes"
    assert {s for s, _, _ in answer.wording.occurrences} == {NAME}


def test_a_quote_with_words_left_out_is_found_part_by_part(built):
    answer = _ask(built, "Did the speaker say “Amidst these shifts … steadily expanding its influence”?")
    text = _text(built[0])
    assert answer.wording.outcome == "verbatim" and answer.text.startswith("**Found verbatim**")
    assert [text[s:e] for _, s, e in answer.wording.occurrences] == ["Amidst these shifts",
                                                                     "steadily expanding its influence"]
    assert len(answer.passages) == 1  # one sentence holds both parts
