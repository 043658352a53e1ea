"""Hostile documents (issue 10): each ends within 60 s, under 2 GB, refused cleanly or ingested.

Every file is built by tests/hostile_files.py on the spot. Each goes through the real
library (the isolated reader, the real parser and underthesea; the hashing encoder
stands in for the model) on a copy of a data dir holding the bundled plan; a refused
file leaves that data dir byte for byte as it was, and the bundled plan still answers.
The cases that only end by the reader's deadline or memory limit are `slow`.
"""
from __future__ import annotations

import resource
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from corpus.errors import DocumentError
from planbot.library import Planbot
from tests import hostile_files as h
from tests.conftest import make_settings
from tests.fakes import HashingEmbedder
from tests.test_library import _state

CASE_SECONDS = 60  # issue 10: every case ends within a minute on 2 cores
MEMORY_BYTES = 2 * 1024**3
# Shorter than the product's 40 s so that a case ended by the deadline stays well inside a minute.
READ_SECONDS = 20.0
INGEST = "ingested"


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], Path]
    outcomes: frozenset[str]  # DocumentError codes, or INGEST
    slow: bool = False


def _long(kind: str) -> Callable[[Path], Path]:
    unit, repeat = h.LONG_LINES[kind]
    return lambda folder: h.long_line_txt(folder, kind, unit, repeat)


CASES = [
    Case("self-referencing /Length PDF", h.self_referencing_length_pdf, frozenset({"damaged_pdf", "no_text_layer"})),
    Case("URL and 30 dots", h.url_dots_txt, frozenset({INGEST})),
    Case("DOCX header cell of 128k 'ngày '", h.ngay_header_docx, frozenset({INGEST})),
    Case("800k tiny DOCX paragraphs", h.tiny_paragraphs_docx, frozenset({"too_many_blocks"})),
    Case("2M short lines", h.short_lines_txt, frozenset({"too_many_blocks"})),
    Case("4 MB one-paragraph TXT", h.one_paragraph_txt, frozenset({"too_many_chars"})),
    Case("70 MB of DOCX XML", h.huge_xml_docx, frozenset({"zip_bomb"})),
    Case("ZIP sizes that lie", h.lying_sizes_docx, frozenset({"damaged_docx"})),
    Case("Shift-JIS text", h.shift_jis_txt, frozenset({"not_vietnamese"})),
    Case("GB18030 text", h.gb18030_txt, frozenset({"not_vietnamese"})),
    Case("long line against _HEADER_TABLE", _long("header_table"), frozenset({INGEST})),
    Case("long line against _PLACE", _long("place"), frozenset({INGEST})),
    Case("long line against _SIGNED", _long("signed"), frozenset({INGEST})),
    Case("long line against _NOT_AFTER", _long("not_after"), frozenset({INGEST})),
    Case("long line against _CITED", _long("cited"), frozenset({INGEST})),
    Case("1 page of 200k glyphs", h.million_chars_page_pdf, frozenset({"too_many_page_chars", "too_slow"}), slow=True),
    Case("PDF Flate bomb", h.flate_bomb_pdf, frozenset({"too_much_memory", "too_slow"}), slow=True),
    Case("80k list items", h.list_items_txt, frozenset({INGEST, "too_slow"}), slow=True),
    Case("10k footnote triples", h.footnote_triples_txt, frozenset({INGEST, "too_slow"}), slow=True),
]


def cases():
    return pytest.mark.parametrize(
        "case", [pytest.param(c, marks=pytest.mark.slow) if c.slow else c for c in CASES], ids=[c.name for c in CASES])


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A data dir with the bundled plan on the hashing encoder, closed and quiet."""
    data_dir = tmp_path_factory.mktemp("hostile") / "seed"
    library = Planbot.open(make_settings(data_dir, ingest_seconds=READ_SECONDS), embedder=HashingEmbedder())
    library.ensure_bundled()
    library.close()
    Planbot.open(make_settings(data_dir, ingest_seconds=READ_SECONDS), embedder=HashingEmbedder()).close()
    return data_dir


@cases()
def test_hostile_document(case, seeded, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(seeded, data_dir)
    path = case.build(tmp_path)
    before = _state(data_dir)
    library = Planbot.open(make_settings(data_dir, ingest_seconds=READ_SECONDS), embedder=HashingEmbedder())
    try:
        started = time.monotonic()
        try:
            report = library.ingest(path)
            outcome = INGEST
        except DocumentError as error:
            outcome, report = error.code, None
            assert str(error).startswith(f"{path.name}: ") and "\n" not in str(error)
        seconds = time.monotonic() - started
        assert outcome in case.outcomes, (outcome, seconds)
        assert seconds <= CASE_SECONDS, seconds
        if report is None:
            assert _state(data_dir) == before  # nothing indexed is lost or changed
        else:
            assert report.clauses >= 1
        answer = library.ask("Sở Xây dựng có nhiệm vụ gì?")
        assert answer.answered and answer.hits[0].clause.plan == "629/KH-UBND"
    finally:
        library.close()
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 < MEMORY_BYTES


def test_reader_runs_under_a_memory_limit(seeded):
    """The child's address space is capped below 2 GB, and an overrun is a refusal, not a crash."""
    library = Planbot.open(make_settings(seeded, ingest_seconds=READ_SECONDS), embedder=HashingEmbedder())
    try:
        assert library.reader.limits.memory_mb * 1024 * 1024 < MEMORY_BYTES
        library.reader.start()
        pid = library.reader._process.pid
        limits = Path(f"/proc/{pid}/limits").read_text()
        line = next(line for line in limits.splitlines() if line.startswith("Max address space"))
        assert int(line.split()[3]) == library.reader.limits.memory_mb * 1024 * 1024
    finally:
        library.close()
