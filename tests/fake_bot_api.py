"""The bot tests' helpers: the fake Bot API server (bench/fake_bot_api.py, shared with
bench/load.py), a scriptable FakeLibrary, and the users, chats and calls the tests share."""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from typing import Any

from bench.fake_bot_api import TOKEN, FakeBotApi, buttons, parse_html, running  # noqa: F401 - re-exported

# --- FakeLibrary: a scriptable stand-in for planbot.library.Planbot ------------------
# For behaviour the real library cannot be made to show on demand: an ingest that
# waits for the test, an ask that fails, exact progress stages. Same method names and
# record types as the real one; every end-to-end path is also tested on the real one.


def _library_types():
    """Answer, Hit, IngestReport: the fake hands back the real library's record types."""
    from index.search import Answer, Hit
    from planbot.library import IngestReport

    return Answer, Hit, IngestReport


class FakeLibrary:
    def __init__(self) -> None:
        from index.records import ClauseRecord
        from nlp.deadlines import Deadline

        def clause(id_, section, text, lead, partners=(), deadline=None, footnotes=()):
            sentences = [s.strip() + "." for s in text.split(".") if s.strip()]
            return ClauseRecord(
                id_,
                "629/KH-UBND",
                "2019-02-14",
                section,
                "Nhiệm vụ cụ thể",
                text,
                sentences,
                list(lead),
                list(partners),
                deadline,
                3,
                list(footnotes),
            )

        self.clauses = [
            clause(
                1,
                "II.2.a",
                "Sở Xây dựng tiếp tục đẩy mạnh cải cách quy trình, thủ tục hành chính về cấp phép xây dựng, "
                "rút ngắn thời gian cấp phép còn dưới 63 ngày làm việc. Ứng dụng công nghệ thông tin trong cấp phép.",
                ["Sở Xây dựng"],
                deadline=Deadline("dưới 63 ngày làm việc", "duration"),
            ),
            clause(
                2,
                "II.2.b",
                "Sở Tài nguyên và Môi trường chủ trì, phối hợp Sở Xây dựng giảm thời gian đăng ký đất đai.",
                ["Sở Tài nguyên và Môi trường"],
                ["Sở Xây dựng"],
                Deadline("trước ngày 30/6/2019", "date", "2019-06-30"),
            ),
            clause(
                3,
                "II.1",
                "Sở Kế hoạch và Đầu tư tham mưu Bộ chỉ số năng lực cạnh tranh cấp sở, ngành, địa phương.",
                ["Sở Kế hoạch và Đầu tư"],
                deadline=Deadline("trong quý II/2019", "quarter", "2019-06-30"),
                footnotes=["(1) DDCI: chỉ số năng lực cạnh tranh cấp sở, ngành, địa phương."],
            ),
            clause(
                4,
                "III",
                "Sở Kế hoạch và Đầu tư tổng hợp kết quả, báo cáo UBND tỉnh trước ngày 15/12/2019.",
                ["Sở Kế hoạch và Đầu tư"],
                deadline=Deadline("trước ngày 15/12/2019", "date", "2019-12-15"),
            ),
        ]
        self.plan_list = [
            ("629/KH-UBND", "2019-02-14", "Triển khai thực hiện Nghị quyết số 02/NQ-CP năm 2019")
        ]
        self.questions: list[tuple[int, int, str, bool]] = []
        self.feedback: dict[tuple[int, int], int] = {}
        self.reasons: dict[tuple[int, int], str] = {}
        self.subs: set[tuple[int, str]] = set()
        self.ingested: dict[str, str] = {}  # sha256 → plan number
        self.closed = False
        self.model_ready = True  # a test sets False to see the "đang chuẩn bị" note
        self.fail_ask: Exception | None = None
        self.ingest_gate: threading.Event | None = None  # set by a test to hold ingest
        self.ingest_started = threading.Event()
        self.ingest_step = 0.0  # seconds between progress reports
        self.ingest_calls: list[tuple[Any, str | None]] = []  # (path, original_name)

    def close(self) -> None:
        self.closed = True

    def ensure_bundled(self):
        return []

    def _score(self, question: str, clause) -> int:
        from nlp.fold import fold

        words = {w for w in fold(question).replace("?", " ").replace(",", " ").split() if len(w) > 1}
        return sum(w in fold(clause.text).split() for w in words)

    def ask(self, question: str, k: int = 5, signals: str = "hybrid", previous=None):
        Answer, Hit, _ = _library_types()
        if self.fail_ask is not None:
            raise self.fail_ask
        ranked = sorted(self.clauses, key=lambda c: -self._score(question, c))
        hits = [Hit(c, c.sentences[0], float(self._score(question, c))) for c in ranked[:k]]
        answered = bool(hits) and hits[0].score >= 3
        return Answer(question, answered, hits if answered else hits[:3])

    def log_question(self, user_id, chat_id, question, answer) -> int:
        self.questions.append((user_id, chat_id, question, answer.answered))
        return len(self.questions)

    def record_feedback(self, question_id, user_id, value, reason=None) -> None:
        self.feedback[(question_id, user_id)] = value
        if reason is not None:
            self.reasons[(question_id, user_id)] = reason

    def plans(self):
        from index.records import PlanInfo

        return [
            PlanInfo(i + 1, n, d, t, sum(c.plan == n for c in self.clauses))
            for i, (n, d, t) in enumerate(self.plan_list)
        ]

    def clause(self, clause_id):
        return next((c for c in self.clauses if c.id == clause_id), None)

    def agencies(self):
        counts: dict[str, int] = {}
        for c in self.clauses:
            for a in {*c.lead, *c.partners}:
                counts[a] = counts.get(a, 0) + 1
        return sorted(counts.items(), key=lambda x: (-x[1], x[0]))

    def _resolve(self, name):
        from nlp.fold import fold

        short = {"kh": "ke hoach", "dt": "dau tu", "xd": "xay dung", "tn": "tai nguyen", "mt": "moi truong"}
        wanted = " ".join(short.get(w, w) for w in fold(name).split()).split()
        for agency, _ in self.agencies():
            if all(w in fold(agency).split() for w in wanted):
                return agency
        return None

    def resolve_agency(self, name):
        return self._resolve(name)

    def agency_tasks(self, name):
        agency = self._resolve(name)
        if agency is None:
            return None, [], []
        return (
            agency,
            [c for c in self.clauses if agency in c.lead],
            [c for c in self.clauses if agency in c.partners],
        )

    def deadlines(self, days=30, agency=None, today=None):
        import datetime as dt

        today = today or dt.date.today()
        resolved = self._resolve(agency) if agency else None
        if agency and resolved is None:
            return [], []
        horizon = (today + dt.timedelta(days=days)).isoformat()
        due = sorted(
            (
                c
                for c in self.clauses
                if c.deadline
                and c.deadline.due
                and c.deadline.due <= horizon
                and (resolved is None or resolved in c.lead + c.partners)
            ),
            key=lambda c: (c.deadline.due, c.id),
        )
        return [c for c in due if c.deadline.due < today.isoformat()], [
            c for c in due if c.deadline.due >= today.isoformat()
        ]

    def schedule(self, agency=None):
        from planbot.agenda import tasks

        resolved = self._resolve(agency) if agency else None
        if agency and resolved is None:
            return []
        mine = [c for c in self.clauses if resolved is None or resolved in c.lead + c.partners]
        return tasks(mine, self.plans())

    def agency_and_groups(self, name):
        resolved = self._resolve(name)
        return [resolved] if resolved else []

    def subscribe(self, chat_id, agency):
        resolved = self._resolve(agency)
        if resolved:
            self.subs.add((chat_id, resolved))
        return resolved

    def unsubscribe(self, chat_id, agency=None):
        gone = {s for s in self.subs if s[0] == chat_id and (agency is None or s[1] == self._resolve(agency))}
        self.subs -= gone
        return len(gone)

    def subscriptions(self):
        return sorted(self.subs)

    def ingest(self, path, progress=None, original_name=None):
        import hashlib
        import re
        from pathlib import Path

        from corpus.model import DocumentError

        IngestReport = _library_types()[2]
        self.ingest_calls.append((Path(path), original_name))
        self.ingest_started.set()
        progress = progress or (lambda stage, fraction: None)
        data = Path(path).read_bytes()
        if not data.strip():
            raise DocumentError("no_text", original_name or path)
        sha = hashlib.sha256(data).hexdigest()
        match = re.search(r"Số:\s*(\S+)", data.decode("utf-8", "replace"))
        number = match.group(1) if match else Path(original_name or path).stem
        if sha in self.ingested:
            return IngestReport(number, "", 1, 1, 0, 0.01, False)
        for stage, fraction in [
            ("load", 0.0),
            ("parse", 0.1),
            ("embed", 0.2),
            ("embed", 0.5),
            ("embed", 0.9),
            ("index", 0.9),
            ("done", 1.0),
        ]:
            progress(stage, fraction)
            time.sleep(self.ingest_step)
            if self.ingest_gate is not None and stage == "parse":
                assert self.ingest_gate.wait(30), "the test never released the ingest"
        self.ingested[sha] = number
        self.plan_list.append((number, None, "Kế hoạch thử"))
        return IngestReport(number, "Kế hoạch thử", 1, 1, 0, 0.5, True)

    def remove(self, number):
        before = len(self.plan_list)
        self.plan_list = [p for p in self.plan_list if p[0] != number]
        return len(self.plan_list) < before

    def warm_up(self) -> float:
        return 0.0

    def reindex(self, progress=None):
        if progress:
            progress("reindex 629/KH-UBND", 0.0)
            progress("done", 1.0)
        return len(self.clauses)

    def stats(self, days=7):
        return {
            "per_day": [("2024-05-01", len(self.questions))],
            "declined": [("2024-05-01T08:00", q) for _, _, q, ok in self.questions if not ok][-20:],
            "feedback": {
                "up": sum(v > 0 for v in self.feedback.values()),
                "down": sum(v < 0 for v in self.feedback.values()),
            },
            "disliked": [
                {
                    "ts": "2024-05-01T08:00",
                    "question": self.questions[q - 1][2],
                    "answered": self.questions[q - 1][3],
                    "answer": self.clauses[0],
                    "reason": self.reasons.get((q, u)),
                }
                for (q, u), v in self.feedback.items()
                if v < 0
            ],
        }


