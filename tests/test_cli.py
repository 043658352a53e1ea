"""The `planbot` command: plans, clauses --json, ingest lines, remove, exit codes."""

from __future__ import annotations

import json

import pytest

from planbot import cli
from tests.conftest import MODEL_CACHE, copy_data_dir
from tests.test_library import OTHER_PLAN


@pytest.fixture
def data_dir(library, tmp_path, monkeypatch):
    """A copy of the session library's data (bundled plan, real model's vectors)."""
    target = tmp_path / "data"
    copy_data_dir(library.settings.data_dir, target)
    monkeypatch.setenv("PLANBOT_DATA_DIR", str(target))
    monkeypatch.setenv("PLANBOT_MODEL_CACHE", str(MODEL_CACHE))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return target


def test_plans_lists_number_date_count_title(data_dir, capsys):
    assert cli.main(["plans"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert "629/KH-UBND" in line and "2019-02-14" in line and "clauses" in line


def test_clauses_json_has_the_documented_fields(data_dir, capsys):
    assert cli.main(["clauses", "--plan", "629/KH-UBND", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) > 40
    assert all(
        set(r)
        >= {
            "id",
            "plan",
            "section",
            "text",
            "sentences",
            "lead",
            "partners",
            "deadline",
            "target",
            "deadlines",
            "page",
        }
        for r in rows
    )
    building = next(r for r in rows if r["text"].startswith("Sở Xây dựng tiếp tục"))
    assert building["plan"] == "629/KH-UBND" and building["section"] == "II.2.a"
    assert building["lead"] == ["Sở Xây dựng"] and building["sentences"]
    # A processing time is the clause's target, not its deadline (issue 8).
    assert building["deadline"] is None
    assert building["target"] == {"text": "dưới 63 ngày làm việc", "type": "duration", "due": None}
    dated = next(r for r in rows if r["deadline"] and r["deadline"]["due"] == "2019-11-30")
    assert dated["deadline"]["text"] == "trước tháng 12/2019"
    assert cli.main(["clauses", "--plan", "1/KH-XYZ"]) == 1


def test_ingest_prints_one_line_per_file_and_remove_takes_it_out(data_dir, tmp_path, capsys):
    good = tmp_path / "45.txt"
    good.write_text(OTHER_PLAN, encoding="utf-8")
    bad = tmp_path / "scan.png.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    assert cli.main(["ingest", str(good), str(bad)]) == 1  # one refused file fails the run
    captured = capsys.readouterr()
    (line,) = captured.out.splitlines()
    assert line.startswith("45.txt: indexed 45/KH-UBND") and "clauses" in line and " s" in line
    (error,) = captured.err.strip().splitlines()
    assert error.startswith("planbot: scan.png.txt: ") and "PNG" in error
    assert cli.main(["ingest", str(good)]) == 0
    assert "unchanged" in capsys.readouterr().out
    assert cli.main(["remove", "45/KH-UBND"]) == 0
    assert cli.main(["remove", "45/KH-UBND"]) == 1
    assert "no plan numbered" in capsys.readouterr().err
    cli.main(["plans"])
    assert "45/KH-UBND" not in capsys.readouterr().out


def test_ask_json_answers_and_declines(data_dir, capsys):
    assert cli.main(["ask", "--json", "Sở Xây dựng có nhiệm vụ gì?"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["answered"] and answer["results"][0]["lead"] == ["Sở Xây dựng"]
    assert cli.main(["ask", "--json", "Cách nấu phở bò?"]) == 0
    assert json.loads(capsys.readouterr().out)["answered"] is False
