"""Several deadlines and a target per clause: migrated from older stores, read back, shown on cards."""

from __future__ import annotations

import json

from index import store as store_module
from index.records import clause_records
from index.store import Store


def test_durations_stored_as_deadlines_become_targets(tmp_path, monkeypatch):
    path = tmp_path / "planbot.sqlite"
    before = [m for m in store_module.MIGRATIONS if m[0] < "005"]
    monkeypatch.setattr(store_module, "MIGRATIONS", before)
    old = Store(path)
    with old.write() as db:
        db["plans"].insert({"id": 1, "number": "1/KH-UBND", "date": "2019-02-14"})
        for clause_id, text in (
            (1, "Rút ngắn còn dưới 63 ngày làm việc."),
            (2, "Hoàn thành trước ngày 30/6/2019."),
        ):
            db["clauses"].insert(
                {
                    "id": clause_id,
                    "plan_id": 1,
                    "ord": clause_id,
                    "text": text,
                    "lead": "[]",
                    "partners": "[]",
                    "footnotes": "[]",
                }
            )
        db["deadlines"].insert(
            {"clause_id": 1, "text": "dưới 63 ngày làm việc", "type": "duration", "due": None}
        )
        db["deadlines"].insert(
            {"clause_id": 2, "text": "trước ngày 30/6/2019", "type": "date", "due": "2019-06-30"}
        )
    old.close()
    monkeypatch.undo()

    store = Store(path)
    with store.write() as db:  # a second deadline of one clause now has a row of its own
        db["deadlines"].insert(
            {"clause_id": 2, "ord": 1, "text": "trước ngày 15/12/2019", "type": "date", "due": "2019-12-15"}
        )
    first, second = clause_records(store.db)
    assert first.deadline is None and first.deadlines == []
    assert json.loads(json.dumps(first.as_json()["target"])) == {
        "text": "dưới 63 ngày làm việc",
        "type": "duration",
        "due": None,
    }
    assert second.deadline.text == "trước ngày 30/6/2019" and second.target is None
    assert [d.due for d in second.deadlines] == ["2019-06-30", "2019-12-15"]
    store.close()


def test_cards_show_every_deadline_and_the_target():
    from bot import cards
    from index.records import ClauseRecord
    from nlp.deadlines import Deadline

    clause = ClauseRecord(
        7,
        "1/KH-UBND",
        "2021-01-10",
        "II.1",
        "",
        "…",
        target=Deadline("dưới 10 ngày làm việc", "duration"),
        deadline=Deadline("trước ngày 30/6/2021", "date", "2021-06-30"),
        deadlines=[
            Deadline("trước ngày 30/6/2021", "date", "2021-06-30"),
            Deadline("trước ngày 15/12/2021", "date", "2021-12-15"),
        ],
    )
    html = "\n".join(cards._who(clause, "vi"))
    assert "trước ngày 30/6/2021" in html and "trước ngày 15/12/2021" in html
    assert html.index("30/6/2021") < html.index("15/12/2021")
    assert "Chỉ tiêu thời gian:</b> dưới 10 ngày làm việc" in html
