"""Reading a user's file (load → parse → extract) in a child process with limits.

A hostile document can make a parser loop (a PDF whose stream /Length refers to
itself), take super-linear time, or ask for gigabytes (a Flate bomb, one huge clause
for underthesea). None of that may reach the serving process: the file is read in a
spawned child with a memory limit (RLIMIT_AS), under a wall-clock deadline that grows
with the page count, and with a budget of pages, characters, blocks and clauses. The
parent only receives the parsed Plan (or a DocumentError); it embeds and writes
itself, so on any refusal nothing indexed changes.

The child is started once and reused (importing underthesea costs seconds); after a
timeout, a memory error or a crash it is killed and the next read starts a new one.
It is a plain `python -m planbot.ingest_worker` with two pipes, not multiprocessing's
spawn, which re-imports the caller's main module (a script without a main guard).
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from corpus.errors import MB, UPLOAD_LIMIT, DocumentError, Stage
from corpus.model import Plan

logger = logging.getLogger(__name__)
Progress = Callable[[Stage | str, float], None]


@dataclass(frozen=True)
class ReadLimits:
    """What one file may cost to read; every field from settings (planbot/settings.py)."""

    max_bytes: int = UPLOAD_LIMIT
    seconds: float = 40.0  # for any file, startup of the child not counted
    seconds_per_page: float = 1.0  # more for each PDF page
    seconds_per_ocr_page: float = 60.0  # more again for each page read by OCR (Tesseract at 300 dpi)
    ocr_dpi: int = 300
    memory_mb: int = 1536  # the child's address space; < 2 GB with the parent's share
    max_pages: int = 500
    max_chars: int = 3_000_000  # ~1000 pages of dense text
    max_blocks: int = 200_000  # lines or paragraphs
    max_clauses: int = 20_000
    startup_seconds: float = 180.0  # importing underthesea on a loaded machine


def limits_from(settings) -> ReadLimits:
    """The read limits a Settings object asks for."""
    return ReadLimits(
        max_bytes=settings.max_upload_bytes,
        seconds=settings.ingest_seconds,
        seconds_per_page=settings.ingest_seconds_per_page,
        memory_mb=settings.ingest_memory_mb,
        max_pages=settings.max_pages,
        max_chars=settings.max_chars,
        ocr_dpi=settings.ocr_dpi,
    )


@dataclass
class ReadResult:
    plan: Plan
    kind: str  # "txt" | "docx" | "pdf"
    sha256: str
    ocr: object | None = None  # corpus.ocr.OcrSummary when pages were read by OCR


def file_sha256(path: Path, max_bytes: int) -> str:
    """The file's hash for "seen it already", or "" when the reader will refuse it anyway."""
    try:
        if not path.is_file() or path.stat().st_size > max_bytes:
            return ""
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def read_plan(
    path: Path,
    limits: ReadLimits,
    progress: Progress | None = None,
    on_pages: Callable[[int], None] | None = None,
    before_parse: Callable[[], None] | None = None,
) -> ReadResult:
    """load → parse → extract in this process, with the budget checked (the child's job)."""
    from corpus.build_plan import build_plan
    from corpus.load import load

    progress = progress or (lambda stage, fraction: None)
    document = load(
        path,
        limits.max_bytes,
        progress,
        limits.ocr_dpi,
        max_pages=limits.max_pages,
        on_pages=on_pages,
        max_blocks=limits.max_blocks,
    )
    chars = sum(len(b.text) + sum(len(c) for row in b.rows or () for c in row) for b in document.blocks)
    if chars > limits.max_chars:
        raise DocumentError("too_many_chars", path, chars=chars, limit=limits.max_chars)
    if before_parse:
        before_parse()
    progress(Stage.PARSE, 0.1)
    plan = build_plan(document)
    if len(plan.clauses) > limits.max_clauses:
        raise DocumentError("too_many_clauses", path, count=len(plan.clauses), limit=limits.max_clauses)
    return ReadResult(plan, document.kind, document.sha256, document.ocr)


# ---- the child -------------------------------------------------------------------

