"""Hostile documents (issue 10): each ends within 60 s, under 2 GB, refused cleanly or ingested.

Every file is built by tests/hostile_files.py on the spot. Each goes through the real
library (the isolated reader, the real parser and underthesea; the hashing encoder
stands in for the model) on a copy of a data dir holding the bundled plan; a refused
file leaves that data dir byte for byte as it was, and the bundled plan still answers.
The cases that only end by the reader's deadline or memory limit are `slow`.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from corpus.errors import DocumentError
from planbot.library import Planbot
from tests import hostile_files as h
from tests.conftest import make_settings
from tests.fake_bot_api import async_test
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
    Case(
        "self-referencing /Length PDF",
        h.self_referencing_length_pdf,
        frozenset({"damaged_pdf", "no_text_layer"}),
    ),
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
    Case(
        "1 page of 200k glyphs",
        h.million_chars_page_pdf,
        frozenset({"too_many_page_chars", "too_slow"}),
        slow=True,
    ),
    Case("PDF Flate bomb", h.flate_bomb_pdf, frozenset({"too_much_memory", "too_slow"}), slow=True),
    Case("80k list items", h.list_items_txt, frozenset({INGEST, "too_slow"}), slow=True),
    Case("10k footnote triples", h.footnote_triples_txt, frozenset({INGEST, "too_slow"}), slow=True),
]


def cases():
    return pytest.mark.parametrize(
        "case",
        [pytest.param(c, marks=pytest.mark.slow) if c.slow else c for c in CASES],
        ids=[c.name for c in CASES],
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A data dir with the bundled plan on the hashing encoder, closed and quiet."""
    data_dir = tmp_path_factory.mktemp("hostile") / "seed"
    library = Planbot.open(make_settings(data_dir, ingest_seconds=READ_SECONDS), embedder=HashingEmbedder())
    library.ensure_bundled()
    library.close()
    Planbot.open(make_settings(data_dir, ingest_seconds=READ_SECONDS), embedder=HashingEmbedder()).close()
    return data_dir


def _rss() -> int:
    """This process's resident memory now, in bytes (the child's is capped by RLIMIT_AS)."""
    line = next(
        line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmRSS")
    )
    return int(line.split()[1]) * 1024


