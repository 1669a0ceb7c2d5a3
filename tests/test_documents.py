"""Several documents in one corpus: metadata lines, document scope, per-document knowledge.

Fast tests (fake encoder) over the shipped speech and the speeches in ``tests/data/speeches``.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import qa
from conftest import constant_abstention
from qa.index.chunking import chunk_text
from qa.index.corpus import make_document
from qa.index.header import read_header
from qa.search.scope import speaker_of

DATA = Path(__file__).resolve().parent / "data" / "speeches"
SPEECHES = sorted(DATA.glob("*.txt"))
IZIMOV = "central-asia-modernization-speech.txt"


@pytest.mark.parametrize("path", SPEECHES, ids=lambda p: p.stem)
def test_metadata_offsets_hold_and_no_header_line_is_a_passage(path):
    text = path.read_text(encoding="utf-8")
    doc = make_document(path.name, text)
    for f in doc.header:
        assert text[f.start:f.end] == f.value and text[f.line_start:f.line_end] == f.line
        assert f.line.startswith(f.label)
    start, end = doc.body_span
    chunks = chunk_text(doc.source, text, body=doc.body_span)
    assert chunks and chunks[0].start >= start and chunks[-1].end <= end
    for c in chunks:
        assert text[c.start:c.end] == c.text
        assert not any(f.line_start < c.end and c.start < f.line_end for f in doc.header)
    assert chunks[0].paragraph == 1


def test_header_blocks_at_either_end_and_transcript_labels():
    fields, body = read_header("Auther: A. Person, Expert\nURL: https://x.org\n\nWe met.\nSource: Forum talk\n")
    assert [(f.key, f.label) for f in fields] == [("author", "Auther"), ("source", "URL"), ("source", "Source")]
    assert body == (46, 53)
    # Upper-case speaker labels are speech, and a block without any known key is speech too.
    assert read_header("MR. SULLIVAN: Thank you.\nTHE VICE PRESIDENT: Hello.\n")[0] == ()
    assert read_header("Note: first.\nThen: second.\nWe met.\n")[0] == ()
    # A file of nothing but key/value lines keeps them as text rather than lose it.
    only = "Title: A\nDate: B\n"
    assert read_header(only) == ((), (0, len(only) - 1))


def test_a_title_line_and_byline_or_an_office_key_are_metadata_not_speech():
    """A headerless file that opens as a web page shows it (title, byline, blank line), a
    Markdown heading, and a speaker given by office ("President: A. Person") are metadata, by
    offsets; a greeting, a hard-wrapped first paragraph and a transcript label are speech."""
    text = "Remarks on Trade and Growth\r\nJane Q. Doe -- March 3, 2021\r\n\r\nThank you all. We met.\r\n"
    fields, body = read_header(text)
    assert [(f.key, f.value) for f in fields] == [("title", "Remarks on Trade and Growth"), ("author", "Jane Q. Doe"),
                                                  ("date", "March 3, 2021")]
    assert all(text[f.start:f.end] == f.value and text[f.line_start:f.line_end] == f.line for f in fields)
    assert text[body[0]:body[1]] == "Thank you all. We met."
    assert [f.value for f in read_header("# Remarks on Trade\n\nWe met.\n")[0]] == ["Remarks on Trade"]
    office = read_header("President: Jane Q. Doe\nDelivered: 3 March 2021\n\nWe met.\n")[0]
    assert [(f.key, f.value) for f in office] == [("author", "Jane Q. Doe"), ("date", "3 March 2021")]
    for speech in ["Fellow members of the Assembly:\n\nWe met.\n",
                   "Madam Speaker, Members of the Senate and of the House, and\nfellow citizens, we met.\n\nThen.\n",
                   "President: Thank you all for coming.\nWe met.\n", "Good evening\n\nWe met.\n"]:
        assert read_header(speech)[0] == (), speech


def test_a_key_the_table_does_not_know_is_read_by_its_form():
    """An inflected known key ("Dated"), a key naming the agent ("Written by") or the sender
    ("From"), and a value that is a date alone ("Sent: ...") give the author and the date, by
    offsets; a second "... by" line does not displace the speaker, and a block whose keys say
    nothing by their form stays speech."""
    text = "Written by: Jane Q. Doe, Governor\nOccasion: Budget Address\nDated: Tuesday, 6 March 2021\n\nWe met.\n"
    fields, body = read_header(text)
    assert [(f.key, f.value) for f in fields] == [("author", "Jane Q. Doe, Governor"), ("occasion", "Budget Address"),
                                                  ("date", "Tuesday, 6 March 2021")]
    assert all(text[f.start:f.end] == f.value for f in fields) and text[body[0]:body[1]] == "We met."
    sent = read_header("From: Governor Jane Q. Doe\nSent: March 6, 2021\n\nWe met.\n")[0]
    assert [(f.key, f.value) for f in sent] == [("author", "Governor Jane Q. Doe"), ("date", "March 6, 2021")]
    translated = read_header("Speaker: Jane Q. Doe\nTranslated by: John Roe\n\nWe met.\n")[0]
    assert [f.key for f in translated] == ["author", "translated by"]
    assert read_header("Note: first.\nSeen on: the web\nWe met.\n")[0] == ()


def test_a_byline_in_emphasis_or_in_its_own_paragraph_is_metadata_and_a_short_greeting_is_not():
    """Under a Markdown heading, a byline set in emphasis in a paragraph of its own is read by
    the offsets inside the asterisks, and the speech starts after it; a paragraph of its own
    that could be a greeting ("Mr. Speaker") or a line of speech stays speech."""
    text = "# Remarks on Trade\n\n*Jane Q. Doe, March 3, 2021*\n\nMr. Speaker:\n\nWe met.\n"
    fields, body = read_header(text)
    assert [(f.key, f.value) for f in fields] == [("title", "Remarks on Trade"), ("author", "Jane Q. Doe"),
                                                  ("date", "March 3, 2021")]
    assert all(text[f.start:f.end] == f.value for f in fields)
    assert text[fields[1].line_start:fields[1].line_end] == "*Jane Q. Doe, March 3, 2021*"
    assert text[body[0]:body[1]] == "Mr. Speaker:\n\nWe met."
    assert [f.value for f in read_header("Remarks on Trade\n_By Jane Q. Doe_\n\nWe met.\n")[0]] == [
        "Remarks on Trade", "Jane Q. Doe"]
    for speech in ["# Remarks on Trade\n\nMr. Speaker\n\nWe met.\n", "# Remarks on Trade\n\nThank you all.\n\nWe met.\n",
                   "# Remarks on Trade\n\nJane Q. Doe\n\nWe met.\n"]:
        fields, body = read_header(speech)
        assert [f.key for f in fields] == ["title"] and speech[body[0]:].startswith(speech.split("\n")[2]), speech


def test_a_signature_closing_a_written_message_is_metadata_and_a_closing_line_is_speech():
    """A last paragraph that is a signature (a name set in capitals; or a name, a place and a
    date) gives the author, place and date by offsets and is not speech; a closing line of
    speech stays speech, and a file with a header keeps the header's author first."""
    text = "We met.\r\n\r\nJANE Q. DOE\r\nGeneva,\r\nMarch 3, 2021.\r\n"
    fields, body = read_header(text)
    assert [(f.key, f.value) for f in fields] == [("author", "JANE Q. DOE"), ("place", "Geneva"),
                                                  ("date", "March 3, 2021")]
    assert all(text[f.start:f.end] == f.value and text[f.line_start:f.line_end] == f.line for f in fields)
    assert text[body[0]:body[1]] == "We met."
    assert [f.value for f in read_header("We met.\n\nJane Q. Doe\nMarch 3, 2021\n")[0]] == ["Jane Q. Doe", "March 3, 2021"]
    headed = read_header("Speaker: Jane Q. Doe\n\nWe met.\n\nJANE Q. DOE\n")[0]
    assert [f.line for f in headed if f.key == "author"][0] == "Speaker: Jane Q. Doe"
    for speech in ["We met.\n\nThank You\n", "We met.\n\nGod bless America.\n", "We met.\n\nJane Q. Doe\n",
                   "We met.\n\nTHANK YOU ALL.\n", "We met.\n\nGOD BLESS AMERICA\n", "JANE Q. DOE\n"]:
        fields, body = read_header(speech)
        assert fields == () and speech[body[0]:body[1]] == speech.strip(), speech