_ROOT = Path(__file__).resolve().parent.parent  # where planbot, corpus and nlp import from
_SHARED: dict = {}  # ReadLimits -> IsolatedReader, see shared_reader
_SHARED_LOCK = threading.Lock()


class _Duplex:
    """Two one-way pipe connections as one: receive from the child, send to it."""

    def __init__(self, incoming: Connection, outgoing: Connection):
        self.incoming, self.outgoing = incoming, outgoing

    def poll(self, timeout: float) -> bool:
        return self.incoming.poll(timeout)

    def recv(self):
        return self.incoming.recv()

    def send(self, message) -> None:
        self.outgoing.send(message)

    def close(self) -> None:
        self.incoming.close()
        self.outgoing.close()


def _child(conn, memory_mb: int) -> None:
    """Serve read jobs from `conn` until it closes (the parent exited or closed us)."""
    try:
        import resource

        limit = memory_mb * MB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on this platform: the deadline still holds
        pass
    # underthesea loads before the first parse, off the clock (see IsolatedReader._run), so
    # a file refused while loading never waits for it. Not in a thread: importing in two
    # threads at once met half-initialised modules.
    warm = []

    def warm_up() -> None:
        if not warm:
            conn.send(("pause",))
            _warm()
            conn.send(("resume",))
            warm.append(True)

    conn.send(("ready",))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job == ("warm",):  # the parent is idle: load underthesea now, not on the first upload
            if not warm:
                _warm()
                warm.append(True)
            conn.send(("warmed",))
            continue
        path, limits = job
        try:
            result = read_plan(
                Path(path),
                limits,
                progress=lambda stage, fraction: conn.send(("progress", str(stage), fraction)),
                on_pages=lambda pages: conn.send(("pages", pages)),
                before_parse=warm_up,
            )
            conn.send(("ok", result))
        except DocumentError as error:
            conn.send(("error", error))
        except MemoryError:
            conn.send(("error", DocumentError("too_much_memory", path, limit_mb=memory_mb)))
            return  # the heap may be in pieces: the next read gets a fresh child
        except RecursionError:
            conn.send(("error", DocumentError("unreadable", path, cause="nested too deeply")))
        except Exception as error:  # a parser bug on odd input is still a refusal, not a crash
            text = " ".join(str(error).split())[:120] or type(error).__name__
            conn.send(("error", DocumentError("unreadable", path, cause=text)))


def shared_reader(limits: ReadLimits) -> "IsolatedReader":
    """The process's reader for these limits.

    One per process rather than one per Planbot: a child costs an interpreter and its
    imports, and tests (and a bot with a console) open many Planbots in one process.
    The children end with the process (atexit, or at EOF on their pipe if it is killed).
    """
    with _SHARED_LOCK:
        reader = _SHARED.get(limits)
        if reader is None:
            reader = _SHARED[limits] = IsolatedReader(limits)
        return reader


def _close_shared() -> None:
    for reader in list(_SHARED.values()):
        reader.close()


atexit.register(_close_shared)


def _warm() -> None:
    from nlp.segment import segment

    segment("Sở Tài chính chủ trì.")


