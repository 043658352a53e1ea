"""Admin-only actions: loading a plan from a document, removing one, reindexing, statistics.

Each handler checks settings.admin_ids itself, so a forged button or a command typed
by someone else is refused before anything is downloaded or changed.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import cards, html_split
from bot.access import requires
from bot.handling import (
    STALE,
    command_text,
    edit_html,
    library,
    reply_html,
    run,
    send_html,
    settings,
)
from bot.refusals import vietnamese_reason
from corpus.errors import MB, DocumentError, Stage
from corpus.ocr import CONFIDENCE_FLOOR as OCR_FLOOR

if TYPE_CHECKING:
    from planbot.library import IngestReport

logger = logging.getLogger(__name__)

UPLOAD_KINDS = {".pdf", ".docx", ".txt"}
REMOVAL_TTL = 600  # seconds a "Xóa" or "Thay thế" button stays valid
CB_REPLACE = re.compile(r"^r:([A-Za-z0-9_-]{6,16})$")  # pending replacement token
CB_KEEP_OLD = re.compile(r"^rx:([A-Za-z0-9_-]{6,16})$")
DOWNLOAD_TIMEOUT = 120  # 20 MB on a slow link


def ingest_summary(report: "IngestReport", file_name: str) -> str:
    """What was loaded from an upload, or that the same file came again."""
    if not report.changed:
        return f"ℹ️ Tệp <b>{cards.esc(file_name)}</b>: kế hoạch <b>{cards.esc(report.number)}</b> không thay đổi (đã nạp trước đó)."
    done = "♻️ Đã thay thế" if report.replaced else "✅ Đã nạp"
    old = report.replaced
    replaced = (
        [
            f"Bản cũ: tệp <b>{cards.esc(old['source_name'])}</b>, {old['clauses']} điều khoản · "
            f"bản mới: {report.clauses} điều khoản"
        ]
        if old
        else []
    )
    lines = [
        f"{done} kế hoạch <b>{cards.esc(report.number)}</b> từ tệp <b>{cards.esc(file_name)}</b>",
        *replaced,
        cards.esc(cards.shorten(report.title, 300)),
        f"Điều khoản: {report.clauses} · Cơ quan: {report.agencies} · Hạn chót: {report.deadlines}",
        f"Thời gian: {report.seconds:.1f} giây".replace(".", ","),
    ]
    if report.ocr_pages:
        lines.append(
            f"📷 Bản quét, đọc bằng nhận dạng chữ (OCR): {report.ocr_pages} trang, "
            f"độ tin cậy trung bình {report.ocr_confidence:.0f}%, "
            f"đã sửa {report.ocr_corrections} từ nhận dạng sai"
        )
    if report.unreadable_pages:
        pages = ", ".join(map(str, report.unreadable_pages))
        lines.append(
            f"⚠️ Không đọc được trang {pages} (độ tin cậy dưới {OCR_FLOOR:.0f}%), "
            "đã bỏ qua; hãy gửi bản quét rõ hơn nếu cần các trang này."
        )
    if report.citation:
        lines.insert(2, f"Trích dẫn: {cards.esc(report.citation)}")
    lines += [f"⚠️ {cards.esc(warning.text('vi'))}" for warning in report.warnings]
    return "\n".join(lines)


STAGES = {
    Stage.LOAD: "Đang đọc tệp",
    Stage.OCR: "Đang nhận dạng chữ (OCR) trang",
    Stage.PARSE: "Đang tách điều khoản",
    Stage.EMBED: "Đang lập chỉ mục",
    Stage.INDEX: "Đang lưu chỉ mục",
    Stage.REINDEX: "Đang lập chỉ mục lại",
    Stage.DONE: "Hoàn tất",
}


def progress_text(title: str, stage: Stage | str, fraction: float) -> str:
    """A progress line; a stage may carry detail after its name ("reindex 629/KH-UBND")."""
    word, _, detail = str(stage).partition(" ")
    known = word in Stage._value2member_map_
    label = (STAGES[Stage(word)] if known else cards.esc(word)) + (f" {cards.esc(detail)}" if detail else "")
    fraction = max(0.0, min(1.0, fraction))
    filled = round(fraction * 10)
    return f"⏳ <b>{cards.esc(title)}</b>\n{label}… {'▰' * filled}{'▱' * (10 - filled)} {fraction:.0%}"


def stats_text(stats: dict, days: int = 7) -> str:
    """Questions per day, feedback counts, the latest questions the bot could not answer."""
    per_day = stats.get("per_day") or []
    feedback = stats.get("feedback") or {}
    lines = [f"📊 <b>Thống kê {days} ngày</b>", "", "<b>Câu hỏi mỗi ngày:</b>"]
    lines += [f"• {cards.esc(cards.format_date(day))}: {count}" for day, count in per_day] or ["• (chưa có)"]
    lines += ["", f"<b>Góp ý:</b> 👍 {feedback.get('up', 0)} · 👎 {feedback.get('down', 0)}"]
    declined = stats.get("declined") or []
    lines += ["", f"<b>Câu hỏi chưa trả lời được</b> ({len(declined)} gần nhất):"]
    lines += [f"• {cards.esc(str(ts)[:16])}: {cards.esc(cards.shorten(q, 200))}" for ts, q in declined] or [
        "• (không có)"
    ]
    disliked = stats.get("disliked") or []
    lines += ["", f"<b>Câu trả lời bị 👎</b> ({len(disliked)} gần nhất):"]
    lines += [disliked_line(item) for item in disliked] or ["• (không có)"]
    lines += ["", "<i>Giờ Việt Nam (UTC+7).</i>"]
    return "\n".join(lines)


def disliked_line(item: dict) -> str:
    """• when: the question → the answer it got (plan, section, text) · why, if said."""
    clause = item.get("answer")
    if not item.get("answered"):
        got = "(bot đã từ chối trả lời)"
    elif clause is None:
        got = "(điều khoản đã bị gỡ)"
    else:
        got = f"{cards.esc(clause.plan)}, mục {cards.esc(clause.section or '—')}: {cards.esc(cards.shorten(clause.text, 120))}"
    reason = cards.REASON_LABELS["vi"].get(item.get("reason") or "", "")
    why = f" · <b>{cards.esc(reason.lower())}</b>" if reason else ""
    return f"• {cards.esc(str(item['ts'])[:16])}: “{cards.esc(cards.shorten(item['question'], 160))}”\n   → {got}{why}"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


class ProgressMessage:
    """One message edited as work goes on, at most once a second (Telegram flood limits).

    `report` is the library's progress callback and runs in the worker thread; it only
    hands the latest state to the event loop, where a single task does the editing.
    """

    INTERVAL = 1.0

    def __init__(self, message: Message, title: str):
        self.message = message
        self.title = title
        self._loop = asyncio.get_running_loop()
        self._latest: str | None = None
        self._shown: str | None = None
        self._last_edit = time.monotonic()
        self._wake = asyncio.Event()
        self._done = False
        self._task = asyncio.create_task(self._pump())

    def report(self, stage: Stage | str, fraction: float) -> None:
        text = progress_text(self.title, stage, float(fraction))
        self._loop.call_soon_threadsafe(self._set, text)

    def _set(self, text: str) -> None:
        self._latest = text
        self._wake.set()

    async def _pump(self) -> None:
        while not self._done:
            await self._wake.wait()
            self._wake.clear()
            if self._done:
                break
            await asyncio.sleep(max(0.0, self._last_edit + self.INTERVAL - time.monotonic()))
            if not self._done and self._latest:
                await self._edit(self._latest)

    async def _edit(self, html: str, markup: InlineKeyboardMarkup | None = None) -> None:
        if html == self._shown:
            return
        self._shown = html
        try:
            await self.message.edit_text(html_split.fit_html(html), reply_markup=markup)
        except TelegramError as exc:  # a lost progress update must not stop the ingest
            if not (isinstance(exc, BadRequest) and "not modified" in str(exc).lower()):
                logger.warning("progress edit failed: %s", exc)
        finally:
            # timed from when Telegram has the edit, so a slow request cannot bunch up two
            self._last_edit = time.monotonic()

    async def finish(self, html: str, markup: InlineKeyboardMarkup | None = None) -> None:
        self._done = True
        self._wake.set()
        await self._task
        await asyncio.sleep(max(0.0, self._last_edit + self.INTERVAL - time.monotonic()))
        await self._edit(html, markup)


@requires("admin")
async def upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document from an admin: download it, ingest it, report what was loaded."""
    message = update.effective_message
    document = message.document
    name = document.file_name or "tệp"
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_KINDS:
        await reply_html(update, f"Tệp <b>{cards.esc(name)}</b>: chỉ nhận tệp PDF, DOCX hoặc TXT.")
        return
    limit = settings(context).max_upload_bytes
    # decided on the size Telegram announces, before anything is downloaded
    if document.file_size and document.file_size > limit:
        too_large = DocumentError("too_large", name, size_mb=document.file_size / MB, limit_mb=limit / MB)
        await reply_html(update, f"Tệp <b>{cards.esc(name)}</b>: {cards.esc(vietnamese_reason(too_large))}.")
        return
    lock = context.bot_data["ingest_lock"]
    waiting = " (chờ tệp trước nạp xong)" if lock.locked() else ""
    status = await reply_html(update, f"⏳ Đang tải tệp <b>{cards.esc(name)}</b>…{waiting}")
    async with lock:  # one ingest at a time keeps progress messages honest
        # Under the data dir, not /tmp: what a killed bot leaves there is cleaned at its next start.
        # The user's file name never becomes a path; it is kept only as original_name.
        folder = settings(context).uploads_dir
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{secrets.token_hex(8)}{suffix}"
        kept = False
        try:
            file = await document.get_file()
            await file.download_to_drive(path, read_timeout=DOWNLOAD_TIMEOUT)
            if path.stat().st_size > limit:
                too_large = DocumentError(
                    "too_large", name, size_mb=path.stat().st_size / MB, limit_mb=limit / MB
                )
                await status.edit_text(
                    f"Tệp <b>{cards.esc(name)}</b>: {cards.esc(vietnamese_reason(too_large))}."
                )
                return
            progress = ProgressMessage(status, name)
            try:
                report = await run(
                    library(context).ingest, path, progress=progress.report, original_name=name
                )
            except DocumentError as exc:
                if exc.code == "new_version":  # the same plan again, changed: the admin decides
                    kept = True
                    await _ask_to_replace(context, progress, exc, path, name)
                    return
                await progress.finish(_refused(name, exc))
                return
            except Exception:
                await progress.finish(_failed(name))
                raise
        finally:
            if not kept:
                path.unlink(missing_ok=True)
    await progress.finish(ingest_summary(report, name))


