"""Commune and district bodies in questions: typed without marks ("cong an xa"), and named by
their level alone ("UBND xã"), which means every commune's committee, the group plans task."""

from __future__ import annotations

import pytest

from nlp.agencies import agency_mentions


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("cong an xa co nhiem vu gi", ["Công an xã"]),
        ("cong an phuong phai lam gi", ["Công an phường"]),
        ("hoi nong dan xa phai lam gi", ["Hội Nông dân xã"]),  # the commune's, not the province's
        ("ubnd xa phai lam gi", ["UBND xã"]),
        ("uy ban nhan dan xa phai lam gi", ["Ủy ban nhân dân xã"]),
        ("benh vien huyen lam gi", ["Bệnh viện huyện"]),
        ("cong an tinh phai lam gi", ["Công an tỉnh"]),
        ("Công an xã phối hợp với Trưởng thôn", ["Công an xã"]),  # with marks, as before
        ("cong ty toi muon dang ky kinh doanh", []),  # no level: no body
        ("ho so xa qua", []),
    ],
)
def test_local_bodies_typed_without_marks(text, names):
    assert [m.name for m in agency_mentions(text)] == names


@pytest.fixture
def bundled(fake_library):
    fake_library.ensure_bundled()
    return fake_library


@pytest.mark.parametrize("question", ["UBND huyện có nhiệm vụ gì?", "uy ban nhan dan huyen phai lam gi"])
def test_a_committee_named_by_its_level_gets_its_groups_task_list(bundled, question):
    answer = bundled.ask(question)
    assert answer.intent == "agency_tasks" and answer.answered
    (listed,) = answer.details["agencies"]
    assert listed["agency"] == "Ủy ban nhân dân các huyện, thị xã, thành phố" and listed["tasks"] > 3


@pytest.mark.parametrize("question", ["Công an xã có nhiệm vụ gì?", "cong an xa co nhiem vu gi"])
def test_a_local_body_no_plan_names_is_declined_with_or_without_marks(bundled, question):
    answer = bundled.ask(question)
    assert answer.intent == "absent_agency" and not answer.answered
    assert answer.details["absent"] == ["Công an xã"]