def test_a_dateline_gives_a_place_a_date_value_its_place_and_a_title_the_speaker_it_names():
    """One word before a date is a place, not a name; a date value that goes on to a place is
    split, each part by its own offsets; a title naming a speaker by office gives the author
    when no line does, and the speech starts after the last metadata line, not the title's."""
    text = "ADDRESS OF PRESIDENT JANE Q. DOE TO THE ASSEMBLY\n\nGeneva, March 3, 2021\n\nWe met.\n"
    fields, body = read_header(text)
    assert sorted((f.key, f.value) for f in fields) == [("author", "JANE Q. DOE"), ("date", "March 3, 2021"),
                                                        ("place", "Geneva"),
                                                        ("title", "ADDRESS OF PRESIDENT JANE Q. DOE TO THE ASSEMBLY")]
    assert all(text[f.start:f.end] == f.value and text[f.line_start:f.line_end] == f.line for f in fields)
    assert text[body[0]:body[1]] == "We met."
    assert speaker_of(fields, []) == "Jane Q. Doe"  # shown as a name; the citation quotes the bytes
    keyed = "Speaker: Jane Q. Doe\nDelivered: March 3, 2021, Geneva, Switzerland\n\nWe met.\n"
    fields = read_header(keyed)[0]
    assert [(f.key, f.value) for f in fields] == [("author", "Jane Q. Doe"), ("date", "March 3, 2021"),
                                                  ("place", "Geneva, Switzerland")]
    assert all(keyed[f.start:f.end] == f.value for f in fields)
    # A name of two words is still a byline's author; a title naming an office alone gives no author;
    # a speaker line wins over the title.
    assert [f.key for f in read_header("Remarks on Trade\n\nJane Doe, March 3, 2021\n\nWe met.\n")[0]] == [
        "title", "author", "date"]
    assert [f.key for f in read_header("Remarks by the President\n\nWe met.\n")[0]] == ["title"]
    named = read_header("Title: Remarks by President Roe on Trade\nSpeaker: Jane Doe\n\nWe met.\n")[0]
    assert [f.value for f in named if f.key == "author"] == ["Jane Doe"]


def test_markdown_front_matter_is_metadata_and_a_rule_above_prose_is_not():
    text = '---\ntitle: "Remarks on Trade"\nspeaker: Jane Q. Doe\ntags:\n  - trade\n---\n\n# Remarks\n\nWe met.\n'
    fields, body = read_header(text)
    assert [(f.key, f.value) for f in fields] == [("title", "Remarks on Trade"), ("author", "Jane Q. Doe")]
    assert all(text[f.start:f.end] == f.value for f in fields) and text[body[0]:].startswith("# Remarks")
    ruled = "---\nWe met, and then we talked at length.\n---\nMore.\n"
    assert read_header(ruled)[0] == ()


