"""Why a file was refused, in Vietnamese: the bot's message table for DocumentError codes.

Keyed by the codes of corpus/errors.py (the CLI's English table lives there); every
code has a line here, which tests/test_bad_documents.py checks.
"""

from __future__ import annotations

from corpus.errors import MESSAGES_EN, DocumentError

KINDS_VI = {
    "pdf": "văn bản PDF",
    "docx": "văn bản Word (DOCX)",
    "xlsx": "bảng tính Excel (XLSX)",
    "pptx": "bản trình chiếu PowerPoint (PPTX)",
    "odf": "tệp OpenDocument (ODT/ODS)",
    "rtf": "văn bản RTF",
    "ole": "tệp Office đời cũ (.doc/.xls)",
    "zip": "tệp nén ZIP",
    "damaged_zip": "tệp nén ZIP bị hỏng",
    "gzip": "tệp nén gzip",
    "rar": "tệp nén RAR",
    "7z": "tệp nén 7-Zip",
    "png": "ảnh PNG",
    "jpeg": "ảnh JPEG",
    "gif": "ảnh GIF",
    "tiff": "ảnh TIFF",
    "webp": "ảnh WebP",
    "video": "video hoặc ảnh HEIC",
    "audio": "tệp âm thanh",
    "media": "tệp âm thanh hoặc video",
    "exe": "tệp chạy Windows (.exe)",
    "elf": "tệp chạy Linux (ELF)",
    "macho": "tệp chạy macOS hoặc Java",
    "text": "văn bản thuần",
    "binary": "dữ liệu nhị phân không rõ loại",
}
EXPECTED_VI = {"txt": "văn bản (TXT)", "docx": "văn bản Word (DOCX)", "pdf": "PDF"}
HINTS_VI = {
    "pdf": "; hãy đổi đuôi tệp thành .pdf",
    "docx": "; hãy đổi đuôi tệp thành .docx",
    "text": "; hãy đổi đuôi tệp thành .txt",
    "ole": "; hãy lưu lại dưới dạng DOCX",
    "rtf": "; hãy lưu lại dưới dạng DOCX",
    "odf": "; hãy lưu lại dưới dạng DOCX",
}
NOT_TEXT_VI = {"nul": "phần lớn là byte NUL", "binary": "dữ liệu nhị phân"}
GUESS_VI = {"other": "ngôn ngữ khác, hoặc sai bảng mã"}

