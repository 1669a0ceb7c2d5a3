"""``python -m qa``: build, ask, eval, status, train-judge. Thin: parse, call the library, print.

Exit codes: 0 success (status: the index is fresh); 1 an error, explained in one line on
stderr; 2 a usage error; 3 status: the index is stale; 4 status: there is no index;
5 status: a file in the index is damaged or missing.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
from pathlib import Path
from typing import Sequence

from . import api
from .errors import QAError

EXIT_ERROR, EXIT_STALE, EXIT_MISSING, EXIT_CORRUPT = 1, 3, 4, 5


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds-dir", type=Path, help="folder of .txt/.md documents (default: seeds/ or $QA_SEEDS_DIR)")
    parser.add_argument("--index-dir", type=Path, help="index folder (default: index/ or $QA_INDEX_DIR)")
    parser.add_argument("--model", help="local sentence-transformers folder (default: all-MiniLM-L6-v2 or $QA_MODEL)")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m qa",
        description="Ask questions about the speech and get the passages that answer them.",
        epilog="Exit codes: 0 ok; 1 error; 2 usage; 3 (status) stale index; 4 (status) no index; "
               "5 (status) damaged index.",
    )
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build", help="build or update index/ from seeds/",
                       description="Build index/ from seeds/. Only new or edited passages are embedded; an "
                                   "index that already matches seeds/ is left as it is, without loading the model. "
                                   "The model is also exported to ONNX into index/, so that answering needs no "
                                   "torch (docs/speed.md).")
    p.add_argument("--full", action="store_true", help="embed every passage again")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--wait", type=float, default=60.0, metavar="SECONDS",
                   help="how long to wait for another build of the same index (default: 60; 0 refuses at once)")
    _common(p)

    p = sub.add_parser("ask", help="answer a question with cited passages",
                       description="Answer a question from the speech, citing the passages. A question "
                                   "about the wording (did he say \"...\", is the phrase ... used, does it "
                                   "mention ..., how many times ...) is answered exactly: see docs/wording.md.")
    p.add_argument("question", help="in quotes; put -- before a question that starts with \"-\"")
    p.add_argument("--k", type=int, default=5, help="passages to consider (default: 5)")
    p.add_argument("--history", action="append", default=[], metavar="Q",
                   help="an earlier question, for a follow-up (repeat for more, oldest first)")
    p.add_argument("--doc", action="append", default=[], metavar="NAME",
                   help="answer from this document only (file name under seeds/); repeat for several")
    p.add_argument("--json", action="store_true",
                   help="print the answer and passages as JSON (a wording question's result under \"wording\")")
    _common(p)

    p = sub.add_parser("eval", help="measure retrieval and abstention on a question file",
                       description="Measure hit@1, hit@3, MRR@10, all-evidence@5 and abstention "
                                   "on a JSON Lines file of questions with evidence.")
    p.add_argument("file", type=Path, nargs="+", help="question files (JSON Lines), e.g. tests/data/questions/*.jsonl")
    p.add_argument("--scoped", action="store_true",
                   help="pass each question's own documents (its \"doc\" field) as the scope")
    p.add_argument("--doc", metavar="NAME", help="the document of questions that have no \"doc\" field")
    p.add_argument("--split", choices=["dev", "heldout", "all"], default="all",
                   help="only the questions of this split (their \"split\" field; none means dev)")
    p.add_argument("--json", action="store_true", help="print per-question ranks as JSON")
    p.add_argument("--ablate", action="store_true",
                   help="run again with each stage switched off and print one table (English questions)")
    _common(p)

    p = sub.add_parser("train-judge", help="fine-tune the answerability judge (once per machine, about 10 min)",
                       description="Fine-tune the cross-encoder that helps decide when the speech does not answer "
                                   "(qa/answer/judge_train.py) from the pairs shipped in qa/answer/, export it to "
                                   "ONNX into models/judge/ (or $QA_JUDGE_DIR) and check it against torch. Returns at "
                                   "once when it is there. Until it is trained, refusals are decided without it.")
    p.add_argument("--force", action="store_true", help="train again even if a judge is there")

    p = sub.add_parser("status", help="say whether index/ matches seeds/ and the model",
                       description="Exit 0 when the index is fresh, 3 when stale (it lists what changed), "
                                   "4 when missing, 5 when a file in it is damaged.")
    p.add_argument("--json", action="store_true", help="print the status as JSON")
    _common(p)
    return top


def _settings(args):
    return api.make_settings(seeds_dir=args.seeds_dir, index_dir=args.index_dir, model=args.model)


def cmd_build(args) -> int:
    # The steps made once per model (ONNX export, word table: about 10 s) say so as they start.
    logging.getLogger("qa.index.onnx_export").setLevel(logging.INFO)
    report = api.build_index(_settings(args), full=args.full, wait=args.wait)
    if args.json:
        print(json.dumps(dataclasses.asdict(report), indent=2, ensure_ascii=False))
        return 0
    for f in report.files:
        print(f"{f.source}: {f.passages} passages ({f.embedded} embedded, {f.reused} reused, {f.removed} removed)")
    # Skipped files were already named on stderr by the corpus reader's warnings.
    documents = f"{report.documents} document{'s' if report.documents != 1 else ''}"
    print(f"{report.passages} passages from {documents} in {report.index_dir}: "
          f"{report.embedded} embedded, {report.reused} reused, {report.removed} removed, {report.seconds:.2f} s")
    return 0


def cmd_ask(args) -> int:
    answer = api.ask(args.question, k=args.k, history=args.history, documents=args.doc, seeds_dir=args.seeds_dir,
                     index_dir=args.index_dir, model=args.model)
    if args.json:
        print(json.dumps(answer_json(answer, _settings(args).seeds_dir), indent=2, ensure_ascii=False))
    else:
        print(answer.text)
    return 0


def answer_json(answer, seeds_dir: Path) -> dict:
    """The answer as a dict; each cited passage carries ``cite``, the citation the page's
    "Copy citation" gives (None for the closest passages of an answer that abstained)."""
    from .answer.citation import citation_text, doc_info
    from .index.corpus import read_corpus

    data = dataclasses.asdict(answer)
    infos = {d.source: doc_info(d.source, d.text) for d in read_corpus(seeds_dir).documents}
    for i, (passage, row) in enumerate(zip(answer.passages, data["passages"])):
        spans = tuple((h.start, h.end) for h in answer.highlights[i]) if i < len(answer.highlights) else ()
        row["cite"] = None if answer.abstained else citation_text(passage, infos.get(passage.source), spans)
    return data


def cmd_status(args) -> int:
    s = api.status(seeds_dir=args.seeds_dir, index_dir=args.index_dir, model=args.model)
    if args.json:
        print(json.dumps(dataclasses.asdict(s), indent=2, ensure_ascii=False))
    else:
        print(s.message)
        for why in s.skipped:
            print(f"not indexed: {why}")
    if s.fresh:
        return 0
    return EXIT_CORRUPT if s.corrupt else EXIT_STALE if s.exists else EXIT_MISSING


def cmd_train_judge(args) -> int:
    print(api.train_judge(force=args.force, progress=lambda line: print(line, file=sys.stderr, flush=True)))
    return 0


def cmd_eval(args) -> int:
    from .eval.evaluation import read_items
    from .eval.report import run_ablation, run_eval

    for path in args.file:
        if not path.is_file():
            raise QAError(f"No question file at {path} - give the path of a .jsonl file")
    items = [item if item.doc or not args.doc else dataclasses.replace(item, doc=(args.doc,))
             for path in args.file for item in read_items(path) if args.split in ("all", item.split)]
    if not items:
        raise QAError(f"No {args.split} questions in {', '.join(map(str, args.file))}")
    if args.ablate:
        result = run_ablation(items, _settings(args))
        print(json.dumps(result.summary, indent=2, ensure_ascii=False) if args.json else result.table)
        return 0
    result = run_eval(items, _settings(args), scoped=args.scoped)
    print(json.dumps(result.per_question, indent=2, ensure_ascii=False) if args.json else result.table)
    return 0


def missing_dependency(module: str, then: str = ".venv/bin/python -m qa ...") -> str:
    """The one line for a Python that lacks the project's packages (e.g. not the venv's).

    >>> missing_dependency("filelock").split(" - ")[1]
    'run the set-up (make setup) and use .venv/bin/python -m qa ...'
    """
    return f"error: the package {module!r} is missing from {sys.executable} - run the set-up (make setup) and use {then}"


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    args = parser().parse_args(argv)
    command = {"build": cmd_build, "ask": cmd_ask, "eval": cmd_eval, "status": cmd_status,
               "train-judge": cmd_train_judge}[args.command]
    try:
        return command(args)
    except QAError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except ModuleNotFoundError as err:
        if (err.name or "qa").split(".")[0] == "qa":
            raise  # our own module missing is a bug, not a set-up problem
        print(missing_dependency(err.name), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) stopped reading. Point stdout at devnull so the
        # interpreter's final flush does not raise again (as the Python docs advise).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
