"""Question shapes (index/intents.py) and the answers composed from them (index/answer.py), without a model."""

from __future__ import annotations

import pytest

from corpus.model import Deadline
from index.answer import TaskHits, agency_key, respond
from index.intents import detect, plan_filter, with_context
from index.records import ClauseRecord, PlanInfo
from index.search import Answer, Hit
from nlp.definitions import definitions, term_key
from tests.task_order import task_list

PLANS = [
    PlanInfo(
        1,
        "629/KH-UBND",
        "2019-02-14",
        "Cải thiện môi trường kinh doanh năm 2019 trên địa bàn tỉnh Bình Dương",
        53,
        "Ủy ban nhân dân tỉnh Bình Dương",
    ),
    PlanInfo(
        2,
        "1187/KH-UBND",
        "2020-05-20",
        "Chuyển đổi số trong giải quyết thủ tục hành chính giai đoạn 2020 - 2022",
        21,
        "Ủy ban nhân dân tỉnh Hòa Phong",
    ),
]


def clause(
    i,
    text,
    lead=(),
    partners=(),
    plan="629/KH-UBND",
    section="II.1",
    title="Nhiệm vụ",
    deadline=None,
    footnotes=(),
    kind="item",
):
    return ClauseRecord(
        i,
        plan,
        None,
        section,
        title,
        text,
        [text],
        list(lead),
        list(partners),
        Deadline(deadline, "date", "2021-06-30") if deadline else None,
        None,
        list(footnotes),
        kind,
    )


@pytest.mark.parametrize(
    "question, number",
    [
        ("Sở Xây dựng phải làm gì trong kế hoạch 1187?", "1187/KH-UBND"),
        ("KH 629: Sở Tư pháp làm gì?", "629/KH-UBND"),
        ("theo 629/KH-UBND thì ai cấp phép", "629/KH-UBND"),
        ("ke hoach so 1187 noi gi", "1187/KH-UBND"),
        ("Kế hoạch chuyển đổi số nhằm mục đích gì?", "1187/KH-UBND"),  # by topic
        ("kế hoạch của UBND tỉnh Hòa Phong có mục tiêu gì", "1187/KH-UBND"),  # by issuer
        ("kế hoạch năm 2019 giao gì cho Sở Tài chính", "629/KH-UBND"),  # by year
        ("Sở Xây dựng phải làm gì?", None),
        ("kế hoạch này nói gì?", None),
        ("kế hoạch của tỉnh có mục tiêu gì", None),  # "tỉnh" names both plans: no choice made
    ],
)
def test_plan_named_by_number_topic_issuer_or_year(question, number):
    assert plan_filter(question, PLANS)[0] == number


def test_unknown_plan_number_is_reported():
    assert plan_filter("kế hoạch 999 nói gì", PLANS) == (None, "999")


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Sở Công thương có những nhiệm vụ gì?", "agency_tasks"),
        ("so giao duc va dao tao phai lam gi", "agency_tasks"),
        ("What must the Department of Health do?", "agency_tasks"),
        ("Sở Tài chính và Sở Công thương phải làm gì, hạn khi nào?", "agency_tasks"),
        ("Sở Xây dựng phải làm gì với các bến thủy nội địa?", "clause"),  # a topic of its own
        ("Kế hoạch này nói gì?", "overview"),
        ("mục tiêu của kế hoạch là gì?", "overview"),
        ("What is the plan about?", "overview"),
        ("Kế hoạch 629 đánh giá tình hình năm 2018 ra sao?", "clause"),
        ("ICD là gì?", "definition"),
        ("CFS là viết tắt của gì", "definition"),
        ("thu tuc cap ho chieu o dau", "clause"),
        ("Lịch nghỉ Tết Nguyên đán năm nay thế nào?", "clause"),
    ],
)
def test_shapes(question, kind):
    assert detect(question, PLANS).kind == kind


def test_two_agencies_and_time_are_read():
    intent = detect("Sở Tài chính và Sở Công thương phải làm gì, hạn khi nào?", PLANS)
    assert intent.agencies == ("Sở Tài chính", "Sở Công thương") and intent.asks_time


