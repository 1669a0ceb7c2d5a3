"""Questions not in English -> the English passages that answer them (the reply is
``qa.answer.crosslingual``).

The question is matched against the same passages as the English pipeline, through the
multilingual encoder's vectors stored in ``index/`` (see ``multilingual``): half the cosine
with the whole passage, half the cosine with its best sentence. A small bonus counts
shared names and international words (``Казахстан`` ~ ``Kazakhstan``, ``модернизация`` ~
``modernization``) after transliteration, because the encoder is weakest on exactly those.
The reply quotes the English passages as they are, with the same citations; only the
framing around them is in the question's language. The channel's weights and thresholds are
``qa.config.CrossLingual`` (``Settings.tuning.crosslingual``), held by each view.
"""
from __future__ import annotations

import logging
import math
import re
import threading
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..config import Tuning
from ..index.chunking import sentence_texts
from ..index.multilingual import PASSAGE_ARRAY, SENTENCE_ARRAY, UseEncoder, stored_model, vectors_for
from ..index.store import StoredIndex
from ..questions.cues import asks_for, names, quoted
from ..questions.language import detect
from ..questions.query import AGENT, PERSON, is_follow_up
from ..types import Passage
from .evidence import Evidence
from .kinds import contains
from .retrieval import best_document

log = logging.getLogger(__name__)

# Name checks for these languages only: Kazakh suffixes and spellings (Қытай, Ресейдің)
# defeat both the stem keys and the encoder, which was not trained on Kazakh.
NAME_CHECK_LANGUAGES = frozenset({"ru"})
_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]*")
# A run of capitalised words, "Silk Road", "Belt and Road Initiative".
_NAME_RUN = re.compile(r"\b[A-Z][\w’'-]*(?:\s+(?:and\s+|of\s+|the\s+)?[A-Z][\w’'-]*)+")

_TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
    "a b v g d e e zh z i i k l m n o p r s t u f kh c ch sh shch _ y _ e iu ia a g k n o u u h i".split(),
))
# Spellings that English and transliterated Russian write differently for one sound.
_SOUNDS = [("shch", "s"), ("dzh", "j"), ("kh", "k"), ("ch", "k"), ("sh", "s"), ("zh", "z"), ("ph", "f"),
           ("th", "t"), ("c", "k"), ("q", "k"), ("x", "ks"), ("w", "v"), ("j", "i"), ("y", "i"), ("z", "s")]
# Greek au/eu are written ав/ев in Russian: автор ~ author, Евразия ~ Eurasia.
_GREEK_AU = re.compile(r"\b([аеэ])в(?=[бвгджзйклмнпрстфхцчшщ])")
_LATIN_WORD = re.compile(r"[a-z]{5,}")
KEY_CONSONANTS, MIN_KEY = 4, 2


def transliterate(text: str) -> str:
    """Cyrillic letters -> Latin ones; other characters are kept.

    >>> transliterate("Казахстан и Евразия")
    'kazakhstan i euraziia'
    """
    text = _GREEK_AU.sub(lambda m: m.group(1) + "у", text.lower())
    return "".join(_TRANSLIT.get(ch, ch) for ch in text).replace("_", "")


def stem_key(word: str) -> str:
    """The first four consonants of a word, spelled one way for both alphabets.

    >>> stem_key("modernization") == stem_key(transliterate("модернизации"))
    True
    """
    for spelled, sound in _SOUNDS:
        word = word.replace(spelled, sound)
    return re.sub(r"[aeiou]", "", word)[:KEY_CONSONANTS]


def name_key(word: str) -> str:
    """The stem key of a name of any length, in either alphabet: России ~ Russia.

    >>> name_key("России") == name_key("Russia"), name_key("Казахстана") == name_key("Kazakhstan")
    (True, True)
    """
    return stem_key(re.sub(r"[^a-z]", "", transliterate(word)))


def stem_keys(text: str) -> frozenset[str]:
    """The keys of the words of five letters or more in ``text`` (any alphabet)."""
    return frozenset(k for k in map(stem_key, _LATIN_WORD.findall(transliterate(text))) if len(k) >= MIN_KEY)


@dataclass(frozen=True, kw_only=True)
class Match:
    """Scores for one question: per passage (index order) and per sentence (passages in order)."""

    semantic: np.ndarray
    fused: np.ndarray
    sentence_scores: np.ndarray


