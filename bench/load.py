"""Load: the running bot answering many users at once, with and without an admin's ingest.

    .venv/bin/python bench/load.py [--users 50] [--questions 20] [--think 0.5 2] [--seed 0] [--dump FILE] [--write]

The real Application (bot.app.build_application) polls the fake Bot API of
bench/fake_bot_api.py over HTTP on 127.0.0.1, on the real library and model. The
data directory is prepared once (bundled plan ingested) and cloned for every phase,
so each phase starts from the same store and the uploaded plan is never in the
embedding cache before its ingest.

Load: every user is a private chat of its own; all users run at once, each sends its
next question when the answer to the previous one has arrived plus a think time drawn
uniformly from --think (seconds; users also start at a random offset in that range).
Questions are drawn without replacement, per user, from the `q` values of
../shared/eval/dev_questions.jsonl, with the same seed in every phase. The per-user
rate limit is raised (questions_per_minute = 1000) so that it refuses nothing.

Per question: from the update being available to getUpdates (right after the push)
until the fake server receives the bot's sendMessage answering it (the answer card
quotes the question, so replies are matched by chat and question text). A question
is failed when an error or rate-limit reply comes instead, lost when nothing comes
within --timeout. After each phase every chat must hold exactly one bot message per
question, the server must have refused no call and nothing may be logged at ERROR.

Runs, in this order, in one process:
  1. ingest alone: the admin uploads the plan (DOCX, another province, dozens of
     clauses, text never embedded before) to an idle bot;
  2. A1: the load, no ingest;
  3. B: the same load; the admin uploads the same plan at the start of the run; the
     ingest's start and end are recorded inside the library; at the end, questions
     about the new plan are asked through the bot and must cite it;
  4. A2: the load again, no ingest (A = A1 + A2, so the machine's drift over the
     minutes weighs on both sides of B ÷ A);
  5. ingest alone again (the ratio uses the mean of the two).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import io
import json
import logging
import math
import os
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.fake_bot_api import FakeBotApi, parse_html, running  # noqa: E402
from bench.synthetic import EVAL  # noqa: E402 - ../shared/eval, from a worktree too
from planbot.library import Planbot  # noqa: E402
from planbot.settings import Settings  # noqa: E402

TYPING_AFTER = Settings.typing_after_seconds
QUESTIONS = EVAL / "dev_questions.jsonl"
MODEL_CACHE = Path(os.environ.get("PLANBOT_MODEL_CACHE") or REPO / ".cache" / "models")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ADMIN = FakeBotApi.user(1001, "Quản trị")
FIRST_USER_ID = 100_000
QUESTIONS_PER_MINUTE = 1000
ERROR_REPLY = "đã có lỗi xảy ra"  # bot.handlers.SOMETHING_WRONG
LIMIT_REPLY = "Bạn hỏi hơi nhanh"  # the per-user rate limit's reply

# --- the uploaded plan --------------------------------------------------------------

PLAN_NUMBER = "118/KH-UBND"
AGENCIES = [
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Khoa học và Công nghệ",
    "Sở Công Thương",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở Thông tin và Truyền thông",
    "Sở Tài nguyên và Môi trường",
    "Sở Lao động - Thương binh và Xã hội",
]
TOPICS = [
    (
        "xây dựng vùng trồng sâm Ngọc Linh đạt chuẩn VietGAP",
        "tại các xã vùng núi huyện Sơn Tây và Nam Trà My",
    ),
    (
        "lắp đặt hệ thống tưới nhỏ giọt tự động cho vườn cà phê",
        "có cảm biến độ ẩm đất và điều khiển qua điện thoại",
    ),
    ("cấp mã số vùng trồng cho cây ăn quả xuất khẩu", "gồm sầu riêng, bưởi da xanh và thanh long ruột đỏ"),
    ("xây dựng sàn giao dịch điện tử nông sản của tỉnh", "kết nối hợp tác xã với các chuỗi siêu thị lớn"),
    ("đào tạo nghề chăn nuôi bò thịt chất lượng cao", "cho lao động nông thôn và người dân tộc thiểu số"),
    ("hỗ trợ lãi suất vốn vay đầu tư nhà màng, nhà lưới", "cho doanh nghiệp và hợp tác xã nông nghiệp"),
    (
        "ứng dụng truy xuất nguồn gốc bằng mã QR cho sản phẩm OCOP",
        "trên toàn bộ sản phẩm đạt từ 3 sao trở lên",
    ),
    ("quan trắc chất lượng nước nuôi tôm trên cát ven biển", "tại Bình Sơn, Đức Phổ và Mộ Đức"),
    ("chuyển đổi diện tích lúa kém hiệu quả sang trồng rau an toàn", "với quy mô tối thiểu 500 ha"),
    (
        "thu hút dự án chế biến sâu nông sản vào khu công nghiệp Dung Quất",
        "ưu tiên công nghệ tiết kiệm năng lượng",
    ),
]
STEPS = [
    "khảo sát, lập danh mục",
    "ban hành hướng dẫn kỹ thuật",
    "triển khai thí điểm",
    "tổng kết, nhân rộng mô hình",
]
DEADLINES = [
    "trước ngày 30/6/2024",
    "trong quý III/2024",
    "trước ngày 31/12/2024",
    "trong năm 2025",
    "trước ngày 15/9/2024",
]
# asked through the bot after run B: each must be answered from the new plan
NEW_PLAN_QUESTIONS = [
    "Ai chủ trì cấp mã số vùng trồng cho sầu riêng, bưởi da xanh xuất khẩu?",
    "Quan trắc chất lượng nước nuôi tôm trên cát ven biển do cơ quan nào thực hiện?",
    "Hệ thống tưới nhỏ giọt tự động cho vườn cà phê hoàn thành khi nào?",
]


def plan_lines(topics: int = len(TOPICS), variant: str = "") -> list[str]:
    """A plan of Quảng Ngãi province: `topics` sections of four tasks each (4·topics + 3 clauses).

    `variant` goes into every task's text, so two variants share no embedding.
    """
    lines = [
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {PLAN_NUMBER}",
        "Quảng Ngãi, ngày 20 tháng 3 năm 2024",
        "KẾ HOẠCH",
        "Phát triển nông nghiệp ứng dụng công nghệ cao tỉnh Quảng Ngãi giai đoạn 2024 - 2025",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Nâng cao giá trị gia tăng của nông sản, tăng thu nhập cho nông dân vùng trung du và miền núi tỉnh Quảng Ngãi.",
        "II. NHIỆM VỤ CỤ THỂ",
    ]
    for s, (topic, detail) in enumerate(TOPICS[:topics]):
        lines.append(f"{s + 1}. Về {topic}")
        for j, letter in enumerate("abcd"):
            lead, partner = AGENCIES[(s + j) % len(AGENCIES)], AGENCIES[(s + j + 3) % len(AGENCIES)]
            deadline = DEADLINES[(s * 4 + j) % len(DEADLINES)]
            lines.append(
                f"{letter}) {lead} chủ trì, phối hợp {partner} {STEPS[j]} về {topic} {detail}{variant}; "
                f"Ủy ban nhân dân các huyện bố trí quỹ đất và nhân lực, hoàn thành {deadline}."
            )
    lines += [
        "III. TỔ CHỨC THỰC HIỆN",
        "Sở Nông nghiệp và Phát triển nông thôn tổng hợp, báo cáo kết quả về Ủy ban nhân dân tỉnh trước ngày 15/12/2024.",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    ]
    return lines


def plan_docx(topics: int = len(TOPICS), variant: str = "") -> bytes:
    from docx import Document

    document = Document()
    for line in plan_lines(topics, variant):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- the library, instrumented ------------------------------------------------------------


class TimedPlanbot(Planbot):
    """The real library, recording when ingests run, how many asks run at once, and how
    long each write transaction waited for the write lock and held it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ingests: list[tuple[float, float]] = []  # (start, end), time.monotonic()
        self.asks_in_flight = 0
        self.max_asks_in_flight = 0
        self.writes: list[
            tuple[float, float]
        ] = []  # (seconds waiting for the lock, seconds held incl. commit)
        self._count_lock = threading.Lock()
        store_write = self.store.write

        @contextlib.contextmanager
        def timed_write():
            asked = time.monotonic()
            got = None
            try:
                with store_write() as db:
                    got = time.monotonic()
                    yield db
            finally:
                if got is not None:
                    self.writes.append((got - asked, time.monotonic() - got))

        self.store.write = timed_write

    def ingest(self, *args, **kwargs):
        started = time.monotonic()
        try:
            return super().ingest(*args, **kwargs)
        finally:
            self.ingests.append((started, time.monotonic()))

    def ask(self, *args, **kwargs):
        with self._count_lock:
            self.asks_in_flight += 1
            self.max_asks_in_flight = max(self.max_asks_in_flight, self.asks_in_flight)
        try:
            return super().ask(*args, **kwargs)
        finally:
            with self._count_lock:
                self.asks_in_flight -= 1


