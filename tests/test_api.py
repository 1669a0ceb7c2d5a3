from __future__ import annotations

import sys

import pytest

import qa


def test_import_qa_loads_no_model_or_torch():
    import subprocess

    code = "import qa, sys; print('torch' in sys.modules, 'sentence_transformers' in sys.modules, 'faiss' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]


def test_retrieve_returns_cited_passages_with_offsets(built):
    seeds, index = built
    passages = qa.retrieve("As we all recall, it was in Kazakhstan in 2013 that the Belt and Road Initiative was first announced", k=3,
                           seeds_dir=seeds, index_dir=index)
    assert len(passages) == 3
    text = (seeds / "central-asia-modernization-speech.txt").read_text(encoding="utf-8")
    top = passages[0]
    assert isinstance(top, qa.Passage)
    assert text[top.start:top.end] == top.text and "2013" in top.text
    assert top.citation == "central-asia-modernization-speech.txt ¶2" and top.paragraph == 2
    assert passages[0].score >= passages[1].score >= passages[2].score


def test_ask_marks_and_cites(built):
    seeds, index = built
    answer = qa.ask("first China - Central Asia Summit held in Xi’an", seeds_dir=seeds, index_dir=index)
    assert not answer.abstained
    assert "[1]" in answer.text and answer.passages
    assert "¶11" in answer.passages[0].citation
    assert "central-asia-modernization-speech.txt ¶11" in answer.text


@pytest.mark.parametrize("bad", ["", "   ", "\x00\x01"])
def test_empty_question_is_a_clear_error(built, bad):
    seeds, index = built
    with pytest.raises(qa.QuestionError, match="empty"):
        qa.ask(bad, seeds_dir=seeds, index_dir=index)


def test_long_question_is_cut_and_the_reply_says_so(built):
    seeds, index = built
    answer = qa.ask("summit " * 20000, seeds_dir=seeds, index_dir=index)
    assert "only its first" in answer.text


@pytest.mark.parametrize("name, text, escaped", [
    ("evil.md", "The summit <img src=x onerror=alert(1)> was *great*.", "&lt;img"),
    ("<img src=x onerror=alert(1)>_a_.md", "The summit was great.",
     "&lt;img src=x onerror=alert(1)&gt;\\_a\\_.md"),
], ids=["in the text", "in the file name"])
def test_documents_cannot_inject_markup(seeds, tmp_path, fake_encoder, name, text, escaped):
    (seeds / name).write_text(text, encoding="utf-8")
    index = tmp_path / "index"
    qa.build(seeds_dir=seeds, index_dir=index)
    answer = qa.ask("summit great img", seeds_dir=seeds, index_dir=index, k=25)
    assert "<img" not in answer.text and escaped in answer.text
