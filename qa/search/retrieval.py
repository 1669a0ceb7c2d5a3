"""Question -> ranked passages. Dense and lexical evidence at passage and sentence level, fused.

One MiniLM encoding of the question serves every MiniLM view: the passage vectors (FAISS),
the passages read after the sentence before them, the sentences, and the sentences read
after theirs, all embedded at build time (``views.py``). A second embedder, the multilingual
Universal Sentence Encoder (``multilingual.py``, pure numpy, ~10x cheaper than MiniLM per
question), scores the passages against its own vectors, which the build stores for the
cross-lingual channel anyway. BM25 runs over passages and over sentences with
terms from ``lexical.py``; a question word the corpus never uses also searches, at less
weight, for the corpus words nearest to it under MiniLM (query expansion: "fast" -> "rapid").
``fusion.py`` z-scores and weighs them; a passage that opens by pointing back ("These
developments indicate...") then ranks with the passage it concludes. The ``Retriever`` is
read-only after construction (but for a small cache of the vectors of unknown names and
words, behind a lock), so one instance serves many threads.
"""
from __future__ import annotations

import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import Iterable, Sequence

import numpy as np

from ..config import DocumentChoice, Tuning
from ..index.embedding import Encoder
from .fusion import LEXICAL, Weights, continue_discourse, fuse, pool
from .kinds import DATE_NAMES
from ..index.lexical import QueryTerms, STOPWORDS, Vocabulary, same_name, stem
from ..questions.query import Query, capital_of, is_alias, name_runs, only_in_framing, read
from ..index.store import StoredIndex
from ..types import Chunk, Passage
from ..index.views import corpus_names, points_back, restrict, view_texts
from .memory import QuestionMemory, load as load_memory
from .scope import DocumentInfo, as_the_speaker, catalog, speaker_full_names

log = logging.getLogger(__name__)

# Keys of ``signals`` that ``fuse`` ignores: the second embedder's cosines for a question it
# is not fused for, the expansion terms of each unknown word, the raw sentence cosines.
UNFUSED_SECOND, EXPANDED, SENTENCE_DENSE = "use_unfused", "expanded", "sentence_dense"
NAME_CACHE = 4096  # vectors of unknown names and words kept, so each is encoded once per process
# Runs the second embedder and the encoding of a question's unknown words beside the
# question's own encoding (see ``Retriever.signals``); one worker per core.
_BACKGROUND = ThreadPoolExecutor(max_workers=2, thread_name_prefix="qa-beside-minilm")


@dataclass(frozen=True, kw_only=True)
class Stages:
    """Which parts of the pipeline run; all on by default, switched off one by one by
    ``python -m qa eval --ablate`` to show what each adds."""

    lexical: bool = True
    sentences: bool = True
    context: bool = True
    spelling: bool = True
    follow_up: bool = True
    answer_type: bool = True
    unknown_names: bool = True
    second_embedder: bool = True
    sentence_pooling: bool = True
    expansion: bool = True
    discourse: bool = True
    speaker_as_subject: bool = True


ALL_STAGES = Stages()


@dataclass(frozen=True, kw_only=True)
class Scored:
    """Everything retrieval learnt about one question; passage arrays are in index order,
    sentence arrays in the order of ``Retriever.sentence_owner``."""

    query: Query
    terms: QueryTerms
    coverage: float
    dense: np.ndarray
    lexical: np.ndarray
    fused: np.ndarray
    sentence_fused: np.ndarray
    query_vector: np.ndarray
    unknown_names: tuple[str, ...] = ()
    # Names of several words the documents never write together ("Power Africa"), as asked.
    unknown_phrases: tuple[str, ...] = ()
    # The second embedder's cosine with each passage, computed for every question (the
    # abstention features read it) though fused only for paraphrases; None when unavailable.
    second: np.ndarray | None = None
    # For each question word the corpus never uses, the corpus stems it was expanded to.
    expansions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # MiniLM cosine of the question with each sentence (``sentence_owner`` order), if stored.
    sentence_dense: np.ndarray | None = None