def data_settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, model_cache=MODEL_CACHE)


def prepare_base(data_dir: Path, embedder=None) -> Planbot:
    """A data directory with the bundled plan ingested (the library is returned open)."""
    library = Planbot.open(data_settings(data_dir), embedder)
    library.ensure_bundled()
    return library


def clone(library: Planbot, data_dir: Path) -> TimedPlanbot:
    """A new library on a copy of `library`'s data (SQLite online backup + vector files),
    sharing its loaded encoder."""
    source = library.settings
    data_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(data_dir / source.db_path.name)) as target:
        library.store.db.conn.backup(target)
    for sub in (source.vectors_dir, source.documents_dir):
        if sub.exists():
            shutil.copytree(sub, data_dir / sub.name, dirs_exist_ok=True)
    return TimedPlanbot(data_settings(data_dir), embedder=library.embedder)


# --- the fake Bot API, with a mailbox per chat ------------------------------------------


class LoadApi(FakeBotApi):
    """bench/fake_bot_api.FakeBotApi, handing every message the bot sends or edits to the
    waiting coroutine of its chat as it arrives (no polling of the call list)."""

    def __init__(self) -> None:
        super().__init__()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._inboxes: dict[int, asyncio.Queue] = {}

    def open_inboxes(self, chat_ids) -> None:
        self._loop = asyncio.get_running_loop()
        self._inboxes = {chat_id: asyncio.Queue() for chat_id in chat_ids}

    def inbox(self, chat_id: int) -> asyncio.Queue:
        return self._inboxes[chat_id]

    def _record(self, call) -> None:
        super()._record(call)
        if call.method in ("sendMessage", "editMessageText", "sendChatAction") and self._loop is not None:
            inbox = self._inboxes.get(call.params.get("chat_id"))
            if inbox is not None:
                self._loop.call_soon_threadsafe(inbox.put_nowait, call)

    def updates_in_order(self) -> bool:
        """getUpdates handed every update out, first time seen, in increasing id order."""
        seen: list[int] = []
        done: set[int] = set()
        for call in self.calls_of("getUpdates"):
            for update_id in call.params.get("_returned", []):
                if update_id not in done:
                    done.add(update_id)
                    seen.append(update_id)
        return seen == sorted(seen) and len(seen) == len(done)


