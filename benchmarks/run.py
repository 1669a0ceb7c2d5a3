"""Speed benchmark: ``python benchmarks/run.py [--json]`` prints one table in about a minute.

Every figure is measured in this run, over the dev questions (``../shared/eval/dev.jsonl``),
with medians and p95. Indexes are built under a temporary folder, never the checkout's
``index/``. Per-query costs are compared with the encoder floor: the same question through a
plain ``SentenceTransformer.encode`` in the same process, interleaved so both share the noise.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "eval" / "dev.jsonl"
SEEDS = REPO / "seeds"
sys.path.insert(0, str(REPO))
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


@dataclass(frozen=True, kw_only=True)
class Row:
    """One line of the table: a figure, its value as text, the target and whether it is met."""

    figure: str
    value: str
    target: str = ""
    met: bool | None = None
    data: dict | None = None


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def stats(samples: list[float]) -> dict[str, float]:
    """Median and p95 of ``samples`` (seconds), e.g. ``{'p50': 0.01, 'p95': 0.02, 'n': 40}``."""
    a = np.asarray(samples, dtype=float)
    return {"p50": float(np.median(a)), "p95": float(np.percentile(a, 95)), "n": int(a.size)}


def questions() -> list[str]:
    if not DEV.is_file():
        sys.exit(f"No dev questions at {DEV}: the benchmark needs the shared folder beside the repository")
    return [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- fresh processes ---------------------------------------------------------------------

def import_time(runs: int) -> Row:
    code = "import time; t = time.perf_counter(); import qa; print(time.perf_counter() - t)"
    samples = [float(subprocess.run([sys.executable, "-c", code], env=ENV, cwd=REPO, check=True,
                                    capture_output=True, text=True).stdout) for _ in range(runs)]
    s = stats(samples)
    return Row(figure=f"`import qa` (fresh process, {runs} runs) p50 / max", value=f"{ms(s['p50'])} / {ms(max(samples))}",
               target="<= 200 ms", met=max(samples) <= 0.2, data=s)


def first_build(index_dir: Path) -> Row:
    import qa

    began = time.perf_counter()
    report = qa.build(seeds_dir=SEEDS, index_dir=index_dir)
    wall = time.perf_counter() - began
    return Row(figure="first build in a fresh process (`qa.build`, model load included)",
               value=f"{wall:.2f} s ({report.passages} passages, {report.embedded} embedded)", target="report",
               data={"seconds": wall, "passages": report.passages})


def cold_ask(index_dir: Path, question: str, runs: int) -> Row:
    code = ("import sys, time, qa; qa.ask(sys.argv[1], index_dir=sys.argv[2], seeds_dir=sys.argv[3]); "
            "print(time.time(), flush=True)")
    samples = []
    for _ in range(runs):
        began = time.time()
        out = subprocess.run([sys.executable, "-c", code, question, str(index_dir), str(SEEDS)], env=ENV, cwd=REPO,
                             check=True, capture_output=True, text=True).stdout
        samples.append(float(out.split()[-1]) - began)
    s = stats(samples)
    return Row(figure=f"cold start: fresh process to first `qa.ask` answer ({runs} run{'s' * (runs > 1)}) p50",
               value=f"{s['p50']:.2f} s", target="report", data=s)


# --- in-process latency against the encoder floor -------------------------------------------

def latency_vs_floor(index_dir: Path, qs: list[str], reps: int) -> list[Row]:
    import qa
    from qa.config import DEFAULT_MODEL
    from qa.index.embedding import model_path
    from sentence_transformers import SentenceTransformer

    # A plain instance, as any framework would hold, not qa's own: the floor owes nothing to qa.
    model = SentenceTransformer(str(model_path(DEFAULT_MODEL)), device="cpu")
    calls: dict[str, Callable[[str], object]] = {
        "floor": lambda q: model.encode([q], normalize_embeddings=True, show_progress_bar=False),
        "retrieve": lambda q: qa.retrieve(q, seeds_dir=SEEDS, index_dir=index_dir),
        "ask": lambda q: qa.ask(q, seeds_dir=SEEDS, index_dir=index_dir),
    }
    for call in calls.values():  # load the model, the index and BM25 before timing
        call(qs[0])
    times: dict[str, list[float]] = {name: [] for name in calls}
    names = list(calls)
    for rep in range(reps):
        for i, q in enumerate(qs):
            order = names[(rep + i) % 3:] + names[:(rep + i) % 3]  # rotate so no call always goes first
            for name in order:
                began = time.perf_counter()
                calls[name](q)
                times[name].append(time.perf_counter() - began)
    floor = stats(times["floor"])
    rows = [Row(figure="encoder floor: `SentenceTransformer.encode`, one question, p50 / p95",
                value=f"{ms(floor['p50'])} / {ms(floor['p95'])}", data=floor)]
    for name, target in (("retrieve", 1.15), ("ask", 1.3)):
        s = stats(times[name])
        ratio = s["p50"] / floor["p50"]
        rows.append(Row(figure=f"`qa.{name}` p50 / p95; p50 / floor p50", target=f"<= {target}",
                        value=f"{ms(s['p50'])} / {ms(s['p95'])}; **{ratio:.2f}x**", met=ratio <= target,
                        data={**s, "ratio": ratio}))
    return rows


def full_build_warm(index_dir: Path, runs: int) -> Row:
    import qa

    samples = [qa.build(seeds_dir=SEEDS, index_dir=index_dir, full=True).seconds for _ in range(runs)]
    s = stats(samples)
    return Row(figure=f"full build of the speech, model loaded (`qa.build(full=True)`, {runs} runs) p50",
               value=f"{s['p50']:.2f} s", target="report", data=s)


# --- the web app --------------------------------------------------------------------------

def client(url: str):
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, download_files=False)


def start_app(index_dir: Path, log_path: Path, question: str) -> tuple[subprocess.Popen, str, Row]:
    """Start ``app.py`` on a free port and poll until it answers ``question``."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = log_path.open("wb")
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(REPO / "app.py"), "--port", str(port), "--index-dir", str(index_dir)],
                            env=ENV, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    while True:
        if proc.poll() is not None or time.perf_counter() - began > 120:
            proc.kill()
            raise SystemExit(f"app.py did not answer (exit {proc.returncode}); see {log_path}:\n{log_path.read_text()[-2000:]}")
        try:
            client(url).predict(question, api_name="/ask")
            break
        except Exception:  # noqa: BLE001 - not up yet: connection refused, 404, model loading
            time.sleep(0.1)
    wall = time.perf_counter() - began
    return proc, url, Row(figure="cold start: `python app.py` to first answer via gradio_client",
                          value=f"{wall:.2f} s", target="<= 10 s", met=wall <= 10, data={"seconds": wall})


