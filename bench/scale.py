"""FAISS at scale: exact vs approximate index on synthetic corpora of clause vectors.

    .venv/bin/python bench/scale.py --sizes 100000 1000000 --queries 200 --seed 0 [--write]

For each distribution and size, vectors (384-d, float32, L2-normalized like the
e5 embeddings) are generated in chunks, and both indexes are built through
`index.vectors.make_index`, with `APPROXIMATE_ABOVE` monkeypatched to force the
exact or the approximate kind. Everything compared is measured in the same run:
build seconds, per-question search time (one query per call, k = 100 as
`Library.ask` asks), batch throughput, memory (VmRSS growth over the build, the
build's peak VmRSS growth, and the index's own serialized size), and recall of
the approximate top-10 / top-100 against the exact ones. `--write` puts the
tables into docs/benchmarks.md under "## Scale (FAISS)".

Distributions:
  clustered  a stand-in for clause embeddings: topic centres; sub-topic centres
             at cosine 0.8 to their topic; clauses at cosine 0.88 to their
             sub-topic, sub-topic sizes log-normal (sigma 1.5, mean 50, so some
             hold thousands of near-duplicates, like boilerplate clauses).
             Questions are drawn the same way.
  uniform    the hard case: random unit vectors, no structure at all; questions
             random unit vectors too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import platform
import sys
import time
from pathlib import Path

import faiss
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.report import write_section  # noqa: E402
from index import vectors  # noqa: E402

DIM = 384
K = 100  # what Library.ask asks the dense index for
CHUNK = 100_000
SWEEP = (4, 8, 16, 32, 64, 128)


# -- data ---------------------------------------------------------------------


def _unit(x: np.ndarray) -> np.ndarray:
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def _noise(cos: float) -> np.float32:
    """Per-dimension Gaussian noise that puts a unit centre + noise at `cos` to the centre."""
    return np.float32(np.sqrt((1 / cos**2 - 1) / DIM))


class Clustered:
    PER_SUBTOPIC, SUBTOPICS_PER_TOPIC, SIGMA, TOPIC_COS, COS = 50, 20, 1.5, 0.80, 0.88

    def __init__(self, n: int, rng: np.random.Generator):
        self.rng = rng
        subtopics = max(1, n // self.PER_SUBTOPIC)
        topics = _unit(
            rng.standard_normal((max(1, subtopics // self.SUBTOPICS_PER_TOPIC), DIM), dtype=np.float32)
        )
        parent = rng.integers(0, len(topics), subtopics)
        self.centres = _unit(
            topics[parent] + _noise(self.TOPIC_COS) * rng.standard_normal((subtopics, DIM), dtype=np.float32)
        )
        weights = rng.lognormal(0.0, self.SIGMA, subtopics)
        self.p = weights / weights.sum()

    def sample(self, n: int) -> np.ndarray:
        label = self.rng.choice(len(self.p), n, p=self.p)
        return _unit(
            self.centres[label] + _noise(self.COS) * self.rng.standard_normal((n, DIM), dtype=np.float32)
        )


class Uniform:
    def __init__(self, n: int, rng: np.random.Generator):
        self.rng = rng

    def sample(self, n: int) -> np.ndarray:
        return _unit(self.rng.standard_normal((n, DIM), dtype=np.float32))


DISTRIBUTIONS = {"clustered": Clustered, "uniform": Uniform}


def corpus(gen, n: int) -> np.ndarray:
    out = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        out[start:stop] = gen.sample(stop - start)
    return out


# -- measuring ----------------------------------------------------------------


def _status(field: str) -> int:
    """A /proc/self/status field in bytes (VmRSS, VmHWM)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # resets VmHWM to the current RSS
        return True
    except OSError:
        return False