def test_a_titled_file_answers_who_when_and_its_title_from_those_lines(seeds, tmp_path, fake_encoder):
    (seeds / "doe.txt").write_text("Remarks on Trade and Growth\nJane Q. Doe -- March 3, 2021\n\n"
                                   "Thank you all. Tariffs on steel will fall by half next year.\n", encoding="utf-8")
    index = tmp_path / "index"
    qa.build(seeds_dir=seeds, index_dir=index)
    chunks = qa.retrieve("Remarks on Trade and Growth, Jane Q. Doe", k=10, documents=["doe.txt"], seeds_dir=seeds,
                         index_dir=index)
    assert chunks and all("Remarks on Trade" not in c.text and c.paragraph >= 1 for c in chunks if c.paragraph)
    answer = qa.ask("Who delivered this message, and on which day?", documents=["doe.txt"], seeds_dir=seeds,
                    index_dir=index)
    # Both come from the byline: one citation, both values highlighted.
    assert not answer.abstained and [p.citation for p in answer.passages] == ["doe.txt, header"]
    assert "Jane Q. Doe" in answer.text and "March 3, 2021" in answer.text
    assert [h.end - h.start for h in answer.highlights[0]] == [len("Jane Q. Doe"), len("March 3, 2021")]
    titled = qa.ask("What is this address titled?", documents=["doe.txt"], seeds_dir=seeds, index_dir=index)
    assert not titled.abstained and titled.passages[0].text == "Remarks on Trade and Growth"


def test_the_speech_metadata_is_cited_by_offsets(built):
    seeds, index = built
    answer = qa.ask("Who gave this talk?", seeds_dir=seeds, index_dir=index)
    text = (seeds / IZIMOV).read_text(encoding="utf-8")
    p = answer.passages[0]
    assert text[p.start:p.end] == p.text and p.text.startswith("Auther: Ruslan Izimov")
    assert p.paragraph == 0 and p.citation == f"{IZIMOV}, header"


@pytest.fixture
def corpus(seeds, tmp_path, fake_encoder):
    """The speech and the eight speeches of tests/data in one seeds folder, built."""
    for path in SPEECHES:
        shutil.copyfile(path, seeds / path.name)
    index = tmp_path / "index"
    qa.build(seeds_dir=seeds, index_dir=index)
    return seeds, index


def test_scope_from_the_caller_keeps_to_those_documents(corpus):
    seeds, index = corpus
    rudd = "rudd-cop13-bali-2007.txt"
    passages = qa.retrieve("What about climate change and emissions?", k=5, documents=[rudd],
                           seeds_dir=seeds, index_dir=index)
    assert passages and {p.source for p in passages} == {rudd}
    answer = qa.ask("What about climate change and emissions?", documents=[rudd], seeds_dir=seeds, index_dir=index)
    assert answer.scope == (rudd,) and answer.document in ("", rudd)
    with pytest.raises(qa.QuestionError, match="No document 'nope.txt'"):
        qa.ask("What about trade?", documents=["nope.txt"], seeds_dir=seeds, index_dir=index)


def test_scope_from_a_speaker_named_in_the_question(corpus):
    seeds, index = corpus
    answer = qa.ask("What does Cameron say about transparency?", seeds_dir=seeds, index_dir=index)
    assert answer.scope == ("cameron-anticorruption-summit-2016.txt",)
    assert {p.source for p in answer.passages} == {"cameron-anticorruption-summit-2016.txt"}
    assert answer.text.startswith("_From David Cameron’s speech")


def test_scope_from_the_words_the_question_quotes(corpus):
    """A phrase in quote marks that one document's speech holds names that document, whatever
    the other words match; one that several hold leaves the choice among them to the evidence."""
    seeds, index = corpus
    gillard = "gillard-boao-forum-2013.txt"
    # Without the quote's scope the supply chain summit's passages match best.
    answer = qa.ask("What does the speaker mean by “well-targeted investment in human capital” for supply chains "
                    "and semiconductors?", seeds_dir=seeds, index_dir=index)
    assert answer.scope == (gillard,)
    assert answer.abstained or {p.source for p in answer.passages} == {gillard}
    from qa.search.exact import from_document
    from qa.search.scope import quoting

    texts = [from_document(make_document(p.name, p.read_text(encoding="utf-8"))) for p in sorted(seeds.glob("*.txt"))]
    shared = quoting("Who speaks of 'the region'?", texts)
    assert gillard in shared and 1 < len(shared) < len(texts)
    assert quoting("Who says 'no such words here at all'?", texts) == ()


def _catalog(texts: dict[str, str]):
    """What the corpus knows of each of ``texts`` (file name -> text), as the retriever reads it."""
    from qa.index.chunking import chunk_text
    from qa.index.header import read_header
    from qa.search.scope import catalog

    read = {name: read_header(text) for name, text in texts.items()}
    chunks = [c for name, text in texts.items() for c in chunk_text(name, text, body=read[name][1])]
    return catalog(list(texts), {name: header for name, (header, _) in read.items()}, chunks)


def test_a_text_that_says_nothing_of_its_speaker_stays_in_an_office_scope():
    """A headerless address may be a president's: "the president" keeps it beside the documents
    whose byline says President, and leaves out one whose byline describes another speaker."""
    from qa.search.scope import by_role

    docs = _catalog({"byline.txt": "Speaker: Ann Lee, President of Ruritania\n\nWe will build roads.",
                     "bare.txt": "Mr. Speaker, members of the Congress:\nTonight I report on the state of the Union.",
                     "named.txt": "Speaker: Bo Chan\n\nWe will plant trees.",
                     "expert.txt": "Author: Cy Doe, Fellow at the Institute\n\nWe will study ports."})
    assert by_role("What does the president promise?", docs) == ("byline.txt", "bare.txt", "named.txt")


