"""Why a file cannot become a plan: a code with details, said in words by a message table.

The library raises `DocumentError(code, path=..., **details)`; each shell picks the table
of its language (English here for the CLI, Vietnamese in `bot/refusals.py`) and formats
the code's template with the details. No shell parses another's sentences.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

MB = 1024 * 1024
UPLOAD_LIMIT = 20 * MB  # the one default for the largest file accepted (settings may change it)


class Stage(StrEnum):
    """Where an ingest is, for `progress(stage, fraction)` callbacks."""

    LOAD = "load"
    OCR = "ocr"
    PARSE = "parse"
    EMBED = "embed"
    INDEX = "index"
    REINDEX = "reindex"
    DONE = "done"


# What a file is, by the kind codes `corpus/sniff.py` sniffs (magic numbers, packages).
KINDS_EN = {
    "pdf": "a PDF document",
    "docx": "a Word document (DOCX)",
    "xlsx": "an Excel workbook (XLSX)",
    "pptx": "a PowerPoint presentation (PPTX)",
    "odf": "an OpenDocument file (ODT/ODS)",
    "rtf": "an RTF document",
    "ole": "an old Office file (.doc/.xls)",
    "zip": "a ZIP archive",
    "damaged_zip": "a damaged ZIP archive",
    "gzip": "a gzip archive",
    "rar": "a RAR archive",
    "7z": "a 7-Zip archive",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "gif": "a GIF image",
    "tiff": "a TIFF image",
    "webp": "a WebP image",
    "video": "a video or HEIC image",
    "audio": "an audio file",
    "media": "a media file",
    "exe": "a Windows executable",
    "elf": "a Linux executable (ELF)",
    "macho": "a macOS or Java executable",
    "text": "plain text",
    "binary": "unrecognised binary data",
}
# What the file should have been, by the extension's kind.
EXPECTED_EN = {"txt": "text", "docx": "a Word document (DOCX)", "pdf": "a PDF"}
# What the user can do about a mismatch, by what the file is.
HINTS_EN = {
    "pdf": "; rename it to .pdf",
    "docx": "; rename it to .docx",
    "text": "; rename it to .txt",
    "ole": "; save it as DOCX",
    "rtf": "; save it as DOCX",
    "odf": "; save it as DOCX",
}
# Why bytes are not text.
NOT_TEXT_EN = {"nul": "mostly NUL bytes", "binary": "binary data"}
# What refused text seems to be: an encoding name, or "other".
GUESS_EN = {"other": "another language, or the wrong encoding"}

MESSAGES_EN = {
    "not_found": "not found",
    "not_a_file": "is not a file",
    "os_error": "cannot be read ({cause})",
    "empty": "is empty",
    "no_pages": "is empty (no pages)",
    "too_large": "is {size_mb} MB; the limit is {limit_mb} MB",
    "unsupported_type": "unsupported type {suffix}; send TXT, DOCX or PDF",
    "unreadable": "could not be read ({cause})",
    "zip_not_docx": "is a ZIP archive, not a Word document (DOCX)",
    "wrong_content": "looks like {what}, not {expected}{hint}",
    "not_text": "is not readable text ({why})",
    "broken_encoding": "is not readable text (broken {encoding})",
    "not_vietnamese": "does not look like Vietnamese or English text ({guess}); "
    "save it as UTF-8 Vietnamese or send the DOCX/PDF",
    "docx_content_type": "is not a Word document (content type {content_type})",
    "docx_no_body": "is a damaged DOCX (no document body)",
    "damaged_docx": "is a damaged DOCX ({cause})",
    "zip_members": "holds {count} files; refusing (possible zip bomb)",
    "zip_bomb": "expands to {size_mb} MB; refusing (possible zip bomb)",
    "pdf_no_eof": "is damaged or truncated (no end-of-file marker)",
    "damaged_pdf": "is damaged or truncated ({cause})",
    "no_text_layer": "has no text layer (scanned?); it needs OCR first",
    "no_unicode_map": "has text in fonts without a Unicode map; it needs OCR first",
    "encrypted": "is password-protected; send an unencrypted copy",
    "no_text": "no text to index was found in it",
    "blank_pages": "has no text (its pages are blank)",
    "ocr_unavailable": "{scan} and needs OCR, but {why}: {command}",
    "scan_no_text": "is a scan in which no text could be read; send a clearer scan",
    "scan_low_confidence": "is a scan that could not be read (OCR confidence {confidence}%, below {floor}%); "
    "send a clearer scan",
    "new_version": "is a new version of {number} ({issuer}, {date}; indexed from {old_name}, "
    "{old_clauses} clauses; this file: {new_clauses} clauses); "
    "nothing changed: run again with --replace to replace it",
    # The isolated reader's limits (planbot/ingest_worker.py): too large, too complex, unreadable.
    "too_many_pages": "is too large: {pages} pages; the limit is {limit} pages",
    "too_many_chars": "is too large: {chars} characters of text; the limit is {limit}",
    "too_many_page_chars": "is too complex: page {page} holds {chars} characters; the limit is {limit}",
    "too_many_blocks": "is too large: {count} lines or paragraphs; the limit is {limit}",
    "too_many_clauses": "is too large: {count} clauses; the limit is {limit}",
    "too_slow": "is too complex: reading it took more than {seconds} s",
    "too_much_memory": "is too complex: reading it needed more than {limit_mb} MB of memory",
    "reader_died": "could not be read (the reader stopped: {cause})",
}


def _english_details(code: str, details: dict) -> dict:
    """Kind codes in the details, said in English."""
    out = dict(details)
    if code == "wrong_content":
        out["hint"] = HINTS_EN.get(details["what"], "")
        out["what"] = KINDS_EN.get(details["what"], details["what"])
        out["expected"] = EXPECTED_EN.get(details["expected"], details["expected"])
    if code == "not_text":
        out["why"] = NOT_TEXT_EN.get(details["why"], details["why"])
    if code == "not_vietnamese":
        out["guess"] = GUESS_EN.get(details["guess"], f"it reads as {details['guess']}")
    if code == "ocr_unavailable":
        pages = details["scanned_pages"]
        out["scan"] = "is a scan" if pages == "all" else f"has {pages} scanned page(s)"
        out["why"] = {
            "tesseract": "Tesseract is not installed; install it with",
            "model": "Tesseract has no Vietnamese model; install it with",
        }.get(details["missing"], f"Tesseract does not run ({details.get('cause', '')}); reinstall")
    for key in ("size_mb", "limit_mb"):
        if key in out:
            out[key] = mb_text(out[key])
    return out


def brief(error: BaseException) -> str:
    """An exception as a short single line, for the `cause` detail of a user-facing message."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def mb_text(value: float) -> str:
    """Megabytes with one decimal, ".0" dropped: 20, 20.5."""
    return f"{value:.1f}".removesuffix(".0")


class DocumentError(Exception):
    """A file that cannot become a plan: `code` keys a message table, `details` fill it."""

    def __init__(self, code: str, path: Path | str | None = None, **details):
        if code not in MESSAGES_EN:
            raise ValueError(f"unknown DocumentError code {code!r}")
        self.code = code
        self.path = Path(path or "")
        self.details = details
        super().__init__(f"{self.path.name}: {self.reason}")

    @property
    def reason(self) -> str:
        """The reason in English (the CLI's words)."""
        return MESSAGES_EN[self.code].format(**_english_details(self.code, self.details))

    def at(self, path: Path | str) -> "DocumentError":
        """The same error about another path (the name the user sent, not a temporary)."""
        return DocumentError(self.code, path, **self.details)

    def __reduce__(self):  # crosses the process boundary from the isolated reader
        return (_rebuild, (self.code, str(self.path), self.details))


def _rebuild(code: str, path: str, details: dict) -> DocumentError:
    return DocumentError(code, path, **details)
