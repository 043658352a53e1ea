"""The store's queries over plans and clauses: writing a parsed plan, deleting one, listing."""

from __future__ import annotations

import time
from pathlib import Path

from corpus.model import Plan
from index.embeddings import content_hash
from index.records import NOT_TASKS, TASK_ROLES, PlanInfo
from index.statistics import INSERT_DEFINITION, agency_counts, count_plan, definition_rows, tokens_column
from index.store import dumps, plan_identity
from nlp.fold import fold
from nlp.segment import segment


def keyword_texts(plan: Plan, clause, title_words: str = "") -> tuple[str, str, str]:
    """Folded text, accented text and heading for the keyword index (all lower-case).

    Words, word-segmented compounds, footnotes and agencies; the section title
    goes in a column of its own that weighs more (a paragraph under "1. Mục tiêu"
    is the plan's goal even if it never says so). The header and signature clauses also carry
    their plan's metadata in words a person would ask with ("ban hành", "người ký"), so "who
    signed" finds them.
    """
    parts = [clause.text, clause.words, *clause.footnotes, *clause.lead]
    if clause.kind == "header":
        parts += [f"kế hoạch số {plan.number} ban hành ngày {plan.date or ''} {plan.issuer}"]
    if clause.kind == "signature":
        parts += [f"người ký ban hành kế hoạch {plan.number}: {plan.signer}"]
    accented = " ".join(p for p in parts if p).lower()
    title = f"{clause.section_title} {title_words}".lower().strip()
    return fold(accented), accented, f"{fold(title)} {title}" if title else ""


_CLAUSE_COLUMNS = (
    "id",
    "plan_id",
    "ord",
    "section",
    "section_title",
    "kind",
    "text",
    "words",
    "page",
    "lead",
    "partners",
    "footnotes",
    "content_hash",
    "search_text",
    "accented_text",
    "heading_text",
    "tokens",
    "target",
)
_INSERT_CLAUSE = (
    f"insert into clauses ({', '.join(_CLAUSE_COLUMNS)}) values ({', '.join('?' * len(_CLAUSE_COLUMNS))})"
)


# An item this short names what its continuation paragraphs are about, as a title does
# ("2.4. Bước 4: Lập Đề án …." over the paragraph saying who drafts it and by when).
ITEM_TITLE_WORDS = 20


def items_above(clauses) -> list[str]:
    """Per clause, the short item its continuation paragraphs belong to (text and compounds),
    "" for any other clause: weighed as their heading, so a question in the item's words finds
    the paragraphs that say who does it, not only the item's line."""
    above, item = [], None
    for clause in clauses:
        if clause.kind == "item":
            item = clause if len(clause.text.split()) <= ITEM_TITLE_WORDS else None
        elif clause.kind != "continuation":
            item = None
        inherited = clause.kind == "continuation" and item is not None and item.section == clause.section
        above.append(f"{item.text} {item.words}" if inherited else "")
    return above