class CrossLingualIndex:
    """The multilingual view of one loaded index with the constants of ``tuning``; read-only,
    shared between threads."""

    def __init__(self, stored: StoredIndex, encoder: UseEncoder, *, tuning: Tuning = Tuning()) -> None:
        self.chunks = stored.chunks
        self.encoder = encoder
        self.tuning = tuning
        self.limits = tuning.crosslingual
        self.owner = np.array([i for i, c in enumerate(self.chunks) for _ in c.sentences], dtype=np.int64)
        starts = np.cumsum([0] + [len(c.sentences) for c in self.chunks])
        self.first_sentence = {(c.source, c.start): int(starts[i]) for i, c in enumerate(self.chunks)}
        passages, sentences = stored.extras.get(PASSAGE_ARRAY), stored.extras.get(SENTENCE_ARRAY)
        if (stored_model(stored.extras) != encoder.name or len(passages) != len(self.chunks)
                or len(sentences) != len(self.owner)):
            # An index built before this channel existed, or by another model: embed in memory,
            # once per index, rather than compare vectors of two models.
            log.warning("the index has no vectors of %s; embedding them now (run: python -m qa build)", encoder.name)
            arrays, _ = vectors_for(self.chunks, encoder)
            passages, sentences = arrays[PASSAGE_ARRAY], arrays[SENTENCE_ARRAY]
        self.passage_vectors = np.asarray(passages, dtype=np.float32)
        self.sentence_vectors = np.asarray(sentences, dtype=np.float32)
        self.keys = [stem_keys(c.text) for c in self.chunks]
        self.sentence_keys = [stem_keys(t) for c in self.chunks for t in sentence_texts(c)]
        n = max(1, len(self.chunks))
        counts: dict[str, int] = {}
        for keys in self.keys:
            for k in keys:
                counts[k] = counts.get(k, 0) + 1
        self.idf = {k: math.log(n / c) for k, c in counts.items()}
        # The names of the text and of its metadata lines: a question naming the speaker
        # ("по словам Эбботта") names nothing the document lacks.
        header = [f.value for source in stored.manifest.sources for f in stored.manifest.header(source)]
        words = {w for text in (*(c.text for c in self.chunks), *header) for w in _CAPITALISED.findall(text)}
        self.names = sorted(words | {r for c in self.chunks for r in _NAME_RUN.findall(c.text)})
        self.name_keys = frozenset(name_key(w) for w in words) | frozenset(counts)
        self._name_vectors = None

    def unknown_names(self, question: str) -> tuple[str, ...]:
        """Names in a Cyrillic question that match no corpus name, by stem key or by meaning
        (a cosine of at least ``alias_min_cosine`` with one)."""
        asked = [w for w in names(question) if name_key(w) not in self.name_keys]
        if not asked or not self.names:
            return tuple(asked)
        if self._name_vectors is None:
            self._name_vectors = self.encoder.encode(self.names)
        # A translated title is capitalised on its first word only ("Шёлковом пути" ~ "Silk
        # Road"), so each name is also compared together with the word after it.
        phrases = [m.group() if (m := re.search(rf"{re.escape(w)}\s+[^\W\d_]+", question)) else w for w in asked]
        cosines = self.encoder.encode([*asked, *phrases]) @ self._name_vectors.T
        best = np.maximum(cosines[:len(asked)].max(axis=1), cosines[len(asked):].max(axis=1))
        return tuple(w for w, c in zip(asked, best) if float(c) < self.limits.alias_min_cosine)

    def own_names(self, question: str, sentence: str) -> frozenset[str]:
        """Lower-cased words of the sentence's names that the question itself uses, in its
        own spelling ("Казахстана" ~ Kazakhstan) or translated ("«Пояс и путь»" ~ Belt and
        Road Initiative): for a who-question these are what it asks about, not the answer."""
        runs = sorted(set(_NAME_RUN.findall(sentence)) | set(_CAPITALISED.findall(sentence)))
        keys = stem_keys(question) | frozenset(name_key(w) for w in names(question))
        own = {r for r in runs if any(name_key(w) in keys for w in _CAPITALISED.findall(r))}
        asked = [*names(question), *quoted(question)]
        if asked and runs:
            cosines = self.encoder.encode(asked) @ self.encoder.encode(runs).T
            own |= {r for r, c in zip(runs, cosines.max(axis=0)) if float(c) >= self.limits.alias_min_cosine}
        return frozenset(w.lower() for r in own for w in re.findall(r"[\w’'-]+", r))

    def _cognates(self, wanted: frozenset[str], keys: list[frozenset[str]]) -> np.ndarray:
        return np.array([sum(self.idf.get(k, 0.0) for k in wanted & have) for have in keys], dtype=np.float32)

    def match(self, query: str) -> Match:
        vector = self.encoder.encode([query])[0]
        sentence_cos = self.sentence_vectors @ vector
        best_sentence = np.full(len(self.chunks), -1.0, dtype=np.float32)
        np.maximum.at(best_sentence, self.owner, sentence_cos)
        share, bonus = self.limits.sentence_weight, self.limits.cognate_weight
        semantic = (1 - share) * (self.passage_vectors @ vector) + share * best_sentence
        wanted = stem_keys(query)
        fused = semantic + bonus * self._cognates(wanted, self.keys)
        sentences = sentence_cos + bonus * self._cognates(wanted, self.sentence_keys)
        return Match(semantic=semantic, fused=fused, sentence_scores=sentences)

    def rank(self, m: Match, *, k: int) -> list[Passage]:
        order = np.argsort(-m.fused, kind="stable")[: max(0, k)]
        return [Passage(**self.chunks[i].__dict__, score=round(float(m.fused[i]), 6)) for i in order]

    def sentence_picks(self, m: Match, passage: Passage) -> tuple[tuple[int, int], ...]:
        """The spans of the passage's sentences that answer best."""
        first = self.first_sentence[(passage.source, passage.start)]
        scores = m.sentence_scores[first:first + len(passage.sentences)]
        top = float(scores.max()) if len(scores) else 0.0
        margin = self.limits.sentence_margin
        return tuple(span for span, s in zip(passage.sentences, scores) if s >= top - margin) or passage.sentences[:1]