def test_follow_up_borrows_the_previous_subject_only_when_it_has_none():
    before = detect("Sở Tư pháp có nhiệm vụ gì trong kế hoạch 629?", PLANS)
    after = with_context(detect("còn hạn chót thì sao?", PLANS), before)
    assert (after.kind, after.agencies, after.plan, after.asks_time) == (
        "agency_tasks",
        ("Sở Tư pháp",),
        "629/KH-UBND",
        True,
    )
    own = with_context(detect("còn Sở Tài chính thì sao?", PLANS), before)
    assert own.agencies == ("Sở Tài chính",)
    assert with_context(detect("Cục Thuế tỉnh làm gì?", PLANS), before).agencies == ("Cục Thuế tỉnh",)
    assert with_context(detect("hạn chót thì sao?", PLANS), None).kind == "clause"


def test_agency_key_drops_the_province():
    assert agency_key("Ngân hàng Nhà nước Việt Nam – chi nhánh tỉnh") == agency_key(
        "Ngân hàng Nhà nước Việt Nam – chi nhánh Bình Dương"
    )
    assert agency_key("Cục Thuế tỉnh") == agency_key("Cục Thuế tỉnh Bình Dương")
    assert agency_key("Sở Xây dựng") != agency_key("Sở Tài chính")


def test_task_list_lead_then_partner_grouped_by_plan_dated_first_when_asked():
    clauses = [
        clause(1, "Sở Tài chính phối hợp thẩm định", ["Sở Tư pháp"], ["Sở Tài chính"]),
        clause(2, "Sở Tài chính bố trí kinh phí", ["Sở Tài chính"]),
        clause(
            3,
            "Sở Tài chính hướng dẫn thanh toán",
            ["Sở Tài chính"],
            plan="1187/KH-UBND",
            deadline="Quý II/2021",
        ),
        clause(4, "Số: 629/KH-UBND", kind="header"),
    ]
    tasks = task_list(clauses, "Sở Tài chính")
    assert [(c.id, role) for c, role, _ in tasks] == [(2, "lead"), (1, "partner"), (3, "lead")]
    assert [c.id for c, _, _ in task_list(clauses, "Sở Tài chính", dated_first=True)] == [3, 2, 1]


def test_definitions_from_footnotes_called_and_acronyms():
    clauses = [
        clause(1, "Hải quan", footnotes=["1 ICD (Inland Container Depot): cảng cạn/ cảng khô"]),
        clause(
            2, "Ủy ban nhân dân các huyện, thị xã, thành phố (sau đây gọi tắt là UBND cấp huyện) rà soát."
        ),
        clause(3, "Bám sát tiêu chí của Ngân hàng Thế giới (WB) về môi trường kinh doanh."),
    ]
    found = {d.term: d.meaning for c in clauses for d in definitions(c.text, c.footnotes)}
    assert found["ICD"] == "Inland Container Depot: cảng cạn/ cảng khô"
    assert "Ủy ban nhân dân các huyện" in found["UBND cấp huyện"]
    assert found["WB"] == "Ngân hàng Thế giới"


class Source:
    """The library's answering surface over fixed clauses; retrieval returns a fixed ranking."""

    def __init__(self, clauses, ranked=(), answered=True):
        self._clauses, self._ranked, self._answered = clauses, list(ranked), answered

    def plans(self):
        return PLANS

    def clauses(self, plan=None):
        return [c for c in self._clauses if plan is None or c.plan == plan]

    def agencies(self):
        names = {a for c in self._clauses for a in (*c.lead, *c.partners)}
        return sorted((n, 1) for n in names)

    def resolve_agency(self, name):
        return name if any(name == n for n, _ in self.agencies()) else None

    def retrieve(self, question, k=5, signals="hybrid"):
        return Answer(question, self._answered, [Hit(c, c.text, 1.0) for c in self._ranked][:k])

    def agency_task_ids(self, own, groups, plan=None, dated_first=False):
        names = {*own, *groups}
        clauses = [c for c in self.clauses(plan) if names & {*c.lead, *c.partners}]
        return [(c.id, role) for c, role, _ in task_list(clauses, own[0], dated_first)]

    def clauses_by_id(self, ids):
        return {c.id: c for c in self._clauses if c.id in ids}

    def definitions_of(self, key, plan=None):
        found = [(c, d) for c in self.clauses(plan) for d in definitions(c.text, c.footnotes)]
        return sorted(
            [(c, d) for c, d in found if term_key(d.term) == key], key=lambda cd: cd[1].kind != "footnote"
        )


