"""Bad documents, end to end: every kind through `planbot ingest` and through an admin upload.

One table of cases. A refused file gets one clear line naming it (CLI: English,
exit code 1; bot: Vietnamese), no traceback, and leaves the data directory byte for
byte as it was; a valid one is indexed. The CLI runs every refused file in one
`planbot ingest f1 f2 …` process (no model is loaded when nothing gets past
loading) and the valid ones in a second; the bot gets each file as an upload.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.scans import unicode_font
from planbot.library import Planbot
from tests.conftest import MODEL_CACHE, REPO, make_settings
from tests.fake_bot_api import ADMIN, async_test, serve, start_bot
from tests.test_library import _state
from tests.test_load import zip_bytes

MB = 1024 * 1024
SEED_NUMBER = "629/KH-UBND"

# A plan written as plain prose: no number, no date, no sections, no items.
STRUCTURELESS = (
    "Ghi chép cuộc họp giao ban về chuyển đổi số của địa phương.\n\n"
    "Các đơn vị thống nhất đẩy mạnh cung cấp dịch vụ công trực tuyến toàn trình cho người dân "
    "và doanh nghiệp, giảm giấy tờ phải nộp khi làm thủ tục.\n\n"
    "Sở Thông tin và Truyền thông hướng dẫn các xã triển khai nền tảng họp trực tuyến, "
    "bảo đảm an toàn thông tin trong suốt quá trình vận hành.\n\n"
    "Trung tâm Phục vụ hành chính công tiếp tục tiếp nhận ý kiến góp ý của người dân "
    "về chất lượng giải quyết hồ sơ qua đường dây nóng.\n"
)
ENGLISH = [
    "Action programme for clean water in rural districts",
    "The provincial water company will survey every commune that still lacks piped water "
    "and publish the list of priority villages.",
    "District offices shall report the number of households connected to the network "
    "at the end of every quarter.",
    "Schools and clinics receive filtered water before any other public building.",
]
NUL_PLAN = (
    "ỦY BAN NHÂN DÂN TỈNH LONG AN\n"
    "Số: 88/KH-UBND\x00 Long An, ngày 5 tháng 4 năm 2022\n\n"
    "KẾ HOẠCH\x00\n"
    "Phát triển chợ nông sản an toàn năm 2022\n\n"
    "I. NHIỆM VỤ\n"
    "1. Sở Công Thương\x00 chủ trì khảo sát các chợ đầu mối, hoàn thành trước ngày 30/9/2022.\n"
    "2. Sở Nông nghiệp và Phát triển nông thôn phối hợp cấp giấy chứng nhận an toàn thực phẩm.\n"
)


# ---- file builders: each writes one file into a folder and returns its path ----------


def _text_pdf_bytes() -> bytes:
    """A small text PDF (Vietnamese with a Unicode TTF, else ASCII in a core font)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    font = unicode_font()
    if font:
        pdf.add_font("Body", "", str(font))
        pdf.set_font("Body", size=11)
        lines = ("Kế hoạch triển khai", "Sở Kế hoạch và Đầu tư chủ trì thực hiện")
    else:
        pdf.set_font("Helvetica", size=11)
        lines = ("Ke hoach trien khai", "So Ke hoach va Dau tu chu tri thuc hien")
    for line in lines * 20:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def empty(folder: Path) -> Path:
    path = folder / "rong.txt"
    path.write_bytes(b"")
    return path


def whitespace(folder: Path) -> Path:
    path = folder / "khoang-trang.txt"
    path.write_bytes(b" \r\n\t\n   \n\xc2\xa0\n")
    return path


def random_pdf(folder: Path) -> Path:
    path = folder / "ngau-nhien.pdf"
    path.write_bytes(random.Random(7).randbytes(4096))
    return path


def truncated_pdf(folder: Path) -> Path:
    data = _text_pdf_bytes()
    path = folder / "bi-cat.pdf"
    path.write_bytes(data[: len(data) // 2])
    return path


def encrypted_pdf(folder: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_text_pdf_bytes())))
    writer.encrypt("mat-khau", algorithm="AES-256")
    path = folder / "co-mat-khau.pdf"
    writer.write(path)
    return path


def image_only_pdf(folder: Path) -> Path:
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")
    pdf.image(Image.new("RGB", (64, 64), "gray"), x=20, y=90, w=60)
    path = folder / "ban-scan.pdf"
    pdf.output(str(path))
    return path