# --- one phase ------------------------------------------------------------------------


@dataclass
class Asked:
    user_id: int
    question: str
    pushed: float
    replied: float | None = None
    handling: float | None = None  # when the handler started, from its "typing" action (slow answers only)
    status: str = "lost"  # ok | failed | lost
    declined: bool = False
    reply: str = ""

    @property
    def seconds(self) -> float:
        assert self.replied is not None
        return self.replied - self.pushed


@dataclass
class Phase:
    name: str
    asked: list[Asked] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0
    cpu_seconds: float = 0.0  # this process's CPU time from the first question to the last answer
    ingest: tuple[float, float] | None = None  # inside the library
    upload_to_summary: float | None = None  # upload pushed → summary edit received
    ingest_report_seconds: float | None = None  # the summary's "Thời gian"
    ingest_clauses: int | None = None
    extra_messages: int = 0  # bot messages to user chats beyond one per question
    refused_calls: list = field(default_factory=list)
    error_logs: list[str] = field(default_factory=list)
    updates_in_order: bool = True
    max_asks_in_flight: int = 0
    batch_median: float = 0  # questions per batch the query encoder formed
    batch_max: int = 0
    writes: list[tuple[float, float]] = field(default_factory=list)
    concurrent_updates: int = 0
    max_chat_requests_per_s: int = 0
    new_plan_answers: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def ok(self) -> list[Asked]:
        return [a for a in self.asked if a.status == "ok"]

    def count(self, status: str) -> int:
        return sum(a.status == status for a in self.asked)


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = f"{record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            text += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
        self.records.append(text)


def bot_settings(api: FakeBotApi, data_dir: Path, api_rate: float = Settings.bot_api_rate) -> Settings:
    return data_settings(data_dir).with_(
        bot_api_rate=api_rate,
        telegram_token=api.token,
        admin_ids=frozenset({ADMIN["id"]}),
        telegram_base_url=api.base_url,
        telegram_base_file_url=api.base_file_url,
        questions_per_minute=QUESTIONS_PER_MINUTE,
    )


def visible(call) -> str:
    return parse_html(call.params.get("text") or "")[0]


def answers(call, question: str) -> bool:
    """The bot's answer card and decline both open with the question they answer."""
    return visible(call).startswith(f"❓ {question}"[:250])