def round_trip(url: str, qs: list[str], reps: int) -> Row:
    c = client(url)
    samples = []
    for _ in range(reps):
        for q in qs:
            began = time.perf_counter()
            c.predict(q, api_name="/ask")
            samples.append(time.perf_counter() - began)
    s = stats(samples)
    return Row(figure="chat round trip, one gradio_client, `/ask` p50 / p95", value=f"{ms(s['p50'])} / {ms(s['p95'])}",
               target="p50 <= 100 ms", met=s["p50"] <= 0.1, data=s)


def http_round_trip(url: str, qs: list[str]) -> Row:
    """The same ``/ask`` through Gradio's HTTP API (POST, then read the event stream), as curl
    or the page's own JavaScript client does, without gradio_client's polling threads."""
    import httpx

    samples = []
    with httpx.Client(base_url=url, timeout=60) as http:
        for q in qs:
            began = time.perf_counter()
            event_id = http.post("gradio_api/call/ask", json={"data": [q]}).json()["event_id"]
            with http.stream("GET", f"gradio_api/call/ask/{event_id}") as response:
                lines = list(response.iter_lines())
            samples.append(time.perf_counter() - began)
            if "event: complete" not in lines:
                raise SystemExit(f"/ask over HTTP did not complete: {lines[:4]}")
    s = stats(samples)
    return Row(figure="chat round trip over plain HTTP (`/gradio_api/call/ask`) p50 / p95",
               value=f"{ms(s['p50'])} / {ms(s['p95'])}", target="report", data=s)