# --- helpers shared by the bot test modules ------------------------------------------

ADMIN = FakeBotApi.user(1001, "Quản trị")
ALICE = FakeBotApi.user(2002, "An")
BOB = FakeBotApi.user(3003, "Bình")
GROUP = FakeBotApi.group_chat()


def async_test(fn):
    """Run an async test function in a fresh event loop (no pytest plugin needed)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(asyncio.wait_for(fn(*args, **kwargs), 120))

    return wrapper


def serve():
    """Body of each test module's `api` fixture: a fresh fake Bot API, and at the end
    the check that no call the bot made was refused (bad HTML, too long, …)."""
    with FakeBotApi() as server:
        yield server
        refused = server.errors()
        assert not refused, f"the Bot API refused: {refused}"


def bot_settings(server: FakeBotApi, data_dir, **changes):
    from tests.conftest import make_settings

    return make_settings(
        data_dir,
        telegram_token=server.token,
        admin_ids=frozenset({ADMIN["id"]}),
        telegram_base_url=server.base_url,
        telegram_base_file_url=server.base_file_url,
        **changes,
    )


def start_bot(server: FakeBotApi, library, data_dir, **changes):
    """The real Application from bot.app, pointed at the fake; use as `async with`."""
    from bot.app import build_application

    return running(build_application(bot_settings(server, data_dir, **changes), library))


async def ask(
    server: FakeBotApi, text: str, user: dict = ALICE, chat: dict | None = None, reply_to: dict | None = None
):
    """Send `text` and wait for the bot's reply; returns (the user's message, the reply)."""
    chat = chat or FakeBotApi.private_chat(user["id"])
    since = server.mark()
    sent = server.send_text(text, user, chat, reply_to)
    call = await server.wait_reply(chat["id"], since)
    return sent, server.sent_message(call)