def executable_docx(folder: Path) -> Path:
    # A PE header as Windows writes it: "MZ", then the DOS stub with NULs.
    path = folder / "cai-dat.docx"
    path.write_bytes(
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
        + bytes(50)
        + b"This program cannot be run in DOS mode.\r\n"
        + bytes(400)
    )
    return path


def zip_not_docx(folder: Path) -> Path:
    path = folder / "nen.docx"
    path.write_bytes(zip_bytes({"readme.txt": "tài liệu".encode(), "anh/1.jpg": b"\xff\xd8\xff" + bytes(64)}))
    return path


def malformed_docx(folder: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(_docx_bytes(["KẾ HOẠCH", "Sở Tài chính chủ trì."]))) as good:
        members = {name: good.read(name) for name in good.namelist()}
    members["word/document.xml"] = members["word/document.xml"][:300]  # cut mid-element
    path = folder / "hong-xml.docx"
    path.write_bytes(zip_bytes(members))
    return path


def png_txt(folder: Path) -> Path:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(buffer, "PNG")
    path = folder / "ghi-chu.txt"
    path.write_bytes(buffer.getvalue())
    return path


def unsupported(folder: Path) -> Path:
    path = folder / "bang-tinh.xlsx"
    path.write_bytes(zip_bytes({"xl/workbook.xml": b"<workbook/>"}))
    return path


def mostly_nul_txt(folder: Path) -> Path:
    path = folder / "toan-nul.txt"
    path.write_bytes(b"\x00" * 3000 + "Kế hoạch".encode())
    return path