def gradio_client_floor(qs: list[str]) -> Row:
    """gradio_client against a ChatInterface that only echoes: what the client itself costs."""
    import gradio as gr

    port = free_port()
    app = gr.ChatInterface(lambda message, history: message, api_name="ask")
    with contextlib.redirect_stdout(sys.stderr):  # Gradio prints; stdout is for the table or JSON
        app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
        try:
            c = client(f"http://127.0.0.1:{port}/")
            samples = []
            for q in qs:
                began = time.perf_counter()
                c.predict(q, api_name="/ask")
                samples.append(time.perf_counter() - began)
        finally:
            app.close()
    s = stats(samples)
    return Row(figure="gradio_client floor: same client against an echo ChatInterface, p50 / p95",
               value=f"{ms(s['p50'])} / {ms(s['p95'])}", target="report", data=s)


def concurrent(url: str, qs: list[str], clients: int, each: int) -> Row:
    """``clients`` threads, each with its own gradio_client, asking ``each`` questions at once."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    ready = threading.Barrier(clients)

    def worker(n: int) -> None:
        try:
            c = client(url)
        except Exception as err:  # noqa: BLE001 - counted, not raised
            with lock:
                errors.append(f"connect: {err!r}")
            ready.abort()
            return
        try:
            ready.wait(timeout=60)
        except threading.BrokenBarrierError:
            pass
        for i in range(each):
            q = qs[(n * each + i) % len(qs)]
            began = time.perf_counter()
            try:
                reply = c.predict(q, api_name="/ask")
                bad = not isinstance(reply, str) or not reply.strip() or reply.startswith("⚠")
            except Exception as err:  # noqa: BLE001
                reply, bad = repr(err), True
            with lock:
                latencies.append(time.perf_counter() - began)
                if bad:
                    errors.append(str(reply)[:200])

    began = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    wall = time.perf_counter() - began
    s = stats(latencies or [float("nan")])
    return Row(figure=f"{clients} concurrent gradio_clients x {each} questions: errors; p50 / p95",
               value=f"{len(errors)} errors of {clients * each}; {ms(s['p50'])} / {ms(s['p95'])} ({wall:.1f} s in all)",
               target="0 errors", met=not errors and len(latencies) == clients * each,
               data={**s, "errors": errors[:5], "error_count": len(errors), "wall": wall})


def peak_rss(proc: subprocess.Popen) -> Row:
    status = Path(f"/proc/{proc.pid}/status").read_text()
    kib = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
    gb = kib * 1024 / 1e9
    return Row(figure="peak RSS of the app process (after all the above)", value=f"{gb:.2f} GB",
               target="<= 1.0 GB", met=gb <= 1.0, data={"bytes": kib * 1024})


# --- FAISS search as the corpus grows -------------------------------------------------------

def unit_vectors(rows: int, rng: np.random.Generator, dimension: int = 384) -> np.ndarray:
    x = rng.standard_normal((rows, dimension), dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def search_scaling(sizes: list[int], queries: int) -> list[Row]:
    import faiss

    from qa.index.store import make_faiss_index

    rng = np.random.default_rng(0)
    rows = []
    for n in sizes:
        vectors, qv = unit_vectors(n, rng), unit_vectors(queries, rng)
        began = time.perf_counter()
        index = make_faiss_index(vectors)
        build = time.perf_counter() - began
        index.search(qv[:1], 10)
        samples = []
        for q in qv:
            began = time.perf_counter()
            index.search(q[None, :], 10)
            samples.append(time.perf_counter() - began)
        exact = faiss.IndexFlatIP(vectors.shape[1])
        exact.add(vectors)
        _, truth = exact.search(qv, 10)
        _, got = index.search(qv, 10)
        recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, truth)]))
        s = stats(samples)
        target = "<= 5 ms" if n >= 100_000 else ""
        rows.append(Row(figure=f"search, {n:,} synthetic passages (384-d), `{type(index).__name__}`, p50 / p95",
                        value=f"{ms(s['p50'])} / {ms(s['p95'])}; build {build:.2f} s; recall@10 vs exact {recall:.3f}",
                        target=target, met=(s["p50"] <= 0.005) if target else None,
                        data={**s, "index": type(index).__name__, "build": build, "recall": recall}))
    return rows


def alternatives(n: int, queries: int) -> list[Row]:
    """HNSW and IVF at ``n`` passages, for the README's comparison (slow: ~30 s)."""
    import faiss

    faiss.omp_set_num_threads(2)
    rng = np.random.default_rng(0)
    vectors, qv = unit_vectors(n, rng), unit_vectors(queries, rng)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    _, truth = exact.search(qv, 10)
    hnsw = faiss.IndexHNSWFlat(vectors.shape[1], 16, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efSearch = 128
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(vectors.shape[1]), vectors.shape[1], 1024, faiss.METRIC_INNER_PRODUCT)
    ivf.nprobe = 64
    rows = []
    for name, index in (("IndexHNSWFlat M=16 efSearch=128", hnsw), ("IndexIVFFlat nlist=1024 nprobe=64", ivf)):
        began = time.perf_counter()
        if not index.is_trained:
            index.train(vectors[: 40 * 1024])
        index.add(vectors)
        build = time.perf_counter() - began
        faiss.omp_set_num_threads(1)
        samples = []
        for q in qv:
            t = time.perf_counter()
            index.search(q[None, :], 10)
            samples.append(time.perf_counter() - t)
        faiss.omp_set_num_threads(2)
        _, got = index.search(qv, 10)
        recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, truth)]))
        s = stats(samples)
        rows.append(Row(figure=f"(alternative) search, {n:,} synthetic passages, `{name}`, p50",
                        value=f"{ms(s['p50'])}; build {build:.1f} s (2 threads); recall@10 vs exact {recall:.3f}",
                        data={**s, "build": build, "recall": recall}))
    faiss.omp_set_num_threads(1)
    return rows