def build(ids: np.ndarray, x: np.ndarray, approximate: bool) -> tuple[faiss.Index, dict]:
    """make_index with the threshold forced to one side; build time and memory."""
    saved = vectors.APPROXIMATE_ABOVE
    vectors.APPROXIMATE_ABOVE = 0 if approximate else len(ids)
    gc.collect()
    peak_ok = _reset_peak()
    rss0 = _status("VmRSS")
    t0 = time.perf_counter()
    try:
        index = vectors.make_index(ids, x, DIM)
    finally:
        vectors.APPROXIMATE_ABOVE = saved
    seconds = time.perf_counter() - t0
    rss1, peak = _status("VmRSS"), _status("VmHWM")
    blob = faiss.serialize_index(index)
    size = len(blob)
    del blob
    gc.collect()
    return index, {
        "build_s": seconds,
        "rss_mb": (rss1 - rss0) / 2**20,
        "peak_mb": (peak - rss0) / 2**20 if peak_ok else float("nan"),
        "size_mb": size / 2**20,
    }


def single_times(index: faiss.Index, q: np.ndarray, threads: int) -> np.ndarray:
    """Seconds per question, one query per search call (as the bot does)."""
    saved = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(threads)
    try:
        index.search(q[:1], K)  # warm
        out = np.empty(len(q))
        for i in range(len(q)):
            t0 = time.perf_counter()
            index.search(q[i : i + 1], K)
            out[i] = time.perf_counter() - t0
        return out
    finally:
        faiss.omp_set_num_threads(saved)


def batch(index: faiss.Index, q: np.ndarray) -> tuple[float, np.ndarray]:
    t0 = time.perf_counter()
    _, found = index.search(q, K)
    return len(q) / (time.perf_counter() - t0), found


def recall(found: np.ndarray, truth: np.ndarray, k: int) -> float:
    return float(np.mean([len(set(f[:k]) & set(t[:k])) / k for f, t in zip(found, truth)]))


def measure(dist: str, n: int, queries: int, seed: int, threads: int) -> dict:
    rng = np.random.default_rng(seed)
    gen = DISTRIBUTIONS[dist](n, rng)
    t0 = time.perf_counter()
    x = corpus(gen, n)
    q = gen.sample(queries)
    ids = np.arange(n, dtype=np.int64)
    row: dict = {"dist": dist, "n": n, "gen_s": time.perf_counter() - t0}
    print(f"[{dist} {n}] generated in {row['gen_s']:.1f}s", flush=True)

    exact, row["exact"] = build(ids, x, approximate=False)
    row["exact"]["qps"], truth = batch(exact, q)
    scores, _ = exact.search(q[:50], 10)
    row["nn_cos"], row["10th_cos"] = float(np.median(scores[:, 0])), float(np.median(scores[:, 9]))
    row["exact"]["t_def"] = single_times(exact, q, threads)
    row["exact"]["t_one"] = single_times(exact, q, 1)
    print(f"[{dist} {n}] exact done", flush=True)
    del exact
    gc.collect()

    approx, row["approx"] = build(ids, x, approximate=True)
    row["kind"] = describe(approx)
    row["approx"]["qps"], found = batch(approx, q)
    row["approx"]["t_def"] = single_times(approx, q, threads)
    row["approx"]["t_one"] = single_times(approx, q, 1)
    row["r10"], row["r100"] = recall(found, truth, 10), recall(found, truth, 100)
    row["sweep"] = sweep(approx, q, truth)
    print(f"[{dist} {n}] approximate done: {row['kind']} recall@10 {row['r10']:.3f}", flush=True)
    del approx, x, q, ids, found, truth
    gc.collect()
    return row


def describe(index: faiss.Index) -> str:
    base = faiss.downcast_index(index.index)
    if isinstance(base, faiss.IndexIVF):
        return f"{type(base).__name__} nlist={base.nlist} nprobe={base.nprobe}"
    if isinstance(base, faiss.IndexHNSW):
        return f"{type(base).__name__} M={base.hnsw.nb_neighbors(1)} efSearch={base.hnsw.efSearch}"
    return type(base).__name__