def huge_txt(folder: Path) -> Path:
    # 25 MB of real text; the CLI refuses it from its size before reading a byte.
    path = folder / "qua-lon.txt"
    line = "Sở Xây dựng chủ trì rà soát quy hoạch, hoàn thành trong quý II.\n".encode()
    with path.open("wb") as handle:
        chunk = line * (MB // len(line) + 1)
        handle.write((chunk * 26)[: 25 * MB])
    return path


def zip_bomb_docx(folder: Path) -> Path:
    # A tiny DOCX whose one member inflates to 300 MB, streamed in 1 MB chunks.
    path = folder / "bom-nen.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        chunk = bytes(MB)
        with archive.open("word/media/dem.bin", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(chunk)
    assert path.stat().st_size < 2 * MB
    return path


def structureless_txt(folder: Path) -> Path:
    path = folder / "ghi-chep-giao-ban.txt"
    path.write_text(STRUCTURELESS, encoding="utf-8")
    return path


def english_docx(folder: Path) -> Path:
    path = folder / "clean-water.docx"
    path.write_bytes(_docx_bytes(ENGLISH))
    return path


def nul_in_text(folder: Path) -> Path:
    path = folder / "cho-nong-san.txt"
    path.write_text(NUL_PLAN, encoding="utf-8")
    return path


# ---- what each kind must come to ------------------------------------------------------


def only_paragraphs(clauses) -> None:
    assert clauses and {c.kind for c in clauses} == {"paragraph"}, [c.kind for c in clauses]


def some_paragraphs(clauses) -> None:
    assert sum(c.kind == "paragraph" for c in clauses) >= 1, [c.kind for c in clauses]
    assert any("dịch vụ công trực tuyến" in c.text for c in clauses)


def no_nul_left(clauses) -> None:
    assert len(clauses) >= 3 and not any("\x00" in c.text for c in clauses)
    assert any(
        c.lead == ["Sở Công thương"] and c.deadline and c.deadline.due == "2022-09-30" for c in clauses
    )


@dataclass(frozen=True)
class Case:
    kind: str
    build: Callable[[Path], Path]
    cli: str | None = None  # part of the CLI's (English) reason; None: the file ingests
    bot: str | None = None  # part of the bot's (Vietnamese) reply
    number: str | None = None  # the plan a valid file becomes
    check: Callable[[list], None] | None = None  # on that plan's clauses
    before_download: bool = False  # the bot refuses it from the Document alone

    @property
    def refused(self) -> bool:
        return self.cli is not None


CASES = [
    Case("empty", empty, "is empty", "tệp rỗng"),
    Case("whitespace only", whitespace, "is empty", "tệp rỗng"),
    Case(
        "random bytes named .pdf",
        random_pdf,
        "looks like unrecognised binary data, not a PDF",
        "có vẻ là dữ liệu nhị phân không rõ loại, không phải PDF",
    ),
    Case(
        "truncated PDF",
        truncated_pdf,
        "is damaged or truncated (no end-of-file marker)",
        "bị hỏng hoặc bị cắt cụt (thiếu dấu kết thúc tệp)",
    ),
    Case(
        "encrypted PDF",
        encrypted_pdf,
        "is password-protected; send an unencrypted copy",
        "có mật khẩu bảo vệ; hãy gửi bản không đặt mật khẩu",
    ),
    Case(
        "garbage scan",
        image_only_pdf,
        "is a scan in which no text could be read; send a clearer scan",
        "là bản quét không đọc được chữ nào; hãy gửi bản quét rõ hơn",
    ),
    Case(
        "executable renamed .docx",
        executable_docx,
        "looks like a Windows executable, not a Word document (DOCX)",
        "có vẻ là tệp chạy Windows (.exe), không phải văn bản Word (DOCX)",
    ),
    Case(
        "ZIP that is not a DOCX",
        zip_not_docx,
        "is a ZIP archive, not a Word document (DOCX)",
        "là tệp nén ZIP, không phải văn bản Word (DOCX)",
    ),
    Case("DOCX with malformed XML", malformed_docx, "is a damaged DOCX (", "là tệp DOCX bị hỏng ("),
    Case(
        "PNG named .txt",
        png_txt,
        "looks like a PNG image, not text",
        "có vẻ là ảnh PNG, không phải văn bản (TXT)",
    ),
    Case(
        "unsupported type",
        unsupported,
        "unsupported type .xlsx; send TXT, DOCX or PDF",
        "chỉ nhận tệp PDF, DOCX hoặc TXT",
        before_download=True,
    ),
    Case(
        "NUL bytes, not text",
        mostly_nul_txt,
        "is not readable text (mostly NUL bytes)",
        "không đọc được như văn bản (phần lớn là byte NUL)",
    ),
    Case(
        "25 MB text",
        huge_txt,
        "is 25 MB; the limit is 20 MB",
        "nặng 25 MB, vượt giới hạn 20 MB",
        before_download=True,
    ),
    Case(
        "zip bomb DOCX",
        zip_bomb_docx,
        "expands to 300 MB; refusing (possible zip bomb)",
        "giải nén ra tới 300 MB; từ chối vì có thể là bom nén",
    ),
    Case("stray NUL bytes in a plan", nul_in_text, number="88/KH-UBND", check=no_nul_left),
    Case(
        "plan with no recognisable structure",
        structureless_txt,
        number="ghi-chep-giao-ban",
        check=some_paragraphs,
    ),
    Case("non-Vietnamese document", english_docx, number="clean-water", check=only_paragraphs),
]
REFUSED = [c for c in CASES if c.refused]
VALID = [c for c in CASES if not c.refused]
MIME = {
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def cases(selection=CASES):
    return pytest.mark.parametrize("case", selection, ids=[c.kind for c in selection])


# ---- the data directory every test starts from ------------------------------------------


@pytest.fixture(scope="module")
def prepared(library, tmp_path_factory) -> Path:
    """The session library's data dir (bundled plan ingested on the real model), copied
    once and made quiet: WAL folded into the database file, startup tidying done, so a
    copy opened, used for nothing and closed keeps every byte."""
    assert SEED_NUMBER in [p.number for p in library.plans()]
    template = tmp_path_factory.mktemp("bad-documents") / "template"
    shutil.copytree(library.settings.data_dir, template, ignore=shutil.ignore_patterns("*-shm"))
    Planbot.open(make_settings(template)).close()
    connection = sqlite3.connect(template / "planbot.db")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return template


def fresh_copy(prepared: Path, target: Path) -> Path:
    shutil.copytree(prepared, target)
    return target


# ---- through the command line -------------------------------------------------------------


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float


def start_cli(data_dir: Path, *args) -> tuple[subprocess.Popen, float]:
    env = {
        **os.environ,
        "PLANBOT_DATA_DIR": str(data_dir),
        "PLANBOT_MODEL_CACHE": str(MODEL_CACHE),
        "PYTHONIOENCODING": "utf-8",
    }
    for name in ("PLANBOT_DEBUG", "TELEGRAM_BOT_TOKEN", "PLANBOT_EMBED_MODEL"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "planbot.cli", *map(str, args)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    return process, time.perf_counter()


def finish(started: tuple[subprocess.Popen, float]) -> Run:
    process, at = started
    try:
        stdout, stderr = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    return Run(process.returncode, stdout, stderr, time.perf_counter() - at)


@dataclass
class CliRuns:
    paths: dict[str, Path]
    refused: Run  # `planbot ingest` on every refused file at once
    refused_before: dict[str, str]
    refused_after: dict[str, str]
    listing: Run  # `planbot plans` on that data dir afterwards
    listing_after: dict[str, str]
    valid: Run  # `planbot ingest` on the valid files, in a second data dir
    valid_dir: Path


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """Every case's file, built once for both paths."""
    folder = tmp_path_factory.mktemp("files")
    return {case.kind: case.build(folder) for case in CASES}


@pytest.fixture(scope="module")
def cli(prepared, files, tmp_path_factory) -> CliRuns:
    root = tmp_path_factory.mktemp("cli")
    paths = files
    refused_dir = fresh_copy(prepared, root / "refused-data")
    valid_dir = fresh_copy(prepared, root / "valid-data")
    before = _state(refused_dir)
    refused = finish(start_cli(refused_dir, "ingest", *(paths[c.kind] for c in REFUSED)))
    after = _state(refused_dir)
    # Both load the model: run side by side.
    listing_process = start_cli(refused_dir, "plans")
    valid_process = start_cli(valid_dir, "ingest", *(paths[c.kind] for c in VALID))
    listing, valid = finish(listing_process), finish(valid_process)
    return CliRuns(paths, refused, before, after, listing, _state(refused_dir), valid, valid_dir)


def test_cli_refuses_every_bad_file_in_one_run_and_changes_nothing(cli):
    run = cli.refused
    assert run.code == 1, run
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == len(REFUSED), run.stderr  # one line per file, nothing else
    assert all(line.startswith("planbot: ") for line in lines)
    assert run.seconds < 30, "refusing files must not load the model"
    assert cli.refused_after == cli.refused_before


def test_cli_still_lists_the_bundled_plan_after_the_refusals(cli):
    assert cli.listing.code == 0, cli.listing
    assert "Traceback" not in cli.listing.stderr
    listed = cli.listing.stdout.splitlines()
    assert len(listed) == 1 and SEED_NUMBER in listed[0]
    assert cli.listing_after == cli.refused_before


def test_cli_ingests_the_valid_files(cli):
    run = cli.valid
    assert run.code == 0, run
    assert "Traceback" not in run.stderr and "planbot:" not in run.stderr, run.stderr
    # One line per file; what follows it indented (citation, parse warnings: issue 8) is about it.
    files = [line for line in run.stdout.splitlines() if not line.startswith("  ")]
    assert len(files) == len(VALID), run.stdout


@cases()
def test_cli(case, cli):
    name = cli.paths[case.kind].name
    if case.refused:
        mine = [line for line in cli.refused.stderr.splitlines() if line.startswith(f"planbot: {name}: ")]
        assert len(mine) == 1, cli.refused.stderr
        assert case.cli in mine[0], mine[0]
        return
    mine = [line for line in cli.valid.stdout.splitlines() if line.startswith(f"{name}: ")]
    assert len(mine) == 1 and f"indexed {case.number} " in mine[0], cli.valid.stdout
    library = Planbot.open(make_settings(cli.valid_dir))  # browsing loads no model
    try:
        assert {SEED_NUMBER, case.number} <= {p.number for p in library.plans()}
        case.check(library.clauses(case.number))
    finally:
        library.close()


# ---- through an admin upload to the bot --------------------------------------------------


@pytest.fixture(scope="module")
def api():
    yield from serve()  # one fake Bot API for every upload; each test looks from its own mark()


async def outcome(api, since: int, timeout: float = 60):
    """The first message to the admin that is not a progress line: the bot's verdict."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        for call in sorted(
            api.calls_of("sendMessage", since) + api.calls_of("editMessageText", since), key=lambda c: c.at
        ):
            if (
                call.ok
                and call.params.get("chat_id") == ADMIN["id"]
                and not call.params["text"].startswith("⏳")
            ):
                return call
        await asyncio.sleep(0.02)
    raise AssertionError(f"no verdict within {timeout}s: {api.calls[since:]}")


@cases()
@async_test
async def test_bot_upload(case, api, prepared, files, library, tmp_path, caplog, monkeypatch):
    from bot import admin

    monkeypatch.setattr(admin.ProgressMessage, "INTERVAL", 0.05)  # its pacing is tested in test_bot_admin
    path = files[case.kind]
    data_dir = fresh_copy(prepared, tmp_path / "data")
    before = _state(data_dir)
    # The real library on a copy of the data; the session's loaded model is shared.
    bot_library = Planbot.open(make_settings(data_dir), embedder=library.embedder)
    plans_before = [p.number for p in bot_library.plans()]
    caplog.set_level(logging.WARNING)
    try:
        async with start_bot(api, bot_library, data_dir):
            since = api.mark()
            api.send_document(
                path.name,
                path.read_bytes(),
                ADMIN,
                mime_type=MIME.get(path.suffix, "application/octet-stream"),
            )
            verdict = await outcome(api, since)
            await api.settle()
        plans_after = [p.number for p in bot_library.plans()]
        clauses = bot_library.clauses(case.number) if case.number else []
    finally:
        bot_library.close()
    text = api.sent_message(verdict)["text"]
    to_admin = [c for c in api.calls_of("sendMessage", since) if c.params["chat_id"] == ADMIN["id"]]
    assert len(to_admin) == 1, to_admin  # one message, edited as the work goes on
    shown = [
        c for c in api.calls_of("editMessageText", since) + to_admin if not c.params["text"].startswith("⏳")
    ]
    assert shown == [verdict]
    problems = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not problems, [r.getMessage() for r in problems]
    assert "Traceback" not in text
    assert path.name in text
    if case.refused:
        assert case.bot in text, text
        assert case.cli not in text, text  # said in Vietnamese, not in the CLI's English
        assert plans_after == plans_before
        assert _state(data_dir) == before
        if case.before_download:
            assert not api.calls_of("getFile", since) and not api.calls_of("download", since)
        else:
            assert text.startswith(f"❌ Không nạp được tệp {path.name}: ")
        return
    assert text.startswith(f"✅ Đã nạp kế hoạch {case.number} từ tệp {path.name}"), text
    assert sorted(plans_after) == sorted([*plans_before, case.number])
    case.check(clauses)


# ---- the pieces the two paths rely on -------------------------------------------------------


def _sample_details(code: str) -> dict:
    """Plausible details for every placeholder of a code's English template."""
    import string

    from corpus.errors import MESSAGES_EN

    samples = {
        "what": "png",
        "expected": "pdf",
        "why": "nul",
        "size_mb": 20.5,
        "limit_mb": 20,
        "count": 20000,
        "pages": 900,
        "page": 3,
        "chars": 3_000_000,
        "limit": 500,
        "seconds": 60,
        "suffix": ".odt",
        "encoding": "UTF-16",
        "guess": "Shift-JIS",
        "content_type": "application/vnd.ms-word.document.macroEnabled.main+xml",
        "cause": "unexpected end of data",
        "number": "629/KH-UBND",
        "issuer": "UBND tỉnh Cà Mau",
        "date": "2019-02-14",
        "old_name": "629.docx",
        "old_clauses": 50,
        "new_clauses": 51,
        "scanned_pages": 2,
        "missing": "model",
        "command": "apt-get install tesseract-ocr-vie",
        "confidence": "31",
        "floor": "60",
    }
    if code == "ocr_unavailable":  # its {scan} and {why} are said from these
        return {f: samples[f] for f in ("scanned_pages", "missing", "command")}
    fields = [f for _, f, _, _ in string.Formatter().parse(MESSAGES_EN[code]) if f and f != "hint"]
    return {f: samples[f] for f in fields}


@pytest.mark.parametrize("code", sorted(__import__("corpus.errors").errors.MESSAGES_EN))
def test_every_refusal_reason_reads_in_vietnamese(code):
    from bot.refusals import vietnamese_reason
    from corpus.errors import DocumentError

    error = DocumentError(code, "x.txt", **_sample_details(code))
    said = vietnamese_reason(error)
    english = (
        "is ",
        "looks like",
        "refusing",
        "send ",
        "rename",
        "needs",
        "not ",
        "could",
        "found",
        "holds",
        "limit",
    )
    assert not any(word in said.replace("unexpected end of data", "") for word in english), said
    assert said != error.reason and "{" not in said


def test_plan_without_a_number_is_named_after_the_file_as_sent(fake_library, tmp_path):
    """The bot ingests `upload.txt` and reindex the stored `<sha256>.txt`: neither may name the plan."""
    fake_library.ensure_bundled()
    upload = structureless_txt(tmp_path)
    upload = upload.rename(tmp_path / "upload.txt")
    report = fake_library.ingest(upload, original_name="Ghi chép giao ban.txt")
    assert report.number == "Ghi chép giao ban"
    fake_library.reindex()
    assert sorted(p.number for p in fake_library.plans()) == ["629/KH-UBND", "Ghi chép giao ban"]