# --- the run ------------------------------------------------------------------------------

def table(rows: list[Row]) -> str:
    lines = ["| figure | measured | target | met |", "| --- | --- | --- | --- |"]
    for r in rows:
        met = "" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(f"| {r.figure} | {r.value} | {r.target} | {met} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    p.add_argument("--reps", type=int, default=3, help="passes over the dev questions for per-query figures")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--each", type=int, default=10, help="questions per concurrent client")
    p.add_argument("--alternatives", action="store_true", help="also time HNSW and IVF at 100k (adds ~30 s)")
    args = p.parse_args(argv)
    qs = questions()
    say = (lambda *a: print(*a, file=sys.stderr, flush=True))
    rows: list[Row] = []
    started, load = time.perf_counter(), os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
        index_dir = Path(tmp) / "index"
        say("import qa ...")
        rows.append(import_time(runs=5))
        say("first build ...")
        rows.append(first_build(index_dir))
        say("cold qa.ask ...")
        rows.append(cold_ask(index_dir, qs[0], runs=1))
        say("latency against the encoder floor ...")
        rows += latency_vs_floor(index_dir, qs, reps=args.reps)
        rows.append(full_build_warm(Path(tmp) / "index-full", runs=2))
        say("app ...")
        proc, url, row = start_app(index_dir, Path(tmp) / "app.log", qs[0])
        try:
            rows.append(row)
            rows.append(round_trip(url, qs, reps=1))
            rows.append(http_round_trip(url, qs))
            say("concurrent clients ...")
            rows.append(concurrent(url, qs, args.clients, args.each))
            rows.append(peak_rss(proc))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        rows.append(gradio_client_floor(qs))
        say("FAISS scaling ...")
        rows += search_scaling([1_000, 10_000, 100_000], queries=100)
        if args.alternatives:
            rows += alternatives(100_000, queries=50)
    machine = (f"{os.cpu_count()} cores, CPU only, Python {sys.version.split()[0]}; "
               f"load average {load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    total = time.perf_counter() - started
    if args.json:
        print(json.dumps({"machine": machine, "seconds": total, "dev_questions": len(qs),
                          "rows": [r.__dict__ for r in rows]}, indent=2))
    else:
        print(f"speech-qa benchmark: {machine}; {len(qs)} dev questions; {total:.0f} s\n")
        print(table(rows))
    return 0 if all(r.met is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
