"""No test and no doctest quotes an evaluation question.

The evaluation questions are the ``question`` fields of every JSON Lines file under
``tests/data/`` and of ``../shared/eval/dev.jsonl`` (when that file exists). A test or a
worked example that asks one of them word for word would tune the code to the exam; each
string literal of ``tests/*.py``, ``qa/**/*.py`` and ``qa_app/**/*.py`` (docstrings too, so
doctests are covered) must therefore be neither equal nor nearly equal to any of them.
"""
from __future__ import annotations

import ast
import bisect
import doctest
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
DEV = Path(__file__).resolve().parents[2] / "shared/eval/dev.jsonl"

MIN_WORDS = 4  # containment and near-equality need a question of at least this many words
MIN_RATIO = 0.9  # SequenceMatcher ratio from which a literal is "nearly" the question
MAX_LENGTH_GAP = 0.25  # ... when their lengths differ by less than this share of the longer

_QUOTES = dict.fromkeys(map(ord, "'\"`’‘‚‛“”„‟«»‹›"), None)
_NOT_WORD = re.compile(r"[^\w\s]|_")
# A quoted stretch of a docstring's prose: "...", '...', “...”, «...».
_QUOTED = re.compile(r"\"([^\"\n]{8,}?)\"|'([^'\n]{8,}?)'|“([^”\n]{8,}?)”|«([^»\n]{8,}?)»")


