"""planbot as a library: ingest plans, answer questions, browse. The CLI and the bot call this."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from corpus.model import DocumentError, Plan
from index.records import ClauseRecord, PlanInfo, clause_records
from index.search import (Answer, CorpusStats, Hit, Weights, corpus_stats, dense_candidates,
                          normalize_question, rank)
from index.store import Store, dumps
from index.vectors import LoadedIndex, VectorFiles, make_index
from nlp.agencies import canonical_agency, find_agencies
from nlp.fold import fold
from nlp.segment import segment
from planbot.settings import Settings

Progress = Callable[[str, float], None]
BUNDLED_DIR = Path(__file__).resolve().parent.parent / "corpus" / "plans"
EMBED_BATCH = 16


@dataclass
class IngestReport:
    number: str
    title: str
    clauses: int
    agencies: int
    deadlines: int
    seconds: float
    changed: bool
    source_name: str = ""


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def passage_text(clause) -> str:
    """What the encoder reads for a clause: its words and the footnotes it cites."""
    return " ".join([clause.text, *clause.footnotes])


def keyword_texts(plan: Plan, clause, title_words: str = "") -> tuple[str, str, str]:
    """Folded text, accented text and heading for the keyword index (all lower-case).

    Words, word-segmented compounds, footnotes and agencies; the section title
    goes in a column of its own that weighs more (a paragraph under "1. Mục tiêu"
    is the plan's goal even if it never says so). The header and signature clauses also carry their plan's metadata in words a
    person would ask with ("ban hành", "người ký"), so "who signed" finds them.
    """
    parts = [clause.text, clause.words, *clause.footnotes, *clause.lead]
    if clause.kind == "header":
        parts += [f"kế hoạch số {plan.number} ban hành ngày {plan.date or ''} {plan.issuer}"]
    if clause.kind == "signature":
        parts += [f"người ký ban hành kế hoạch {plan.number}: {plan.signer}"]
    accented = " ".join(p for p in parts if p).lower()
    title = f"{clause.section_title} {title_words}".lower().strip()
    return fold(accented), accented, f"{fold(title)} {title}" if title else ""


def _noop(stage: str, fraction: float) -> None:
    return None


class Planbot:
    """The whole product behind one object; safe to share between threads."""

    def __init__(self, settings: Settings, embedder=None, weights: Weights | None = None):
        self.settings = settings
        # One question is one small search: a second OpenMP thread only waits for
        # a core (bench/scale.py measured 4-7x slower searches with 2 on 2 cores).
        faiss.omp_set_num_threads(1)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(settings.db_path)
        self.vector_files = VectorFiles(settings.vectors_dir)
        self.weights = weights or Weights()
        self._embedder = embedder
        self._embedder_lock = threading.Lock()
        self._index: LoadedIndex | None = None
        self._stats: tuple[int, CorpusStats] | None = None
        self._state_lock = threading.Lock()
        with self.store.write():  # under the write lock: no build is under way
            self.vector_files.clean(keep=self._current_version())
            for leftover in settings.documents_dir.glob(".*.tmp"):
                leftover.unlink(missing_ok=True)

    @classmethod
    def open(cls, settings: Settings, embedder=None) -> "Planbot":
        return cls(settings, embedder)

    def close(self) -> None:
        self.store.close()

    # -- the encoder, loaded on first need: browsing never pays for it -------
    @property
    def embedder(self):
        with self._embedder_lock:
            if self._embedder is None:
                from index.model import SentenceTransformerEmbedder, ensure_model
                path = ensure_model(self.settings.models_dir, self.settings.embed_model)
                self._embedder = SentenceTransformerEmbedder(path)
            return self._embedder

    # -- ingest ----------------------------------------------------------------
    def ensure_bundled(self, progress: Progress | None = None) -> list[IngestReport]:
        """Ingest the bundled plans when nothing is indexed yet; make vectors current."""
        reports = []
        if not self.plans():
            for path in sorted(BUNDLED_DIR.glob("*.txt")):
                reports.append(self.ingest(path, progress))
        return reports

    def ingest(self, path: Path | str, progress: Progress | None = None,
               original_name: str | None = None) -> IngestReport:
        """Load, parse, extract, embed and index one file; raises DocumentError."""
        from corpus.build_plan import build_plan
        from corpus.load import load

        progress = progress or _noop
        started = time.perf_counter()
        path = Path(path)
        name = original_name or path.name
        progress("load", 0.0)
        document = load(path, self.settings.max_document_bytes)
        same = list(self.store.db.query("select number, title from plans where sha256 = ?",
                                        [document.sha256]))
        if same:
            return self._report(same[0]["number"], time.perf_counter() - started, False, name)
        progress("parse", 0.1)
        plan = build_plan(document)
        if plan.number == path.stem:  # no number in the text: name it after the file as sent,
            plan.number = Path(name).stem  # not the bot's temporary or the stored copy's name
        if not plan.clauses:
            raise DocumentError(name, "no text to index was found in it")
        plan.source_name = name
        plan.sha256 = document.sha256
        texts = [passage_text(c) for c in plan.clauses]
        self._embed_missing(texts, lambda f: progress("embed", 0.2 + 0.7 * f))
        progress("index", 0.9)
        self._replace_plan(plan, texts, path, document.kind)
        progress("done", 1.0)
        return self._report(plan.number, time.perf_counter() - started, True, name)

    def _report(self, number: str, seconds: float, changed: bool, name: str) -> IngestReport:
        db = self.store.db
        plan = next(iter(db.query("select id, title from plans where number = ?", [number])))
        counts = next(iter(db.query(
            "select count(*) as clauses, "
            "(select count(distinct a.agency) from agencies a join clauses c2 on c2.id = a.clause_id "
            " where c2.plan_id = :p) as agencies, "
            "(select count(*) from deadlines d join clauses c3 on c3.id = d.clause_id "
            " where c3.plan_id = :p) as deadlines "
            "from clauses where plan_id = :p", {"p": plan["id"]})))
        return IngestReport(number, plan["title"], counts["clauses"], counts["agencies"],
                            counts["deadlines"], round(seconds, 2), changed, name)

    def _store_document(self, path: Path, sha256: str, kind: str) -> Path:
        # Stored under its content hash: the sender's file name never becomes a path.
        target = self.settings.documents_dir / f"{sha256}.{kind}"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)
        return target

    def _embed_missing(self, texts: list[str], progress: Callable[[float], None]) -> None:
        """Embed only texts whose hash has no vector for this model yet."""
        model = self.embedder.name
        hashes = [content_hash(t) for t in texts]
        known = set()
        for start in range(0, len(hashes), 500):
            chunk = hashes[start:start + 500]
            marks = ",".join("?" * len(chunk))
            known |= {row["content_hash"] for row in self.store.db.query(
                f"select content_hash from embeddings where model = ? and content_hash in ({marks})",
                [model, *chunk])}
        todo = list({h: t for h, t in zip(hashes, texts) if h not in known}.items())
        for start in range(0, len(todo), EMBED_BATCH):
            batch = todo[start:start + EMBED_BATCH]
            vectors = self.embedder.embed_batch([t for _, t in batch], "document")
            with self.store.write() as db:
                db["embeddings"].insert_all(
                    ({"content_hash": h, "model": model,
                      "vector": np.asarray(v, dtype=np.float32).tobytes()}
                     for (h, _), v in zip(batch, vectors)), replace=True)
            progress((start + len(batch)) / len(todo))
        if not todo:
            progress(1.0)

    def _replace_plan(self, plan: Plan, texts: list[str], source: Path, kind: str) -> None:
        titles = {c.section_title: segment(c.section_title)[1] if c.section_title else ""
                  for c in plan.clauses}
        with self.store.write() as db:
            # Copied under the write lock, so a starting process's cleanup of
            # half-copied files never races this copy.
            stored = self._store_document(source, plan.sha256, kind)
            replaced = self._delete_plan(db, plan.number)
            plan_id = db["plans"].insert({
                "number": plan.number, "title": plan.title, "issuer": plan.issuer,
                "date": plan.date, "place": plan.place, "signer": plan.signer,
                "source_name": plan.source_name, "sha256": plan.sha256, "kind": kind,
                "stored_path": str(stored), "ingested_at": time.time()}).last_pk
            for order, (clause, text) in enumerate(zip(plan.clauses, texts)):
                clause_id = db["clauses"].insert({
                    "plan_id": plan_id, "ord": order, "section": clause.section,
                    "section_title": clause.section_title, "kind": clause.kind,
                    "text": clause.text, "words": clause.words, "page": clause.page,
                    "lead": dumps(clause.lead), "partners": dumps(clause.partners),
                    "footnotes": dumps(clause.footnotes), "content_hash": content_hash(text),
                    **dict(zip(("search_text", "accented_text", "heading_text"),
                               keyword_texts(plan, clause, titles[clause.section_title])))}).last_pk
                db["sentences"].insert_all(
                    {"clause_id": clause_id, "ord": i, "text": s}
                    for i, s in enumerate(clause.sentences))
                db["agencies"].insert_all(
                    [{"clause_id": clause_id, "agency": a, "role": "lead"} for a in clause.lead]
                    + [{"clause_id": clause_id, "agency": a, "role": "partner"}
                       for a in clause.partners], ignore=True)
                if clause.deadline:
                    db["deadlines"].insert({"clause_id": clause_id, **clause.deadline.as_json()})
            self._build_vectors(db)
        self._clean_vectors()
        self._forget_document(replaced)

    @staticmethod
    def _delete_plan(db, number: str) -> Path | None:
        """Delete a plan's rows; returns its stored document, to remove once committed."""
        rows = list(db.query("select id, stored_path from plans where number = ?", [number]))
        if not rows:
            return None
        plan_id, stored = rows[0]["id"], rows[0]["stored_path"]
        sub = "select id from clauses where plan_id = ?"
        for table in ("sentences", "agencies", "deadlines"):
            db.execute(f"delete from {table} where clause_id in ({sub})", [plan_id])
        db.execute("delete from clauses where plan_id = ?", [plan_id])
        db.execute("delete from plans where id = ?", [plan_id])
        return Path(stored or "")

    def _forget_document(self, stored: Path | None) -> None:
        """Delete a removed plan's stored copy unless another plan still uses it."""
        if not stored or not stored.name:
            return
        # This data dir's copy, by name: stored_path is absolute, so in a data dir that was
        # copied or moved it names the original's file, and a replace there deleted the
        # original's document (found by tests/test_crash_safety.py, which copies data dirs).
        stored = self.settings.documents_dir / stored.name
        in_use = any(Path(row["stored_path"] or "").name == stored.name
                     for row in self.store.db.query("select stored_path from plans"))
        if not in_use:
            stored.unlink(missing_ok=True)

    def _current_version(self) -> int | None:
        value = self.store.get_meta("vector_version")
        return int(value) if value else None

    def _model_name(self) -> str | None:
        # Removing a plan rebuilds from cached vectors: no need to load the encoder.
        if self._embedder is not None:
            return self._embedder.name
        return self.store.get_meta("embed_model")

    def _build_vectors(self, db) -> int:
        """Inside the caller's write transaction: write the next version, then point at it."""
        model = self._model_name() or self.embedder.name
        rows = list(db.query(
            "select c.id, e.vector from clauses c join embeddings e "
            "on e.content_hash = c.content_hash and e.model = ? order by c.id", [model]))
        dim = len(rows[0]["vector"]) // 4 if rows else self.embedder.dim
        ids = np.array([r["id"] for r in rows], dtype=np.int64)
        vectors = (np.frombuffer(b"".join(r["vector"] for r in rows), dtype=np.float32)
                   .reshape(-1, dim) if rows else np.zeros((0, dim), dtype=np.float32))
        version = (self._current_version() or 0) + 1
        self.vector_files.write(version, make_index(ids, vectors, dim))
        db["meta"].upsert_all([{"key": "vector_version", "value": str(version)},
                               {"key": "embed_model", "value": model}], pk="key")
        return version

    def _clean_vectors(self) -> None:
        with self.store.write():
            self.vector_files.clean(keep=self._current_version())

    def _ensure_vectors_current(self) -> None:
        """Rebuild vectors when the model changed or the index file is missing."""
        version = self._current_version()
        fresh = (version is not None and self.vector_files.path(version).exists()
                 and self.store.get_meta("embed_model") == self.embedder.name)
        if fresh:
            return
        texts = [passage_text(record) for record in clause_records(self.store.db)]
        self._embed_missing(texts, lambda fraction: None)
        with self.store.write() as db:
            self._build_vectors(db)
        self._clean_vectors()

    def reindex(self, progress: Progress | None = None) -> int:
        """Re-read every stored document; unchanged clause text keeps its vector."""
        progress = progress or _noop
        rows = list(self.store.db.query("select number, stored_path, source_name from plans"))
        for i, row in enumerate(rows):
            progress(f"reindex {row['number']}", i / max(len(rows), 1))
            # By name under this data dir: the stored path is absolute and the data
            # dir may have been moved or restored from a copy since.
            path = self.settings.documents_dir / Path(row["stored_path"] or "").name
            if not path.is_file():
                continue
            with self.store.write() as db:
                sha = db.execute("select sha256 from plans where number = ?",
                                 [row["number"]]).fetchone()[0]
                db.execute("update plans set sha256 = '' where number = ?", [row["number"]])
            try:
                self.ingest(path, original_name=row["source_name"])
            except DocumentError:
                with self.store.write() as db:  # keep the indexed version as it was
                    db.execute("update plans set sha256 = ? where number = ?", [sha, row["number"]])
                raise
        with self.store.write() as db:
            self._build_vectors(db)
        self._clean_vectors()
        progress("done", 1.0)
        return len(self.clauses())

    def remove(self, number: str) -> bool:
        """Remove a plan by its number (as written, or case/accent-insensitively)."""
        wanted = fold(number).replace(" ", "")
        for info in self.plans():
            if fold(info.number).replace(" ", "") == wanted:
                with self.store.write() as db:
                    stored = self._delete_plan(db, info.number)
                    self._build_vectors(db)
                self._clean_vectors()
                self._forget_document(stored)
                return True
        return False

    # -- questions -------------------------------------------------------------
    def _corpus(self) -> tuple[LoadedIndex | None, CorpusStats]:
        """The current vector version and its statistics, reloaded when it moves on."""
        for _ in range(3):
            version = self._current_version()
            with self._state_lock:
                if self._stats and self._stats[0] == version:
                    return self._index, self._stats[1]
                try:
                    index = self.vector_files.load(version) if version else None
                except (FileNotFoundError, RuntimeError):
                    continue  # a writer switched versions under us: read the pointer again
                rows = list(self.store.db.query(
                    "select c.id, c.text, c.lead, c.partners, "
                    "c.search_text || ' ' || c.accented_text || ' ' || c.heading_text as keywords, "
                    "exists(select 1 from deadlines d where d.clause_id = c.id) as has_deadline "
                    "from clauses c"))
                stats = corpus_stats(rows)
                self._index, self._stats = index, (version, stats)
                return index, stats
        raise RuntimeError("the vector index keeps changing; try again")

    def ask(self, question: str, k: int = 5, signals: str = "hybrid") -> Answer:
        """Answer a question: ranked clauses with quotes, or a decline with suggestions."""
        if self._stats is None:  # first question: vectors must be of this model and present
            self._ensure_vectors_current()
        for _ in range(3):
            # The pointer, its index and statistics, and the ranked rows are read in one
            # snapshot. Read apart, an ingest committing in between gave answers that mixed
            # the old vectors with the new clauses (tests/test_crash_safety.py's reader).
            with self.store.read() as db:
                try:
                    index, stats = self._corpus()
                except RuntimeError:  # this snapshot's file was already cleaned: take a newer one
                    continue
                normalized = normalize_question(question, stats)
                if not normalized.text:
                    return Answer("", False, [], "empty question")
                dense = [] if signals == "lexical" else dense_candidates(
                    index, self.embedder, normalized, 100)
                return rank(db, normalized, dense, stats, self.weights, k, signals)
        raise RuntimeError("the vector index keeps changing; try again")

    def search(self, query: str, k: int = 5) -> list[Hit]:
        return self.ask(query, k).hits

    # -- browsing --------------------------------------------------------------
    def plans(self) -> list[PlanInfo]:
        rows = self.store.db.query(
            "select p.id, p.number, p.date, p.title, p.issuer, p.signer, p.source_name, "
            "count(c.id) as clauses from plans p left join clauses c on c.plan_id = p.id "
            "group by p.id order by p.date desc, p.id")
        return [PlanInfo(**row) for row in rows]

    def clauses(self, plan: str | None = None) -> list[ClauseRecord]:
        if plan is None:
            return clause_records(self.store.db)
        return clause_records(self.store.db, "p.number = ?", [plan])

    def clause(self, clause_id: int) -> ClauseRecord | None:
        found = clause_records(self.store.db, "c.id = ?", [clause_id])
        return found[0] if found else None

    def agencies(self) -> list[tuple[str, int]]:
        rows = self.store.db.query(
            "select agency, count(distinct clause_id) as n from agencies group by agency "
            "order by n desc, agency")
        return [(row["agency"], row["n"]) for row in rows]

    def resolve_agency(self, name: str) -> str | None:
        """The indexed agency a user means, in any accent, case or abbreviation."""
        indexed = {fold(a): a for a, _ in self.agencies()}
        for candidate in [canonical_agency(name), *find_agencies(name), name]:
            if candidate and fold(candidate) in indexed:
                return indexed[fold(candidate)]
        return None

    def agency_tasks(self, name: str) -> tuple[str | None, list[ClauseRecord], list[ClauseRecord]]:
        agency = self.resolve_agency(name)
        if agency is None:
            return None, [], []
        sub = "c.id in (select clause_id from agencies where agency = ? and role = ?)"
        db = self.store.db
        return (agency, clause_records(db, sub, [agency, "lead"]),
                clause_records(db, sub, [agency, "partner"]))

    def deadlines(self, days: int = 30, agency: str | None = None,
                  today: dt.date | None = None) -> tuple[list[ClauseRecord], list[ClauseRecord]]:
        """Clauses overdue and due within `days`, by due date; optionally one agency's."""
        today = today or dt.date.today()
        horizon = (today + dt.timedelta(days=days)).isoformat()
        where, params = "d.due is not null and d.due <= ?", [horizon]
        if agency:
            resolved = self.resolve_agency(agency)
            if resolved is None:
                return [], []
            where += " and c.id in (select clause_id from agencies where agency = ?)"
            params.append(resolved)
        records = clause_records(self.store.db, where, params, order="d.due, c.id")
        overdue = [r for r in records if r.deadline.due < today.isoformat()]
        upcoming = [r for r in records if r.deadline.due >= today.isoformat()]
        return overdue, upcoming

    # -- the bot's records -------------------------------------------------------
    def log_question(self, user_id: int, chat_id: int, question: str, answer: Answer) -> int:
        top = answer.hits[0] if answer.hits else None
        with self.store.write() as db:
            return db["questions"].insert({
                "ts": time.time(), "user_id": user_id, "chat_id": chat_id, "question": question,
                "answered": int(answer.answered), "top_clause_id": top.clause.id if top else None,
                "score": top.score if top else None}).last_pk

    def record_feedback(self, question_id: int, user_id: int, value: int) -> None:
        with self.store.write() as db:
            db["feedback"].upsert({"question_id": question_id, "user_id": user_id,
                                   "value": 1 if value > 0 else -1, "ts": time.time()},
                                  pk=("question_id", "user_id"))

    def stats(self, days: int = 7) -> dict:
        db = self.store.db
        since = time.time() - days * 86400
        per_day = [(r["day"], r["n"]) for r in db.query(
            "select date(ts, 'unixepoch') as day, count(*) as n from questions where ts >= ? "
            "group by day order by day", [since])]
        declined = [(dt.datetime.fromtimestamp(r["ts"]).isoformat(timespec="minutes"),
                     r["question"]) for r in db.query(
            "select ts, question from questions where answered = 0 order by ts desc limit 20")]
        feedback = {"up": 0, "down": 0}
        for r in db.query("select value, count(*) as n from feedback group by value"):
            feedback["up" if r["value"] > 0 else "down"] = r["n"]
        return {"per_day": per_day, "declined": declined, "feedback": feedback}

    def subscribe(self, chat_id: int, agency: str) -> str | None:
        resolved = self.resolve_agency(agency)
        if resolved:
            with self.store.write() as db:
                db["subscriptions"].upsert({"chat_id": chat_id, "agency": resolved},
                                           pk=("chat_id", "agency"))
        return resolved

    def unsubscribe(self, chat_id: int, agency: str | None = None) -> int:
        with self.store.write() as db:
            if agency is None:
                cursor = db.execute("delete from subscriptions where chat_id = ?", [chat_id])
            else:
                resolved = self.resolve_agency(agency) or agency
                cursor = db.execute("delete from subscriptions where chat_id = ? and agency = ?",
                                    [chat_id, resolved])
            return cursor.rowcount

    def subscriptions(self) -> list[tuple[int, str]]:
        return [(r["chat_id"], r["agency"]) for r in
                self.store.db.query("select chat_id, agency from subscriptions order by chat_id")]
