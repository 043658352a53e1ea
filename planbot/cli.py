"""The `planbot` command: a thin shell over planbot.library."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sqlite3
import sys
import time
from pathlib import Path

from corpus.model import DocumentError
from corpus.ocr import CONFIDENCE_FLOOR as OCR_FLOOR
from index.store import DatabaseDamaged, storage_problem
from planbot.settings import Settings

EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_DAMAGED = 3  # the data dir cannot be used as it is (damaged database, disk full, read-only)
STORAGE_WORDS = {
    "disk_full": "the disk holding {data_dir} is full; free some space and try again (nothing was changed)",
    "read_only": "{data_dir} cannot be written (read-only or no permission); nothing was changed",
}
FOLLOW_UP_SECONDS = 300  # as in a private Telegram chat
EXIT_BROKEN_PIPE = 141  # what a shell reports for a command stopped by SIGPIPE


def _open(settings: Settings, bundled: bool = True):
    from planbot.library import Planbot

    library = Planbot.open(settings)
    if bundled:
        library.ensure_bundled()
    return library


def _progress_bar(name: str):
    interactive = sys.stderr.isatty()

    def show(stage: str, fraction: float) -> None:
        if interactive:
            filled = int(fraction * 24)
            sys.stderr.write(f"\r{name[:32]:32} [{'#' * filled}{'.' * (24 - filled)}] {stage:8}")
            sys.stderr.flush()

    return show


def ingest(args, settings: Settings) -> int:
    """Ingest each file; one line per file, a clear reason for each refused one."""
    library = _open(settings, bundled=False)
    failed = 0
    try:
        for raw in args.paths:
            path = Path(raw)
            try:
                report = library.ingest(path, _progress_bar(path.name), replace=args.replace)
            except DocumentError as error:
                failed += 1
                if sys.stderr.isatty():
                    sys.stderr.write("\n")
                print(f"planbot: {error}", file=sys.stderr)
                continue
            if sys.stderr.isatty():
                sys.stderr.write("\n")
            status = "replaced" if report.replaced else "indexed" if report.changed else "unchanged"
            scanned = (
                f" | read by OCR: {report.ocr_pages} pages, mean confidence "
                f"{report.ocr_confidence:.0f}%, {report.ocr_corrections} words corrected"
                if report.ocr_pages
                else ""
            )
            print(
                f"{path.name}: {status} {report.number} — {report.title[:70]} | "
                f"{report.clauses} clauses, {report.agencies} agencies, "
                f"{report.deadlines} deadlines, {report.seconds:.1f} s{scanned}{_replaced(report)}"
            )
            if report.unreadable_pages:
                pages = ", ".join(map(str, report.unreadable_pages))
                print(
                    f"planbot: warning: {path.name}: page(s) {pages} could not be read by OCR "
                    f"(confidence below {OCR_FLOOR:.0f}%) and were left out",
                    file=sys.stderr,
                )
            if report.citation:
                print(f"  cited as: {report.citation}")
            for warning in report.warnings:
                print(f"  warning: {warning.text('en')}")
    finally:
        library.close()
    return EXIT_BAD_INPUT if failed else 0


def _replaced(report) -> str:
    """What a replacing ingest replaced, in the same line: old and new side by side."""
    old = report.replaced
    if not old:
        return ""
    when = time.strftime("%Y-%m-%d", time.localtime(old["ingested_at"] or 0))
    return (
        f" | old: {old['source_name']}, {old['clauses']} clauses, indexed {when}; "
        f"new: {report.source_name}, {report.clauses} clauses"
    )


def plans(args, settings: Settings) -> int:
    """List the indexed plans."""
    library = _open(settings)
    for info in library.plans():
        print(
            f"{info.id:>3}  {info.number:<16} {info.date or '-':<10}  {info.clauses:>4} clauses  {info.title}"
        )
    library.close()
    return 0


def clauses(args, settings: Settings) -> int:
    """List clauses, as text or one JSON object per line."""
    library = _open(settings)
    records = library.clauses(args.plan)
    if args.plan and not records:
        print(f"planbot: no plan numbered {args.plan!r}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for record in records:
        if args.json:
            print(json.dumps(record.as_json(), ensure_ascii=False))
        else:
            lead = ", ".join(record.lead) or "-"
            due = "; ".join(d.text for d in record.deadlines) or "-"
            if record.target:
                due += f" | chỉ tiêu: {record.target.text}"
            print(f"[{record.plan} {record.section or '·'}] {lead} | {due}\n    {record.text}\n")
    library.close()
    return 0


def remove(args, settings: Settings) -> int:
    """Remove a plan by number."""
    library = _open(settings, bundled=False)
    try:
        removed = library.remove(args.number, args.id)
    except ValueError as error:  # the number names several plans (other issuers)
        print(f"planbot: {error}; add --id N", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        library.close()
    if not removed:
        print(f"planbot: no plan numbered {args.number!r}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"removed {args.number}")
    return 0


def reindex(args, settings: Settings) -> int:
    """Rebuild every plan from its stored document; on a damaged database, from the documents folder."""
    from index.store import DatabaseDamaged, check_database

    try:
        check_database(settings.db_path)
    except DatabaseDamaged as error:
        aside = settings.db_path.with_name(f"planbot.db.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        for suffix in ("", "-wal", "-shm"):
            part = settings.db_path.with_name(settings.db_path.name + suffix)
            if part.exists():
                part.rename(aside.with_name(aside.name + suffix))
        print(
            f"planbot: {settings.db_path} was damaged ({error.why}); moved to {aside.name}, "
            f"rebuilding from {settings.documents_dir}",
            file=sys.stderr,
        )
        library = _open(settings, bundled=False)
        try:
            rebuilt = library.rebuild_from_documents()
        finally:
            library.close()
        print(f"reindexed: {rebuilt} plans from the stored documents")
        return 0
    library = _open(settings, bundled=False)
    try:
        count = library.reindex(_progress_bar("reindex"))
    except DocumentError as error:
        print(f"planbot: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        library.close()
    print(f"reindexed: {count} clauses")
    return 0


def ask(args, settings: Settings) -> int:
    """Answer one question, or one per line of --file."""
    from planbot.terminal import answer_card

    library = _open(settings)
    if args.file:
        questions = Path(args.file).read_text(encoding="utf-8").splitlines()
    elif args.question:
        questions = [" ".join(args.question)]
    else:
        print("planbot: ask needs a QUESTION or --file FILE", file=sys.stderr)
        return EXIT_USAGE
    for question in questions:
        if args.file and not question.strip():
            continue
        answer = library.ask(question, k=args.k)
        if args.json:
            print(json.dumps(answer.as_json(), ensure_ascii=False), flush=True)
        else:
            print(answer_card(answer), flush=True)
    library.close()
    return 0


def chat(args, settings: Settings) -> int:
    """A console conversation; reads lines until EOF when stdin is not a terminal."""
    from planbot.terminal import answer_card

    # Loading takes seconds (minutes on a first run): say so, on stderr so answers stay clean.
    print("⏳ Đang nạp kế hoạch và mô hình ngôn ngữ…", file=sys.stderr, flush=True)
    library = _open(settings)
    _ = library.embedder  # load it now, not inside the first question
    plans = library.plans()
    print(
        f"✓ Sẵn sàng: {len(plans)} kế hoạch ({', '.join(p.number for p in plans)}).",
        file=sys.stderr,
        flush=True,
    )
    interactive = sys.stdin.isatty()
    previous, asked_at = None, 0.0
    if interactive:
        print("planbot — hỏi về kế hoạch (Ctrl-D để thoát). Ví dụ: Sở Xây dựng có nhiệm vụ gì?")
    try:
        while True:
            if interactive:
                print("› ", end="", flush=True)
            line = sys.stdin.readline()
            if not line:
                break
            if line.strip():
                # a follow-up ("còn hạn chót thì sao?") is read with the subject before it
                fresh = time.monotonic() - asked_at < FOLLOW_UP_SECONDS
                answer = library.ask(line, previous=previous if fresh else None)
                previous, asked_at = answer.context, time.monotonic()
                print(answer_card(answer), flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        library.close()
    return 0


def _schedule(args, settings: Settings):
    """(tasks, the agency's indexed name or None, exit code) for timeline and calendar."""
    library = _open(settings)
    try:
        name = None
        if args.agency:
            name = library.resolve_agency(args.agency)
            if name is None:
                print(f"planbot: no agency matching {args.agency!r} (see `planbot clauses`)", file=sys.stderr)
                return [], None, EXIT_BAD_INPUT
        found = library.schedule(name)
    finally:
        library.close()
    if not found:
        print(
            f"planbot: {name or 'no agency'} has no dated or recurring task; the output is empty",
            file=sys.stderr,
        )
    return found, name, 0


def _today(args) -> dt.date:
    from planbot.agenda import today_in_vietnam

    return args.today or today_in_vietnam()


def timeline(args, settings: Settings) -> int:
    """Write a timeline PNG of the tasks (one agency's, or all)."""
    found, name, code = _schedule(args, settings)
    if code:
        return code
    from planbot.timeline import timeline_png

    title = f"Hạn chót — {name}" if name else "Hạn chót — mọi cơ quan"
    Path(args.output).write_bytes(timeline_png(found, _today(args), title))
    print(f"{args.output}: {len(found)} tasks")
    return 0


def calendar(args, settings: Settings) -> int:
    """Write an iCalendar file of an agency's deadlines, recurring ones as RRULEs."""
    found, name, code = _schedule(args, settings)
    if code:
        return code
    from planbot.calendar import calendar as make_calendar

    cal = make_calendar(found, name or "mọi cơ quan", _today(args))
    Path(args.output).write_bytes(cal.to_ical())
    print(f"{args.output}: {len(cal.walk('VEVENT'))} events from {len(found)} tasks")
    return 0


def serve(args, settings: Settings) -> int:
    """Run the Telegram bot (long polling, or a webhook)."""
    if not settings.telegram_token:
        print("planbot: TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
        return EXIT_USAGE
    from bot.app import run_bot

    library = _open(settings)
    run_bot(settings, library, webhook_url=args.webhook_url, port=args.port)
    return 0


def run(args, settings: Settings) -> int:
    """The bot when a token is set, otherwise the console chat."""
    if settings.telegram_token:
        args.webhook_url, args.port = None, 8443
        return serve(args, settings)
    return chat(args, settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("ingest", help="add plans (TXT, DOCX, PDF)")
    p.add_argument("paths", nargs="+")
    p.add_argument(
        "--replace", action="store_true", help="replace an indexed plan with the same number, issuer and date"
    )
    p.set_defaults(func=ingest)
    commands.add_parser("plans", help="list indexed plans").set_defaults(func=plans)
    p = commands.add_parser("clauses", help="list clauses")
    p.add_argument("--plan")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=clauses)
    p = commands.add_parser("remove", help="remove a plan by number")
    p.add_argument("number")
    p.add_argument("--id", type=int, help="which plan, when several share the number (see `planbot plans`)")
    p.set_defaults(func=remove)
    commands.add_parser("reindex", help="rebuild from stored documents").set_defaults(func=reindex)
    p = commands.add_parser("ask", help="answer a question")
    p.add_argument("question", nargs="*")
    p.add_argument("--json", action="store_true")
    p.add_argument("--file")
    p.add_argument("-k", type=int, default=3)
    p.set_defaults(func=ask)
    for name, func, what in (
        ("timeline", timeline, "a timeline PNG of the deadlines"),
        ("calendar", calendar, "an iCalendar (.ics) file of the deadlines"),
    ):
        p = commands.add_parser(name, help=what)
        p.add_argument("--agency", help="one agency (any accents, abbreviations)")
        p.add_argument("-o", "--output", required=True)
        p.add_argument("--today", type=dt.date.fromisoformat, help="YYYY-MM-DD; default: today in Vietnam")
        p.set_defaults(func=func)
    commands.add_parser("chat", help="console conversation").set_defaults(func=chat)
    p = commands.add_parser("serve", help="run the Telegram bot")
    p.add_argument("--webhook-url")
    p.add_argument("--port", type=int, default=8443)
    p.set_defaults(func=serve)
    commands.add_parser("run", help="bot with a token, console chat without").set_defaults(func=run)
    return parser


def _utf8_streams() -> None:
    """Vietnamese goes out as UTF-8 whatever the locale says (a C or Latin-1 locale would
    otherwise raise UnicodeEncodeError on "Sở", or need escapes)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8")


def _quiet_broken_pipe() -> int:
    """The reader went away (`planbot clauses --json | head`): stop without a message."""
    # Python flushes stdout again at exit and would report the same broken pipe there.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_BROKEN_PIPE


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _utf8_streams()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = Settings.from_env()
    try:
        return args.func(args, settings)
    except DocumentError as error:
        print(f"planbot: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except DatabaseDamaged as error:
        print(f"planbot: {error}", file=sys.stderr)
        return EXIT_DAMAGED
    except (sqlite3.OperationalError, OSError) as error:
        problem = storage_problem(error)
        if problem is None or os.environ.get("PLANBOT_DEBUG"):
            raise
        print(f"planbot: {STORAGE_WORDS[problem].format(data_dir=settings.data_dir)}", file=sys.stderr)
        return EXIT_DAMAGED
    except Exception as error:  # the user gets one line; PLANBOT_DEBUG=1 shows the traceback
        if os.environ.get("PLANBOT_DEBUG"):
            raise
        said = f"{type(error).__name__}: {error}"
        if settings.telegram_token:  # a rejected token or a wrong base URL puts it in the message
            said = said.replace(settings.telegram_token, "<token>")
        print(f"planbot: unexpected error: {said}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