def normalise(text: str) -> str:
    """Lower-case, quote marks dropped, other punctuation and dashes a space, spaces collapsed.

    >>> normalise("Where's the  China–Central Asia summit?"), normalise("«Где» саммит -  «Китай-ЦА»?")
    ('wheres the china central asia summit', 'где саммит китай ца')
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)
    return " ".join(_NOT_WORD.sub(" ", text).split())


@dataclass(frozen=True)
class Question:
    id: str
    source: str  # the file it comes from, relative to the repository's parent
    text: str
    norm: str


@dataclass(frozen=True)
class Hit:
    where: str  # file:line of the literal
    literal: str
    question: Question
    rule: str  # "equal", "contains" or "ratio 0.93"

    def __str__(self) -> str:
        literal = self.literal if len(self.literal) <= 120 else self.literal[:117] + "..."
        return (f"{self.where}: {literal!r} quotes {self.question.id} ({self.question.source}: "
                f"{self.question.text!r}) [{self.rule}]")


def evaluation_questions() -> list[Question]:
    files = sorted(DATA.rglob("*.jsonl"))
    if DEV.is_file():
        files.append(DEV)
    questions = []
    for path in files:
        source = (path.relative_to(REPO.parent) if path.is_relative_to(REPO.parent) else path).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            item = json.loads(line)
            text = item.get("question")
            if isinstance(text, str) and normalise(text):
                questions.append(Question(str(item.get("id", f"line {number}")), str(source), text,
                                          normalise(text)))
    return questions


class Matcher:
    """Finds the evaluation questions a string quotes: (a) equal once normalised; (b) a
    question of ``MIN_WORDS`` words or more contained, on word boundaries, in the string;
    (c) a ``SequenceMatcher`` ratio of ``MIN_RATIO`` or more, when both have ``MIN_WORDS``
    words or more and lengths within ``MAX_LENGTH_GAP`` of each other."""

    def __init__(self, questions: list[Question]) -> None:
        self.equal: dict[str, list[Question]] = defaultdict(list)
        self.by_start: dict[tuple[str, str], list[tuple[tuple[str, ...], Question]]] = defaultdict(list)
        long = []
        for q in questions:
            self.equal[q.norm].append(q)
            words = tuple(q.norm.split())
            if len(words) >= MIN_WORDS:
                self.by_start[words[:2]].append((words, q))
                long.append(q)
        long.sort(key=lambda q: len(q.norm))
        self.long = long
        self.lengths = [len(q.norm) for q in long]
        # Character counts of the long questions, one row each: ``SequenceMatcher.quick_ratio``
        # (an upper bound of ``ratio``) for all of them at once.
        self.alphabet = {c: i for i, c in enumerate(sorted({c for q in long for c in q.norm}))}
        self.counts = np.zeros((len(long), len(self.alphabet)), dtype=np.int32)
        for row, q in enumerate(long):
            for c, k in Counter(q.norm).items():
                self.counts[row, self.alphabet[c]] = k
        self.cache: dict[str, list[tuple[Question, str]]] = {}

    def find(self, literal: str) -> list[tuple[Question, str]]:
        norm = normalise(literal)
        if norm not in self.cache:
            self.cache[norm] = self._find(norm) if norm else []
        return self.cache[norm]

    def _find(self, norm: str) -> list[tuple[Question, str]]:
        found: dict[str, tuple[Question, str]] = {}
        for q in self.equal.get(norm, ()):
            found[q.id + q.source] = (q, "equal")
        words = norm.split()
        for i in range(len(words) - 1):
            for q_words, q in self.by_start.get((words[i], words[i + 1]), ()):
                if tuple(words[i:i + len(q_words)]) == q_words:
                    found.setdefault(q.id + q.source, (q, "contains"))
        if len(words) >= MIN_WORDS:
            n = len(norm)
            # |n - m| < gap * max(n, m)  <=>  n * (1 - gap) < m < n / (1 - gap)
            lo = bisect.bisect_right(self.lengths, n * (1 - MAX_LENGTH_GAP))
            hi = bisect.bisect_left(self.lengths, n / (1 - MAX_LENGTH_GAP))
            if lo >= hi:
                return list(found.values())
            mine = np.zeros(len(self.alphabet), dtype=np.int32)
            for c, k in Counter(norm).items():
                if c in self.alphabet:
                    mine[self.alphabet[c]] = k
            lengths = np.array(self.lengths[lo:hi])
            real_quick = 2 * np.minimum(lengths, n) / (lengths + n)
            quick = 2 * np.minimum(self.counts[lo:hi], mine).sum(axis=1) / (lengths + n)
            sm = SequenceMatcher(None, "", norm, autojunk=False)  # the literal's side indexed once
            for row in np.flatnonzero((real_quick >= MIN_RATIO) & (quick >= MIN_RATIO)):
                q = self.long[lo + row]
                key = q.id + q.source
                if key in found:
                    continue
                sm.set_seq1(q.norm)
                ratio = sm.ratio()
                if ratio >= MIN_RATIO:
                    found[key] = (q, f"ratio {ratio:.2f}")
        return list(found.values())


def _pieces(text: str, is_doc: bool) -> list[str]:
    """``text`` and, for a docstring, its doctests' string literals and its quoted stretches,
    so a near quote inside a long docstring is compared on its own."""
    pieces = [text]
    if not is_doc:
        return pieces
    if ">>>" in text:
        try:
            examples = doctest.DocTestParser().get_examples(text)
        except ValueError:
            examples = []
        for example in examples:
            try:
                tree = ast.parse(example.source)
            except SyntaxError:
                continue
            pieces += [node.value for node in ast.walk(tree)
                       if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    pieces += [next(group for group in m.groups() if group) for m in _QUOTED.finditer(text)]
    return pieces


def literals(path: Path) -> list[tuple[int, str, bool]]:
    """Every string constant of the module at ``path``: (line, text, is_docstring)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docs.add(id(body[0].value))
    return [(node.lineno, node.value, id(node) in docs) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def scanned_files() -> list[Path]:
    return sorted((REPO / "tests").glob("*.py")) + [p for package in ("qa", "qa_app")
                                                      for p in sorted((REPO / package).rglob("*.py"))]


def quotes(paths: list[Path], matcher: Matcher) -> list[Hit]:
    hits = []
    for path in paths:
        name = path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else str(path)
        seen = set()
        for line, text, is_doc in literals(path):
            for piece in _pieces(text, is_doc):
                if (line, piece) in seen:
                    continue
                seen.add((line, piece))
                hits += [Hit(f"{name}:{line}", piece, q, rule) for q, rule in matcher.find(piece)]
    return hits


def test_no_literal_quotes_an_evaluation_question():
    questions = evaluation_questions()
    assert len(questions) > 100, "the evaluation questions were not found"
    hits = quotes(scanned_files(), Matcher(questions))
    assert not hits, (f"{len(hits)} literal(s) quote an evaluation question; reword them:\n"
                      + "\n".join(map(str, hits)))


def test_a_quoted_question_is_reported(tmp_path):
    """The check can fail: a question from ``tests/data/`` is found as a literal, in other case
    and punctuation, inside a longer string, and one word short in a doctest; an unrelated
    sentence is not. (The question is read from the data: no source quotes it.)"""
    questions = evaluation_questions()
    data = DATA.relative_to(REPO.parent).as_posix() + "/"
    question = next(q for q in questions if q.source.startswith(data) and len(q.norm.split()) >= 8)
    words = question.text.split()
    shortest = min(range(1, len(words) - 1), key=lambda i: len(words[i]))
    near = " ".join(words[:-1]).upper() + " " + words[-1].rstrip("?.!") + " ?!"
    longer = f"Asked first: {question.text} Then nothing else."
    reworded = " ".join(words[:shortest] + words[shortest + 1:])
    module = tmp_path / "quoting.py"
    module.write_text(f'"""Example.\n\n>>> ask({reworded!r})\n"""\n'  # lines 1-4
                      f"QUESTION = {question.text!r}\n"  # line 5
                      f"NEAR = {near!r}\n"  # line 6
                      f"LONGER = {longer!r}\n"  # line 7
                      "OTHER = 'The quick brown fox jumps over the lazy dog once again.'\n",  # line 8
                      encoding="utf-8")
    hits = quotes([module], Matcher(questions))
    rules = {}
    for hit in hits:
        if hit.question == question:
            rules.setdefault(int(hit.where.rsplit(":", 1)[1]), set()).add(hit.rule.split()[0])
    assert "equal" in rules.get(5, ()) and "equal" in rules.get(6, ()), hits
    assert "contains" in rules.get(7, ()), hits
    assert "ratio" in rules.get(1, ()), hits  # the doctest's literal, one word short
    assert 8 not in {int(hit.where.rsplit(":", 1)[1]) for hit in hits}