# An initialism as written ("U.S.", "EU", "WTO"): two to six capitals, dotted or not.
_INITIALISM = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,6}|(?<![\w.-])[A-Z]{2,6}(?![\w])")
# A name of several capitalised words, "of"/"and"/"for"/"the" allowed inside ("World Trade
# Organization", "Bank for International Settlements").
_LONG_NAME = re.compile(r"\b[A-Z][a-z]+(?: (?:(?:of|and|for|the) )?[A-Z][a-z]+)+")
_LINKING = frozenset({"of", "and", "for", "the"})


def initials(name: str) -> str:
    """The lower-cased initials of a name's capitalised words.

    >>> initials("United States"), initials("World Trade Organization"), initials("Bank for International Settlements")
    ('us', 'wto', 'bis')
    """
    return "".join(w[0].lower() for w in name.split() if w.lower() not in _LINKING)


def initialisms(text: str) -> tuple[set[str], set[str]]:
    """The initialisms ``text`` writes, lower-cased, without dots, and the initials of its names
    of several words ("eu" for "European Union"), apart: a name in the question is matched
    against the first, an initialism in the question against the second.

    >>> [sorted(s) for s in initialisms("The U.S.-China talks and the EU; the World Trade Organization met.")]
    [['eu', 'us'], ['wto']]
    """
    return ({m.group().replace(".", "").lower() for m in _INITIALISM.finditer(text)},
            {initials(m.group()) for m in _LONG_NAME.finditer(text)})


def _plain(text: str) -> str:
    """Lower-case words joined by single spaces, possessives and marks dropped.

    >>> _plain("Australia’s Prime  Minister, (2007)")
    'australia prime minister 2007'
    """
    return " ".join(re.findall(r"\w+", re.sub(r"['’]s\b", "", text.lower())))