def test_a_file_name_is_the_byline_of_a_text_that_names_no_speaker():
    """A headerless "reagan-1986.md" is named by "Reagan" in a question about what was said;
    a document whose byline names its speaker is named by that, as before."""
    from qa.search.scope import named

    docs = _catalog({"reagan-1986.md": "Tonight we cut taxes.",
                     "carter.txt": "Speaker: Jimmy Carter\n\nWe save energy.",
                     "bush.txt": "We build schools."})
    assert named("What does Reagan say about taxes?", docs) == ("reagan-1986.md",)
    assert named("Does President Reagan tell Congress to cut taxes?", docs) == ("reagan-1986.md",)
    assert named("What does Carter say about energy?", docs) == ("carter.txt",)
    assert named("Why are taxes cut in 1986?", docs) == ()  # not about what was said


def test_a_file_name_names_its_text_though_another_speech_mentions_that_person():
    """"Ford" names "ford-1975.txt" (which never names its speaker) in a question about what
    he said, though another address thanks "President Ford"; written in lower case, or with no
    speaking, a word of a file name names nothing another text uses."""
    from qa.search.scope import named

    docs = _catalog({"ford-1975.txt": "We must cut taxes now.",
                     "reagan.txt": "Speaker: Ronald Reagan\n\nI thank President Ford for his service."})
    assert named("What does Ford say about taxes?", docs) == ("ford-1975.txt",)
    assert named("In his speech, whose verdict does Ford recall?", docs) == ("ford-1975.txt",)
    assert named("what does ford say about taxes?", docs) == ()
    assert named("Who thanks Ford?", docs) == ()


def test_a_speaker_named_with_a_verb_of_wanting_names_their_document():
    """What a named speaker wants, backs or thinks is what their speech says, as what they say
    is, though another speech mentions them; a question only mentioning them names nothing."""
    from qa.search.scope import named

    docs = _catalog({"truman.txt": "Speaker: Harry S. Truman\n\nWe need new taxes.",
                     "ford.txt": "Speaker: Gerald Ford\n\nAs President Truman said, the buck stops here."})
    assert named("Which taxes does Truman want?", docs) == ("truman.txt",)
    assert named("Does Truman support new taxes?", docs) == ("truman.txt",)
    assert named("Who quotes Truman?", docs) == ()


def test_a_word_that_is_also_a_speaker_s_name_names_them_only_as_a_name():
    """"grant programs" names no Grant, unless the whole question is typed in lower case; a
    capital city's name is the city, unless it comes with a given name or a title, so "How
    has Washington reacted?" names no Washington address."""
    from qa.search.scope import named

    docs = _catalog({"washington-1796.md": "Speaker: George Washington\n\nWe must keep the peace.",
                     "grant-1873.md": "Speaker: Ulysses S. Grant\n\nThe Treasury is sound.",
                     "talk.txt": "Speaker: Ann Lee\n\nWe will build roads with Washington and grant programs."})
    assert named("Who are the grant programs for, as she says?", docs) == ()
    assert named("What does Grant say about the Treasury?", docs) == ("grant-1873.md",)
    assert named("what does grant say about the treasury?", docs) == ("grant-1873.md",)
    assert named("What does she say Washington has done?", docs) == ()
    assert named("What does President Washington say about peace?", docs) == ("washington-1796.md",)
    assert named("What does George Washington say about peace?", docs) == ("washington-1796.md",)


def test_a_speech_s_year_with_its_speaker_s_name_names_that_speech():
    """"Kennedy's 1962 State of the Union" is the 1962 file, though only the 1961 one has a
    byline naming Kennedy; a year of something else ("in 1961") picks nothing; a speaker's
    two dated documents are told apart by the year their file names or date lines give."""
    from qa.search.scope import named

    docs = _catalog({"kennedy-1961.md": "Speaker: John F. Kennedy\n\nWe face a crisis.",
                     "kennedy-1962.txt": "The tide of events has turned.",
                     "ford.txt": "Speaker: Gerald Ford\nDate: January 15, 1975\n\nThe state of the Union is not good.",
                     "ford-talk.txt": "Speaker: Gerald Ford\nDate: January 19, 1976\n\nWe must keep taxes low."})
    assert named("In Kennedy's 1962 State of the Union, what has turned?", docs) == ("kennedy-1962.txt",)
    assert named("What does Kennedy say happened in 1962?", docs) == ("kennedy-1961.md",)
    assert named("What did Ford say in his 1976 address about taxes?", docs) == ("ford-talk.txt",)
    assert named("What does Ford say about taxes?", docs) == ("ford.txt", "ford-talk.txt")


def test_scope_from_the_office_the_question_calls_the_speaker_by(corpus):
    """"the vice president" is Harris, the only speaker whose byline or labels give that
    office, even when the words asked about are another speaker's (AGOA is Sullivan's, supply
    chains Biden's); "the PM" is one of the four prime ministers, never a president."""
    seeds, index = corpus
    answer = qa.ask("What does the vice president say about AGOA and the AGOA forum?", seeds_dir=seeds,
                    index_dir=index)
    assert answer.scope == ("harris-lusaka-climate-2023.txt",)
    assert {p.source for p in answer.passages} <= {"harris-lusaka-climate-2023.txt"}
    follow_up = qa.ask("And what about AGOA's renewal?", history=["What does the vice president say about AGOA?"],
                       seeds_dir=seeds, index_dir=index)
    assert follow_up.scope == ("harris-lusaka-climate-2023.txt",)
    prime_ministers = {"abbott-boao-forum-2014.txt", "cameron-anticorruption-summit-2016.txt",
                       "gillard-boao-forum-2013.txt", "rudd-cop13-bali-2007.txt"}
    for question in ("What does the PM say about supply chain disruptions?",
                     "Что говорит премьер-министр о цепочках поставок (supply chain)?"):
        answer = qa.ask(question, seeds_dir=seeds, index_dir=index)
        assert set(answer.scope) <= prime_ministers and answer.scope, question
        assert {p.source for p in answer.passages} <= prime_ministers, question