def test_respond_contract_per_intent():
    clauses = [
        clause(1, "Sở Tư pháp thẩm định văn bản", ["Sở Tư pháp"]),
        clause(2, "Số hóa hộ tịch", ["Sở Tư pháp"], plan="1187/KH-UBND", deadline="năm 2021"),
        clause(
            3,
            "Mục đích: giảm thời gian đi lại",
            plan="1187/KH-UBND",
            section="I.1",
            title="Mục đích",
            kind="paragraph",
        ),
        clause(
            4,
            "Cục Hải quan tỉnh đảm bảo",
            ["Cục Hải quan tỉnh"],
            footnotes=["1 ICD (Inland Container Depot): cảng cạn"],
        ),
    ]
    source = Source(clauses, ranked=[clauses[3], clauses[1]])
    tasks = respond(source, "Sở Tư pháp có nhiệm vụ gì?")
    assert (tasks.intent, tasks.answered, [h.clause.id for h in tasks.hits]) == ("agency_tasks", True, [1, 2])
    scoped = respond(source, "Sở Tư pháp làm gì trong kế hoạch 1187?")
    assert (scoped.plan_filter, [h.clause.id for h in scoped.hits]) == ("1187/KH-UBND", [2])
    absent = respond(source, "Sở Ngoại vụ có nhiệm vụ gì?")
    assert (absent.intent, absent.answered, absent.hits) == ("absent_agency", False, [])
    assert "Sở Tư pháp" in absent.details["suggestions"]
    overview = respond(source, "kế hoạch 1187 nhằm mục đích gì?")
    assert overview.intent == "overview" and [h.clause.id for h in overview.hits] == [3]
    assert overview.details["plan"]["tasks"] == 1
    choose = respond(source, "Kế hoạch này nói gì?")
    assert [p["number"] for p in choose.details["choose_plan"]] == ["629/KH-UBND", "1187/KH-UBND"]
    defined = respond(source, "ICD là gì?")
    assert defined.intent == "definition" and defined.hits[0].clause.id == 4
    in_plan = respond(source, "Trong kế hoạch 1187 số hóa hộ tịch thế nào?")
    assert [h.clause.plan for h in in_plan.hits] == ["1187/KH-UBND"]
    declined = respond(Source(clauses, ranked=[clauses[0]], answered=False), "giá vàng hôm nay")
    assert (declined.intent, declined.answered) == ("out_of_scope", False)
    as_json = tasks.as_json()
    assert as_json["intent"] == "agency_tasks" and as_json["plan_filter"] is None
    assert [r["role"] for r in as_json["results"]] == ["lead", "lead"]
    follow = respond(source, "còn hạn chót thì sao?", previous=tasks.context)
    assert follow.intent == "agency_tasks" and follow.hits[0].clause.id == 2  # the dated one first


def test_task_list_reads_only_the_clauses_of_the_page_shown():
    clauses = [clause(i, f"Việc {i}", ["Sở Tư pháp"]) for i in range(1, 41)]
    reads = []

    def fetch(ids):
        reads.append(list(ids))
        return {c.id: c for c in clauses if c.id in ids and c.id != 7}  # clause 7 removed since

    hits = TaskHits([("Sở Tư pháp", [(c.id, "lead") for c in clauses])], fetch)
    assert len(hits) == 40 and reads == []
    assert [h.clause.id for h in hits[0:6]] == [1, 2, 3, 4, 5, 6] and reads == [[1, 2, 3, 4, 5, 6]]
    assert [h.clause.id for h in hits[6:12]] == [8, 9, 10, 11, 12]  # the removed one is left out
    assert hits[0].role == "lead" and len(reads) == 2  # read once
    assert [h.clause.id for h in hits][-1] == 40 and sum(map(len, reads)) == 40