@cases()
def test_hostile_document(case, seeded, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(seeded, data_dir)
    path = case.build(tmp_path)
    before = _state(data_dir)
    rss_before = _rss()
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
    assert _rss() - rss_before < MEMORY_BYTES // 2  # the serving process itself barely grows


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


# ---- plan identity: number + issuer + date ---------------------------------------------------

SEED = Path(__file__).resolve().parents[1] / "corpus" / "plans" / "629-KH-UBND-2019-binh-duong.txt"


def _other_issuer(folder: Path) -> Path:
    """The bundled plan's number, issued by another province."""
    text = SEED.read_text(encoding="utf-8").replace("BÌNH DƯƠNG", "CÀ MAU").replace("Bình Dương", "Cà Mau")
    path = folder / "629-ca-mau.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _new_version(folder: Path) -> Path:
    path = folder / "629-ban-sua.txt"
    path.write_text(
        SEED.read_text(encoding="utf-8").replace("dưới 63 ngày làm việc", "dưới 45 ngày làm việc"),
        encoding="utf-8",
    )
    return path


def test_same_number_from_another_issuer_is_kept_apart(seeded, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(seeded, data_dir)
    library = Planbot.open(make_settings(data_dir), embedder=HashingEmbedder())
    try:
        report = library.ingest(_other_issuer(tmp_path))
        assert report.changed and report.replaced is None and report.number == "629/KH-UBND"
        plans = library.plans()
        assert sorted(p.issuer for p in plans) == [
            "Ủy ban nhân dân tỉnh Bình Dương",
            "Ủy ban nhân dân tỉnh Cà Mau",
        ]
        documents = list(library.settings.documents_dir.iterdir())
        assert len(documents) == 2  # the bundled plan's document is still there
        with pytest.raises(ValueError, match="several plans are numbered 629/KH-UBND"):
            library.remove("629/KH-UBND")
        ca_mau = next(p for p in plans if "Cà Mau" in p.issuer)
        assert library.remove("629/KH-UBND", ca_mau.id)
        assert [p.issuer for p in library.plans()] == ["Ủy ban nhân dân tỉnh Bình Dương"]
    finally:
        library.close()


def test_cli_replaces_a_new_version_only_with_replace_and_says_old_and_new(
    library, tmp_path, monkeypatch, capsys
):
    # cli.main in this process, on the real model: `planbot ingest` as a separate process (one
    # line per refused file, nothing else on stderr) is test_bad_documents'; here three more
    # interpreters importing torch were ~15 s of CPU.
    from planbot import cli
    from tests.conftest import MODEL_CACHE, copy_data_dir

    def run(*args):
        code = cli.main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    data_dir = tmp_path / "data"
    copy_data_dir(library.settings.data_dir, data_dir)
    monkeypatch.setenv("PLANBOT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("PLANBOT_MODEL_CACHE", str(MODEL_CACHE))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    path = _new_version(tmp_path)
    before = _state(data_dir)
    code, out, err = run("ingest", path)
    assert code == 1 and out == "", (code, out, err)
    assert err.startswith(f"planbot: {path.name}: is a new version of 629/KH-UBND ("), err
    assert "run again with --replace" in err and len(err.splitlines()) == 1
    assert _state(data_dir) == before
    code, out, err = run("ingest", "--replace", path)
    assert code == 0, (out, err)
    line = out.strip()
    assert line.startswith(f"{path.name}: replaced 629/KH-UBND — "), line
    assert f"old: {SEED.name}, " in line and f"new: {path.name}, " in line
    code, out, _ = run("plans")
    assert code == 0 and len(out.splitlines()) == 1, out


async def _upload_new_version(api, data_dir: Path, path: Path, choice: str):
    from tests.fake_bot_api import ADMIN, buttons, start_bot

    library = Planbot.open(make_settings(data_dir), embedder=HashingEmbedder())
    try:
        async with start_bot(api, library, data_dir):
            since = api.mark()
            api.send_document(path.name, path.read_bytes(), ADMIN, mime_type="text/plain")
            asked = await api.wait_for(
                "editMessageText", lambda p: p["text"].startswith("❓"), since, timeout=90
            )
            message = api.sent_message(asked)
            keys = buttons(message)
            assert set(keys) == {"♻️ Thay bằng bản mới (53 điều khoản)", "Giữ bản cũ (53 điều khoản)"}, keys
            assert (
                f"Bản cũ: tệp {SEED.name}" in message["text"]
                and f"bản mới: tệp {path.name}" in message["text"]
            )
            assert [p.source_name for p in library.plans()] == [SEED.name]  # nothing replaced yet
            since = api.mark()
            api.press(message, keys[next(k for k in keys if k.startswith(choice))], ADMIN)
            verdict = await api.wait_for(
                "editMessageText", lambda p: not p["text"].startswith("⏳"), since, timeout=90
            )
            await api.settle()
            return (
                api.sent_message(verdict)["text"],
                [p.source_name for p in library.plans()],
                list((data_dir / "uploads").iterdir()),
            )
    finally:
        library.close()


@pytest.mark.parametrize("choice", ["♻️", "Giữ"])
@async_test
async def test_bot_replaces_a_plan_only_after_the_admin_confirms(choice, seeded, tmp_path, api):
    data_dir = tmp_path / "data"
    shutil.copytree(seeded, data_dir)
    path = _new_version(tmp_path)
    text, sources, left = await _upload_new_version(api, data_dir, path, choice)
    assert left == []  # the kept upload is gone either way
    if choice == "Giữ":
        assert text.startswith("Đã giữ bản cũ") and sources == [SEED.name]
    else:
        assert text.startswith("♻️ Đã thay thế kế hoạch 629/KH-UBND"), text
        assert f"Bản cũ: tệp {SEED.name}, 53 điều khoản" in text and sources == [path.name]


@pytest.mark.parametrize("command", ["/start", "/help"])
@async_test
async def test_start_and_help_answer_users_not_allowed_with_the_not_allowed_text(command, api, tmp_path):
    from bot.access import NOT_ALLOWED
    from tests.fake_bot_api import ALICE, BOB, FakeLibrary, ask, start_bot

    async with start_bot(api, FakeLibrary(), tmp_path, allowed_users=frozenset({ALICE["id"]})):
        _, refused = await ask(api, command, BOB)
        assert refused["text"] == NOT_ALLOWED
        _, welcomed = await ask(api, command, ALICE)
        assert welcomed["text"] != NOT_ALLOWED and "/hoi" in welcomed["text"]


@pytest.mark.slow
@async_test
async def test_bot_keeps_answering_ten_users_while_the_worst_files_are_read(seeded, tmp_path, api):
    """The worst cases go to the bot one after another while 10 users ask: none fails, p95 ≤ 3 s."""
    import asyncio
    import statistics

    from tests.fake_bot_api import ADMIN, FakeBotApi, ask, start_bot

    data_dir = tmp_path / "data"
    shutil.copytree(seeded, data_dir)
    worst = [h.flate_bomb_pdf(tmp_path), h.list_items_txt(tmp_path), h.million_chars_page_pdf(tmp_path)]
    library = Planbot.open(make_settings(data_dir, ingest_seconds=READ_SECONDS), embedder=HashingEmbedder())
    users = [FakeBotApi.user(5000 + i, f"Người {i}") for i in range(10)]
    latencies, failures = [], []
    try:
        async with start_bot(api, library, data_dir, questions_per_minute=1000):

            async def keep_asking(user, stop):
                while not stop.is_set():
                    started = time.monotonic()
                    try:
                        _, reply = await ask(api, "Sở Xây dựng có nhiệm vụ gì?", user)
                        latencies.append(time.monotonic() - started)
                        if "II.2.a" not in reply["text"] and "Sở Xây dựng" not in reply["text"]:
                            failures.append(reply["text"][:200])
                    except Exception as error:  # a missing reply is a failed answer
                        failures.append(repr(error))
                    await asyncio.sleep(0.5)

            stop = asyncio.Event()
            askers = [asyncio.create_task(keep_asking(user, stop)) for user in users]
            for path in worst:
                since = api.mark()
                api.send_document(path.name, path.read_bytes(), ADMIN, mime_type="application/octet-stream")
                await api.wait_for(
                    "editMessageText",
                    lambda p: p["text"].startswith(("❌", "✅")),
                    since,
                    timeout=CASE_SECONDS + 30,
                )
            stop.set()
            await asyncio.gather(*askers)
    finally:
        library.close()
    assert not failures, failures[:5]
    assert len(latencies) >= 30
    p95 = statistics.quantiles(latencies, n=20)[18]
    assert p95 <= 3.0, (p95, max(latencies))


def test_a_reader_warmed_at_start_reads_in_the_same_child(tmp_path):
    """What the bot's warm-up does: the child loads underthesea before any upload, then reads."""
    from planbot.ingest_worker import IsolatedReader, ReadLimits

    reader = IsolatedReader(ReadLimits())
    try:
        assert reader.warm()
        child = reader._process.pid
        plan = tmp_path / "12.txt"
        plan.write_text(
            "KẾ HOẠCH\nSố: 12/KH-UBND\n1. Sở Tài chính chủ trì rà soát, hoàn thành trước ngày 30/6/2025.\n",
            encoding="utf-8",
        )
        result = reader.read(plan, "12.txt")
        assert result.plan.clauses and reader._process.pid == child
        assert reader.warm() and reader._process.pid == child  # once is enough: warming again is free
    finally:
        reader.close()
