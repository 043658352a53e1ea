"""An agency's task list ordered and counted by the store: the same tasks, order and counts as
the Python order over every clause's outline had (tests/task_order.py), and only the page
shown read as clauses."""

from __future__ import annotations

import json
import random
from collections import Counter
from types import SimpleNamespace

import pytest

from bot import browse_cards, replies
from index.answer import agency_answer, resolve, respond
from index.intents import Intent
from index.records import clause_records
from index.statistics import count_agencies_everywhere
from index.store import Store
from planbot.catalog import Catalog
from tests.task_order import task_list, task_names

AGENCIES = [
    "Sở Tài chính",
    "Sở Xây dựng",
    "Cục Thuế tỉnh",
    "Cục Thuế tỉnh Bình Dương",  # the same body as "Cục Thuế tỉnh", under its province's name
    "UBND huyện Dĩ An",
    "Các Sở, Ban, ngành",
    "Các Sở, ngành, địa phương",
    "Ủy ban nhân dân các huyện, thị xã, thành phố",
]
# Two plans share a number (two issuers): a task list puts them together, at the first's place.
PLANS = [(1, "77/KH-UBND", "a"), (2, "88/KH-UBND", "b"), (3, "77/KH-UBND", "c"), (4, "99/KH-UBND", "d")]


class Crafted(Catalog):
    """The library's reads over a store written row by row."""

    def __init__(self, store: Store):
        self.store = store
        self.vectors = SimpleNamespace(current=lambda: None)
        self.fetched: list[int] = []

    def clauses_by_id(self, ids):
        self.fetched += ids
        return super().clauses_by_id(ids)


def write_clause(db, clause_id, plan_id, ord_, lead, partners, kind="paragraph", deadline=None, target=None):
    db["clauses"].insert(
        {
            "id": clause_id,
            "plan_id": plan_id,
            "ord": ord_,
            "section": f"II.{ord_}",
            "kind": kind,
            "text": f"Việc {clause_id}",
            "lead": json.dumps(lead, ensure_ascii=False),
            "partners": json.dumps(partners, ensure_ascii=False),
            "footnotes": "[]",
            "target": json.dumps(target, ensure_ascii=False) if target else None,
        }
    )
    rows = [(clause_id, a, "lead") for a in lead] + [(clause_id, a, "partner") for a in partners]
    db.conn.executemany("insert or ignore into agencies (clause_id, agency, role) values (?, ?, ?)", rows)
    if deadline:
        text, due = deadline
        db["deadlines"].insert({"clause_id": clause_id, "ord": 0, "text": text, "type": "date", "due": due})


@pytest.fixture
def crafted(tmp_path):
    """Random clauses over four plans: leads, groups, partners through a group, headers,
    deadlines with and without a due date, targets, document order unlike id order."""
    rng = random.Random(7)
    store = Store(tmp_path / "planbot.db")
    with store.write() as db:
        for plan_id, number, identity in PLANS:
            db["plans"].insert({"id": plan_id, "number": number, "identity": identity, "issuer": identity})
        clause_id = 0
        for plan_id, *_ in PLANS:
            orders = list(range(60))
            rng.shuffle(orders)
            for ord_ in orders:
                clause_id += 1
                deadline = rng.choice(
                    [None, None, ("trước ngày 30/6/2021", "2021-06-30"), ("năm 2020", "2020-12-31"),
                     ("hằng năm", None), ("quý II/2021", "2021-06-30")]
                )  # fmt: skip
                target = rng.choice(
                    [None, None, None, {"text": "dưới 5 ngày", "type": "duration", "due": None}]
                )
                write_clause(
                    db,
                    clause_id,
                    plan_id,
                    ord_,
                    rng.sample(AGENCIES, rng.choice([0, 1, 1, 2])),
                    rng.sample(AGENCIES, rng.choice([0, 0, 1, 2])),
                    rng.choice(["paragraph", "paragraph", "item", "header", "signature"]),
                    deadline,
                    target,
                )
        count_agencies_everywhere(db)
    yield Crafted(store)
    store.close()


def python_order(source, agency: str, plan: str | None, dated_first: bool) -> list[tuple]:
    """The task list as every clause's outline, classified and sorted in Python, gave it."""
    names = task_names(source.agencies(), agency)
    if not names:
        return []
    marks = ",".join("?" * len(names))
    where = f"c.id in (select clause_id from agencies where agency in ({marks}))"
    params = list(names)
    if plan:
        where, params = where + " and p.number = ?", [*params, plan]
    clauses = clause_records(source.store.db, where, params)
    return [(c.id, role, group) for c, role, group in task_list(clauses, agency, dated_first)]