async def user_session(
    api: LoadApi,
    asked: list[Asked],
    user_id: int,
    questions: list[str],
    rng: random.Random,
    think: tuple[float, float],
    timeout: float,
) -> None:
    user = FakeBotApi.user(user_id)
    inbox = api.inbox(user_id)
    await asyncio.sleep(rng.uniform(*think))
    for question in questions:
        api.send_text(question, user)
        item = Asked(user_id, question, time.monotonic())
        asked.append(item)
        end = item.pushed + timeout
        while item.status == "lost":
            try:
                call = await asyncio.wait_for(inbox.get(), max(0.0, end - time.monotonic()))
            except TimeoutError:
                break
            if (
                call.method == "sendChatAction"
                and item.handling is None
                and call.at >= item.pushed + TYPING_AFTER
            ):
                # sent once the handler had worked typing_after_seconds: it started that much before.
                # One sooner is the previous question's, sent as its answer went out (never cancelled).
                item.handling = call.at - TYPING_AFTER
            if call.method != "sendMessage":
                continue
            if answers(call, question) and call.ok:
                item.status, item.replied = "ok", call.at
                item.declined = "🤔" in visible(call)
            elif ERROR_REPLY in visible(call) or LIMIT_REPLY in visible(call) or not call.ok:
                item.status, item.replied, item.reply = "failed", call.at, visible(call)[:200]
            # anything else is a late reply to an earlier question; counted after the phase
        await asyncio.sleep(rng.uniform(*think))


async def admin_upload(api: LoadApi, phase: Phase, content: bytes, timeout: float) -> None:
    """The admin sends the plan; wait for the summary the bot edits into its status message."""
    inbox = api.inbox(ADMIN["id"])
    pushed = time.monotonic()
    api.send_document("Kế hoạch 118 (Quảng Ngãi).docx", content, ADMIN, mime_type=DOCX)
    end = pushed + timeout
    while True:
        call = await asyncio.wait_for(inbox.get(), max(0.0, end - time.monotonic()))
        text = visible(call)
        if call.method == "editMessageText" and (
            "Đã nạp kế hoạch" in text or "❌" in text or "không thay đổi" in text
        ):
            break
    if "Đã nạp kế hoạch" not in text:
        raise RuntimeError(f"the upload was not ingested: {text}")
    phase.upload_to_summary = call.at - pushed
    seconds = re.search(r"Thời gian: ([\d,]+) giây", text)
    clauses = re.search(r"Điều khoản: (\d+)", text)
    phase.ingest_report_seconds = float(seconds.group(1).replace(",", ".")) if seconds else None
    phase.ingest_clauses = int(clauses.group(1)) if clauses else None


async def ask_once(api: LoadApi, user_id: int, question: str, timeout: float) -> str:
    inbox = api.inbox(user_id)
    api.send_text(question, FakeBotApi.user(user_id))
    end = time.monotonic() + timeout
    while True:
        call = await asyncio.wait_for(inbox.get(), max(0.0, end - time.monotonic()))
        if call.method == "sendMessage" and (
            answers(call, question) or not call.ok or ERROR_REPLY in visible(call)
        ):
            return visible(call)


def max_requests_per_second(api: FakeBotApi, since: float) -> int:
    """Most chat-bound Bot API requests (what the bot's rate limiter meters) in any 1-s window."""
    times = sorted(c.at for c in api.calls if c.at >= since and "chat_id" in c.params)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] > 1.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