def insert_plan(db, plan: Plan, texts: list[str], stored: Path, kind: str) -> int:
    """Inside the caller's write transaction: the plan, its clauses and their extractions.

    Plain statements rather than sqlite-utils' per-row insert, which looks the table up on
    every call (~1 s of a 200-clause plan's write transaction).
    """
    titles = {c.section_title: segment(c.section_title)[1] if c.section_title else "" for c in plan.clauses}
    above = items_above(plan.clauses)
    plan_id = (
        db["plans"]
        .insert(
            {
                "number": plan.number,
                "title": plan.title,
                "issuer": plan.issuer,
                "date": plan.date,
                "place": plan.place,
                "signer": plan.signer,
                "source_name": plan.source_name,
                "sha256": plan.sha256,
                "kind": kind,
                "stored_path": str(stored),
                "ingested_at": time.time(),
                "identity": plan_identity(plan.number, plan.issuer, plan.date),
                "clauses": len(plan.clauses),
                "citation": plan.citation,
            }
        )
        .last_pk
    )
    conn = db.conn
    first_id = next_clause_id(conn)
    sentences, agencies, deadlines, defined = [], [], [], []
    for order, (clause, text) in enumerate(zip(plan.clauses, texts)):
        keywords = keyword_texts(plan, clause, f"{titles[clause.section_title]} {above[order]}".strip())
        clause_id = first_id + order
        conn.execute(
            _INSERT_CLAUSE,
            (
                clause_id,
                plan_id,
                order,
                clause.section,
                clause.section_title,
                clause.kind,
                clause.text,
                clause.words,
                clause.page,
                dumps(clause.lead),
                dumps(clause.partners),
                dumps(clause.footnotes),
                content_hash(text),
                *keywords,
                tokens_column(*keywords),
                dumps(clause.target.as_json()) if clause.target else None,
            ),
        )
        defined += definition_rows(clause_id, clause.text, clause.footnotes)
        sentences += [(clause_id, i, s) for i, s in enumerate(clause.sentences)]
        agencies += [(clause_id, a, "lead") for a in clause.lead]
        agencies += [(clause_id, a, "partner") for a in clause.partners]
        # Every deadline the clause commits to, its own first (ord 0).
        deadlines += [
            {"clause_id": clause_id, "ord": i, **d.as_json()}
            for i, d in enumerate(clause.deadlines or ([clause.deadline] if clause.deadline else []))
        ]
    conn.executemany("insert into sentences (clause_id, ord, text) values (?, ?, ?)", sentences)
    conn.executemany("insert or ignore into agencies (clause_id, agency, role) values (?, ?, ?)", agencies)
    conn.executemany(INSERT_DEFINITION, defined)
    if deadlines:
        db["deadlines"].insert_all(deadlines)  # its columns follow Deadline.as_json
    count_plan(db, plan_id, +1)
    if plan.clauses:
        conn.execute(
            "insert or replace into meta (key, value) values ('last_clause_id', ?)",
            [str(first_id + len(plan.clauses) - 1)],
        )
    return plan_id


def next_clause_id(conn) -> int:
    """A clause id no clause ever had. SQLite would hand a new clause the id of the highest one
    deleted (a replaced newest plan), and the vector index, kept up to date by id
    (index/vectors.py), would go on serving the deleted clause's vector under it."""
    row = conn.execute(
        "select max(coalesce((select max(id) from clauses), 0), "
        "coalesce((select cast(value as integer) from meta where key = 'last_clause_id'), 0))"
    ).fetchone()
    return row[0] + 1


def delete_plan(db, plan_id: int) -> Path | None:
    """Delete a plan's rows; returns its stored document, to remove once committed."""
    rows = list(db.query("select id, stored_path from plans where id = ?", [plan_id]))
    if not rows:
        return None
    plan_id, stored = rows[0]["id"], rows[0]["stored_path"]
    count_plan(db, plan_id, -1)
    sub = "select id from clauses where plan_id = ?"
    for table in ("sentences", "agencies", "deadlines", "definitions"):
        db.execute(f"delete from {table} where clause_id in ({sub})", [plan_id])
    db.execute("delete from clauses where plan_id = ?", [plan_id])
    db.execute("delete from plans where id = ?", [plan_id])
    return Path(stored or "")


def plan_with_sha(db, sha256: str) -> int | None:
    """The id of the plan ingested from exactly this file, if any."""
    rows = list(db.query("select id from plans where sha256 = ?", [sha256]))
    return rows[0]["id"] if rows else None


def same_plan(db, plan: Plan) -> dict | None:
    """The indexed plan with this one's identity (number, issuer, date), with its clause count."""
    rows = list(
        db.query(
            "select p.id, p.number, p.issuer, p.date, p.source_name, p.ingested_at, "
            "(select count(*) from clauses c where c.plan_id = p.id) as clauses "
            "from plans p where p.identity = ?",
            [plan_identity(plan.number, plan.issuer, plan.date)],
        )
    )
    return rows[0] if rows else None


def plan_counts(db, plan_id: int) -> dict:
    """Number, title and clause, agency and deadline counts of one plan (what an ingest reports)."""
    plan = next(iter(db.query("select id, number, title from plans where id = ?", [plan_id])))
    counts = next(
        iter(
            db.query(
                "select count(*) as clauses, "
                "(select count(distinct a.agency) from agencies a join clauses c2 on c2.id = a.clause_id "
                " where c2.plan_id = :p) as agencies, "
                "(select count(*) from deadlines d join clauses c3 on c3.id = d.clause_id "
                " where c3.plan_id = :p) as deadlines "
                "from clauses where plan_id = :p",
                {"p": plan["id"]},
            )
        )
    )
    return {"number": plan["number"], "title": plan["title"], **counts}


