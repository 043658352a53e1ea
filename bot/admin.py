"""Admin-only actions: loading a plan from a document, removing one, reindexing, statistics.

Each handler checks settings.admin_ids itself, so a forged button or a command typed
by someone else is refused before anything is downloaded or changed.
"""
from __future__ import annotations

import asyncio
import logging
import re
import secrets
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import cards
from bot.handlers import (
    STALE,
    command_text,
    edit_html,
    library,
    reply_html,
    requires,
    run,
    send_html,
    settings,
)
from corpus.model import DocumentError
from corpus.ocr import CONFIDENCE_FLOOR as OCR_FLOOR

if TYPE_CHECKING:
    from planbot.library import IngestReport

logger = logging.getLogger(__name__)

UPLOAD_KINDS = {".pdf", ".docx", ".txt"}
REMOVAL_TTL = 600  # seconds a "Xóa" button stays valid
DOWNLOAD_TIMEOUT = 120  # 20 MB on a slow link


def ingest_summary(report: "IngestReport", file_name: str) -> str:
    """What was loaded from an upload, or that the same file came again."""
    if not report.changed:
        return f"ℹ️ Tệp <b>{cards.esc(file_name)}</b>: kế hoạch <b>{cards.esc(report.number)}</b> không thay đổi (đã nạp trước đó)."
    lines = [
        f"✅ Đã nạp kế hoạch <b>{cards.esc(report.number)}</b> từ tệp <b>{cards.esc(file_name)}</b>",
        cards.esc(cards.shorten(report.title, 300)),
        f"Điều khoản: {report.clauses} · Cơ quan: {report.agencies} · Hạn chót: {report.deadlines}",
        f"Thời gian: {report.seconds:.1f} giây".replace(".", ","),
    ]
    if report.ocr_pages:
        lines.append(f"📷 Bản quét, đọc bằng nhận dạng chữ (OCR): {report.ocr_pages} trang, "
                     f"độ tin cậy trung bình {report.ocr_confidence:.0f}%, "
                     f"đã sửa {report.ocr_corrections} từ nhận dạng sai")
    if report.unreadable_pages:
        pages = ", ".join(map(str, report.unreadable_pages))
        lines.append(f"⚠️ Không đọc được trang {pages} (độ tin cậy dưới {OCR_FLOOR:.0f}%), "
                     "đã bỏ qua; hãy gửi bản quét rõ hơn nếu cần các trang này.")
    if report.citation:
        lines.insert(2, f"Trích dẫn: {cards.esc(report.citation)}")
    lines += [f"⚠️ {cards.esc(warning.text('vi'))}" for warning in report.warnings]
    return "\n".join(lines)