async def run_phase(
    name: str,
    base: Planbot,
    data_dir: Path,
    *,
    users: int = 0,
    per_user: int = 0,
    questions: list[str] = (),
    upload: bytes | None = None,
    seed: int = 0,
    think: tuple[float, float] = (0.5, 2.0),
    timeout: float = 60.0,
    new_plan_questions: list[str] = (),
    api_rate: float = Settings.bot_api_rate,
) -> Phase:
    """Start the bot on a clone of `base`; run the users' questions and/or the admin's upload."""
    from bot.app import build_application

    phase = Phase(name)
    library = await asyncio.to_thread(clone, base, data_dir)
    # warm: corpus statistics and index loaded, model run once, as in a bot that has been up a while
    for question in questions[:3] or ["Sở Xây dựng có nhiệm vụ gì?"]:
        await asyncio.to_thread(library.ask, question)
    library.max_asks_in_flight = 0
    library.writes.clear()
    library.searcher.batcher.batches = []
    user_ids = [FIRST_USER_ID + i for i in range(users)]
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    try:
        with LoadApi() as api:
            application = build_application(bot_settings(api, data_dir, api_rate), library)
            phase.concurrent_updates = application.update_processor.max_concurrent_updates
            api.open_inboxes([ADMIN["id"], *user_ids])
            async with running(application):
                rngs = [random.Random(f"{seed}:{uid}") for uid in user_ids]
                plans = [
                    rng.sample(questions, per_user)
                    if per_user <= len(questions)
                    else [rng.choice(questions) for _ in range(per_user)]
                    for rng in rngs
                ]
                phase.started, cpu = time.monotonic(), time.process_time()
                tasks = []
                if upload is not None:
                    tasks.append(admin_upload(api, phase, upload, timeout=max(timeout, 600.0)))
                tasks += [
                    user_session(api, phase.asked, uid, plan, rng, think, timeout)
                    for uid, plan, rng in zip(user_ids, plans, rngs)
                ]
                await asyncio.gather(*tasks)
                phase.ended, phase.cpu_seconds = time.monotonic(), time.process_time() - cpu
                await api.settle(quiet=0.5)
                if new_plan_questions:
                    for question in new_plan_questions:
                        text = await ask_once(
                            api, user_ids[0] if user_ids else ADMIN["id"], question, timeout
                        )
                        phase.new_plan_answers.append((question, PLAN_NUMBER in text))
            await_ids = set(user_ids)
            per_chat: dict[int, int] = {}
            for call in api.calls_of("sendMessage"):
                if call.params.get("chat_id") in await_ids:
                    per_chat[call.params["chat_id"]] = per_chat.get(call.params["chat_id"], 0) + 1
            expected = {uid: per_user for uid in user_ids}
            if user_ids:  # the first user also asked about the new plan
                expected[user_ids[0]] += len(new_plan_questions)
            phase.extra_messages = sum(max(0, per_chat.get(uid, 0) - expected[uid]) for uid in user_ids)
            phase.refused_calls = api.errors()
            phase.updates_in_order = api.updates_in_order()
            phase.max_chat_requests_per_s = max_requests_per_second(api, phase.started)
    finally:
        logging.getLogger().removeHandler(errors)
    phase.error_logs = errors.records
    phase.max_asks_in_flight = library.max_asks_in_flight
    batches = library.searcher.batcher.batches
    phase.batch_median = statistics.median(batches) if batches else 0
    phase.batch_max = max(batches, default=0)
    phase.writes = list(library.writes)
    if library.ingests:
        phase.ingest = library.ingests[-1]
    return phase


# --- the report -----------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else float("nan")


def latency(phase: Phase | list[Phase], within: tuple[float, float] | None = None) -> dict[str, float]:
    """Answer times (ms) of the answered questions; `within`: only those waiting in that span."""
    items = [a for p in (phase if isinstance(phase, list) else [phase]) for a in p.ok]
    if within is not None:
        items = [a for a in items if a.pushed < within[1] and a.replied > within[0]]
    ms = [a.seconds * 1000 for a in items]
    return {
        "n": len(ms),
        "p50": percentile(ms, 0.5),
        "p95": percentile(ms, 0.95),
        "max": max(ms, default=float("nan")),
    }


def throughput(phase: Phase) -> float:
    ok = phase.ok
    if not ok:
        return 0.0
    return len(ok) / (max(a.replied for a in ok) - phase.started)


def problems(phase: Phase) -> list[str]:
    """Everything that makes a phase fail: failed, lost or extra answers, refusals, ERROR logs."""
    out = []
    for status in ("failed", "lost"):
        bad = [a for a in phase.asked if a.status == status]
        if bad:
            out.append(f"{phase.name}: {len(bad)} {status}, e.g. {bad[0]}")
    if phase.extra_messages:
        out.append(f"{phase.name}: {phase.extra_messages} bot messages beyond one per question")
    if phase.refused_calls:
        out.append(f"{phase.name}: the Bot API refused {phase.refused_calls[:5]}")
    if phase.error_logs:
        out.append(f"{phase.name}: {len(phase.error_logs)} ERROR log records, e.g. {phase.error_logs[:3]}")
    if not phase.updates_in_order:
        out.append(f"{phase.name}: getUpdates handed updates out of order")
    missing = [q for q, ok in phase.new_plan_answers if not ok]
    if missing:
        out.append(f"{phase.name}: the new plan does not answer {missing}")
    return out


def _ms(x: float) -> str:
    return "–" if math.isnan(x) else f"{x:,.0f}"


def _ratio(b: float, a: float) -> str:
    return f"**{b / a:.2f}×**" if a and not math.isnan(a) and not math.isnan(b) else "–"


def _median_ms(values) -> str:
    values = [v for v in values if v is not None]
    return _ms(statistics.median(values) * 1000) if values else "–"


def _row(label: str, phases: list[Phase]) -> str:
    asked = [a for p in phases for a in p.asked]
    ok = [a for p in phases for a in p.ok]
    lat = latency(phases)
    rate = statistics.mean(throughput(p) for p in phases)
    cpu = sum(p.cpu_seconds for p in phases) / max(1, len(ok))
    return (
        f"| {label} | {len(asked)} | {sum(a.status == 'failed' for a in asked)} | {sum(a.status == 'lost' for a in asked)} "
        f"| {sum(a.declined for a in ok)} | {_ms(lat['p50'])} | {_ms(lat['p95'])} | {_ms(lat['max'])} "
        f"| {_median_ms(a.handling - a.pushed for a in ok if a.handling)} "
        f"| {_median_ms(a.replied - a.handling for a in ok if a.handling)} | {rate:.1f} | {cpu * 1000:.0f} |"
    )


