from __future__ import annotations

import re

from qa.index.chunking import chunk_text, paragraphs, sentences

from conftest import SPEECH


def test_offsets_worked_by_hand():
    text = "Alpha one. Beta two!\nThe items:\n- item a;\n- item b."
    chunks = chunk_text("t.txt", text, target_chars=12, max_chars=40)
    assert [(c.start, c.end, c.paragraph, c.last_paragraph) for c in chunks] == [
        (0, 10, 1, 1), (11, 20, 1, 1), (21, 51, 2, 4),
    ]
    assert chunks[2].text == "The items:\n- item a;\n- item b."
    assert chunks[2].citation == "t.txt ¶2–4"


def test_paragraphs_per_line_and_wrapped_markdown():
    assert paragraphs("One.\nTwo.") == [(0, 4), (5, 9)]
    text = "# Title\n\nA wrapped\nline here.\n\n- a\n- b\n"
    assert [text[s:e] for s, e in paragraphs(text)] == ["# Title", "A wrapped\nline here.", "- a", "- b"]


def test_sentences_keep_abbreviations_and_quotes():
    text = "Dr. Li met the U.S. team. “It works.” Then J. Smith left."
    assert [text[s:e] for s, e in sentences(text, 0, len(text))] == [
        "Dr. Li met the U.S. team.", "“It works.”", "Then J. Smith left.",
    ]


def test_overlong_sentence_is_cut_within_max():
    text = ("word, " * 300).strip()
    chunks = chunk_text("x.txt", text, target_chars=100, max_chars=200)
    assert all(len(c.text) <= 200 for c in chunks)
    assert all(text[c.start:c.end] == c.text for c in chunks)


def test_a_paragraph_whose_long_sentence_takes_the_cuts_early_is_still_chunked():
    # Sentences of 64, 165, 709 and 419 characters (as in a State of the Union paragraph): four
    # groups are wanted, but the cuts before the third and fourth sentences use up every place
    # to cut before the last group is reached.
    text = " ".join(("S" + "x" * (n - 2) + ".") for n in (64, 165, 709, 419))
    chunks = chunk_text("x.txt", text, target_chars=450, max_chars=800)
    assert [len(c.text) for c in chunks] == [230, 709, 419]
    assert all(text[c.start:c.end] == c.text for c in chunks)


def test_speech_chunks_are_exact_quotable_and_short():
    text = SPEECH.read_text(encoding="utf-8")
    chunks = chunk_text(SPEECH.name, text)
    assert all(text[c.start:c.end] == c.text for c in chunks)
    assert max(len(c.text) for c in chunks) <= 800
    assert sum(len(c.text) for c in chunks) / len(chunks) <= 450
    # every sentence of the speech starts and ends inside one chunk
    for c in chunks:
        assert re.search(r"[.!?:;”]$|Kazakhstan$", c.text), c.text[-40:]
    # the priorities list stays with its lead-in line
    lists = [c for c in chunks if "following priorities" in c.text]
    assert len(lists) == 1 and lists[0].text.endswith("both in economics and governance.")
    assert lists[0].citation == f"{SPEECH.name} ¶13–18"
    # 22 paragraphs as a reader counts the lines; the last is the source line
    assert chunks[-1].paragraph == 22 and chunks[-1].text.startswith("Source:")