# Why a file was refused (DocumentError.reason, English, from corpus/load.py and the
# library), said in Vietnamese; a reason not listed here is shown as it is.
_WORDS_VI = {
    "a PDF document": "văn bản PDF", "a PDF": "PDF", "text": "văn bản (TXT)",
    "a Word document (DOCX)": "văn bản Word (DOCX)", "an Excel workbook (XLSX)": "bảng tính Excel (XLSX)",
    "a PowerPoint presentation (PPTX)": "bản trình chiếu PowerPoint (PPTX)",
    "an OpenDocument file (ODT/ODS)": "tệp OpenDocument (ODT/ODS)", "an RTF document": "văn bản RTF",
    "an old Office file (.doc/.xls)": "tệp Office đời cũ (.doc/.xls)",
    "a ZIP archive": "tệp nén ZIP", "a damaged ZIP archive": "tệp nén ZIP bị hỏng",
    "a gzip archive": "tệp nén gzip", "a RAR archive": "tệp nén RAR", "a 7-Zip archive": "tệp nén 7-Zip",
    "a PNG image": "ảnh PNG", "a JPEG image": "ảnh JPEG", "a GIF image": "ảnh GIF",
    "a TIFF image": "ảnh TIFF", "a WebP image": "ảnh WebP", "a video or HEIC image": "video hoặc ảnh HEIC",
    "an audio file": "tệp âm thanh", "a media file": "tệp âm thanh hoặc video",
    "a Windows executable": "tệp chạy Windows (.exe)", "a Linux executable (ELF)": "tệp chạy Linux (ELF)",
    "a macOS or Java executable": "tệp chạy macOS hoặc Java",
    "plain text": "văn bản thuần", "unrecognised binary data": "dữ liệu nhị phân không rõ loại",
    "mostly NUL bytes": "phần lớn là byte NUL", "binary data": "dữ liệu nhị phân",
    "no end-of-file marker": "thiếu dấu kết thúc tệp",
    "; rename it to .pdf": "; hãy đổi đuôi tệp thành .pdf", "; rename it to .docx": "; hãy đổi đuôi tệp thành .docx",
    "; rename it to .txt": "; hãy đổi đuôi tệp thành .txt", "; save it as DOCX": "; hãy lưu lại dưới dạng DOCX",
}
_REASONS_VI = [(re.compile(pattern), template) for pattern, template in (
    (r"is empty", "tệp rỗng"),
    (r"is empty \(no pages\)", "tệp PDF không có trang nào"),
    (r"not found", "không tìm thấy tệp"),
    (r"is not a file", "không phải là tệp"),
    (r"is (?P<mb>[\d.]+) MB; the limit is (?P<limit_mb>[\d.]+) MB", "nặng {mb} MB, vượt giới hạn {limit_mb} MB"),
    (r"unsupported type (?P<x>.+); send TXT, DOCX or PDF", "không hỗ trợ loại tệp {x}; chỉ nhận tệp PDF, DOCX hoặc TXT"),
    (r"(?:could not|cannot) be read \((?P<x>.*)\)", "không đọc được tệp ({x})"),
    (r"is a ZIP archive, not a Word document \(DOCX\)", "là tệp nén ZIP, không phải văn bản Word (DOCX)"),
    (r"looks like (?P<what>.+?), not (?P<expected>a PDF|text|a Word document \(DOCX\))(?P<hint>; .+)?",
     "có vẻ là {what}, không phải {expected}{hint}"),
    (r"is not readable text \(broken (?P<x>[\w-]+)\)", "không đọc được như văn bản (lỗi mã hóa {x})"),
    (r"is not readable text \((?P<what>.+)\)", "không đọc được như văn bản ({what})"),
    (r"is not a Word document \(content type (?P<x>.+)\)", "không phải văn bản Word (loại nội dung {x})"),
    (r"is a damaged DOCX \(no document body\)", "là tệp DOCX bị hỏng (không có phần nội dung)"),
    (r"is a damaged DOCX \((?P<x>.*)\)", "là tệp DOCX bị hỏng ({x})"),
    (r"holds (?P<n>\d+) files; refusing \(possible zip bomb\)",
     "chứa {n} tệp bên trong; từ chối vì có thể là bom nén (zip bomb)"),
    (r"expands to (?P<mb>[\d.]+) MB; refusing \(possible zip bomb\)",
     "giải nén ra tới {mb} MB; từ chối vì có thể là bom nén (zip bomb)"),
    (r"is damaged or truncated \((?P<what>.*)\)", "bị hỏng hoặc bị cắt cụt ({what})"),
    (r"has no text \(its pages are blank\)", "không có chữ (các trang đều trống)"),
    (r"is a scan and needs OCR, but Tesseract is not installed; install it with: (?P<x>.+)",
     "là bản quét, cần nhận dạng chữ (OCR) nhưng máy chủ chưa cài Tesseract; cài bằng lệnh: {x}"),
    (r"has (?P<n>\d+) scanned page\(s\) and needs OCR, but Tesseract is not installed; install it with: (?P<x>.+)",
     "có {n} trang quét, cần nhận dạng chữ (OCR) nhưng máy chủ chưa cài Tesseract; cài bằng lệnh: {x}"),
    (r"(?:is a scan|has \d+ scanned page\(s\)) and needs OCR, but Tesseract has no Vietnamese model; "
     r"install it with: (?P<x>.+)",
     "là bản quét, cần nhận dạng chữ (OCR) nhưng Tesseract chưa có mô hình tiếng Việt; cài bằng lệnh: {x}"),
    (r"is a scan in which no text could be read; send a clearer scan",
     "là bản quét không đọc được chữ nào; hãy gửi bản quét rõ hơn"),
    (r"is a scan that could not be read \(OCR confidence (?P<c>\d+)%, below (?P<f>\d+)%\); send a clearer scan",
     "là bản quét không đọc được (độ tin cậy nhận dạng chữ {c}%, dưới mức {f}%); hãy gửi bản quét rõ hơn"),
    (r"has text in fonts without a Unicode map; it needs OCR first",
     "dùng phông chữ không có bảng mã Unicode; cần nhận dạng chữ (OCR) trước"),
    (r"is password-protected; send an unencrypted copy", "có mật khẩu bảo vệ; hãy gửi bản không đặt mật khẩu"),
    (r"no text to index was found in it", "không tìm thấy nội dung nào để lập chỉ mục"),
)]