def sweep(index: faiss.Index, q: np.ndarray, truth: np.ndarray) -> list[dict]:
    """Recall and single-query time against nprobe, on the same built IVF index."""
    try:
        ivf = faiss.extract_index_ivf(index)
    except RuntimeError:
        return []
    chosen, out = ivf.nprobe, []
    for nprobe in SWEEP:
        if nprobe > ivf.nlist:
            break
        ivf.nprobe = nprobe
        _, found = index.search(q, K)
        t = single_times(index, q[:50], 1)
        out.append(
            {
                "nprobe": nprobe,
                "r10": recall(found, truth, 10),
                "r100": recall(found, truth, 100),
                "ms": 1000 * float(np.median(t)),
            }
        )
    ivf.nprobe = chosen
    return out


# -- report -------------------------------------------------------------------


def _ms(t: np.ndarray) -> str:
    return f"{1000 * np.median(t):.2f} / {1000 * np.percentile(t, 95):.2f}"


def tables(rows: list[dict], threads: int) -> str:
    lines = [
        f"Per question: one query per `search` call, k = {K}; median / p95 ms, with faiss's "
        f"default {threads} OpenMP threads and with 1. Batch: all questions in one call. "
        "ΔRSS: VmRSS growth over the build (peak growth in brackets); size: "
        "`faiss.serialize_index` length.",
        "",
        "| corpus | N | index | build s | ms/question (default threads) | ms/question (1 thread) "
        "| batch q/s | ΔRSS MB (peak) | size MB | recall@10 | recall@100 |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        for key, name in (("exact", "IndexFlatIP (exact)"), ("approx", r["kind"])):
            m = r[key]
            rec = ("1", "1") if key == "exact" else (f"{r['r10']:.3f}", f"{r['r100']:.3f}")
            lines.append(
                f"| {r['dist']} | {r['n']:,} | {name} | {m['build_s']:.1f} | {_ms(m['t_def'])} "
                f"| {_ms(m['t_one'])} | {m['qps']:,.0f} | {m['rss_mb']:,.0f} ({m['peak_mb']:,.0f}) "
                f"| {m['size_mb']:,.0f} | {rec[0]} | {rec[1]} |"
            )
    lines += [
        "",
        "Ratios, approximate ÷ exact, same run (median per question; build):",
        "",
        "| corpus | N | time/question (default threads) | time/question (1 thread) "
        "| build time | index size |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        a, e = r["approx"], r["exact"]
        lines.append(
            f"| {r['dist']} | {r['n']:,} | {np.median(a['t_def']) / np.median(e['t_def']):.3f} "
            f"| {np.median(a['t_one']) / np.median(e['t_one']):.3f} "
            f"| {a['build_s'] / e['build_s']:.1f} | {a['size_mb'] / e['size_mb']:.2f} |"
        )
    lines += [
        "",
        "nprobe sweep on the same built index (recall vs exact; median ms/question, 1 thread):",
        "",
        "| corpus | N | nprobe | recall@10 | recall@100 | ms/question |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        for s in r["sweep"]:
            lines.append(
                f"| {r['dist']} | {r['n']:,} | {s['nprobe']} | {s['r10']:.3f} "
                f"| {s['r100']:.3f} | {s['ms']:.2f} |"
            )
    lines += [
        "",
        "Median cosine of a question to its 1st / 10th exact neighbour: "
        + "; ".join(f"{r['dist']} {r['n']:,}: {r['nn_cos']:.2f} / {r['10th_cos']:.2f}" for r in rows)
        + ".",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dists", nargs="+", choices=sorted(DISTRIBUTIONS), default=["clustered", "uniform"])
    ap.add_argument("--write", action="store_true", help="write docs/benchmarks.md § Scale (FAISS)")
    args = ap.parse_args(argv)
    threads = faiss.omp_get_max_threads()
    started = dt.datetime.now().astimezone()
    rows = []
    for n in args.sizes:
        for dist in args.dists:
            rows.append(measure(dist, n, args.queries, args.seed, threads))
            gc.collect()
    body = tables(rows, threads)
    print(body)
    if args.write:
        command = (
            "`.venv/bin/python bench/scale.py " + " ".join(argv if argv is not None else sys.argv[1:]) + "`"
        )
        minutes = (dt.datetime.now().astimezone() - started).total_seconds() / 60
        head = (
            f"Run {started:%Y-%m-%d %H:%M %Z} ({minutes:.0f} min) with {command}; "
            f"faiss {faiss.__version__}, numpy {np.__version__}, {platform.machine()}, "
            f"{threads} OpenMP threads. The machine is shared and was busy with other "
            "jobs: compare the ratios within the table, not absolute times across runs."
        )
        write_section("Scale (FAISS)", f"{head}\n\n{decision(rows)}\n\n{body}")


def _probes(n: int) -> str:
    cells = vectors._ivf_cells(n)
    return f"{vectors._ivf_probes(n, cells)}/{cells} cells"


def decision(rows: list[dict]) -> str:
    """What index/vectors.py chose, with the measured numbers it rests on."""
    at = vectors.APPROXIMATE_ABOVE
    sizes = sorted({r["n"] for r in rows})
    exact_ms = ", ".join(
        f"{1000 * np.median([np.median(r['exact']['t_one']) for r in rows if r['n'] == n]):.1f} ms at {n:,}"
        for n in sizes
    )
    ivf = [1000 * np.median(r["approx"]["t_one"]) for r in rows]
    ivf_ms = f"{min(ivf):.1f}–{max(ivf):.1f} ms"
    return (
        f"**Chosen** (`index/vectors.py`): exact `IndexFlatIP` up to `APPROXIMATE_ABOVE = {at:,}` "
        f"vectors; above it `IndexIVFFlat`, nlist ≈ {vectors.IVF_CELLS_PER_ROOT}·√N (k-means, "
        f"{vectors.IVF_KMEANS_ITERATIONS} iterations, on a fixed sample of "
        f"{vectors.IVF_POINTS_PER_CELL} vectors per cell), nprobe = max({vectors.IVF_NPROBE}, cells "
        f"enough to scan {vectors.IVF_MIN_SCANNED:,} vectors on average) — here "
        + ", ".join(f"{_probes(n)} at {n:,}" for n in sorted({r["n"] for r in rows}))
        + " — set on the built index and saved with it. Both stay wrapped in `IndexIDMap2` "
        "(ids = clause ids).\n\n"
        "**Why the threshold**: exact search is memory-bound and linear in N; one question on "
        f"one thread took {exact_ms} (median; per size, median over the corpora). The budget "
        "for vector search is well under ~15 ms "
        "beside a 30–50 ms question encode, so exact search stops where it costs a few ms. "
        f"Above that, IVF answers in {ivf_ms} on one thread (median) with recall@10 ≥ 0.95 on "
        "the clustered corpus; it builds at 1M in minutes (k-means on a sample plus one assignment pass), "
        "where HNSW (M = 32) would take ~8+ minutes on these 2 cores (an earlier probe built "
        "it over 100k in 46 s). nprobe is raised near the threshold because cells there hold "
        "only ~40 vectors and a question's neighbours span many of them: in the sweep a fixed "
        "nprobe of 32 loses recall at the smallest size and not at the larger ones; scanning "
        "≥ 10k vectors keeps the cost at a couple of ms. On the uniform corpus no approximate index is "
        "both fast and exact — its recall is reported as the worst case, not as the target; "
        "real clause embeddings are clustered (see the neighbour cosines below).\n\n"
        f"**Threads**: with faiss's default {faiss.omp_get_max_threads()} OpenMP threads one "
        f"question took {_slowdown(rows, 'exact'):.1f}× (exact) and "
        f"{_slowdown(rows, 'approx'):.1f}× (IVF) the 1-thread time (median over the rows) on "
        "this busy machine — the threads wait for a core. Searching one question with one "
        "OpenMP thread (`faiss.omp_set_num_threads(1)` in the serving process) is the caller's "
        "choice, outside `index/vectors.py`."
    )


def _slowdown(rows: list[dict], key: str) -> float:
    return float(np.median([np.median(r[key]["t_def"]) / np.median(r[key]["t_one"]) for r in rows]))


if __name__ == "__main__":
    main()