MESSAGES_VI = {
    "not_found": "không tìm thấy tệp",
    "not_a_file": "không phải là tệp",
    "os_error": "không đọc được tệp ({cause})",
    "empty": "tệp rỗng",
    "no_pages": "tệp PDF không có trang nào",
    "too_large": "tệp quá lớn: nặng {size_mb} MB, vượt giới hạn {limit_mb} MB",
    "unsupported_type": "không hỗ trợ loại tệp {suffix}; chỉ nhận tệp PDF, DOCX hoặc TXT",
    "unreadable": "không đọc được tệp ({cause})",
    "zip_not_docx": "là tệp nén ZIP, không phải văn bản Word (DOCX)",
    "wrong_content": "có vẻ là {what}, không phải {expected}{hint}",
    "not_text": "không đọc được như văn bản ({why})",
    "broken_encoding": "không đọc được như văn bản (lỗi mã hóa {encoding})",
    "not_vietnamese": "không đọc được: nội dung không giống tiếng Việt hay tiếng Anh ({guess}); "
    "hãy lưu lại dưới dạng UTF-8 hoặc gửi bản DOCX/PDF",
    "docx_content_type": "không phải văn bản Word (loại nội dung {content_type})",
    "docx_no_body": "là tệp DOCX bị hỏng (không có phần nội dung)",
    "damaged_docx": "là tệp DOCX bị hỏng ({cause})",
    "zip_members": "chứa {count} tệp bên trong; từ chối vì có thể là bom nén (zip bomb)",
    "zip_bomb": "tệp quá lớn: giải nén ra tới {size_mb} MB; từ chối vì có thể là bom nén (zip bomb)",
    "pdf_no_eof": "bị hỏng hoặc bị cắt cụt (thiếu dấu kết thúc tệp)",
    "damaged_pdf": "bị hỏng hoặc bị cắt cụt ({cause})",
    "no_text_layer": "không có lớp chữ (bản quét?); cần nhận dạng chữ (OCR) trước",
    "no_unicode_map": "dùng phông chữ không có bảng mã Unicode; cần nhận dạng chữ (OCR) trước",
    "encrypted": "có mật khẩu bảo vệ; hãy gửi bản không đặt mật khẩu",
    "no_text": "không tìm thấy nội dung nào để lập chỉ mục",
    "blank_pages": "không có chữ (các trang đều trống)",
    "ocr_unavailable": "{scan}, cần nhận dạng chữ (OCR) nhưng {why}; cài bằng lệnh: {command}",
    "scan_no_text": "là bản quét không đọc được chữ nào; hãy gửi bản quét rõ hơn",
    "scan_low_confidence": "là bản quét không đọc được (độ tin cậy nhận dạng chữ {confidence}%, dưới mức {floor}%); "
    "hãy gửi bản quét rõ hơn",
    "new_version": "là bản mới của kế hoạch {number} ({issuer}, {date}; đang có bản từ tệp {old_name}, "
    "{old_clauses} điều khoản; tệp này: {new_clauses} điều khoản); chưa thay đổi gì",
    "too_many_pages": "tệp quá lớn: {pages} trang, vượt giới hạn {limit} trang",
    "too_many_chars": "tệp quá lớn: {chars} ký tự, vượt giới hạn {limit} ký tự",
    "too_many_page_chars": "tệp quá phức tạp: trang {page} có {chars} ký tự, vượt giới hạn {limit}",
    "too_many_blocks": "tệp quá lớn: {count} dòng hoặc đoạn, vượt giới hạn {limit}",
    "too_many_clauses": "tệp quá lớn: {count} điều khoản, vượt giới hạn {limit}",
    "too_slow": "tệp quá phức tạp: đọc tệp mất hơn {seconds} giây",
    "too_much_memory": "tệp quá phức tạp: đọc tệp cần hơn {limit_mb} MB bộ nhớ",
    "reader_died": "không đọc được tệp (trình đọc dừng: {cause})",
}
assert MESSAGES_VI.keys() == MESSAGES_EN.keys(), "every code needs its Vietnamese line"


def _mb(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0").replace(".", ",")


def vietnamese_reason(error: DocumentError) -> str:
    """The error's reason in Vietnamese (sizes with a decimal comma)."""
    details = dict(error.details)
    if error.code == "wrong_content":
        details["hint"] = HINTS_VI.get(details["what"], "")
        details["what"] = KINDS_VI.get(details["what"], details["what"])
        details["expected"] = EXPECTED_VI.get(details["expected"], details["expected"])
    if error.code == "not_text":
        details["why"] = NOT_TEXT_VI.get(details["why"], details["why"])
    if error.code == "not_vietnamese":
        details["guess"] = GUESS_VI.get(details["guess"], f"có vẻ là bảng mã {details['guess']}")
    if error.code == "ocr_unavailable":
        pages = details["scanned_pages"]
        details["scan"] = "là bản quét" if pages == "all" else f"có {pages} trang quét"
        details["why"] = {
            "tesseract": "máy chủ chưa cài Tesseract",
            "model": "Tesseract chưa có mô hình tiếng Việt",
        }.get(details["missing"], "Tesseract không chạy được")
    for key in ("size_mb", "limit_mb"):
        if key in details:
            details[key] = _mb(details[key])
    for key in ("chars", "limit", "pages", "count"):
        if isinstance(details.get(key), int):
            details[key] = f"{details[key]:,}".replace(",", ".")
    return MESSAGES_VI[error.code].format(**details)