_views: dict[tuple, CrossLingualIndex] = {}
_views_lock = threading.Lock()


def view(stored: StoredIndex, encoder: UseEncoder, *, tuning: Tuning = Tuning()) -> CrossLingualIndex:
    """The cross-lingual view of ``stored`` with ``tuning``, made once per index generation."""
    manifest = stored.manifest
    key = (manifest.generation, manifest.built_at, encoder.name, tuple(sorted(manifest.sources)), tuning)
    with _views_lock:
        if key not in _views:
            if len(_views) >= 32:
                _views.pop(next(iter(_views)))
            _views[key] = CrossLingualIndex(stored, encoder, tuning=tuning)
        return _views[key]


def query_text(question: str, history: Sequence[str], language: str = "") -> str:
    """A follow-up ("а где он пройдёт?") is read together with the previous question; a
    question about "this speech" is not (``qa.questions.query.is_follow_up``, by the table of
    the question's language)."""
    if history and is_follow_up(question, language or detect(question)):
        return f"{history[-1]} {question}"
    return question


def evidence(index: CrossLingualIndex, question: str, *, language: str, m: Match, sentence: str) -> Evidence:
    """What the cross-lingual match says about whether the speech answers (``sentence``: the
    best passage's best sentences), as the record the decision reads: a name the corpus never
    uses (Russian only: ``unknown_names``), the best match (``similarity``), and whether the
    best sentence lacks a thing of the kind asked for (``kind_missing``)."""
    unknown = index.unknown_names(question) if language in NAME_CHECK_LANGUAGES else ()
    kind = asks_for(question)
    missing = False
    if kind and not unknown:
        # Checked on the best sentence: the match is looser than in English, so a date or a
        # figure elsewhere in the passage is too often about something else.
        exclude = index.own_names(question, sentence) if kind in (AGENT, PERSON) else frozenset()
        missing = not contains(kind, sentence, exclude=exclude)
    values = {"unknown_names": float(len(unknown)), "similarity": float(m.semantic.max(initial=-1.0)),
              "kind_missing": float(missing)}
    return Evidence(values=values, asks_for=kind, unknown_names=tuple(unknown))


def search(index: CrossLingualIndex, question: str, *, k: int, history: Sequence[str] = ()) -> list[Passage]:
    return index.rank(index.match(query_text(question, history)), k=k)


def best_source(index: CrossLingualIndex, question: str, history: Sequence[str] = ()) -> str:
    """The document whose passages, together, match the question best."""
    sources = sorted({c.source for c in index.chunks})
    position = {source: i for i, source in enumerate(sources)}
    document_of = np.array([position[c.source] for c in index.chunks])
    fused = index.match(query_text(question, history)).fused.astype(np.float64)
    return sources[best_document(fused, document_of, len(sources), choice=index.tuning.documents)]