def stored_documents(db) -> list[dict]:
    """Every plan's id, number, stored document path and the file name it was sent as."""
    return list(db.query("select id, number, stored_path, source_name from plans"))


def plans(db) -> list[PlanInfo]:
    # The clause count is kept with the plan: counted per question, it read every clause.
    rows = db.conn.execute(
        "select id, number, date, title, clauses, issuer, signer, source_name, citation from plans "
        "order by date desc, id"
    )
    return [PlanInfo(*row) for row in rows]


def agencies(db) -> list[tuple[str, int]]:
    """Every indexed agency with its clause count, the busiest first."""
    return agency_counts(db)


def agency_task_ids(
    db, own: list[str], groups: list[str], plan: str | None = None, dated_first: bool = False
) -> list[tuple[int, str]]:
    """An agency's tasks in its task list's order, each clause id with its role.

    `own` are the indexed names of the agency itself, `groups` those of the groups it belongs
    to. A clause it leads is a lead task, one given to its group a group task, one it or its
    group partners in a partner task; plan by plan, lead, group, partner, in document order.
    When asked by when, the timed ones (a deadline, or a target to reach) come first, soonest
    due first. Ordered and filtered here, so that a list of thousands costs one query of ids
    and only the page shown is read as clauses.
    """
    names = [*own, *groups]
    if not names:
        return []
    own_marks, marks = ",".join("?" * len(own)), ",".join("?" * len(names))
    untimed = "(d.text is null or d.text = '')"
    target = ", c.target" if dated_first else ""
    if dated_first:
        deadline = "left join deadlines d on d.clause_id = l.clause_id and d.ord = 0"
        order = (
            f"{untimed} and (l.target is null or l.target = ''), l.plan_rank, l.role, "
            f"case when {untimed} then '' when d.due is null or d.due = '' then '9999' else d.due end, "
        )
    else:
        deadline, order = "", "l.plan_rank, l.role, "
    not_tasks = ", ".join(f"'{kind}'" for kind in NOT_TASKS)
    # Left to itself, the planner looks each clause up in its table, whose rows hold the texts:
    # the index of what a task list orders by (store migration 010) is half the cost.
    rows = db.conn.execute(
        f"""
        with roles as (
            select clause_id,
                   min(case when role = 'partner' then 2 when agency in ({own_marks}) then 0 else 1 end)
                       as role
            from agencies where agency in ({marks}) group by clause_id
        ), listed as (
            -- plans sharing a number (two issuers' plans) are listed as one, at the first's place
            select r.clause_id, r.role, c.kind, c.ord{target}, p.id as plan_id,
                   min(p.id) over (partition by p.number) as plan_rank
            from roles r join clauses c indexed by clauses_task_order on c.id = r.clause_id
            join plans p on p.id = c.plan_id
            where {"p.number = ?" if plan else "1"}
        )
        select l.clause_id, l.role from listed l {deadline}
        where l.kind is null or l.kind not in ({not_tasks})
        order by {order}l.plan_id, l.ord, l.clause_id
        """,
        [*own, *names, *([plan] if plan else [])],
    )
    return [(clause_id, TASK_ROLES[role]) for clause_id, role in rows]


def agency_role_ids(db, agency: str, role: str) -> list[int]:
    """The clauses one indexed agency has this role in (lead | partner), in document order."""
    rows = db.conn.execute(
        "select a.clause_id from agencies a join clauses c indexed by clauses_task_order on c.id = a.clause_id "
        "join plans p on p.id = c.plan_id where a.agency = ? and a.role = ? order by p.id, c.ord",
        [agency, role],
    )
    return [clause_id for (clause_id,) in rows]


def defined(db, key: str, plan: str | None = None) -> list[dict]:
    """The definitions of the term with this key (nlp.definitions.term_key): a footnote
    (an explicit definition) first, then in document order."""
    where = "d.term_key = ?" + (" and p.number = ?" if plan else "")
    return list(
        db.query(
            "select d.clause_id, d.term, d.meaning, d.source_text, d.kind from definitions d "
            "join clauses c on c.id = d.clause_id join plans p on p.id = c.plan_id "
            f"where {where} order by d.kind != 'footnote', p.id, c.ord, d.ord",
            [key, plan] if plan else [key],
        )
    )
