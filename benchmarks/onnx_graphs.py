"""Compare the two ONNX graphs of the query encoder: SDPA attention as torch exports it
(``onnx_export.GRAPH`` 1) and eager attention fused by ONNX Runtime's BERT optimiser (2).

    python benchmarks/onnx_graphs.py [--repeats 6]

Exports both into a temporary folder (torch is needed, as for a build), then prints the fused
nodes, the lowest cosine of each graph to ``SentenceTransformer.encode`` over the dev questions
and the speech's paragraphs, and the p50 time of one dev question on 1 and 2 intra-op
threads, interleaved so both graphs share the machine's noise. Writes nothing else.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
SPEECH = ROOT / "seeds" / "central-asia-modernization-speech.txt"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=6, help="passes over the dev questions (default 6)")
    args = ap.parse_args()

    import onnxruntime
    from tokenizers import Tokenizer

    from qa.index import onnx_export
    from qa.index.embedding import get_encoder

    torch_encoder = get_encoder("all-MiniLM-L6-v2")
    model = torch_encoder.model()
    questions = [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    paragraphs = [p for p in SPEECH.read_text(encoding="utf-8").splitlines() if len(p) > 40]
    texts = questions + paragraphs
    expected = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    tokenizer = Tokenizer.from_file(str(torch_encoder.folder / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=int(model.max_seq_length))

    def session(path: Path, threads: int):
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def encode(s, text: str) -> np.ndarray:
        ids = np.array([tokenizer.encode(text).ids], dtype=np.int64)
        return s.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0]

    with tempfile.TemporaryDirectory(prefix="onnx-graphs-") as scratch:
        plain, fused = Path(scratch) / "sdpa.onnx", Path(scratch) / "fused.onnx"
        onnx_export.export(model, plain, fused=False)
        print("fused nodes:", onnx_export.export(model, fused))
        graphs = {"sdpa (GRAPH 1)": plain, "eager, fused (GRAPH 2)": fused}
        sessions = {(name, t): session(path, t) for name, path in graphs.items() for t in (1, 2)}
        for name in graphs:
            got = np.stack([encode(sessions[(name, 1)], t) for t in texts])
            print(f"{name}: lowest cosine to torch over {len(texts)} texts {np.min(np.sum(got * expected, 1)):.7f}")
        times: dict[tuple[str, int], list[float]] = {key: [] for key in sessions}
        for _ in range(args.repeats):
            for question in questions:
                for key, s in sessions.items():
                    start = time.perf_counter()
                    encode(s, question)
                    times[key].append(time.perf_counter() - start)
        for (name, threads), values in times.items():
            print(f"{name}, {threads} thread(s): p50 {1000 * statistics.median(values):.2f} ms")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