def timeline(phases: dict[str, Phase], step: float) -> list[str]:
    """Answers/s and median answer time per window of the run, by when the answer came."""
    names = list(phases)
    end = max(max((a.replied - p.started for a in p.ok), default=0.0) for p in phases.values())
    lines = [
        "| seconds into the run | " + " | ".join(f"{n}: answers/s, p50 ms" for n in names) + " |",
        "| --- |" + " ---: |" * len(names),
    ]
    for i in range(math.ceil(end / step)):
        lo, hi = i * step, (i + 1) * step
        cells = []
        for p in phases.values():
            ms = [a.seconds * 1000 for a in p.ok if lo <= a.replied - p.started < hi]
            cells.append(f"{len(ms) / step:.1f}, {_ms(percentile(ms, 0.5))}" if ms else "–")
        label = f"{lo:.0f}–{hi:.0f}"
        b = phases.get("B")
        if b is not None and b.ingest and lo < b.ingest[1] - b.started and hi > b.ingest[0] - b.started:
            label += " (ingest in B)"
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def encode_floor(library: Planbot, questions: list[str], batch: int = 32, rounds: int = 3) -> dict:
    """What the encoder alone sustains: the questions in batches of 32 on one thread (the
    query worker's setting), best of a few rounds, as questions/s and CPU ms per question."""
    from index.batching import use_threads

    use_threads(library.settings.encode_threads)
    embedder = library.embedder
    embedder.embed_batch(questions[:batch], "query")  # warm
    best = None
    for _ in range(rounds):
        wall, cpu = time.monotonic(), time.process_time()
        for start in range(0, len(questions), batch):
            embedder.embed_batch(questions[start : start + batch], "query")
        wall, cpu = time.monotonic() - wall, time.process_time() - cpu
        if best is None or wall < best[0]:
            best = (wall, cpu)
    return {"per_s": len(questions) / best[0], "cpu_ms": best[1] / len(questions) * 1000}


def _metered(rate: float) -> str:
    if rate > 0:
        return f"`AIORateLimiter` at {rate:g} Bot API requests/s"
    return "no rate limiter: `--api-rate 0`, the bot's own capacity, above what Telegram allows a bot"


