"""Experiment: does token alignment (MiniLM's contextual token vectors of the question against
those of its evidence) add to the abstention inputs?

    python scripts/probe_alignment.py --cache features.json [--features SET]

Reads the rows ``scripts/fit_abstention.py --retired --cache features.json`` collected (each keeps
its question, best passage and best sentences), adds three candidate inputs to each row and runs
``fit_abstention.cross_validate`` (grouped by document, threshold on the formerly blind rows, main
speech and others each at most ``MAX_WRONG`` wrongly refused) for SET with and without them:

- ``align_min``, ``align_mean``: per content word piece of the question, its best cosine with
  any word piece of the best passage; the lowest and the mean over the question's pieces;
- ``align_sentence``: the same lowest, per best sentence; the highest over the sentences.

Content pieces are those of words outside ``qa.index.lexical.STOPWORDS`` with a letter or digit,
not ``[CLS]``/``[SEP]``. It prints both sets of figures and writes nothing. Written down before
its run in docs/experiments.md (eighteenth session), with the rule that decides.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_abstention as fa  # noqa: E402
from qa.config import DEFAULT_MODEL  # noqa: E402
from qa.index.embedding import model_path  # noqa: E402
from qa.index.lexical import STOPWORDS  # noqa: E402

ALIGN = ("align_min", "align_mean", "align_sentence")


class Tokens:
    """Unit-length contextual token vectors of texts, with which of them are content pieces."""

    def __init__(self) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(model_path(DEFAULT_MODEL)), device="cpu")
        self.cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def read(self, texts: list[str]) -> None:
        todo = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if not todo:
            return
        vectors = self.model.encode(todo, output_value="token_embeddings", batch_size=32, convert_to_numpy=False)
        tok = self.model.tokenizer
        for text, v in zip(todo, vectors):
            v = v.float().numpy()
            v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
            enc = tok(text, return_offsets_mapping=True, truncation=True, max_length=self.model.max_seq_length)
            content = np.zeros(len(v), bool)
            for i, (start, end) in enumerate(enc["offset_mapping"][:len(v)]):
                if end <= start:
                    continue  # [CLS], [SEP]
                word = self.word_at(text, start, end)
                content[i] = any(c.isalnum() for c in word) and word.lower() not in STOPWORDS
            self.cache[text] = (v, content)

    @staticmethod
    def word_at(text: str, start: int, end: int) -> str:
        """The whole word a piece at ``text[start:end]`` belongs to."""
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "'’-"):
            start -= 1
        while end < len(text) and (text[end].isalnum() or text[end] in "'’-"):
            end += 1
        return text[start:end]

    def best_cosines(self, question: str, text: str) -> np.ndarray:
        """Per content piece of ``question``, its best cosine with any piece of ``text``."""
        q, keep = self.cache[question]
        t, _ = self.cache[text]
        special = np.array([True] + [False] * (len(t) - 2) + [True]) if len(t) > 1 else np.ones(len(t), bool)
        q = q[keep]
        body = t[~special]
        if not len(q) or not len(body):
            return np.ones(1)
        return (q @ body.T).max(axis=1)


def add_alignment(rows: list[dict], tokens: Tokens) -> None:
    for start in range(0, len(rows), 256):
        part = rows[start:start + 256]
        tokens.read([t for r in part for t in (r["question"], r["passage"], *r["sentences"]) if t])
        for r in part:
            if not r["passage"]:
                r["features"].update(dict.fromkeys(ALIGN, 0.0))
                continue
            best = tokens.best_cosines(r["question"], r["passage"])
            per_sentence = [tokens.best_cosines(r["question"], s).min() for s in r["sentences"]] or [0.0]
            r["features"].update({"align_min": float(best.min()), "align_mean": float(best.mean()),
                                  "align_sentence": float(max(per_sentence))})
        print(f"  {start + len(part)} rows", file=sys.stderr)


def main() -> None:
    args = fa.probe_arguments(__doc__).parse_args()
    rows = fa.cached_rows(args.cache, texts=True)
    add_alignment(rows, Tokens())
    base = fa.SETS[args.features]
    fa.compare_sets(rows, {args.features: base, f"{args.features}+align": (*base, *ALIGN)})
    y = np.array([r["silent"] for r in rows])
    for f in ALIGN:
        x = np.array([r["features"][f] for r in rows])
        print(f"  {f}: mean answerable {x[~y].mean():.3f}, unanswerable {x[y].mean():.3f}")


if __name__ == "__main__":
    main()
