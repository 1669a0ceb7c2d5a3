"""A build that stops at a chosen moment and waits to be killed (for the kill -9 tests).

    python tests/build_child.py SEEDS INDEX POINT

POINT is ``encode`` (stop while embedding, holding the build lock), ``write:N`` (stop
halfway through writing the N-th index file, leaving a partial temp file) or ``after:N``
(stop once the N-th file is in place); N may also be the start of the file's name
(``write:manifest``, ``after:index`` for the FAISS file). The files are written in this
order: passages, vectors, sentence vectors, the multilingual arrays, FAISS index, manifest. The child prints ``STOPPED`` when it
gets there and sleeps until the test kills it with SIGKILL.
"""
from __future__ import annotations

import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conftest import FakeEncoder  # noqa: E402

from qa.index import store  # noqa: E402
from qa.index.builder import build  # noqa: E402
from qa.config import Settings  # noqa: E402


def stop() -> None:
    print("STOPPED", flush=True)
    while True:
        time.sleep(60)


class StoppingEncoder(FakeEncoder):
    def encode(self, texts):
        stop()


def main(seeds: str, index: str, point: str) -> None:
    kind, _, n = point.partition(":")
    real_write = store.write_atomic
    written = 0

    def here(path) -> bool:
        return written == int(n) if n.isdigit() else path.name.startswith(n)

    def write_atomic(path, write):
        nonlocal written
        written += 1
        if kind == "write" and here(path):
            def half(handle):
                buffer = io.BytesIO()
                write(buffer)
                data = buffer.getvalue()
                handle.write(data[: len(data) // 2])
                handle.flush()
                stop()
            return real_write(path, half)
        digest = real_write(path, write)
        if kind == "after" and here(path):
            stop()
        return digest

    store.write_atomic = write_atomic
    import qa.index.multilingual

    use_fake = FakeEncoder(name="fake-use", dimension=qa.index.multilingual.DIMENSION)
    qa.index.multilingual.get_use_encoder = lambda: use_fake
    encoder = StoppingEncoder() if kind == "encode" else FakeEncoder()
    build(Settings(seeds_dir=Path(seeds), index_dir=Path(index), model=encoder.name), encoder)
    print("FINISHED", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