def render(args, phases: dict[str, Phase], minutes: float) -> str:
    a1, b, a2 = phases["A1"], phases["B"], phases["A2"]
    alone = [phases["alone-1"], phases["alone-2"]]
    la, lb = latency([a1, a2]), latency(b)
    rel = lambda t: t - b.started  # noqa: E731
    start, end = b.ingest
    during = latency(b, b.ingest)
    alone_lib = [p.ingest[1] - p.ingest[0] for p in alone]
    alone_bot = [p.upload_to_summary for p in alone]
    lib_b, bot_b = end - start, b.upload_to_summary
    last_b = max(x.replied for x in b.ok)
    rate_a = statistics.mean([throughput(a1), throughput(a2)])
    cpu_a = (a1.cpu_seconds + a2.cpu_seconds) / max(1, len(a1.ok) + len(a2.ok))
    cpu_b = b.cpu_seconds / max(1, len(b.ok))
    yes = lambda flag: "yes" if flag else "NO"  # noqa: E731
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Run {stamp} ({minutes:.0f} min) with `{args.command}` (`bench/load.py`). "
        f"{args.users} users (private chats) × {args.questions} questions each, drawn without replacement per user "
        f"from the {args.pool} `q` values of `../shared/eval/dev_questions.jsonl` (seed {args.seed}; the same draws in every run). "
        f"All users run at once; each sends its next question when the previous answer has arrived plus a think time "
        f"uniform in {args.think[0]:g}–{args.think[1]:g} s (and starts at such an offset) — a closed loop that keeps the bot saturated. "
        f"Real library and model (bundled plan ingested once, its data cloned for each run); the Application from "
        f"`bot.app.build_application` (`concurrent_updates` = {a1.concurrent_updates}, {_metered(args.api_rate)}) long-polls "
        f"`bench/fake_bot_api.py` on 127.0.0.1; `questions_per_minute` is raised to {QUESTIONS_PER_MINUTE} for the benchmark "
        "so the per-user limit refuses none of them.",
        "",
        "Runs, in this order, in one process: ingest alone → A1 (no ingest) → B (an admin uploads a plan at the start "
        "of the run) → A2 (no ingest) → ingest alone. A is A1 and A2 pooled, so drift of this shared, busy 2-core "
        "machine over the minutes weighs on both sides of B ÷ A; compare ratios within this run, not absolute times across runs.",
        "",
        "Answer time: from the question's update being available to getUpdates to the fake server receiving the bot's "
        "sendMessage that answers it; for answers slower than the typing delay (Settings.typing_after_seconds), "
        'split where the handler started (its "typing" action\'s arrival less that delay) into waiting (getUpdates, the '
        "`concurrent_updates` slots, the rate limiter) and handling (the library in a worker thread, logging, the reply). "
        f"Failed = an error or rate-limit reply instead; lost = no answer within {args.timeout:g} s. "
        "CPU = this process's CPU time over the run ÷ answers.",
        "",
        "| run | questions | failed | lost | declined | p50 ms | p95 ms | max ms | waiting p50 ms | handling p50 ms | answers/s | CPU ms/answer |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        _row("A1: no ingest", [a1]),
        _row("A2: no ingest", [a2]),
        _row("**A** = A1 + A2", [a1, a2]),
        _row("**B**: admin uploads a plan", [b]),
        f"| **B ÷ A** | | | | | {_ratio(lb['p50'], la['p50'])} | {_ratio(lb['p95'], la['p95'])} "
        f"| {_ratio(lb['max'], la['max'])} | | | {_ratio(throughput(b), rate_a)} | {_ratio(cpu_b, cpu_a)} |",
        "",
        f"**Against the batched-encode floor** (measured in this run before the load: the {args.pool} questions "
        f"encoded in batches of 32 on one thread, best of 3): {args.floor['per_s']:.1f} questions/s, "
        f"{args.floor['cpu_ms']:.0f} ms CPU each. A answered {rate_a:.1f}/s = "
        f"{rate_a / args.floor['per_s']:.2f}× the floor (target ≥ 0.6×), at {cpu_a * 1000:.0f} ms CPU per answer "
        f"= {cpu_a * 1000 / args.floor['cpu_ms']:.2f}× the floor's; p95 answer {_ms(la['p95'])} ms with "
        f"{args.users} users. Batches the query encoder formed in A2 (median, max): "
        f"{a2.batch_median}, {a2.batch_max}.",
        "",
        f"Answers in B whose wait overlapped the ingest ({during['n']}): p50 {_ms(during['p50'])} ms, "
        f"p95 {_ms(during['p95'])} ms, max {_ms(during['max'])} ms — {_ratio(during['p50'], la['p50'])} / "
        f"{_ratio(during['p95'], la['p95'])} / {_ratio(during['max'], la['max'])} of A's.",
        "",
        f"**Ingest** of the uploaded DOCX ({PLAN_NUMBER}, Quảng Ngãi, {b.ingest_clauses} clauses, none embedded before):",
        "",
        "| measure | alone, before A1 / after A2 | under load (B) | under load ÷ alone (mean of the two) |",
        "| --- | ---: | ---: | ---: |",
        f"| `Planbot.ingest` s | {alone_lib[0]:.1f} / {alone_lib[-1]:.1f} | {lib_b:.1f} | {_ratio(lib_b, statistics.mean(alone_lib))} |",
        f"| upload → summary in the admin's chat s | {alone_bot[0]:.1f} / {alone_bot[-1]:.1f} | {bot_b:.1f} "
        f"| {_ratio(bot_b, statistics.mean(alone_bot))} |",
        "",
        f"In B the ingest ran from +{rel(start):.1f} s to +{rel(end):.1f} s of the run; the last answer came at "
        f"+{rel(last_b):.1f} s, so the ingest completed during the run: {yes(end < last_b)}. After B, questions about the "
        f"new plan asked through the bot cite {PLAN_NUMBER}: {sum(ok for _, ok in b.new_plan_answers)}/{len(b.new_plan_answers)}.",
        "",
        "Checks (A1 / B / A2): every chat got exactly one bot message per question: "
        + " / ".join(yes(not p.extra_messages) for p in (a1, b, a2))
        + "; Bot API calls refused: "
        + " / ".join(str(len(p.refused_calls)) for p in (a1, b, a2))
        + '; ERROR log records ("database is locked" would be one): '
        + " / ".join(str(len(p.error_logs)) for p in (a1, b, a2))
        + "; getUpdates handed updates out in order: "
        + " / ".join(yes(p.updates_in_order) for p in (a1, b, a2))
        + "; most `Planbot.ask` calls running at once: "
        + " / ".join(str(p.max_asks_in_flight) for p in (a1, b, a2))
        + " — updates are handled concurrently, one `planbot-answer` thread per update slot "
        f"({a1.concurrent_updates}, Settings.answer_slots); "
        "most chat-bound Bot API requests (what `AIORateLimiter` meters, 30/s on average) in any 1-s window: "
        + " / ".join(str(p.max_chat_requests_per_s) for p in (a1, b, a2))
        + ".",
        "",
        "SQLite (WAL; one writer at a time through `Store.write`, BEGIN IMMEDIATE): write transactions, their longest "
        "hold of the write lock (commit included) and longest wait for it, ms (A1 / B / A2): "
        + " / ".join(
            f"{len(p.writes)}, {_ms(max((h for _, h in p.writes), default=0) * 1000)}, "
            f"{_ms(max((w for w, _ in p.writes), default=0) * 1000)}"
            for p in (a1, b, a2)
        )
        + f"; the ingest alone: {len(alone[0].writes)} transactions, longest held "
        f"{_ms(max((h for _, h in alone[0].writes), default=0) * 1000)} ms.",
        "",
        f"Timeline (by when the answer arrived, {args.step:g}-s windows):",
        "",
        *timeline({"A1": a1, "B": b, "A2": a2}, args.step),
    ]
    return "\n".join(lines)