def vietnamese_reason(reason: str) -> str:
    """A DocumentError reason in Vietnamese (sizes with a decimal comma)."""
    for pattern, template in _REASONS_VI:
        match = pattern.fullmatch(reason)
        if match:
            parts = {key: value.replace(".", ",") if key.endswith("mb") else _WORDS_VI.get(value, value)
                     for key, value in match.groupdict(default="").items()}
            return template.format(**parts)
    return reason


STAGES = {
    "load": "Đang đọc tệp",
    "ocr": "Đang nhận dạng chữ (OCR) trang",
    "parse": "Đang tách điều khoản",
    "embed": "Đang lập chỉ mục",
    "index": "Đang lưu chỉ mục",
    "reindex": "Đang lập chỉ mục lại",
    "done": "Hoàn tất",
}


def progress_text(title: str, stage: str, fraction: float) -> str:
    """A progress line; stages may carry detail after the first word ("reindex 629/KH-UBND")."""
    word, _, detail = stage.partition(" ")
    label = STAGES.get(word, cards.esc(word)) + (f" {cards.esc(detail)}" if detail else "")
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
    lines += [f"• {cards.esc(str(ts)[:16])}: {cards.esc(cards.shorten(q, 200))}" for ts, q in declined] or ["• (không có)"]
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

    def report(self, stage: str, fraction: float) -> None:
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

    async def _edit(self, html: str) -> None:
        if html == self._shown:
            return
        self._shown = html
        try:
            await self.message.edit_text(cards.fit_html(html))
        except TelegramError as exc:  # a lost progress update must not stop the ingest
            if not (isinstance(exc, BadRequest) and "not modified" in str(exc).lower()):
                logger.warning("progress edit failed: %s", exc)
        finally:
            # timed from when Telegram has the edit, so a slow request cannot bunch up two
            self._last_edit = time.monotonic()

    async def finish(self, html: str) -> None:
        self._done = True
        self._wake.set()
        await self._task
        await asyncio.sleep(max(0.0, self._last_edit + self.INTERVAL - time.monotonic()))
        await self._edit(html)


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
        await reply_html(update, f"Tệp <b>{cards.esc(name)}</b> nặng {_mb(document.file_size)} MB, vượt giới hạn {_mb(limit)} MB.")
        return
    lock = context.bot_data["ingest_lock"]
    waiting = " (chờ tệp trước nạp xong)" if lock.locked() else ""
    status = await reply_html(update, f"⏳ Đang tải tệp <b>{cards.esc(name)}</b>…{waiting}")
    async with lock:  # one ingest at a time keeps progress messages honest
        with tempfile.TemporaryDirectory(prefix="planbot-upload-") as tmp:
            # the user's file name never becomes a path; it is kept only as original_name
            path = Path(tmp) / f"upload{suffix}"
            file = await document.get_file()
            await file.download_to_drive(path, read_timeout=DOWNLOAD_TIMEOUT)
            if path.stat().st_size > limit:
                await status.edit_text(f"Tệp <b>{cards.esc(name)}</b> vượt giới hạn {_mb(limit)} MB.")
                return
            progress = ProgressMessage(status, name)
            try:
                report = await run(library(context).ingest, path, progress=progress.report, original_name=name)
            except DocumentError as exc:
                await progress.finish(f"❌ Không nạp được tệp <b>{cards.esc(name)}</b>: {cards.esc(vietnamese_reason(exc.reason))}")
                return
            except Exception:
                await progress.finish(f"❌ Lỗi khi nạp tệp <b>{cards.esc(name)}</b>. Chi tiết đã được ghi vào nhật ký.")
                raise
    await progress.finish(ingest_summary(report, name))


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
    plan = plans[0]
    token = secrets.token_urlsafe(8)
    pending = context.bot_data["removals"]
    now = time.monotonic()
    for old in [t for t, (_, at) in pending.items() if now - at > REMOVAL_TTL]:
        del pending[old]
    pending[token] = (plan.number, now)
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton("🗑 Xóa", callback_data=cards.callback(f"d:{token}")), InlineKeyboardButton("Hủy", callback_data=cards.callback(f"dx:{token}"))]]
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
    number = pending[0]
    removed = await run(library(context).remove, number)
    await query.answer()
    text = f"🗑 Đã xóa kế hoạch <b>{cards.esc(number)}</b>." if removed else f"Kế hoạch <b>{cards.esc(number)}</b> không còn trong kho."
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
            await progress.finish(f"❌ Lập chỉ mục lại dừng ở tệp <b>{cards.esc(exc.path.name)}</b>: {cards.esc(vietnamese_reason(exc.reason))}")
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
