"""Admin paths end to end: uploading a plan, removing one, reindex, statistics, refusals."""

from __future__ import annotations

import asyncio
import io
import re
import threading

from tests.fake_bot_api import (
    ADMIN,
    ALICE,
    BOB,
    GROUP,
    FakeLibrary,
    ask,
    async_test,
    buttons,
    start_bot,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PLAN_45 = [
    "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Số: 45/KH-UBND",
    "Đồng Tháp, ngày 10 tháng 3 năm 2023",
    "KẾ HOẠCH",
    "Phát triển du lịch cộng đồng gắn với hoa sen Đồng Tháp năm 2023",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Phát huy giá trị cây sen, tạo sinh kế cho người dân vùng Đồng Tháp Mười.",
    "II. NHIỆM VỤ CỤ THỂ",
    "1. Sở Văn hóa, Thể thao và Du lịch chủ trì xây dựng bản đồ số các điểm du lịch hoa sen, "
    "hoàn thành trước ngày 30/6/2023.",
    "2. Sở Nông nghiệp và Phát triển nông thôn phối hợp Ủy ban nhân dân các huyện mở rộng "
    "diện tích trồng sen đạt 2.000 ha trong năm 2023.",
    "3. Sở Tài chính bố trí kinh phí thực hiện Kế hoạch trong dự toán năm 2023.",
    "III. TỔ CHỨC THỰC HIỆN",
    "Sở Văn hóa, Thể thao và Du lịch tổng hợp, báo cáo kết quả về Ủy ban nhân dân tỉnh trước ngày 15/12/2023.",
    "TM. ỦY BAN NHÂN DÂN",
    "CHỦ TỊCH",
]


def plan_45_docx() -> bytes:
    from docx import Document

    document = Document()
    for line in PLAN_45:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _edits_of(api, message_id: int) -> list:
    return [c for c in api.calls_of("editMessageText") if c.params["message_id"] == message_id]


@async_test
async def test_admin_uploads_a_docx_plan_then_it_answers_and_can_be_removed(api, planbot, tmp_path):
    try:
        await _upload_ask_remove(api, planbot, tmp_path)
    finally:  # the library is shared with the rest of the session
        planbot.remove("45/KH-UBND")


async def _upload_ask_remove(api, planbot, tmp_path):
    content = plan_45_docx()
    async with start_bot(api, planbot, tmp_path):
        since = api.mark()
        api.send_document("Kế hoạch 45 (Đồng Tháp).docx", content, ADMIN, mime_type=DOCX)
        status = await api.wait_reply(ADMIN["id"], since)
        done = await api.wait_for(
            "editMessageText", lambda p: "Đã nạp kế hoạch" in p["text"], since, timeout=60
        )
        summary = done.params["text"]
        assert "45/KH-UBND" in summary and "Kế hoạch 45 (Đồng Tháp).docx" in summary
        assert (
            "Điều khoản:" in summary
            and "Cơ quan:" in summary
            and "Hạn chót:" in summary
            and "giây" in summary
        )
        assert api.calls_of("getFile", since) and api.calls_of("download", since)
        edits = _edits_of(api, status.params["_message_id"])
        assert all(b.at - a.at >= 0.9 for a, b in zip(edits, edits[1:])), [e.at for e in edits]
        assert any(p.number == "45/KH-UBND" for p in planbot.plans())

        _, answer = await ask(api, "Ai xây dựng bản đồ số các điểm du lịch hoa sen?")
        assert "45/KH-UBND" in answer["text"] and "Sở Văn hóa, Thể thao và Du lịch" in answer["text"]
        assert "30/06/2023" in answer["text"]

        since = api.mark()
        api.send_document("ban-sao.docx", content, ADMIN, mime_type=DOCX)
        again = await api.wait_for(
            "editMessageText", lambda p: "không thay đổi" in p["text"], since, timeout=60
        )
        assert "45/KH-UBND" in again.params["text"]

        _, confirm = await ask(api, "/xoa 45/kh-ubnd", ADMIN)
        assert "45/KH-UBND" in confirm["text"]
        since = api.mark()
        api.press(confirm, buttons(confirm)["🗑 Xóa"], BOB)  # a non-admin pressing the admin's button
        refused = await api.wait_for("answerCallbackQuery", since=since)
        assert "quản trị viên" in refused.params["text"]
        assert any(p.number == "45/KH-UBND" for p in planbot.plans())
        api.press(confirm, buttons(confirm)["🗑 Xóa"], ADMIN)
        await api.wait_for("editMessageText", lambda p: "Đã xóa kế hoạch" in p["text"], since)
        assert not any(p.number == "45/KH-UBND" for p in planbot.plans())

        _, after = await ask(api, "Ai xây dựng bản đồ số các điểm du lịch hoa sen?")
        assert "45/KH-UBND" not in after["text"]


@async_test
async def test_non_admin_upload_is_refused_and_not_indexed(api, planbot, tmp_path):
    before = [p.number for p in planbot.plans()]
    async with start_bot(api, planbot, tmp_path):
        since = api.mark()
        api.send_document("45.docx", plan_45_docx(), BOB, mime_type=DOCX)
        refusal = await api.wait_reply(BOB["id"], since)
        assert "chỉ dành cho quản trị viên" in refusal.params["text"]
        api.send_document("45.docx", plan_45_docx(), BOB, GROUP, mime_type=DOCX)  # files shared in a group
        await ask(api, "/kehoach", ALICE)
        await api.settle()
        assert not api.calls_of("getFile", since) and not api.calls_of("download", since)
        assert not [c for c in api.calls_of("sendMessage", since) if c.params["chat_id"] == GROUP["id"]]
    assert [p.number for p in planbot.plans()] == before


@async_test
async def test_oversized_and_wrong_kind_files_are_refused_before_download(api, tmp_path):
    library = FakeLibrary()
    async with start_bot(api, library, tmp_path):
        since = api.mark()
        api.send_document("ke-hoach-lon.pdf", b"%PDF-1.4 small really", ADMIN, file_size=25 * 1024 * 1024)
        big = await api.wait_reply(ADMIN["id"], since)
        assert (
            "25 MB" in big.params["text"]
            and "20 MB" in big.params["text"]
            and "ke-hoach-lon.pdf" in big.params["text"]
        )
        since2 = api.mark()
        api.send_document("virus.exe", b"MZ", ADMIN)
        wrong = await api.wait_reply(ADMIN["id"], since2)
        assert "PDF, DOCX hoặc TXT" in wrong.params["text"]
    assert not api.calls_of("getFile", since) and not api.calls_of("download", since)
    assert library.ingest_calls == []


@async_test
async def test_unreadable_file_gets_a_vietnamese_error_naming_it(api, planbot, tmp_path):
    before = [p.number for p in planbot.plans()]
    async with start_bot(api, planbot, tmp_path):
        since = api.mark()
        api.send_document("hỏng <1>.pdf", b"this is not a PDF at all", ADMIN, mime_type="application/pdf")
        failed = await api.wait_for(
            "editMessageText", lambda p: "Không nạp được tệp" in p["text"], since, timeout=60
        )
    assert "hỏng &lt;1&gt;.pdf" in failed.params["text"]
    assert [p.number for p in planbot.plans()] == before


@async_test
async def test_upload_path_is_sanitised_and_others_keep_getting_answers(api, tmp_path):
    library = FakeLibrary()
    library.ingest_gate = threading.Event()
    library.ingest_step = 0.25
    name = "../../etc/passwd; rm -rf ~.txt"
    try:
        async with start_bot(api, library, tmp_path):
            since = api.mark()
            api.send_document(
                name, "Số: 77/KH-UBND\nSở Xây dựng làm việc.".encode(), ADMIN, mime_type="text/plain"
            )
            status = await api.wait_reply(ADMIN["id"], since)
            assert await asyncio.to_thread(library.ingest_started.wait, 10)
            _, answer = await ask(api, "Sở Xây dựng phải làm gì?", ALICE)  # while the ingest is held
            assert "II.2.a" in answer["text"]
            library.ingest_gate.set()
            done = await api.wait_for("editMessageText", lambda p: "Đã nạp kế hoạch" in p["text"], since)
            assert "77/KH-UBND" in done.params["text"]
            edits = _edits_of(api, status.params["_message_id"])
            assert len(edits) >= 2, "progress is shown while the ingest runs"
            assert all(b.at - a.at >= 0.9 for a, b in zip(edits, edits[1:])), [e.at for e in edits]
    finally:
        library.ingest_gate.set()
    path, original = library.ingest_calls[0]
    # a random name under the data dir's uploads folder (emptied at start), never the user's
    assert (
        re.fullmatch(r"[0-9a-f]{16}\.txt", path.name) and path.parent.name == "uploads" and original == name
    )
    assert not path.exists()


@async_test
async def test_admin_commands_refused_for_others(api, tmp_path):
    library = FakeLibrary()
    async with start_bot(api, library, tmp_path):
        for command in ("/xoa 629/KH-UBND", "/reindex", "/thongke"):
            _, reply = await ask(api, command, BOB)
            assert "chỉ dành cho quản trị viên" in reply["text"], command

        _, confirm = await ask(api, "/xoa 629/KH-UBND", ADMIN)
        keys = buttons(confirm)
        since = api.mark()
        api.press(confirm, keys["Hủy"], BOB)
        await api.wait_for("answerCallbackQuery", lambda p: "quản trị viên" in p.get("text", ""), since)
        api.press(confirm, keys["Hủy"], ADMIN)
        await api.wait_for("editMessageText", lambda p: "Đã hủy" in p["text"], since)
        since = api.mark()
        api.press(confirm, keys["🗑 Xóa"], ADMIN)  # the cancelled request cannot be confirmed later
        stale = await api.wait_for("answerCallbackQuery", since=since)
        assert "cũ" in stale.params["text"]
        _, missing = await ask(api, "/xoa 99/KH-XYZ", ADMIN)
        assert "Không có kế hoạch" in missing["text"]
    assert library.plan_list[0][0] == "629/KH-UBND"
    assert library.ingest_calls == []


@async_test
async def test_reindex_reports_progress_and_count(api, tmp_path):
    library = FakeLibrary()
    async with start_bot(api, library, tmp_path):
        since = api.mark()
        api.send_text("/reindex", ADMIN)
        done = await api.wait_for("editMessageText", lambda p: "Đã lập chỉ mục lại" in p["text"], since)
    assert "4 điều khoản" in done.params["text"]


@async_test
async def test_stats_for_admin(api, planbot, tmp_path):
    async with start_bot(api, planbot, tmp_path):
        await ask(api, "Sở Xây dựng phải làm gì?", ALICE)
        await ask(api, "Giá vé máy bay đi Hà Nội <rẻ> nhất?", ALICE)
        _, reply = await ask(api, "/thongke", ADMIN)
    stats = planbot.stats()
    text = reply["text"]
    assert "Câu hỏi mỗi ngày" in text and "Góp ý" in text
    assert f"👍 {stats['feedback']['up']} · 👎 {stats['feedback']['down']}" in text
    assert "Giá vé máy bay đi Hà Nội <rẻ> nhất?" in text  # shown as text: the HTML was escaped
