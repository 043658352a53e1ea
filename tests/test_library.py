"""The library on a fake encoder: ingest, replace, remove, browse, and the index versions."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from corpus.model import DocumentError
from planbot.library import BUNDLED_DIR

SEED = BUNDLED_DIR / "629-KH-UBND-2019-binh-duong.txt"

OTHER_PLAN = """ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI
Số: 45/KH-UBND Quảng Ngãi, ngày 10 tháng 3 năm 2021

KẾ HOẠCH
Phát triển du lịch cộng đồng năm 2021

I. Nhiệm vụ
1. Sở Du lịch chủ trì xây dựng bộ tiêu chí homestay cộng đồng, hoàn thành trước ngày 30/6/2021.
2. Ban Quản lý Khu kinh tế Dung Quất phối hợp với Sở Du lịch khảo sát bến cảng du thuyền, hoàn thành trong quý III/2021.
"""


def _state(data_dir: Path) -> dict[str, str]:
    """Hash of every file under the data dir: 'nothing changed' means byte for byte."""
    return {
        str(p.relative_to(data_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data_dir.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


def test_bundled_plan_ingests_with_metadata(fake_library):
    reports = fake_library.ensure_bundled()
    assert [r.number for r in reports] == ["629/KH-UBND"]
    (plan,) = fake_library.plans()
    assert plan.date == "2019-02-14" and plan.clauses == reports[0].clauses > 40
    assert reports[0].agencies > 10 and reports[0].deadlines >= 5
    assert not any("ñ" in c.text or "ð" in c.text for c in fake_library.clauses())


def test_same_file_again_changes_nothing_and_embeds_nothing(fake_library):
    fake_library.ingest(SEED)
    calls = len(fake_library.embedder.calls)
    version = fake_library.store.get_meta("vector_version")
    report = fake_library.ingest(SEED)
    assert report.changed is False
    assert len(fake_library.embedder.calls) == calls
    assert fake_library.store.get_meta("vector_version") == version


def test_new_version_of_a_plan_replaces_it_and_reembeds_only_changed_text(fake_library, tmp_path):
    fake_library.ingest(SEED)
    before = {c.text for c in fake_library.clauses()}
    embedded = sum(fake_library.embedder.calls)
    edited = SEED.read_text(encoding="utf-8").replace("dưới 63 ngày làm việc", "dưới 45 ngày làm việc")
    path = tmp_path / "629-v2.txt"
    path.write_text(edited, encoding="utf-8")
    state = _state(fake_library.settings.data_dir)
    with pytest.raises(DocumentError) as asked:  # issue 10: a new version replaces only when told to
        fake_library.ingest(path)
    assert asked.value.code == "new_version" and asked.value.details["number"] == "629/KH-UBND"
    assert _state(fake_library.settings.data_dir) == state
    report = fake_library.ingest(path, replace=True)
    assert report.changed and report.number == "629/KH-UBND"
    assert report.replaced["source_name"] == SEED.name and report.replaced["clauses"] == report.clauses
    assert len(fake_library.plans()) == 1
    after = {c.text for c in fake_library.clauses()}
    assert len(after - before) == 1 and "dưới 45 ngày làm việc" in next(iter(after - before))
    assert sum(fake_library.embedder.calls) - embedded == 1  # only the changed clause


def test_second_plan_is_answerable_and_removable(fake_library, tmp_path):
    fake_library.ensure_bundled()
    path = tmp_path / "45.txt"
    path.write_text(OTHER_PLAN, encoding="utf-8")
    report = fake_library.ingest(path)
    assert report.number == "45/KH-UBND" and report.clauses >= 2
    answer = fake_library.ask("Ai xây dựng bộ tiêu chí homestay?")
    assert answer.answered and answer.hits[0].clause.plan == "45/KH-UBND"
    assert answer.hits[0].clause.deadline.due == "2021-06-30"
    assert fake_library.remove("45/kh-ubnd")
    assert [p.number for p in fake_library.plans()] == ["629/KH-UBND"]
    assert all(h.clause.plan == "629/KH-UBND" for h in fake_library.ask("homestay du thuyền").hits)
    assert not fake_library.remove("45/KH-UBND")


def test_agency_tasks_accept_any_spelling(fake_library):
    fake_library.ensure_bundled()
    for spelling in ("Sở KH&ĐT", "so ke hoach va dau tu", "SỞ KẾ HOẠCH VÀ ĐẦU TƯ"):
        agency, lead, partner = fake_library.agency_tasks(spelling)
        assert agency == "Sở Kế hoạch và Đầu tư"
        assert len(lead) >= 4
    assert fake_library.agency_tasks("Sở Phở Bò") == (None, [], [])


def test_deadlines_are_split_into_overdue_and_upcoming(fake_library):
    fake_library.ensure_bundled()
    overdue, upcoming = fake_library.deadlines(days=30, today=dt.date(2019, 11, 15))
    assert not overdue or all(r.deadline.due < "2019-11-15" for r in overdue)
    assert any(r.deadline.due == "2019-11-30" for r in upcoming)
    assert all(r.deadline.due <= "2019-12-15" for r in upcoming)
    overdue, _ = fake_library.deadlines(days=30, today=dt.date(2026, 1, 1))
    assert {"2019-03-31", "2019-11-30"} <= {r.deadline.due for r in overdue}
    _, mine = fake_library.deadlines(days=30, agency="so tt&tt", today=dt.date(2019, 11, 15))
    assert mine and all("Sở Thông tin và Truyền thông" in r.lead + r.partners for r in mine)


@pytest.mark.parametrize(
    "question, answered",
    [
        ('"', False),
        ("OR", False),
        ("*", False),
        ("NEAR(", False),
        ("(((", False),
        ("   ", False),
        ("🙂", False),
        ("a" * 5000, False),
        ("DROP TABLE clauses; --", False),
        ('Sở "Xây dựng" OR * NEAR( AND', True),
        ("<b>Sở</b> Xây dựng", True),
    ],
)
def test_odd_questions_never_error(fake_library, question, answered):
    """Query syntax and markup are read as words: junk is declined, a real name still answers."""
    fake_library.ensure_bundled()
    answer = fake_library.ask(question)
    assert answer.answered is answered
    if answered:
        assert "Sở Xây dựng" in answer.hits[0].clause.lead
    if len(question) > 1000:
        assert answer.cut_to == 1000


def test_bad_file_leaves_the_data_dir_byte_for_byte(fake_library, tmp_path):
    fake_library.ensure_bundled()
    bad = tmp_path / "empty.txt"
    bad.write_text("   \n\n", encoding="utf-8")
    before = _state(fake_library.settings.data_dir)
    with pytest.raises(DocumentError) as error:
        fake_library.ingest(bad)
    assert "empty.txt" in str(error.value)
    assert _state(fake_library.settings.data_dir) == before


def test_readers_see_whole_versions_and_leftovers_are_cleaned(fake_library):
    fake_library.ensure_bundled()
    version = int(fake_library.store.get_meta("vector_version"))
    vectors = fake_library.settings.vectors_dir
    in_use = sorted(p.name for p in vectors.iterdir())
    assert in_use == sorted(fake_library.vectors.in_use())
    (vectors / f"v{version + 1}.faiss").write_bytes(b"killed mid-build")
    (vectors / f"v{version + 1}.delta.npz.999.tmp").write_bytes(b"killed mid-write")
    (vectors / "b9-1-1.faiss.pending").write_bytes(b"killed before its adoption")
    from planbot.library import Planbot

    reopened = Planbot.open(fake_library.settings, embedder=fake_library.embedder)
    assert sorted(p.name for p in vectors.iterdir()) == in_use
    assert reopened.ask("Sở Xây dựng có nhiệm vụ gì?").hits[0].clause.lead == ["Sở Xây dựng"]
    reopened.close()


def test_questions_feedback_and_subscriptions_are_recorded(fake_library):
    fake_library.ensure_bundled()
    answer = fake_library.ask("Cách nấu phở bò?")
    qid = fake_library.log_question(7, 7, "Cách nấu phở bò?", answer)
    fake_library.record_feedback(qid, 7, -1)
    fake_library.record_feedback(qid, 7, +1)  # a user's later vote replaces the earlier one
    stats = fake_library.stats()
    assert stats["feedback"] == {"up": 1, "down": 0}
    assert sum(n for _, n in stats["per_day"]) == 1
    assert fake_library.subscribe(42, "so xay dung") == "Sở Xây dựng"
    assert fake_library.subscribe(42, "Sở Phở Bò") is None
    assert fake_library.subscriptions() == [(42, "Sở Xây dựng")]
    assert fake_library.unsubscribe(42) == 1 and fake_library.subscriptions() == []


def test_removing_or_replacing_a_plan_deletes_its_stored_document(fake_library, tmp_path):
    path = tmp_path / "45.txt"
    path.write_text(OTHER_PLAN, encoding="utf-8")
    fake_library.ingest(path)
    documents = fake_library.settings.documents_dir
    (first,) = list(documents.iterdir())
    path.write_text(OTHER_PLAN.replace("homestay", "nhà nghỉ cộng đồng"), encoding="utf-8")
    fake_library.ingest(path, replace=True)
    (second,) = list(documents.iterdir())
    assert second != first
    assert fake_library.remove("45/KH-UBND")
    assert list(documents.iterdir()) == []


def test_a_new_embedding_model_rebuilds_the_vectors(fake_library):
    from planbot.library import Planbot
    from tests.fakes import HashingEmbedder

    fake_library.ensure_bundled()
    fake_library.ask("Sở Xây dựng có nhiệm vụ gì?")
    version = int(fake_library.store.get_meta("vector_version"))

    class OtherModel(HashingEmbedder):
        name, dim = "hashing-32", 32

    other = OtherModel()
    reopened = Planbot.open(fake_library.settings, embedder=other)
    answer = reopened.ask("Sở Xây dựng có nhiệm vụ gì?")
    assert reopened.store.get_meta("embed_model") == "hashing-32"
    assert int(reopened.store.get_meta("vector_version")) == version + 1
    assert sum(other.calls) >= len(reopened.clauses())  # every clause embedded anew
    assert answer.hits[0].clause.lead == ["Sở Xây dựng"]
    # the next plan's delta holds the new model's vectors (it once took the old model's size)
    path = fake_library.settings.data_dir.parent / "45.txt"
    path.write_text(OTHER_PLAN, encoding="utf-8")
    reopened.ingest(path)
    assert reopened.store.get_meta("vector_dim") == "32"
    assert reopened.ask("homestay cộng đồng").hits[0].clause.plan == "45/KH-UBND"
    reopened.close()
