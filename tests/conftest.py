"""Shared fixtures: the eval set, a library on the real model, a library on a fake encoder."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from planbot.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
# Converted once and reused across runs on a developer's machine; a clean clone
# (CI) converts once per run.
MODEL_CACHE = Path(os.environ.get("PLANBOT_MODEL_CACHE") or REPO / ".cache" / "models")


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


@pytest.fixture(scope="session")
def library(tmp_path_factory):
    """The real product: bundled plan ingested with the real converted model."""
    from planbot.library import Planbot

    lib = Planbot.open(make_settings(tmp_path_factory.mktemp("planbot-real")))
    lib.ensure_bundled()
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
    """The bundled plan (copied from the session library: nothing re-embedded) and plan 1187,
    the index of shared/eval/dev_user_questions.jsonl."""
    from planbot.library import Planbot

    target = tmp_path_factory.mktemp("two-plans") / "data"
    copy_data_dir(library.settings.data_dir, target)
    lib = Planbot.open(make_settings(target))
    lib.ingest(eval_dir / "plans" / "hoaphong_1187_chuyendoiso.docx")
    yield lib
    lib.close()