def test_a_russian_reply_names_its_document_in_russian(corpus):
    """The line naming the cited document is framed in the reply's language, with the speaker's
    name, not the English "...’s speech"."""
    seeds, index = corpus
    cameron = "cameron-anticorruption-summit-2016.txt"
    answer = qa.ask("Кто прочитал этот доклад?", documents=[cameron], seeds_dir=seeds, index_dir=index)
    assert answer.text.startswith(f"_Из документа David Cameron ({cameron}):_")
    assert "’s speech" not in answer.text


def test_author_questions_name_each_documents_own_speaker(corpus):
    seeds, index = corpus
    for source, speaker in [("rudd-cop13-bali-2007.txt", "Kevin Rudd"), (IZIMOV, "Ruslan Izimov"),
                            ("harris-lusaka-climate-2023.txt", "Kamala Harris"),
                            ("sullivan-agoa-forum-2024.txt", "MR. SULLIVAN")]:
        for question in ["Who gave this talk?", "Кто автор этого выступления?"]:
            answer = qa.ask(question, documents=[source], seeds_dir=seeds, index_dir=index)
            assert not answer.abstained and speaker in answer.passages[0].text, (source, question)
            assert {p.source for p in answer.passages} == {source}


def test_a_date_or_place_question_naming_the_speaker_is_answered_from_their_metadata(corpus):
    """"When did Gillard speak?" asks what "When did she give this speech?" asks: the
    speaker's name, or the office that refers to them, reads as "the speaker"; a Russian
    question may write the name in Cyrillic."""
    seeds, index = corpus
    for question, source, value in [("When did Gillard speak at the forum?", "gillard-boao-forum-2013.txt", "2013"),
                                    ("Where did Harris speak?", "harris-lusaka-climate-2023.txt", "Lusaka"),
                                    ("Where did the vice president give her remarks?",
                                     "harris-lusaka-climate-2023.txt", "Lusaka"),
                                    ("Когда выступал Радд?", "rudd-cop13-bali-2007.txt", "2007"),
                                    ("Где выступала Харрис?", "harris-lusaka-climate-2023.txt", "Lusaka")]:
        answer = qa.ask(question, seeds_dir=seeds, index_dir=index)
        assert answer.scope == (source,) and not answer.abstained, question
        assert answer.passages[0].citation == f"{source}, header" and value in answer.passages[0].text, question


def test_a_question_about_the_document_that_says_which_by_its_topic_is_answered_for_that_one(corpus):
    """"Who wrote this piece?" lists every document's author; "Who wrote the text on Central Asia?"
    says which, and the evidence picks it, in Russian too."""
    seeds, index = corpus
    for question in ["Who is the author of the text on Central Asia's modernization?",
                     "Кто автор выступления о модернизации Центральной Азии?"]:
        answer = qa.ask(question, seeds_dir=seeds, index_dir=index)
        assert answer.scope == (IZIMOV,) and "Ruslan Izimov" in answer.passages[0].text, question
        assert {p.source for p in answer.passages} == {IZIMOV}, question
    after_rudd = qa.ask("Who is the author of the text on Central Asia's modernization?",
                        history=["What does Rudd say about the Kyoto Protocol?"], seeds_dir=seeds, index_dir=index)
    assert after_rudd.scope == (IZIMOV,)


def test_within_one_document_the_speakers_name_is_searched_as_the_speaker(corpus):
    """In Rudd's speech alone "Rudd" says nothing about which passage (his name is in the
    byline, not the speech) and "the PM" is him: both are searched as "the speaker". Across
    documents the name still tells them apart."""
    from qa.api import retriever
    from qa.config import settings

    seeds, index = corpus
    r = retriever(settings(seeds_dir=seeds, index_dir=index))
    rudd = r.for_documents(("rudd-cop13-bali-2007.txt",))
    for question in ("What does Rudd say about the Kyoto Protocol?", "What does the PM say about the Kyoto Protocol?"):
        terms = rudd.score(question).terms.terms
        assert "kyoto" in terms and "rudd" not in terms and "pm" not in terms, (question, terms)
    assert "rudd" in r.score("What does Rudd say about the Kyoto Protocol?").terms.terms


def test_an_author_question_after_a_chat_takes_the_conversations_document(corpus):
    seeds, index = corpus
    history = ["What does Rudd say about the Kyoto Protocol?"]
    answer = qa.ask("Who gave this talk?", history=history, seeds_dir=seeds, index_dir=index)
    assert not answer.abstained and "Kevin Rudd" in answer.passages[0].text
    # Without anything to say which speech, every document's speaker is listed.
    listed = qa.ask("Who gave this talk?", seeds_dir=seeds, index_dir=index)
    assert len({p.source for p in listed.passages}) == len(SPEECHES) + 1
    assert "Listed for the first" not in listed.text  # all of them: nothing to say
    # ... each line of the reply names its document, so no reader has to match [n] to the list.
    lines = [line for line in listed.text.split("\n\n---\n\n")[0].splitlines() if re.search(r"\[\d+\]$", line)]
    assert [line.split(": ")[0].replace("\\", "") for line in lines] == [p.source for p in listed.passages]
    assert any(line.startswith(f"{IZIMOV}: Ruslan Izimov") for line in lines)


