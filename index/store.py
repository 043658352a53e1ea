"""SQLite store for plans, clauses and their extractions, through sqlite-utils.

One file, WAL mode: readers (the bot answering) never wait for the one writer
(an ingest), and a reader inside a transaction sees one whole version.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils
from sqlite_utils.db import dedupe_keys

# The keyword index holds two forms of each clause: folded ("ke_hoach") for
# questions typed without marks, and accented ("kế_hoạch") so that a question
# with marks tells "ký" (sign) from "kỹ" (technical). Diacritics are therefore
# kept by the tokenizer; "_" joins the syllables of a word-segmented compound
# so a compound is one rare token.
FTS_TOKENIZE = "unicode61 remove_diacritics 0 tokenchars '_'"


def _m001_plans_and_clauses(db: sqlite_utils.Database) -> None:
    db["plans"].create(
        {
            "id": int,
            "number": str,
            "title": str,
            "issuer": str,
            "date": str,
            "place": str,
            "signer": str,
            "source_name": str,
            "sha256": str,
            "kind": str,
            "stored_path": str,
            "ingested_at": float,
        },
        pk="id",
        not_null={"number"},
    )
    db["plans"].create_index(["number"], unique=True)
    db["clauses"].create(
        {
            "id": int,
            "plan_id": int,
            "ord": int,
            "section": str,
            "section_title": str,
            "kind": str,
            "text": str,
            "words": str,
            "page": int,
            "lead": str,
            "partners": str,
            "footnotes": str,
            "content_hash": str,
            "search_text": str,
            "accented_text": str,
            "heading_text": str,
        },
        pk="id",
        foreign_keys=[("plan_id", "plans", "id")],
    )
    db["clauses"].create_index(["plan_id"])
    db["clauses"].create_index(["content_hash"])
    db["sentences"].create(
        {"clause_id": int, "ord": int, "text": str},
        pk=("clause_id", "ord"),
        foreign_keys=[("clause_id", "clauses", "id")],
    )
    db["agencies"].create(
        {"clause_id": int, "agency": str, "role": str},
        pk=("clause_id", "agency", "role"),
        foreign_keys=[("clause_id", "clauses", "id")],
    )
    db["agencies"].create_index(["agency"])
    db["deadlines"].create(
        {"clause_id": int, "text": str, "type": str, "due": str},
        pk="clause_id",
        foreign_keys=[("clause_id", "clauses", "id")],
    )
    db["deadlines"].create_index(["due"])
    db["clauses"].enable_fts(
        ["search_text", "accented_text", "heading_text"],
        fts_version="FTS5",
        tokenize=FTS_TOKENIZE,
        create_triggers=True,
    )


def _m002_embeddings_and_meta(db: sqlite_utils.Database) -> None:
    # Vectors are cached by content hash and model, so unchanged text is never
    # re-embedded, whichever plan or version it comes back in.
    db["embeddings"].create(
        {"content_hash": str, "model": str, "vector": bytes}, pk=("content_hash", "model")
    )
    db["meta"].create({"key": str, "value": str}, pk="key")


def _m003_bot_tables(db: sqlite_utils.Database) -> None:
    db["questions"].create(
        {
            "id": int,
            "ts": float,
            "user_id": int,
            "chat_id": int,
            "question": str,
            "answered": int,
            "top_clause_id": int,
            "score": float,
        },
        pk="id",
    )
    db["questions"].create_index(["ts"])
    db["feedback"].create(
        {"question_id": int, "user_id": int, "value": int, "ts": float}, pk=("question_id", "user_id")
    )
    db["subscriptions"].create({"chat_id": int, "agency": str}, pk=("chat_id", "agency"))


def _m004_corpus_statistics(db: sqlite_utils.Database) -> None:
    # Document frequencies and the restorer's syllable counts, kept at ingest (see
    # index/statistics.py) so that no question or startup reads every clause.
    from index.statistics import count_everything

    db.execute("create table term_stats (term text primary key, df integer not null) without rowid")
    db.execute(
        "create table syllable_stats (syllable text not null unique, folded text not null, "
        "n integer not null)"
    )
    db.execute("create index syllable_stats_folded on syllable_stats(folded)")
    db.execute(
        "create table pair_stats (first text not null, second text not null, n integer not null, "
        "primary key (first, second)) without rowid"
    )
    count_everything(db)


def _m005_feedback_reason(db: sqlite_utils.Database) -> None:
    # why a 👎 was given (wrong_agency | wrong_deadline | irrelevant), when the user said
    db["feedback"].add_column("reason", str)


def plan_identity(number: str, issuer: str, date: str | None) -> str:
    """What makes two uploads the same plan: its number, issuer and date, spelled loosely.

    By number alone, a Cà Mau plan numbered 629/KH-UBND replaced Bình Dương's (issue 10).
    """
    from nlp.fold import fold

    def loose(text: str) -> str:
        return "".join(fold(text or "").lower().split())

    return f"{loose(number)}|{loose(issuer)}|{date or ''}"


def _m006_plan_identity(db: sqlite_utils.Database) -> None:
    # Plans are one per identity, no longer one per number.
    db["plans"].add_column("identity", str)
    for row in list(db.query("select id, number, issuer, date from plans")):
        db.execute(
            "update plans set identity = ? where id = ?",
            [plan_identity(row["number"], row["issuer"], row["date"]), row["id"]],
        )
    for index in db["plans"].indexes:
        if index.unique and index.columns == ["number"]:
            db.execute(f"drop index [{index.name}]")
    db["plans"].create_index(["number"], index_name="idx_plans_number_any")
    db["plans"].create_index(["identity"], unique=True)


def _m007_targets_and_several_deadlines(db: sqlite_utils.Database) -> None:
    # A clause may commit to several dates ("trước ngày 30/6 …; báo cáo trước ngày 15/12"):
    # one deadlines row each, `ord` 0 the clause's own; and a processing time to reach
    # ("dưới 63 ngày làm việc") is its target, kept beside them as JSON.
    db["clauses"].add_column("target", str)
    db["deadlines"].add_column("ord", int, not_null_default=0)
    db["deadlines"].transform(pk=("clause_id", "ord"))
    # Durations stored as deadlines before are targets now.
    db.execute(
        "update clauses set target = "
        "(select json_object('text', d.text, 'type', d.type, 'due', d.due) "
        "from deadlines d where d.clause_id = clauses.id and d.type = 'duration')"
    )
    db.execute("delete from deadlines where type = 'duration'")


def _m008_lookups_kept_at_ingest(db: sqlite_utils.Database) -> None:
    # What a question looks up, kept at ingest so that no question reads every clause (issue
    # 11): each plan's clause count, each clause's keyword tokens (ranking's coverage), each
    # agency's clause count, and the terms the plans define.
    from index.statistics import count_agencies_everywhere, fill_tokens_and_definitions

    # An update of other columns (tokens here) must not re-index the clause's text in FTS.
    db.execute("drop trigger if exists clauses_au")
    db.execute(
        "create trigger clauses_au after update of search_text, accented_text, heading_text on clauses "
        "begin "
        "insert into clauses_fts (clauses_fts, rowid, search_text, accented_text, heading_text) "
        "values ('delete', old.rowid, old.search_text, old.accented_text, old.heading_text); "
        "insert into clauses_fts (rowid, search_text, accented_text, heading_text) "
        "values (new.rowid, new.search_text, new.accented_text, new.heading_text); "
        "end"
    )
    db["plans"].add_column("clauses", int, not_null_default=0)
    db.execute("update plans set clauses = (select count(*) from clauses c where c.plan_id = plans.id)")
    db["clauses"].add_column("tokens", str)
    db.execute("create table agency_stats (agency text primary key, clauses integer not null) without rowid")
    db.execute(
        "create table definitions (clause_id integer not null references clauses(id), "
        "ord integer not null, term_key text not null, term text not null, meaning text not null, "
        "source_text text not null, kind text not null, primary key (clause_id, ord))"
    )
    db.execute("create index definitions_term_key on definitions(term_key)")
    fill_tokens_and_definitions(db)
    count_agencies_everywhere(db)


def _m009_clause_ids_never_reused(db: sqlite_utils.Database) -> None:
    # New clauses could take the ids of the newest plan's deleted ones (queries.next_clause_id),
    # and the vector index, brought up to date by id, kept the deleted clauses' vectors under
    # them. Which ids were reused is not recorded, so the vectors are rebuilt once from the
    # cached embeddings (nothing is re-embedded): no vector version means "rebuild at open".
    db.execute(
        "insert or replace into meta (key, value) "
        "select 'last_clause_id', cast(coalesce(max(id), 0) as text) from clauses"
    )
    db.execute("delete from meta where key = 'vector_version'")


def _m010_task_list_indexes(db: sqlite_utils.Database) -> None:
    # An agency's task list is classified and ordered from these alone (index.queries
    # .agency_task_ids): a clause's row holds its texts, and reading ten thousand of them
    # for their plan, order and kind was most of the list's cost.
    db.execute("create index if not exists agencies_agency_role on agencies(agency, role, clause_id)")
    db.execute("create index if not exists clauses_task_order on clauses(id, plan_id, ord, kind, target)")


def _m011_plan_citation(db: sqlite_utils.Database) -> None:
    # How a plan is cited ("Kế hoạch ban hành kèm theo Quyết định 3210/QĐ-UBND", "Chương trình
    # hành động 12/CTr-UBND"): answers said "Kế hoạch <number>" of every document, which names
    # a decision's attached plan by the decision's number as if it were the plan's.
    db["plans"].add_column("citation", str)


MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("001_plans_and_clauses", _m001_plans_and_clauses),
    ("002_embeddings_and_meta", _m002_embeddings_and_meta),
    ("003_bot_tables", _m003_bot_tables),
    ("004_corpus_statistics", _m004_corpus_statistics),
    ("005_feedback_reason", _m005_feedback_reason),
    ("006_plan_identity", _m006_plan_identity),
    ("007_targets_and_several_deadlines", _m007_targets_and_several_deadlines),
    ("008_lookups_kept_at_ingest", _m008_lookups_kept_at_ingest),
    ("009_clause_ids_never_reused", _m009_clause_ids_never_reused),
    ("010_task_list_indexes", _m010_task_list_indexes),
    ("011_plan_citation", _m011_plan_citation),
]


class DatabaseDamaged(Exception):
    """planbot.db cannot be trusted (empty, not SQLite, corrupt): refuse to start on it.

    Starting anyway once made an empty database silently re-ingest the bundled plan and
    lose every upload (issue 10); the stored documents can rebuild it (`planbot reindex`).
    """

    def __init__(self, path: Path, why: str):
        self.path, self.why = Path(path), why
        documents = self.path.parent / "documents"
        super().__init__(
            f"the database {self.path} is damaged ({why}); planbot will not start on it. "
            f"To recover, run `planbot reindex`: it moves the damaged file aside and rebuilds "
            f"every plan from the stored documents in {documents}"
        )


def check_database(path: Path) -> None:
    """Raise DatabaseDamaged unless `path` is absent (a new data dir) or a sound SQLite file."""
    path = Path(path)
    if not path.exists():
        return
    if path.stat().st_size == 0:
        raise DatabaseDamaged(path, "empty file")
    with open(path, "rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise DatabaseDamaged(path, "not a SQLite database")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            # The header and the schema, not `PRAGMA quick_check`: that reads every page, ~1 s
            # at 100k clauses and ten at a million, on every start (issue 11). A page damaged
            # later is met by the query that reads it, as SQLite's "malformed" error.
            verdict = "ok"
            conn.execute("PRAGMA schema_version").fetchone()
            if not conn.execute("select 1 from sqlite_master where name = '_migrations'").fetchone():
                verdict = "no planbot tables"
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise DatabaseDamaged(path, str(error)) from None
    if verdict != "ok":
        raise DatabaseDamaged(path, verdict)


def storage_problem(error: BaseException) -> str | None:
    """ "disk_full" or "read_only" when a write failed for want of space or permission, else None."""
    text = str(error).lower()
    number = getattr(error, "errno", None)
    if "disk is full" in text or "no space" in text or number == 28:  # ENOSPC
        return "disk_full"
    if "readonly" in text or "read-only" in text or number in (13, 30):  # EACCES, EROFS
        return "read_only"
    return None


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA cache_size=-16384")
    return conn


class _Database(sqlite_utils.Database):
    """sqlite-utils' Database, reading rows straight from the connection."""

    def query(self, sql: str, params=None) -> Iterator[dict]:
        """Rows as dicts. sqlite-utils wraps each statement in a savepoint (three statements for
        one) so that a statement returning no rows can be rolled back; every query here is a
        read, and a question's ~30 of them paid a tenth of its time for the guard."""
        cursor = self.conn.execute(sql, params if params is not None else ())
        if cursor.description is None:
            raise ValueError("query() is for statements that return rows")
        keys = dedupe_keys(d[0] for d in cursor.description)
        return (dict(zip(keys, row)) for row in cursor)