def _refused(name: str, exc: DocumentError) -> str:
    """The progress message's last words for a file refused for a known reason."""
    return f"❌ Không nạp được tệp <b>{cards.esc(name)}</b>: {cards.esc(vietnamese_reason(exc))}"


def _failed(name: str) -> str:
    """The progress message's last words for an unexpected failure (the traceback goes to the log)."""
    return f"❌ Lỗi khi nạp tệp <b>{cards.esc(name)}</b>. Chi tiết đã được ghi vào nhật ký."


async def _ask_to_replace(
    context, progress: "ProgressMessage", exc: DocumentError, path: Path, name: str
) -> None:
    """Keep the upload and ask, with buttons showing old and new, whether it replaces the indexed plan."""
    pending = context.bot_data["replacements"]
    now = time.monotonic()
    for old in [t for t, (_, _, at) in pending.items() if now - at > REMOVAL_TTL]:
        pending.pop(old)[0].unlink(missing_ok=True)
    token = secrets.token_urlsafe(8)
    pending[token] = (path, name, now)
    d = exc.details
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"♻️ Thay bằng bản mới ({d['new_clauses']} điều khoản)",
                    callback_data=cards.callback(f"r:{token}"),
                ),
                InlineKeyboardButton(
                    f"Giữ bản cũ ({d['old_clauses']} điều khoản)", callback_data=cards.callback(f"rx:{token}")
                ),
            ]
        ]
    )
    await progress.finish(
        f"❓ Tệp <b>{cards.esc(name)}</b> {cards.esc(vietnamese_reason(exc))}.\n"
        f"Bản cũ: tệp <b>{cards.esc(d['old_name'])}</b>, {d['old_clauses']} điều khoản · "
        f"bản mới: tệp <b>{cards.esc(name)}</b>, {d['new_clauses']} điều khoản.\nThay thế bản cũ?",
        markup,
    )