def test_a_list_of_every_document_says_when_it_stops_short(seeds, tmp_path, fake_encoder):
    """With more documents than a reply lists, "Who gave this talk?" says how many it listed of
    how many, and how to ask about another, instead of passing a part for the whole."""
    from qa.answer.meta import MAX_LISTED_DOCUMENTS

    total = MAX_LISTED_DOCUMENTS + 2
    for n in range(total):
        (seeds / f"talk-{n:02d}.txt").write_text(f"Speaker: Person Number{n}\n\nWe discuss harbour {n} and its ships.\n",
                                                 encoding="utf-8")
    index = tmp_path / "many-index"
    qa.build(seeds_dir=seeds, index_dir=index)
    listed = qa.ask("Who gave this talk?", seeds_dir=seeds, index_dir=index)
    assert len({p.source for p in listed.passages}) == MAX_LISTED_DOCUMENTS
    assert f"first {MAX_LISTED_DOCUMENTS} of the {total + 1} documents" in listed.text  # the seeds' speech too


def test_a_description_of_the_document_is_read_as_this_speech(seeds, tmp_path, fake_encoder):
    """A question that names its document by speaker, year and kind, as a user with several
    speeches would ("Doe's 1999 State of the Union"), asks about the document as "this speech"
    would: answered from its date line. A question on what it says stays one."""
    from qa.api import retriever
    from qa.config import settings

    (seeds / "doe-1999.txt").write_text("Title: State of the Union Address\nSpeaker: Jane Q. Doe\n"
                                        "Date: January 5, 1999\n\nWe will build harbours. Farms need water.\n",
                                        encoding="utf-8")
    index = tmp_path / "doe-index"
    qa.build(seeds_dir=seeds, index_dir=index)
    doe = retriever(settings(seeds_dir=seeds, index_dir=index)).for_documents(("doe-1999.txt",))
    for question, kind in [("On which date was Doe's 1999 State of the Union presented?", "date"),
                           ("Who gave the January 1999 State of the Union in the Capitol?", "author"),
                           ("What did Doe's 1999 State of the Union say about farms?", ""),
                           ("Whose envoy gave that pledge, per Doe's 1999 State of the Union?", "")]:
        assert doe.about_document(question, "en") == kind, question
    answer = qa.ask("On which date was Doe's 1999 State of the Union presented?", documents=["doe-1999.txt"],
                    seeds_dir=seeds, index_dir=index)
    assert not answer.abstained and answer.passages[0].text == "Date: January 5, 1999"


def test_a_russian_follow_up_takes_the_conversations_document(corpus):
    seeds, index = corpus
    cameron = "cameron-anticorruption-summit-2016.txt"
    history = ["What does Cameron say about beneficial ownership registers?"]
    # "Forests" alone would point at Rudd's Bali speech; "he" is the speaker asked about before.
    answer = qa.ask("А что он говорит о лесах?", history=history, seeds_dir=seeds, index_dir=index)
    assert answer.scope == (cameron,)
    assert answer.abstained or {p.source for p in answer.passages} == {cameron}


def test_scope_from_the_evidence_quotes_one_document(corpus):
    seeds, index = corpus
    answer = qa.ask("Which Australian prime minister attended the Boao Forum for the fourth time?",
                    seeds_dir=seeds, index_dir=index)
    assert len({p.source for p in answer.passages}) == 1 and answer.scope == (answer.document,) or answer.abstained


def test_names_are_known_per_document(corpus):
    seeds, index = corpus
    # Another speech names Indonesia; the Central Asia speech does not.
    assert re.search(r"\bIndonesia\b", (seeds / "rudd-cop13-bali-2007.txt").read_text(encoding="utf-8"))
    answer = qa.ask("What does the speaker say about Indonesia?", documents=[IZIMOV], seeds_dir=seeds, index_dir=index)
    assert answer.abstained and "Indonesia" in " ".join(answer.notes)
    assert answer.text.count("Ruslan Izimov’s speech does not answer this question.") == 1


def test_a_self_contained_question_is_not_merged_with_the_previous_one():
    from qa.questions.query import read

    assert not read("Who wrote this article?", ["When did the Belt and Road Initiative begin?"]).follow_up
    assert read("Where was it held?", ["When was the first summit?"]).follow_up


def test_a_russian_question_keeps_to_the_callers_document(corpus):
    seeds, index = corpus
    for source in ["rudd-cop13-bali-2007.txt", IZIMOV]:
        passages = qa.retrieve("Что говорится об экономике?", k=5, documents=[source], seeds_dir=seeds, index_dir=index)
        assert passages and {p.source for p in passages} == {source}


def test_the_manifest_records_both_encoders_and_status_checks_the_second(built, monkeypatch):
    import qa.index.multilingual
    from conftest import FakeEncoder
    from qa.index import store

    seeds, index = built
    manifest = store.read_manifest(index)
    assert (manifest.model, manifest.second_model) == ("fake-encoder", "fake-use")
    assert qa.status(seeds_dir=seeds, index_dir=index).fresh
    other = FakeEncoder(name="another-use", dimension=qa.index.multilingual.DIMENSION)
    monkeypatch.setattr(qa.index.multilingual, "get_use_encoder", lambda: other)
    now = qa.status(seeds_dir=seeds, index_dir=index)
    assert not now.fresh and now.changes == ("second encoder: fake-use -> another-use",)
    qa.build(seeds_dir=seeds, index_dir=index)
    assert store.read_manifest(index).second_model == "another-use"