class Store:
    """Thread-safe access: one connection per thread, one writer at a time."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        check_database(self.path)
        self.migrate()

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            conn = _connect(self.path)
            with self._connections_lock:
                self._connections.append(conn)
            db = self._local.db = _Database(conn)
        return db

    def migrate(self) -> None:
        with self.write() as db:
            db["_migrations"].create({"name": str, "applied_at": float}, pk="name", if_not_exists=True)
            done = {row["name"] for row in db["_migrations"].rows}
            for name, step in MIGRATIONS:
                if name not in done:
                    step(db)
                    db["_migrations"].insert({"name": name, "applied_at": time.time()})

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """One short write transaction; BEGIN IMMEDIATE so writers queue, never deadlock."""
        db = self.db
        with self._write_lock:
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.conn.execute("ROLLBACK")
                raise
            db.conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite_utils.Database]:
        """A read transaction: every query inside sees the same committed version."""
        db = self.db
        db.conn.execute("BEGIN")
        try:
            yield db
        finally:
            db.conn.execute("COMMIT")

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        rows = list(self.db.query("select value from meta where key = ?", [key]))
        return rows[0]["value"] if rows else default

    def close(self) -> None:
        with self._connections_lock:
            for conn in self._connections:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._connections.clear()
        self._local = threading.local()


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