@requires("admin")
async def confirm_replace(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Thay bằng bản mới" button: ingest the kept upload over the indexed version."""
    query = update.callback_query
    pending = context.bot_data["replacements"].pop(CB_REPLACE.match(query.data).group(1), None)
    if pending is None or time.monotonic() - pending[2] > REMOVAL_TTL or not pending[0].exists():
        await query.answer(STALE)
        return
    path, name, _ = pending
    await query.answer()
    async with context.bot_data["ingest_lock"]:
        progress = ProgressMessage(query.message, name)
        try:
            report = await run(
                library(context).ingest, path, progress=progress.report, original_name=name, replace=True
            )
        except DocumentError as exc:
            await progress.finish(_refused(name, exc))
            return
        except Exception:
            await progress.finish(_failed(name))
            raise
        finally:
            path.unlink(missing_ok=True)
    await progress.finish(ingest_summary(report, name))


@requires("admin")
async def keep_old(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Giữ bản cũ" button: forget the kept upload, change nothing."""
    query = update.callback_query
    pending = context.bot_data["replacements"].pop(CB_KEEP_OLD.match(query.data).group(1), None)
    if pending is None:
        await query.answer(STALE)
        return
    pending[0].unlink(missing_ok=True)
    await query.answer()
    await edit_html(query, f"Đã giữ bản cũ; tệp <b>{cards.esc(pending[1])}</b> không được nạp.")


@requires("admin")
async def remove_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/xoa <số hiệu>: ask for confirmation before removing a plan."""
    wanted = command_text(update.effective_message)
    if not wanted:
        await reply_html(update, "Cách dùng: <code>/xoa 629/KH-UBND</code> (xem số hiệu bằng /kehoach).")
        return
    key = "".join(wanted.split()).lower()
    plans = [p for p in await run(library(context).plans) if "".join(p.number.split()).lower() == key]
    if not plans:
        await reply_html(update, f"Không có kế hoạch số hiệu <b>{cards.esc(wanted)}</b>. Xem /kehoach.")
        return
    pending = context.bot_data["removals"]
    now = time.monotonic()
    for old in [t for t, entry in pending.items() if now - entry[1] > REMOVAL_TTL]:
        del pending[old]
    if len(plans) > 1:  # other issuers' plans share the number (issue 10): one button each
        rows = []
        for plan in plans:
            token = secrets.token_urlsafe(8)
            pending[token] = (plan.number, now, plan.id)
            label = f"🗑 {cards.shorten(plan.issuer or plan.title, 40)} ({plan.date or '-'})"
            rows.append([InlineKeyboardButton(label, callback_data=cards.callback(f"d:{token}"))])
        rows.append([InlineKeyboardButton("Hủy", callback_data=cards.callback(f"dx:{token}"))])
        await reply_html(
            update,
            f"Có {len(plans)} kế hoạch số hiệu <b>{cards.esc(wanted)}</b>; xóa kế hoạch nào? "
            "Không thể hoàn tác.",
            InlineKeyboardMarkup(rows),
        )
        return
    plan = plans[0]
    token = secrets.token_urlsafe(8)
    pending[token] = (plan.number, now, None)
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("🗑 Xóa", callback_data=cards.callback(f"d:{token}")),
                InlineKeyboardButton("Hủy", callback_data=cards.callback(f"dx:{token}")),
            ]
        ]
    )
    await reply_html(
        update,
        f"Xóa kế hoạch <b>{cards.esc(plan.number)}</b> ({cards.esc(cards.shorten(plan.title, 200))}, {plan.clauses} điều khoản)? "
        "Không thể hoàn tác.",
        markup,
    )


@requires("admin")
async def confirm_removal(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Xóa" button: remove the plan named when /xoa was typed."""
    query = update.callback_query
    pending = context.bot_data["removals"].pop(cards.CB_REMOVE.match(query.data).group(1), None)
    if pending is None or time.monotonic() - pending[1] > REMOVAL_TTL:
        await query.answer(STALE)
        return
    number, _, plan_id = pending
    if plan_id is None:
        removed = await run(library(context).remove, number)
    else:
        removed = await run(library(context).remove, number, plan_id)
    await query.answer()
    text = (
        f"🗑 Đã xóa kế hoạch <b>{cards.esc(number)}</b>."
        if removed
        else f"Kế hoạch <b>{cards.esc(number)}</b> không còn trong kho."
    )
    await edit_html(query, text)


@requires("admin")
async def cancel_removal(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Hủy" button: forget the pending removal."""
    query = update.callback_query
    if context.bot_data["removals"].pop(cards.CB_KEEP.match(query.data).group(1), None) is None:
        await query.answer(STALE)
        return
    await query.answer()
    await edit_html(query, "Đã hủy, không xóa gì.")


@requires("admin")
async def reindex_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reindex: embed every clause again (after a model change)."""
    status = await reply_html(update, "⏳ Đang lập chỉ mục lại…")
    started = time.monotonic()
    async with context.bot_data["ingest_lock"]:  # not while a file is being ingested
        progress = ProgressMessage(status, "Chỉ mục")
        try:
            count = await run(library(context).reindex, progress=progress.report)
        except DocumentError as exc:  # a stored file no longer reads; the old index stays
            await progress.finish(
                f"❌ Lập chỉ mục lại dừng ở tệp <b>{cards.esc(exc.path.name)}</b>: {cards.esc(vietnamese_reason(exc))}"
            )
            return
        except Exception:
            await progress.finish("❌ Lập chỉ mục lại thất bại. Chi tiết đã được ghi vào nhật ký.")
            raise
    seconds = f"{time.monotonic() - started:.1f}".replace(".", ",")
    await progress.finish(f"✅ Đã lập chỉ mục lại {count} điều khoản trong {seconds} giây.")


@requires("admin")
async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/thongke: questions per day, recent declined questions, feedback counts."""
    stats = await run(library(context).stats, 7)
    await send_html(context.bot, update.effective_chat.id, stats_text(stats, 7))