def test_a_place_or_occasion_no_metadata_line_gives_is_looked_for_in_the_text_with_a_note(corpus):
    """A title line answers where, when no place line does; a transcript without metadata lines
    is searched, and its reply says that no metadata line gives the place or the occasion."""
    seeds, index = corpus
    where = "In what place did the speaker deliver these remarks?"
    placed = qa.ask(where, documents=["harris-lusaka-climate-2023.txt"], seeds_dir=seeds, index_dir=index)
    assert not placed.abstained and placed.passages[0].text == "Location: Panuka Farm, Lusaka, Zambia"
    titled = qa.ask(where, documents=["abbott-boao-forum-2014.txt"], seeds_dir=seeds, index_dir=index)
    assert not titled.abstained and titled.passages[0].text == "Title: Address to Boao Forum for Asia"
    unplaced = qa.ask(where, documents=["biden-ipef-launch-2022.txt"], seeds_dir=seeds, index_dir=index)
    assert "No metadata line of the document says where it was given." in unplaced.notes
    assert unplaced.passages and all(p.source == "biden-ipef-launch-2022.txt" for p in unplaced.passages)
    event = qa.ask("For which gathering were these remarks prepared?", documents=["sullivan-agoa-forum-2024.txt"],
                   seeds_dir=seeds, index_dir=index)
    assert "No metadata line of the document gives its occasion." in event.notes


def test_a_date_no_metadata_line_gives_is_left_to_the_passages_and_the_abstention_model(corpus):
    """No rule refuses "On what date was this talk given?" of a transcript without metadata
    lines: the text may say it ("the present year ..."), so its passages are ranked and the
    abstention model decides either way, and the reply says no metadata line gives the date.
    A question in another language is still refused as such."""
    from qa.api import answer_with, retriever
    from qa.config import settings

    seeds, index = corpus
    question, said = "On what date was this talk given?", "No metadata line of the document gives its date."
    dated = qa.ask(question, documents=["rudd-cop13-bali-2007.txt"], seeds_dir=seeds, index_dir=index)
    assert not dated.abstained and dated.passages[0].text == "Date: 12/12/2007" and said not in dated.notes
    # Biden's 2022 transcript has no metadata lines at all.
    biden = "biden-ipef-launch-2022.txt"
    r = retriever(settings(seeds_dir=seeds, index_dir=index))
    kept = answer_with(r, question, k=3, history=(), documents=[biden], abstention=constant_abstention(False))
    assert not kept.abstained and said in kept.notes
    assert kept.passages and all(p.source == biden for p in kept.passages)
    refused = answer_with(r, question, k=3, history=(), documents=[biden], abstention=constant_abstention(True))
    assert refused.abstained and said in refused.notes
    # After a question on something else, "it" is that thing, not the speech: no such note.
    follow_up = qa.ask("When was it held?", history=["Which city hosted the first summit?"], documents=[IZIMOV],
                       seeds_dir=seeds, index_dir=index)
    assert said not in follow_up.notes
    alone = qa.ask("When was it held?", documents=[IZIMOV], seeds_dir=seeds, index_dir=index)
    assert said in alone.notes
    russian = qa.ask("Когда было произнесено это выступление?", documents=[biden], seeds_dir=seeds, index_dir=index)
    assert russian.abstained and russian.notes[-1] == "В метаданных документа нет даты."


def test_a_document_chosen_by_the_evidence_names_a_close_runner_up(corpus):
    from dataclasses import replace

    from qa.api import answer_with, retriever
    from qa.config import DocumentChoice, Tuning, settings

    seeds, index = corpus
    question = "What about trade and investment between the countries?"

    def ask(margin: float, **kw) -> qa.Answer:
        tuning = replace(Tuning(), documents=DocumentChoice(close_margin=margin))
        r = retriever(settings(seeds_dir=seeds, index_dir=index, tuning=tuning))
        return answer_with(r, question, k=5, history=(), **kw)

    runner_up = [n for n in ask(1e9).notes if n.startswith("Another document matches almost as well: ")]
    assert len(runner_up) == 1 and "To ask that one, name its speaker or choose it." in runner_up[0]
    cited = ask(1e9).document
    assert cited and cited not in runner_up[0]  # it names another document than the one quoted
    assert not any(n.startswith("Another document") for n in ask(0.0).notes)
    # A question the caller scoped names no runner-up, however close.
    assert not any(n.startswith("Another document") for n in ask(1e9, documents=[cited]).notes)


def test_a_refusal_names_no_runner_up(corpus):
    """When nothing answers, "another document matches almost as well, ask that one" would
    promise an answer: a refusal leaves the note out, whatever the margin."""
    from dataclasses import replace

    from qa.api import answer_with, retriever
    from qa.config import DocumentChoice, Tuning, settings

    seeds, index = corpus
    tuning = replace(Tuning(), documents=DocumentChoice(close_margin=1e9))
    r = retriever(settings(seeds_dir=seeds, index_dir=index, tuning=tuning))
    refused = answer_with(r, "What do the speakers say about the Atlantis Treaty and Zorblax?", k=5, history=())
    assert refused.abstained and refused.notes
    assert not any(n.startswith("Another document") for n in refused.notes)


def test_a_question_for_several_facts_about_the_document_is_answered_for_each(corpus):
    """"Who gave it, and when?" cites both metadata lines; a fact no line gives is said to be
    missing beside the one that is there; a later clause about the text asks for no fact."""
    seeds, index = corpus
    both = qa.ask("Who delivered these remarks, and on which day?", documents=["rudd-cop13-bali-2007.txt"],
                  seeds_dir=seeds, index_dir=index)
    assert not both.abstained
    assert [p.citation for p in both.passages] == ["rudd-cop13-bali-2007.txt, header"] * 2
    assert "Date: 12/12/2007" in [p.text for p in both.passages] and "Rudd" in both.passages[0].text
    half = qa.ask("Who is the author of this talk, and when?", documents=[IZIMOV], seeds_dir=seeds, index_dir=index)
    assert not half.abstained and "Izimov" in half.passages[0].text and len(half.passages) == 1
    assert "No metadata line of the document gives its date." in half.notes
    # The speech's Source line gives its occasion: a clause on what was said of a summit is
    # not asking for it.
    content = qa.ask("Who delivered this talk, and what does he say about the summit?", documents=[IZIMOV],
                     seeds_dir=seeds, index_dir=index)
    assert [p.text.split(":")[0] for p in content.passages] == ["Auther"]
    occasion = qa.ask("Who delivered this talk, and at what event?", documents=[IZIMOV], seeds_dir=seeds,
                      index_dir=index)
    assert [p.text.split(":")[0] for p in occasion.passages] == ["Auther", "Source"]