class Retriever:
    """Search one loaded index with the constants of ``tuning`` (``Settings.tuning``).
    ``search`` returns passages, best first."""

    def __init__(self, stored: StoredIndex, encoder: Encoder, *, tuning: Tuning = Tuning(),
                 memory: "QuestionMemory | None | str" = "shipped") -> None:
        """``memory``: the answered questions that reorder the passages of their own text
        (``qa.search.memory``); "shipped" (the default) reads the package's, None uses none."""
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG at import
        self.stored = stored
        self.encoder = encoder
        self.tuning = tuning
        self.weights: Weights = tuning.fusion
        self.chunks: tuple[Chunk, ...] = stored.chunks
        texts = view_texts(self.chunks)
        self.sentences = texts["sentence_vectors"]
        self.sentence_owner = np.array([i for i, c in enumerate(self.chunks) for _ in c.sentences], dtype=np.int64)
        self.words = texts["word_vectors"]
        self.points_back = np.array(points_back(self.chunks), dtype=bool)
        self.views = {name: self._view(name, len(texts[name])) for name in texts}
        self.names = corpus_names(self.chunks)
        manifest = stored.manifest
        sources = list(dict.fromkeys([*manifest.sources, *(c.source for c in self.chunks)]))
        self.documents: tuple[DocumentInfo, ...] = catalog(
            sources, {src: manifest.header(src) for src in sources}, self.chunks)
        # Names the documents' metadata and transcript labels use ("Cameron", "Bali") are known
        # names: a question that names the speaker names no unknown thing.
        self.metadata_words = frozenset(w for d in self.documents for w in d.speaker_words | d.topic_words) | {
            w.lower() for d in self.documents for f in d.header for w in re.findall(r"\w+", f.value)}
        position = {d.source: i for i, d in enumerate(self.documents)}
        self.document_of = np.array([position[c.source] for c in self.chunks], dtype=np.int64)
        self.vocabulary = Vocabulary([c.text for c in self.chunks],
                                     names=[f.value for d in self.documents for f in d.header])
        self._bm25 = bm25s.BM25()
        self._bm25.index([self.vocabulary.document_terms(c.text) for c in self.chunks], show_progress=False)
        self._bm25_sentences = bm25s.BM25()
        self._bm25_sentences.index([self.vocabulary.document_terms(t) for t in self.sentences], show_progress=False)
        self._ids = {(c.source, c.start): i for i, c in enumerate(self.chunks)}
        self._name_vectors: dict[str, np.ndarray] = {}
        self._names_lock = threading.Lock()
        self._use_vectors = self._second_vectors()
        self._parts: dict[frozenset[str], Retriever] = {}
        self._document_totals: dict[tuple, list[tuple[str, float]]] = {}
        self._word_rows: dict[str, int] | None = None  # stem -> row of the word vectors, made on first use
        self._memory_source = _shipped_memory() if memory == "shipped" else memory
        self.memory = (None if self._memory_source is None else
                       self._memory_source.attach(self.chunks, dict(manifest.sources), manifest.model))

    def _second_vectors(self) -> np.ndarray | None:
        """The stored USE passage vectors, if the index has usable ones."""
        from ..index import multilingual

        array = self.stored.extras.get(multilingual.PASSAGE_ARRAY)
        if multilingual.stored_model(self.stored.extras) is None or array is None or len(array) != len(self.chunks):
            log.warning("index has no usable multilingual vectors - rebuild with: python -m qa build --full")
            return None
        return array

    def _second_signal(self, text: str) -> np.ndarray | None:
        """Cosines of the question with each passage under the second embedder (None when the
        index was made by another version of it, or has no such vectors)."""
        from ..index import multilingual

        if self._use_vectors is None:
            return None
        encoder = multilingual.get_use_encoder()
        if multilingual.stored_model(self.stored.extras) != encoder.name:
            return None
        return np.asarray(self._use_vectors @ encoder.encode([text])[0], dtype=np.float64)

    def _view(self, name: str, rows: int) -> np.ndarray | None:
        array = self.stored.extras.get(name)
        if array is None or len(array) != rows:
            log.warning("index has no usable %s - rebuild with: python -m qa build --full", name)
            return None
        return array

    def query_text(self, question: str, history: Sequence[str]) -> str:
        """The text to search for: a short follow-up is read together with the last question."""
        return read(question, history).text

    def _unknown_names(self, query: Query, terms: QueryTerms) -> tuple[str, ...]:
        """Names in the question the corpus never uses, not even as the stem of a longer word
        ("Turkmen" is known from "Turkmenistan") or in another form of one of its names
        ("Japanese" from "Japan"), nor a capital standing for a country it names ("Washington"
        for "the United States"), nor a country whose capital it names ("Japan" in a text that
        says "here in Tokyo"), nor a speaker's given name put before the family name the
        document knows them by ("Jake Sullivan" for a transcript's "MR. SULLIVAN", "Van Buren"
        for "vanburen-1840.txt"), nor a month or a weekday (``DATE_NAMES``: they date something,
        which the asked kind and the passages judge)."""
        given = {w.lower() for n in speaker_full_names(query.text, self.documents) for w in n.split()}
        unknown = set(terms.unknown) - self.metadata_words - given - self._initialled_words(query) - DATE_NAMES
        return tuple(n for n in query.names if n in unknown and n not in STOPWORDS
                     and not only_in_framing(n, query)  # who asks (P) or the scene before the question (P3)
                     and not (len(n) >= 4 and any(word.startswith(n) for word in self.vocabulary.counts))
                     and not any(same_name(n, name) for name in self.names)
                     and not self._names_country(capital_of(n, query.text))
                     and not any(same_name(n, country) for country in self._capital_countries)
                     and not self._country_written_otherwise(n))

    @cached_property
    def _plain_text(self) -> str:
        """Every passage and metadata value, as ``_plain`` words between spaces."""
        values = [f.value for d in self.documents for f in d.header]
        return f" {' '.join(_plain(t) for t in [*(c.text for c in self.chunks), *values])} "

    @cached_property
    def _capital_countries(self) -> tuple[str, ...]:
        """The one-word countries whose capital a passage or metadata line names ("japan" for
        a text that says "Tokyo"; table: ``qa/questions/capitals.py``)."""
        from ..questions.capitals import CAPITALS

        return tuple(country for capital, country in CAPITALS.items()
                     if " " not in country and f" {capital} " in self._plain_text)

    def _unknown_phrases(self, query: Query) -> tuple[str, ...]:
        """The question's names of several words ("the Green Climate Fund") that no passage or
        metadata line of these documents writes, word for word (case and marks aside), nor by
        its initials ("the United States" where the text writes "U.S."), with the article the
        question gives them; a speaker's full name ("Jake Sullivan"), or a part of it ("John
        Quincy" of "John Quincy Adams's"), is not one."""
        speakers = speaker_full_names(query.text, self.documents)
        return tuple(run for run in name_runs(query.text, articles=True)
                     if not only_in_framing(run, query) and f" {_plain(run.removeprefix('the '))} " not in self._plain_text
                     and not any(f" {run} " in f" {name} " for name in speakers)
                     and not self._initialled(run.removeprefix("the "))
                     and not self._country_written_otherwise(run.removeprefix("the ")))

    def _country_written_otherwise(self, name: str) -> bool:
        """Is ``name`` a country's name or the word for its people that the documents write in
        another of its forms ("France" for a text's "French Republic", "the British" for its
        "Great Britain"; table: ``qa/questions/demonyms.py``)?"""
        from ..questions.demonyms import forms_of

        return any(f" {form} " in self._plain_text for form in forms_of(name))

    @cached_property
    def _initialisms(self) -> tuple[frozenset[str], frozenset[str]]:
        """What the documents write as initials, and the initials of the names they write in words."""
        found = [initialisms(c.text) for c in self.chunks]
        return frozenset().union(*(w for w, _ in found)), frozenset().union(*(n for _, n in found))

    def _initialled(self, name: str) -> bool:
        """Is ``name`` known by its initials ("United States": "U.S."), or, written as initials,
        known in words ("WTO": "World Trade Organization")?"""
        written, named = self._initialisms
        if " " in name:
            return len(initials(name)) >= 2 and initials(name) in written
        return name.isupper() and 2 <= len(name) <= 6 and name.lower() in named

    def _initialled_words(self, query: Query) -> set[str]:
        """The question's name words that the documents know by initials: each word of a name
        of several words known so, and an initialism known in words."""
        words = {w.lower() for run in name_runs(query.text) if self._initialled(run) for w in run.split()}
        return words | {m.group().lower() for m in re.finditer(r"\b[A-Z]{2,6}\b", query.text)
                        if self._initialled(m.group())}

    def _names_country(self, country: str) -> bool:
        """Does the corpus name ``country`` (as written, or in another form of a one-word name:
        "Chinese" for China)?"""
        if not country:
            return False
        if " " not in country and any(same_name(country, name) for name in self.names):
            return True
        pattern = re.compile(rf"(?<![\w-]){re.escape(country)}(?![\w-])", re.I)
        return any(pattern.search(chunk.text) for chunk in self.chunks)

    def signals(self, question: str, history: Sequence[str] = (), *, stages: Stages = ALL_STAGES,
                pooling: int | None = None, always_second: bool = False
                ) -> tuple[Query, QueryTerms, dict, dict, np.ndarray]:
        """The raw evidence for one question, before fusion: (query, terms, passage signals,
        sentence signals, the question's vector). ``pooling`` overrides how many of a
        passage's best sentences its sentence-level dense signals average; ``always_second``
        runs the second embedder whatever the question's coverage (for tuning)."""
        query = read(question, history, resolve_follow_ups=stages.follow_up)
        # Within one document the speaker's name (or office) says which document, not what in
        # it: searched as "the speaker". Across documents it still tells them apart.
        searched = (as_the_speaker(query.text, self.documents)
                    if stages.speaker_as_subject and len(self.documents) == 1 else query.text)
        terms = self.vocabulary.read(searched, spelling=stages.spelling)
        names = self._unknown_names(query, terms) if stages.unknown_names else ()
        unknown = terms.unknown if stages.expansion and self.views["word_vectors"] is not None else ()
        # Unknown names and words are encoded once per process (a cache shared by threads).
        wanted = list(dict.fromkeys((*names, *unknown)))
        with self._names_lock:  # the cache is shared by every thread asking questions
            known = {w: self._name_vectors[w] for w in wanted if w in self._name_vectors}
        fresh = [w for w in wanted if w not in known]
        paraphrase = self.vocabulary.coverage(terms) < self.weights.use_below_coverage
        # The second embedder (pure numpy) runs on another thread while MiniLM encodes. It is
        # fused only for paraphrases (the question's coverage says which), but its cosine is
        # kept for every question as evidence for the abstention decision (``UNFUSED_SECOND``).
        second = _BACKGROUND.submit(self._second_signal, searched) if stages.second_embedder else None
        fused_second = always_second or bool(self.weights.use_passage) and paraphrase
        # Its new words go to another thread as one short batch while the question is encoded
        # here: padded into one batch with the question, each word would cost as much as the
        # question, and one after the other they cost about as much again (docs/speed.md).
        words = _BACKGROUND.submit(self.encoder.encode, fresh) if fresh else None
        vector = _vector(self.encoder, searched)  # often encoded already, to read the question's scope
        if words is not None:
            known.update(zip(fresh, words.result()))
        with self._names_lock:
            if len(self._name_vectors) + len(fresh) > NAME_CACHE:
                self._name_vectors.clear()
            self._name_vectors.update((w, known[w]) for w in fresh)
        per_word = {w: self._expansions([known[w]]) for w in dict.fromkeys(unknown)}
        expansions = [e for found in per_word.values() for e in found]
        signals: dict[str, np.ndarray] = {"passage": np.asarray(self.stored.vectors @ vector, dtype=np.float64)}
        sentence_signals: dict[str, np.ndarray] = {}
        if self.views["sentence_vectors"] is not None:
            sentence_signals["sentence"] = self.views["sentence_vectors"] @ vector
        if stages.context and self.views["context_vectors"] is not None:
            signals["context"] = self.views["context_vectors"] @ vector
        if stages.context and self.views["sentence_context_vectors"] is not None:
            sentence_signals["sentence_context"] = self.views["sentence_context_vectors"] @ vector
        if stages.lexical and terms.terms:
            signals["bm25_passage"] = _bm25(self._bm25, terms.terms, expansions)
            sentence_signals["bm25_sentence"] = _bm25(self._bm25_sentences, terms.terms, expansions)
        if second is not None and (use := second.result()) is not None:
            signals["use_passage" if fused_second else UNFUSED_SECOND] = use
        if "sentence" in sentence_signals:
            signals[SENTENCE_DENSE] = sentence_signals["sentence"]
        signals[EXPANDED] = per_word  # type: ignore[assignment]  # read by ``score``, never fused
        if stages.sentences:
            top = self.weights.sentence_pooling if pooling is None else pooling
            top = top if stages.sentence_pooling else 1
            # BM25 of a passage's sentences: its best sentence; dense: the mean of its best ``top``.
            signals.update({k: pool(v, self.sentence_owner, len(self.chunks), top=1 if k in LEXICAL else top)
                            for k, v in sentence_signals.items()})
        return query, terms, signals, sentence_signals, vector

    def _expansions(self, vectors: list[np.ndarray]) -> list[tuple[str, float]]:
        """(corpus term, weight) for the corpus words nearest to each unknown question word."""
        table, expansion = self.views["word_vectors"], self.tuning.expansion
        out: list[tuple[str, float]] = []
        for vector in vectors:
            cosines = table @ vector
            for row in np.argsort(-cosines, kind="stable")[:expansion.per_word]:
                if cosines[row] >= expansion.min_cosine:
                    out.append((stem(self.words[row]), float(cosines[row])))
        return out

    def score(self, question: str, history: Sequence[str] = (), *, stages: Stages = ALL_STAGES) -> Scored:
        """Fused evidence for ``question`` over every passage of this retriever's documents."""
        query, terms, signals, sentence_signals, vector = self.signals(question, history, stages=stages)
        names = self._unknown_names(query, terms) if stages.unknown_names else ()
        coverage = self.vocabulary.coverage(terms)
        weights = effective_weights(self.weights, stages)
        n = len(self.chunks)
        fused = fuse(signals, weights, coverage=coverage) if n else np.zeros(0)
        if stages.discourse and n:
            fused = continue_discourse(fused, self.points_back)
        sentence_fused = (fuse(sentence_signals, weights, coverage=coverage) if sentence_signals
                          else np.zeros(len(self.sentences)))
        return Scored(query=query, terms=terms, coverage=coverage, dense=signals["passage"],
                      lexical=signals.get("bm25_passage", np.zeros(n)), fused=fused,
                      sentence_fused=sentence_fused, query_vector=vector,
                      unknown_names=self._aliasless(names),
                      unknown_phrases=self._unknown_phrases(query) if stages.unknown_names else (),
                      second=signals.get("use_passage", signals.get(UNFUSED_SECOND)),
                      expansions=tuple((w, tuple(t for t, _ in found)) for w, found in signals[EXPANDED].items()),
                      sentence_dense=signals.get(SENTENCE_DENSE))

    def about_document(self, question: str, language: str) -> str:
        """Which fact about the document itself the question asks for (its author, date,
        source...), or "": by the language's patterns (in English also with a document's
        speaker, named or called by an office, read as "the speaker": "When did Gillard speak at
        Boao?", and a description of a document read as "this speech": "Who gave Reagan's 1987
        State of the Union in the Capitol?", ``as_this_speech``), else, in English, by meaning
        (``qa.questions.meta.by_meaning``), on the question so read, else by the model fitted on
        questions (``qa.questions.meta.field_model``) when a document has metadata lines."""
        from ..questions.language import ENGLISH
        from ..questions.meta import asks_about_document, by_meaning, field_cue, field_model
        from .scope import as_the_speaker, as_this_speech

        kind = asks_about_document(question, language)
        if not kind and language == ENGLISH:
            kind = asks_about_document(as_the_speaker(question, self.documents), language)
        asked = question
        if not kind and language == ENGLISH:  # "Who gave Reagan's 1987 State of the Union in the Capitol?"
            question = as_this_speech(question, self.documents)
            kind = asks_about_document(question, language)
        if kind or language != ENGLISH:
            return kind
        if field_cue(question):
            cosine = float((_prototypes(self.encoder) @ _vector(self.encoder, question)).max())
            kind = by_meaning(question, cosine, self.tuning.about_document)
        model = field_model()  # fitted on the questions (scripts/fit_meta_fields.py); asked only
        # when a document has metadata lines to answer from: most questions on a document without
        # them stop here, before any encoding, and retrieval encodes them beside the second encoder
        if (not kind and model is not None and model.encoder == self.encoder.name
                and any(d.header for d in self.documents)):
            kind = model.field(_vector(self.encoder, asked))
        return kind

    def word_vector(self, term: str, unknown: Sequence[str] = ()) -> np.ndarray | None:
        """The MiniLM vector of a question term (a stem): the stored vector of a corpus word with
        that stem, else the one encoded for the question word it came from (``unknown``, the
        words the corpus lacks, whose vectors ``signals`` cached); None when neither is there."""
        table = self.views["word_vectors"]
        if table is None:
            return None
        row = self._stem_rows().get(term)
        if row is not None:
            return table[row]
        with self._names_lock:
            return next((self._name_vectors[w] for w in unknown if stem(w) == term and w in self._name_vectors), None)

    def word_rows(self, stems: Iterable[str]) -> np.ndarray:
        """Rows of ``views["word_vectors"]`` for the stems the table holds."""
        found = self._stem_rows()
        return np.array(sorted({found[s] for s in stems if s in found}), dtype=np.int64)

    def _stem_rows(self) -> dict[str, int]:
        """Stem -> the first row of the word vectors with a word of that stem, made on first use."""
        if self._word_rows is None:
            rows: dict[str, int] = {}
            for row, word in enumerate(self.words):
                rows.setdefault(stem(word), row)
            self._word_rows = rows
        return self._word_rows

    def _aliasless(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """The names that are not another way of saying a name the corpus uses."""
        table = self.views["name_vectors"]
        if table is None or not len(table):
            return names
        with self._names_lock:
            vectors = {n: self._name_vectors.get(n) for n in names}
        return tuple(n for n in names if vectors[n] is None
                     or not is_alias(np.sort(table @ vectors[n])[::-1], self.tuning.aliases))

    def search(self, question: str, *, k: int = 5, history: Sequence[str] = (),
               stages: Stages = ALL_STAGES) -> list[Passage]:
        return self.rank(self.score(question, history, stages=stages), k=k)

    def for_documents(self, sources: Sequence[str]) -> "Retriever":
        """A retriever over ``sources`` alone, as if the index held only them (its BM25,
        vocabulary, names and score scales are theirs): made once, then cached."""
        key = frozenset(sources)
        if key >= {d.source for d in self.documents}:
            return self
        with self._names_lock:
            found = self._parts.get(key)
        if found is None:
            found = Retriever(restrict(self.stored, key), self.encoder, tuning=self.tuning, memory=self._memory_source)
            with self._names_lock:
                self._parts[key] = found
        return found

    def best_document(self, question: str, history: Sequence[str] = ()) -> str:
        """The document whose passages, together, match the question best (``best_document``)."""
        return self.documents_by_evidence(question, history)[0][0]

    def documents_by_evidence(self, question: str, history: Sequence[str] = ()) -> list[tuple[str, float]]:
        """Every document with its total (``document_totals``), best first; the last few
        questions' are kept, as the reply asks again whether another document came close."""
        key = (question, tuple(history))
        with self._names_lock:
            found = self._document_totals.get(key)
        if found is None:
            totals = self.evidence_totals(self.score(question, history))
            found = sorted(((d.source, float(t)) for d, t in zip(self.documents, totals)), key=lambda x: -x[1])
            with self._names_lock:
                if len(self._document_totals) >= 64:
                    self._document_totals.clear()
                self._document_totals[key] = found
        return found

    def evidence_totals(self, scored: Scored) -> np.ndarray:
        """Each document's total for a scored question (``document_totals``), in the order of
        ``self.documents``."""
        sentences = (None if scored.sentence_dense is None
                     else (scored.sentence_dense, self.document_of[self.sentence_owner]))
        return document_totals(scored.fused, self.document_of, len(self.documents),
                               choice=self.tuning.documents, sentences=sentences)

    def close_document(self, question: str, history: Sequence[str] = ()) -> str:
        """The document that comes within ``Tuning.documents.close_margin`` of the one the
        evidence chose, or "" (a reply then says another document matches almost as well)."""
        ranking = self.documents_by_evidence(question, history)
        if len(ranking) < 2 or ranking[0][1] - ranking[1][1] >= self.tuning.documents.close_margin:
            return ""
        return ranking[1][0]

    def chunk_id(self, passage: Chunk) -> int:
        return self._ids[(passage.source, passage.start)]

    def sentence_scores(self, scored: Scored) -> list[tuple[float, ...]]:
        """For each passage, the fused score of each of its sentences."""
        out: list[list[float]] = [[] for _ in self.chunks]
        for owner, value in zip(self.sentence_owner, scored.sentence_fused):
            out[owner].append(float(value))
        return [tuple(v) for v in out]

    def rank(self, scored: Scored, *, k: int) -> list[Passage]:
        """The ``k`` best passages: by the fused scores, reordered by the memory of answered
        questions when it holds this corpus's text (``qa.search.memory``); each passage keeps
        its fused score."""
        by = scored.fused
        if self.memory is not None and scored.query_vector is not None and len(by):
            by = self.memory.order_scores(np.asarray(by, dtype=np.float64), scored.query_vector)
        order = np.argsort(-by, kind="stable")[: max(0, k)]
        return [to_passage(self.chunks[i], float(scored.fused[i])) for i in order]


@lru_cache(maxsize=1)
def _shipped_memory() -> QuestionMemory | None:
    """The package's memory of answered questions, read once."""
    return load_memory()


@lru_cache(maxsize=4)
def _prototypes(encoder: Encoder) -> np.ndarray:
    """The vectors of ``qa.questions.meta.PROTOTYPES``, once per encoder."""
    from ..questions.meta import PROTOTYPES

    return np.asarray(encoder.encode(list(PROTOTYPES)))


@lru_cache(maxsize=256)
def _vector(encoder: Encoder, text: str) -> np.ndarray:
    """One question's vector (read-only, shared): a question is read for its scope and its
    answer, and encoded once for both."""
    vector = np.array(encoder.encode([text])[0])
    vector.setflags(write=False)
    return vector


def document_totals(fused: np.ndarray, document_of: np.ndarray, documents: int, *,
                    choice: DocumentChoice = DocumentChoice(),
                    sentences: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Each document's evidence taken together. Given ``sentences`` (the question's MiniLM
    cosine with each sentence, and each sentence's document): its best passage +
    ``choice.second_passage_share`` x its second best + ``choice.sentence_weight`` x its best
    sentence's cosine; without: its best passage + ``choice.passages_alone_share`` x its
    second best (``qa.config.DocumentChoice``). -inf for a document without passages.

    >>> document_totals(np.array([3.0, 0.0, 2.5, 2.4]), np.array([0, 0, 1, 1]), 2).tolist()
    [3.0, 3.1]
    >>> cosines, owner = np.array([0.6, 0.5, 0.2, 0.1]), np.array([0, 0, 1, 1])
    >>> document_totals(np.array([3.0, 0.0, 2.5, 2.4]), np.array([0, 0, 1, 1]), 2,
    ...                 choice=DocumentChoice(sentence_weight=10.0), sentences=(cosines, owner)).round(2).tolist()
    [9.0, 6.9]
    """
    share = choice.passages_alone_share if sentences is None else choice.second_passage_share
    totals = np.full(documents, -np.inf)
    for doc in range(documents):
        own = np.sort(fused[document_of == doc])[::-1]
        if len(own):
            totals[doc] = own[0] + share * (own[1] if len(own) > 1 else own[0])
    if sentences is not None and len(sentences[0]):
        said = np.full(documents, -np.inf)
        np.maximum.at(said, sentences[1], sentences[0])  # each document's best sentence
        totals += np.where(np.isfinite(said), choice.sentence_weight * said, 0.0)
    return totals


def best_document(fused: np.ndarray, document_of: np.ndarray, documents: int, *,
                  choice: DocumentChoice = DocumentChoice(),
                  sentences: tuple[np.ndarray, np.ndarray] | None = None) -> int:
    """The document whose passages, together, match best (``document_totals``).

    >>> best_document(np.array([3.0, 0.0, 2.5, 2.4]), np.array([0, 0, 1, 1]), 2)
    1
    """
    return int(np.argmax(document_totals(fused, document_of, documents, choice=choice, sentences=sentences)))


def _bm25(index, terms: Sequence[str], expansions: Sequence[tuple[str, float]]) -> np.ndarray:
    """BM25 of the question's terms plus each expansion term's BM25 times its weight."""
    scores = index.get_scores(list(terms)).astype(np.float64)
    for term, weight in expansions:
        scores += weight * index.get_scores([term])
    return scores


def effective_weights(weights: Weights, stages: Stages) -> Weights:
    """With a stage off, its weight moves to the passage-level signal it refines (the second
    embedder's to the MiniLM passage signal)."""
    if not stages.second_embedder:
        weights = replace(weights, passage=weights.passage + weights.use_passage, use_passage=0.0)
    if not stages.context:
        weights = replace(weights, passage=weights.passage + weights.context, context=0.0,
                          sentence=weights.sentence + weights.sentence_context, sentence_context=0.0)
    if not stages.sentences:
        weights = replace(weights, passage=weights.passage + weights.sentence + weights.sentence_context,
                          sentence=0.0, sentence_context=0.0,
                          bm25_passage=weights.bm25_passage + weights.bm25_sentence, bm25_sentence=0.0)
    return weights


def to_passage(chunk: Chunk, score: float) -> Passage:
    return Passage(**chunk.__dict__, score=round(score, 6))