def assert_same_as_python_order(source, agencies, plans) -> Counter:
    """For each agency, plan filter and order, the store's list is the Python one; returns how
    many tasks of each role were compared."""
    compared: Counter = Counter()
    for agency in agencies:
        for plan in [None, *plans]:
            for dated_first in (False, True):
                intent = Intent("agency_tasks", plan=plan, agencies=(agency,), asks_time=dated_first)
                answer = agency_answer(source, "?", intent)
                expected = python_order(source, resolve(source, agency), plan, dated_first)
                got = [(h.clause.id, h.role, h.via) for h in answer.hits]
                assert got == expected, (agency, plan, dated_first)
                if not expected and plan:
                    assert answer.details["absent"] == [resolve(source, agency)]
                    continue
                listed = answer.details["agencies"][0]
                roles = [role for _, role, _ in expected]
                assert listed == {
                    "agency": resolve(source, agency),
                    "tasks": len(expected),
                    "lead": roles.count("lead"),
                    "group": roles.count("group"),
                    "partner": roles.count("partner"),
                }
                compared.update(roles)
    return compared


def test_store_order_is_the_python_order_on_crafted_plans(crafted):
    indexed = [a for a, _ in crafted.agencies()]
    compared = assert_same_as_python_order(crafted, indexed, sorted({n for _, n, _ in PLANS}))
    assert min(compared.values()) > 300
    tasks = agency_answer(crafted, "?", Intent("agency_tasks", agencies=("Sở Tài chính",))).hits
    assert {h.role for h in tasks} == {"lead", "group", "partner"}
    assert any(h.role == "partner" and h.via for h in tasks)  # a partner through its group
    cuc_thue = agency_answer(crafted, "?", Intent("agency_tasks", agencies=("Cục Thuế tỉnh",)))
    assert any("Cục Thuế tỉnh Bình Dương" in h.clause.lead for h in cuc_thue.hits)


def test_browse_lists_are_the_records_they_were(crafted):
    sub = "c.id in (select clause_id from agencies where agency = ? and role = ?)"
    for agency, _ in crafted.agencies():
        canonical, lead, partners = crafted.agency_tasks(agency)
        db = crafted.store.db
        assert [c.id for c in lead] == [c.id for c in clause_records(db, sub, [canonical, "lead"])]
        assert list(partners) == clause_records(db, sub, [canonical, "partner"])


def test_store_order_is_the_python_order_on_parsed_plans(two_plans):
    indexed = [a for a, _ in two_plans.agencies()]
    assert len(two_plans.plans()) == 2 and len(indexed) > 20
    compared = assert_same_as_python_order(two_plans, indexed, [p.number for p in two_plans.plans()])
    assert compared["lead"] > 100 and compared["group"] and compared["partner"], compared


def test_a_long_task_list_reads_only_the_page_shown(tmp_path):
    store = Store(tmp_path / "planbot.db")
    with store.write() as db:
        db["plans"].insert({"id": 1, "number": "77/KH-UBND", "identity": "a"})
        for i in range(1, 3001):
            lead, partners = (["Sở Tài chính"], []) if i % 3 else (["Sở Xây dựng"], ["Sở Tài chính"])
            write_clause(db, i, 1, i, lead, partners)
        count_agencies_everywhere(db)
    source = Crafted(store)
    question = "Sở Tài chính có nhiệm vụ gì?"
    answer = respond(source, question)
    assert answer.details["agencies"][0] == {
        "agency": "Sở Tài chính",
        "tasks": 3000,
        "lead": 2000,
        "group": 0,
        "partner": 1000,
    }
    assert source.fetched == []  # counted and ordered as ids: no clause read yet
    html, _ = replies.reply(1, question, answer)
    assert len(source.fetched) == replies.TASKS_PER_PAGE and "Việc 1\n" in html
    replies.reply(1, question, answer, page=300)
    assert len(source.fetched) == 2 * replies.TASKS_PER_PAGE

    source.fetched.clear()
    canonical, lead, partners = source.agency_tasks("Sở Tài chính")
    assert (len(lead), len(partners), source.fetched) == (2000, 1000, [])
    html, shown, pages = browse_cards.agency_tasks_page(canonical, lead, partners, 0)
    assert len(source.fetched) == browse_cards.TASKS_PER_PAGE and pages == 500
    assert "chủ trì 2000, phối hợp 1000" in html
    last = browse_cards.agency_tasks_page(canonical, lead, partners, 499)[1]
    assert [c.id for c in last] == [2985, 2988, 2991, 2994, 2997, 3000]  # partners, at the end
    assert len(source.fetched) == 2 * browse_cards.TASKS_PER_PAGE
    store.close()