def test_a_name_that_only_says_who_asks_is_not_an_unknown_name(built):
    """A question that opens by saying who asks ("A columnist in Zanzibar asks ...") is about
    the speech; a name inside that opening is not a thing the speech fails to mention. The same
    name in what is asked is (candidate P)."""
    from qa.api import retriever
    from qa.config import settings

    seeds, index = built
    r = retriever(settings(seeds_dir=seeds, index_dir=index))
    framed = "A columnist in Zanzibar asks what the speech says about the Digital Silk Road."
    asked = "A columnist asks what the speech says about Zanzibar and the Digital Silk Road."
    assert r.score(framed, ()).unknown_names == ()
    assert r.score(asked, ()).unknown_names == ("zanzibar",)
    assert "Zanzibar" not in " ".join(qa.ask(framed, seeds_dir=seeds, index_dir=index).notes)
    assert qa.ask(asked, seeds_dir=seeds, index_dir=index).abstained


def test_a_name_only_in_a_sentence_before_the_question_is_not_an_unknown_name(built):
    """A sentence that sets the scene before the question sentence ("A trader flies home from
    Zanzibar. What ...?") is not what is asked: its names are not things the speech fails to
    mention. The same name in the question sentence is (candidate P2), and so is one in a
    sentence that says what someone wants (P3)."""
    from qa.api import retriever
    from qa.config import settings

    seeds, index = built
    r = retriever(settings(seeds_dir=seeds, index_dir=index))
    scene = "A trader flies home from Zanzibar. What does the speech say about the Digital Silk Road?"
    asked = "A trader flies home. What does the speech say about Zanzibar and the Digital Silk Road?"
    assert r.score(scene, ()).unknown_names == ()
    assert r.score(asked, ()).unknown_names == ("zanzibar",)
    assert qa.ask(asked, seeds_dir=seeds, index_dir=index).abstained
    # A sentence that says what someone wants asks it (P3): its names are what is asked about.
    wanted = "A trader wants the ports of Zanzibar. Does the speech name them?"
    assert r.score(wanted, ()).unknown_names == ("zanzibar",)


def test_a_key_that_names_no_field_gives_the_author_by_its_value(seeds, tmp_path, fake_encoder):
    """A giver filed under a key the table does not know and that does not end in "by"
    ("Originator:") is the author when the value is an office and a name; a recipient under
    such a key ("Routed to:") is not (candidate M5)."""
    (seeds / "roe-1930.txt").write_text("Originator: President Amy Roe (Whig)\nRouted to: Governor Ben Poe\n"
                                       "Dated: March 3, 1930\n\nWe will build harbours. Farms need water.\n",
                                       encoding="utf-8")
    index = tmp_path / "roe-index"
    qa.build(seeds_dir=seeds, index_dir=index)
    answer = qa.ask("Who wrote this message?", documents=["roe-1930.txt"], seeds_dir=seeds, index_dir=index)
    assert not answer.abstained and answer.passages[0].text == "Originator: President Amy Roe (Whig)"


def test_a_described_documents_giver_day_and_audience_are_read_from_its_header(seeds, tmp_path, fake_encoder):
    """A question for the giver's office or party, the weekday, or to whom and in what form,
    of a document described by its year and topic, is answered from the header line that gives
    it, a recipient under a key no table knows included; one that says the text says
    something is about the text (candidate M7)."""
    (seeds / "roe-1930.txt").write_text("Originator: President Amy Roe (Whig)\nPassed along to: the Town Council, in writing\n"
                                       "Dated: Monday, March 3, 1930\n\nWe will build harbours by 1931. Farms need water.\n",
                                       encoding="utf-8")
    index = tmp_path / "roe-index"
    qa.build(seeds_dir=seeds, index_dir=index)

    def first(question: str) -> str:
        answer = qa.ask(question, documents=["roe-1930.txt"], seeds_dir=seeds, index_dir=index)
        return answer.passages[0].text if answer.passages and not answer.abstained else ""

    assert first("Which party was the originator of the 1930 harbour message in?") == "Originator: President Amy Roe (Whig)"
    assert first("what weekday did roe's harbour message go out") == "Dated: Monday, March 3, 1930"
    assert first("In what form did the 1930 message on harbours reach the council?") == (
        "Passed along to: the Town Council, in writing")
    assert not first("By which year, the 1930 message says, will the harbours be built?").startswith(
        ("Originator", "Passed", "Dated"))


def test_the_shipped_field_model_says_what_it_was_fitted_on():
    """qa/questions/meta_fields.json (candidate M9) names its script, data, date and grouped
    cross-validation, and has a row of weights per class for the 384 dimensions of the encoder
    it names (``Retriever.about_document`` applies it to that encoder's vectors only)."""
    import json

    from qa.questions.meta import FIELD_MODEL_FILE, NONE, field_model

    data = json.loads(FIELD_MODEL_FILE.read_text(encoding="utf-8"))
    assert data["fitted_by"].startswith("scripts/fit_meta_fields.py") and data["date"] and data["data"]["questions"] > 0
    assert "GroupKFold" in data["cv"]["protocol"] and data["cv"]["nested"]["right"] > data["cv"]["patterns"]["right"]
    model = field_model()
    assert model is not None and model.classes[0] == NONE and model.coef.shape == (len(model.classes), 384)
    assert 1 / len(model.classes) <= model.threshold < 1 and model.encoder == "all-MiniLM-L6-v2"