class IsolatedReader:
    """Reads files in a reusable child process; safe to share between threads (one read at a time)."""

    def __init__(self, limits: ReadLimits):
        self.limits = limits
        self._lock = threading.Lock()
        self._process = None
        self._conn = None

    def start(self) -> None:
        """Start the child now, so the first upload does not wait for its imports."""
        with self._lock:
            self._ensure_child()

    def warm(self) -> bool:
        """Start the child and have it load underthesea (a running bot does, in the background,
        so that even the first upload is read at the speed of any other). False if it failed."""
        with self._lock:
            try:
                self._ensure_child()
                self._conn.send(("warm",))
                if self._conn.poll(self.limits.startup_seconds) and self._conn.recv() == ("warmed",):
                    return True
            except (RuntimeError, EOFError, OSError):
                pass
            self._stop_child()
            return False

    def _ensure_child(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        self._stop_child()
        jobs_r, jobs_w = os.pipe()
        results_r, results_w = os.pipe()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(_ROOT), *filter(None, [env.get("PYTHONPATH")])])
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "planbot.ingest_worker",
                    str(jobs_r),
                    str(results_w),
                    str(self.limits.memory_mb),
                ],
                pass_fds=(jobs_r, results_w),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        finally:
            os.close(jobs_r)
            os.close(results_w)
        self._process = process
        self._conn = _Duplex(Connection(results_r, writable=False), Connection(jobs_w, readable=False))
        parent = self._conn
        if not parent.poll(self.limits.startup_seconds):
            self._stop_child()
            raise RuntimeError("the document reader did not start")
        try:
            message = parent.recv()
        except (EOFError, OSError):
            message = None
        if message != ("ready",):
            self._stop_child()
            raise RuntimeError("the document reader failed to start")

    def _stop_child(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is not None:
            if process.poll() is None:
                process.kill()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:  # cannot happen after SIGKILL; never hang on it
                logger.warning("document reader %s did not exit", process.pid)

    def close(self) -> None:
        with self._lock:
            self._stop_child()

    def read(self, path: Path, name: str | Path, progress: Progress | None = None) -> ReadResult:
        """The parsed plan of `path`; DocumentError (about `name`) when refused or over a limit."""
        progress = progress or (lambda stage, fraction: None)
        with self._lock:
            self._ensure_child()
            try:
                return self._run(Path(path), progress)
            except DocumentError as error:
                raise error.at(name) from None

    def _run(self, path: Path, progress: Progress) -> ReadResult:
        limits, conn, process = self.limits, self._conn, self._process
        conn.send((str(path), limits))
        started = time.monotonic()
        allowed = limits.seconds  # grows with the page count
        credit = 0.0  # time the child spent warming up, not counted
        paused: float | None = None  # while the child loads underthesea (once per child)
        while True:
            now = time.monotonic()
            if paused is not None:
                deadline = paused + limits.startup_seconds
            else:
                deadline = started + allowed + credit
            if now >= deadline:
                self._restart()
                raise DocumentError("too_slow", path, seconds=round(allowed))
            if not conn.poll(min(deadline - now, 1.0)):
                if process.poll() is not None:
                    raise self._died(path)
                continue
            try:
                message = conn.recv()
            except (EOFError, OSError):
                raise self._died(path) from None
            kind = message[0]
            if kind == "progress":
                stage = message[1]
                if stage.startswith(f"{Stage.OCR} 0/"):  # "ocr 0/12": twelve pages to read by OCR
                    allowed += limits.seconds_per_ocr_page * int(stage.rpartition("/")[2] or 0)
                progress(stage, message[2])
            elif kind == "pages":
                allowed += limits.seconds_per_page * message[1]
            elif kind == "pause":
                paused = time.monotonic()
            elif kind == "resume" and paused is not None:
                credit += time.monotonic() - paused
                paused = None
            elif kind == "ok":
                return message[1]
            elif kind == "error":
                if process.poll() is not None or message[1].code == "too_much_memory":
                    self._restart()
                raise message[1]

    def _restart(self) -> None:
        """Kill the child and start the next one now: it warms up while the refusal is told."""
        self._stop_child()
        try:
            self._ensure_child()
        except RuntimeError:  # the next read tries again
            self._stop_child()

    def _died(self, path: Path) -> DocumentError:
        """The child exited mid-read: killed for memory (SIGKILL/SIGABRT) or crashed."""
        try:
            code = self._process.wait(5)
        except subprocess.TimeoutExpired:
            code = None
        self._restart()
        logger.warning("document reader exited with %s", code)
        if code in (-signal.SIGKILL, -signal.SIGABRT, -signal.SIGSEGV):
            return DocumentError("too_much_memory", path, limit_mb=self.limits.memory_mb)
        return DocumentError("reader_died", path, cause=f"exit code {code}")


if __name__ == "__main__":  # the child: python -m planbot.ingest_worker JOBS_FD RESULTS_FD MEMORY_MB
    # Through the imported module, so what the child pickles names planbot.ingest_worker, not __main__.
    from planbot import ingest_worker

    ingest_worker._child(
        ingest_worker._Duplex(
            Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False)
        ),
        int(sys.argv[3]),
    )
