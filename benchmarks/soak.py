"""Does the chat server's memory level off under large requests? Loopback only.

    python benchmarks/soak.py [--rounds 4] [--requests 100] [--size 1000000] [--time-limit 900]

Starts ``app.py`` on a free 127.0.0.1 port with a copy of ``seeds/`` and an index in a
temporary folder, waits until it answers, then sends rounds of questions of ``--size``
characters: half to the scripts' endpoint ``/ask``, half the way the page sends a chat turn
(the chat handler, one page session). After each round it prints the server's resident
memory (RSS, from /proc) and how many questions were answered, answered with an error (too
long) or refused at the door (413, request too large).

Exits 1 if memory keeps growing: when, over the later half of the rounds, it grows by more
than ``--tolerance`` (default 0.25) of one round's payload per round (and more than
``--floor`` MB), i.e. when the server keeps a sizeable share of what it is sent; 2 if the
server did not start or the time limit passed. Writes only to the temporary folder.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
QUESTION = "Which city hosts the next summit? "


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB, from /proc/PID/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def big_question(size: int, n: int) -> str:
    """A question of ``size`` characters, different for each ``n`` (no cache can help)."""
    filler = f" summit{n} cooperation"
    return (QUESTION + filler * (size // len(filler) + 1))[:size]


def ask(client: httpx.Client, base: str, question: str) -> str:
    """One call of ``/ask`` through the two-step HTTP API: "answered", "error" or "refused" (413)."""
    posted = client.post(f"{base}/gradio_api/call/ask", json={"data": [question]})
    if posted.status_code == 413:
        return "refused"
    event = posted.raise_for_status().json()["event_id"]
    result = client.get(f"{base}/gradio_api/call/ask/{event}").raise_for_status().text
    return "error" if result.startswith("event: error") else "answered"


def chat_turn(client: httpx.Client, base: str, fn_index: int, session: str, question: str) -> str:
    """One chat turn as the page sends it (join the queue, read the session's stream):
    "answered" (a reply bubble, which may say the question is too long) or "refused" (413)."""
    joined = client.post(f"{base}/gradio_api/queue/join", json={
        "data": [question, [], None], "fn_index": fn_index, "session_hash": session,
        "event_data": None, "trigger_id": None})
    if joined.status_code == 413:
        return "refused"
    joined.raise_for_status()
    with client.stream("GET", f"{base}/gradio_api/queue/data", params={"session_hash": session}) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:") and json.loads(line[5:]).get("msg") == "process_completed":
                return "answered"
    return "error"


def chat_fn_index(client: httpx.Client, base: str) -> int:
    config = client.get(f"{base}/config").raise_for_status().json()
    return next(d["id"] for d in config["dependencies"] if d.get("api_name") == "respond")


def wait_ready(client: httpx.Client, base: str, proc: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(2)
        try:
            ask(client, base, "What is the speech about?")
            return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise SystemExit(2)


def allowed_growth(payload_mb: float, tolerance: float, floor_mb: float) -> float:
    """MB per round that memory may grow by and still count as level."""
    return max(tolerance * payload_mb, floor_mb)


def plateaued(levels: list[float], allowed_mb: float) -> bool:
    """True when, over the later half of the rounds, memory grew by less than ``allowed_mb``
    per round (the earlier rounds fill what the server keeps by design, up to its bounds).

    >>> plateaued([900, 905, 903, 906], allowed_mb=25)
    True
    >>> plateaued([900, 930, 934, 936], allowed_mb=5)
    True
    >>> plateaued([900, 980, 1070, 1160], allowed_mb=25)
    False
    """
    start = (len(levels) - 1) // 2
    per_round = (levels[-1] - levels[start]) / max(1, len(levels) - 1 - start)
    return per_round < allowed_mb


def growth_per_round(levels: list[float]) -> float:
    start = (len(levels) - 1) // 2
    return (levels[-1] - levels[start]) / max(1, len(levels) - 1 - start)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=4, help="rounds of requests (default: 4)")
    p.add_argument("--requests", type=int, default=100, help="requests per round (default: 100)")
    p.add_argument("--size", type=int, default=1_000_000, help="characters per question (default: 1000000)")
    p.add_argument("--tolerance", type=float, default=0.25,
                   help="growth per round allowed, as a share of one round's payload (default: 0.25)")
    p.add_argument("--floor", type=float, default=8.0,
                   help="growth per round always allowed, in MB, for allocator noise (default: 8)")
    p.add_argument("--time-limit", type=float, default=900, help="seconds for the whole run (default: 900)")
    args = p.parse_args(argv)
    deadline = time.monotonic() + args.time_limit
    root = Path(tempfile.mkdtemp(prefix="speech-qa-soak-"))
    shutil.copytree(REPO / "seeds", root / "seeds")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env["QA_WATCH_SECONDS"] = "0"
    log = (root / "app.log").open("w")
    proc = subprocess.Popen([sys.executable, str(REPO / "app.py"), "--host", "127.0.0.1", "--port", str(port),
                             "--seeds-dir", str(root / "seeds"), "--index-dir", str(root / "index")],
                            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        with httpx.Client(timeout=120, trust_env=False) as client:
            wait_ready(client, base, proc, deadline)
            fn_index, session = chat_fn_index(client, base), uuid.uuid4().hex
            levels = []
            print(f"server pid {proc.pid} on {base}: {rss_mb(proc.pid):.0f} MB after the first answer")
            print(f"{args.rounds} rounds of {args.requests} questions of {args.size:,} characters")
            for number in range(1, args.rounds + 1):
                began, outcomes = time.monotonic(), Counter()
                for n in range(args.requests):
                    if time.monotonic() > deadline:
                        print(f"time limit of {args.time_limit:.0f} s passed in round {number}")
                        return 2
                    question = big_question(args.size, number * args.requests + n)
                    if n % 2:
                        outcomes["chat " + chat_turn(client, base, fn_index, session, question)] += 1
                    else:
                        outcomes["/ask " + ask(client, base, question)] += 1
                levels.append(rss_mb(proc.pid))
                print(f"round {number}: RSS {levels[-1]:.0f} MB ({time.monotonic() - began:.1f} s; "
                      f"{', '.join(f'{k}: {v}' for k, v in sorted(outcomes.items()))})", flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        shutil.rmtree(root, ignore_errors=True)
    payload_mb = args.requests * args.size / 2**20
    allowed = allowed_growth(payload_mb, args.tolerance, args.floor)
    ok = plateaued(levels, allowed)
    growth = growth_per_round(levels)
    print(f"growth over the later rounds: {growth:+.1f} MB per round; allowed {allowed:.1f} MB "
          f"({payload_mb:.0f} MB sent per round): {'plateau' if ok else 'STILL GROWING'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
