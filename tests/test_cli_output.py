"""The CLI's output: UTF-8 whatever the locale, a closed pipe ends it quietly."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

from planbot import cli
from tests.conftest import MODEL_CACHE, REPO
from tests.test_cli import data_dir  # noqa: F401  (the fixture)


def test_ask_json_writes_utf8_even_in_a_latin1_locale(data_dir, monkeypatch):  # noqa: F811
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="latin-1", write_through=True)
    monkeypatch.setattr(sys, "stdout", stream)
    assert cli.main(["ask", "--json", "Sở Xây dựng có nhiệm vụ gì?"]) == 0
    stream.flush()
    out = raw.getvalue()
    assert b"\\u" not in out
    text = out.decode("utf-8")  # raises if anything but UTF-8 was written
    answer = json.loads(text)
    assert answer["question"] == "Sở Xây dựng có nhiệm vụ gì?"
    assert "Sở Xây dựng" in text and answer["results"][0]["lead"] == ["Sở Xây dựng"]


def test_clauses_json_into_head_exits_quietly(data_dir):  # noqa: F811
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PLANBOT_DATA_DIR": str(data_dir),
        "PLANBOT_MODEL_CACHE": str(MODEL_CACHE),
    }
    env.pop("PLANBOT_DEBUG", None)
    # `head -1` reads one line and closes the pipe while planbot still writes
    proc = subprocess.run(
        f"{sys.executable} -m planbot.cli clauses --json | head -1",
        shell=True,
        env=env,
        capture_output=True,
        timeout=120,
        cwd=REPO,
        check=False,
    )
    (line,) = proc.stdout.decode("utf-8").splitlines()
    assert json.loads(line)["plan"] == "629/KH-UBND"
    assert proc.stderr.decode() == "", proc.stderr.decode()
