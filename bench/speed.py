"""Speed as ratios measured in one run: question, ingest, cold start; and peak memory.

    .venv/bin/python bench/speed.py [--write]

- warm ask ÷ bare encode: `Planbot.ask(q)` against `SentenceTransformer.encode(q)` of the
  same question (both warm), per dev question, median of the ratios;
- ingest ÷ bare encode: ingesting the bundled plan into an empty store against encoding
  the same passages with `encode` (same batch size);
- cold start ÷ load: a fresh `planbot ask` process to its first answer against a fresh
  process that only imports sentence-transformers and loads the model;
- peak RSS of those processes (ru_maxrss).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.report import write_section  # noqa: E402

QUESTIONS = REPO.parent / "shared" / "eval" / "dev_questions.jsonl"
LOAD_ONLY = (
    "import sys, time; t=time.perf_counter(); from sentence_transformers import "
    "SentenceTransformer; m=SentenceTransformer(sys.argv[1], device='cpu'); "
    "print(time.perf_counter()-t)"
)


# Runs a command in-process and reports its own peak RSS on exit (ru_maxrss of
# RUSAGE_CHILDREN would be the max over every child so far).
PEAK = (
    "import atexit, resource, runpy, sys; atexit.register(lambda: sys.stderr.write("
    "'maxrss=%d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)); "
    "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__') "
    "if sys.argv[0].endswith('.py') else runpy.run_module(sys.argv[0], run_name='__main__')"
)


def timed_process(argv: list[str], env: dict) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) of the child, and its stdout."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK, *argv], capture_output=True, text=True, env=env, cwd=REPO, check=True
    )
    seconds = time.perf_counter() - started
    peak = max(int(line.split("=")[1]) for line in done.stderr.splitlines() if line.startswith("maxrss="))
    return seconds, peak / 1024, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from corpus.build_plan import build_plan
    from corpus.load import load
    from index.embeddings import passage_text
    from planbot.library import Planbot
    from planbot.settings import Settings

    questions = [json.loads(line)["q"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    base = Settings.from_env()
    data_dir = Path(tempfile.mkdtemp(prefix="planbot-speed-"))
    settings = base.with_(data_dir=data_dir)
    library = Planbot.open(settings)
    embedder = library.embedder
    model = embedder.model

    # Ingest into an empty store vs bare encoding of the same passages.
    bundled = sorted((REPO / "corpus" / "plans").glob("*.txt"))[0]
    passages = [passage_text(c) for c in build_plan(load(bundled)).clauses]
    started = time.perf_counter()
    library.ingest(bundled)
    ingest_s = time.perf_counter() - started
    started = time.perf_counter()
    model.encode(passages, prompt_name="document", batch_size=embedder.batch_size, normalize_embeddings=True)
    encode_passages_s = time.perf_counter() - started

    # Warm question time vs bare encode of the same question.
    for q in questions[:3]:
        library.ask(q)
        model.encode([q], prompt_name="query", normalize_embeddings=True)
    ratios, ask_ms, enc_ms = [], [], []
    for q in questions:
        a = min(_time(lambda: library.ask(q)) for _ in range(args.repeat))
        e = min(
            _time(lambda: model.encode([q], prompt_name="query", normalize_embeddings=True))
            for _ in range(args.repeat)
        )
        ratios.append(a / e)
        ask_ms.append(a * 1000)
        enc_ms.append(e * 1000)
    library.close()

    # Cold start: a new process to its first answer vs a new process that loads the model.
    env = {**os.environ, "PLANBOT_DATA_DIR": str(data_dir), "PLANBOT_MODEL_CACHE": str(settings.models_dir)}
    cold_s, cold_rss, _ = timed_process(["planbot.cli", "ask", "Sở Xây dựng có nhiệm vụ gì?"], env)
    model_path = str(Path(settings.models_dir) / "e5-small")
    load_script = Path(tempfile.mkdtemp()) / "load_only.py"
    load_script.write_text(LOAD_ONLY.replace("sys.argv[1]", repr(model_path)), encoding="utf-8")
    load_s, load_rss, _ = timed_process([str(load_script)], env)
    fresh = Path(tempfile.mkdtemp(prefix="planbot-speed-ingest-"))
    ingest_proc_s, ingest_rss, _ = timed_process(
        ["planbot.cli", "ingest", str(bundled)], {**env, "PLANBOT_DATA_DIR": str(fresh)}
    )

    p95 = lambda xs: sorted(xs)[int(0.95 * (len(xs) - 1))]  # noqa: E731
    body = f"""Command: `.venv/bin/python bench/speed.py --write` ({len(questions)} dev questions, best of {args.repeat} each; one run, same process).

| measure | ratio | detail |
|---|---|---|
| warm ask ÷ bare `encode` (median of per-question ratios) | **{statistics.median(ratios):.2f}×** | p95 ratio {p95(ratios):.2f}×; ask median {statistics.median(ask_ms):.0f} ms vs encode {statistics.median(enc_ms):.0f} ms |
| ingest ÷ bare `encode` of the same {len(passages)} passages | **{ingest_s / encode_passages_s:.2f}×** | load + parse + segment + extract + embed + index, empty cache |
| cold start ÷ (import + model load) | **{cold_s / load_s:.2f}×** | `planbot ask` process to first answer vs a process that only loads the model |

Peak RSS of each process (its own ru_maxrss, MiB; loading the model is the peak in all three): model load only {load_rss:.0f}; `planbot ask` cold {cold_rss:.0f}; `planbot ingest` of the bundled plan {ingest_rss:.0f}. Ingest process wall time ÷ cold ask: {ingest_proc_s / cold_s:.2f}×.
"""
    print(body)
    if args.write:
        write_section("Speed", body)


def _time(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