def dump(path: Path, phases: dict[str, Phase]) -> None:
    """Every question of every run, as JSON lines, times relative to the run's start."""
    with open(path, "w", encoding="utf-8") as out:
        for phase in phases.values():
            rel = lambda t: None if t is None else round(t - phase.started, 4)  # noqa: E731
            out.write(
                json.dumps(
                    {
                        "phase": phase.name,
                        "ingest": [rel(t) for t in phase.ingest or ()],
                        "cpu_seconds": phase.cpu_seconds,
                    }
                )
                + "\n"
            )
            for a in phase.asked:
                out.write(
                    json.dumps(
                        {
                            "phase": phase.name,
                            "user": a.user_id,
                            "q": a.question,
                            "status": a.status,
                            "pushed": rel(a.pushed),
                            "handling": rel(a.handling),
                            "replied": rel(a.replied),
                            "declined": a.declined,
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )


async def bench(args) -> tuple[str, list[str]]:
    questions = [
        json.loads(line)["q"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    args.pool = len(questions)
    content = plan_docx()
    root = Path(tempfile.mkdtemp(prefix="planbot-load-"))
    started = time.monotonic()
    try:
        print("preparing the data directory (bundled plan, real model)…", flush=True)
        base = await asyncio.to_thread(prepare_base, root / "base")
        # parse once outside the runs: the segmenter's first load is not the ingest's cost
        from corpus.build_plan import build_plan
        from corpus.load import load

        warm = root / "warm.docx"
        warm.write_bytes(content)
        await asyncio.to_thread(lambda: build_plan(load(warm)))
        args.floor = await asyncio.to_thread(encode_floor, base, questions)
        common = dict(seed=args.seed, think=tuple(args.think), timeout=args.timeout, api_rate=args.api_rate)
        load_ = dict(users=args.users, per_user=args.questions, questions=questions)
        phases: dict[str, Phase] = {}
        for name, kwargs in (
            ("alone-1", dict(upload=content)),
            ("A1", load_),
            ("B", dict(load_, upload=content, new_plan_questions=NEW_PLAN_QUESTIONS)),
            ("A2", load_),
            ("alone-2", dict(upload=content)),
        ):
            print(f"run {name}…", flush=True)
            t = time.monotonic()
            phases[name] = await run_phase(name, base, root / name, **common, **kwargs)
            print(
                f"  done in {time.monotonic() - t:.0f} s; problems: {problems(phases[name]) or 'none'}",
                flush=True,
            )
        base.close()
        if args.dump:
            dump(args.dump, phases)
        body = render(args, phases, (time.monotonic() - started) / 60)
        return body, [p for phase in phases.values() for p in problems(phase)]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=20, help="questions per user")
    parser.add_argument("--think", type=float, nargs=2, default=[0.5, 2.0], metavar=("MIN", "MAX"))
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds before a question counts as lost"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--api-rate",
        type=float,
        default=Settings.bot_api_rate,
        help="Bot API requests a second the bot allows itself (Settings.bot_api_rate); 0 = unmetered",
    )
    parser.add_argument("--step", type=float, default=10.0, help="seconds per row of the timeline")
    parser.add_argument("--dump", type=Path, help="write every question's times to this JSON-lines file")
    parser.add_argument("--write", action="store_true", help="write the section into docs/benchmarks.md")
    args = parser.parse_args()
    args.command = " ".join([".venv/bin/python bench/load.py", *sys.argv[1:]])
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    body, bad = asyncio.run(bench(args))
    print(body)
    if bad:
        print("\nPROBLEMS:\n" + "\n".join(bad), file=sys.stderr)
    if args.write:
        from bench.report import write_section

        write_section("Load (bot under ingest)", body)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
