"""Table blocks to clauses: a task table gives one clause per task row.

Columns are recognised by accent-folded keywords in the header row, in any order and
wording ("Đơn vị chủ trì", "Cơ quan chủ trì thực hiện", "Thời gian hoàn thành",
"Tiến độ" …). A two-row header ("Đơn vị thực hiện" over "Chủ trì" | "Phối hợp") is read
as one. A table that is not a task table gives one clause per row, cells joined by " | ".
"""

from __future__ import annotations

import re

from corpus.model import Block, Clause, ParseWarning
from nlp.fold import fold

# (column role, folded header keywords), tried in order on each header cell: "phối hợp"
# before "thực hiện" so "Cơ quan phối hợp thực hiện" is a partner column.
COLUMNS = (
    # A narrow PDF column wraps "STT" into "ST T": the letters may come apart.
    ("number", re.compile(r"^(?:s ?t ?t|t ?t|so ?tt|so thu tu)$")),  # e.g. "STT", "ST T"
    ("partners", re.compile(r"phoi hop")),  # e.g. "Cơ quan phối hợp"
    ("lead", re.compile(r"chu tri|(?:don vi|co quan) thuc hien|trach nhiem")),  # e.g. "Đơn vị chủ trì"
    ("deadline", re.compile(r"thoi gian|thoi han|tien do|hoan thanh")),  # e.g. "Thời gian hoàn thành"
    ("task", re.compile(r"nhiem vu|noi dung|cong viec|hoat dong|giai phap|de an|\bten\b")),  # e.g. "Nhiệm vụ"
    # Known but unused: they make a header recognisable where its cells come one per line.
    ("product", re.compile(r"san pham|ket qua dau ra")),  # e.g. "Sản phẩm"
    ("note", re.compile(r"^ghi chu$")),  # e.g. "Ghi chú"
)
# The number cell of a row: a group row ("II | Nhóm nhiệm vụ về thể chế"), a task row, or the
# row numbering the columns under the header.
_ROMAN_OR_LETTER = re.compile(r"^(?:[IVX]+|[A-Z])\.?$")  # e.g. "II", "A."
_ROW_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")  # e.g. "3", "1.2", "4."
_COLUMN_NUMBERS = re.compile(r"^\(?\d{1,2}\)?$")  # e.g. "(1)", "(2)"


# A TXT table row: cells between "|" ("TT | Nhiệm vụ | Cơ quan chủ trì"), at least three.
_PIPE_ROW = re.compile(r"[^|\n]*(?:\|[^|\n]*){2,}")  # e.g. "1. | Rà soát quy hoạch | Sở Xây dựng | 2024"
# Words at most in a "Ghi chú" or "Sản phẩm" cell read one per line; more is the text after the table.
_SHORT_CELL = 8
# e.g. "- 3 -"
_PAGE_DEBRIS = re.compile(r"\s*(?:[-–—]\s*)?(?:[Tt]rang\s+)?\d{0,3}(?:\s*/\s*\d{1,3})?(?:\s*[-–—])?\s*")
_PIPE_RULE = re.compile(r"\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*")  # e.g. "|---|---|" under a Markdown header


def pipe_tables(blocks: list[Block]) -> list[Block]:
    """`blocks` with each run of two or more "|"-separated lines made one table block."""
    out, run = [], []

    def flush():
        if len(run) >= 2:
            width = max(len(row) for row, _ in run)
            rows = tuple(row + ("",) * (width - len(row)) for row, _ in run)
            out.append(Block("", page=run[0][1], rows=rows))
        else:
            out.extend(Block(" | ".join(row), page=page) for row, page in run)
        run.clear()

    for block in blocks:
        text = block.text.strip()
        if block.rows is None and _PIPE_RULE.fullmatch(text) and run:
            continue
        if block.rows is None and _PIPE_ROW.fullmatch(text):
            if text.startswith("|") and text.endswith("|"):
                text = text[1:-1]  # "| a | b |": the outer bars enclose, they open no cell
            run.append((tuple(cell.strip() for cell in text.split("|")), block.page))
            continue
        flush()
        out.append(block)
    flush()
    return out


def table_clauses(
    rows,
    section: str,
    section_title: str = "",
    page: int | None = None,
    warnings: list[ParseWarning] | None = None,
) -> list[Clause]:
    """Clauses of one table found under `section`; group rows ("II | Nhóm …") extend it.
    A table of several rows not read as a task table adds a warning to `warnings`."""
    rows = [tuple(" ".join(cell.split()) for cell in row) for row in rows if any(c.strip() for c in row)]
    if not rows:
        return []
    roles, body = _roles(rows)
    if "task" not in roles.values() or not {"lead", "deadline"} & set(roles.values()):
        if warnings is not None and len(rows) > 2:
            warnings.append(ParseWarning("table_columns", section))
        return [
            Clause(
                section=section,
                text=" | ".join(c for c in row if c),
                page=page,
                kind="table_row",
                section_title=section_title,
            )
            for row in rows
        ]
    column = {role: index for index, role in roles.items()}
    clauses, group, title = [], "", section_title
    for row in _rejoin_rows(body, column):
        cell = {role: row[index] if index < len(row) else "" for role, index in column.items()}
        number, task = cell.get("number", ""), cell.get("task", "")
        filled = [c for c in row if c]
        if _ROMAN_OR_LETTER.match(number) and len(filled) <= 2:
            group, title = number.rstrip("."), task or (filled[-1] if filled else "")
            continue
        if not task or all(_COLUMN_NUMBERS.match(c) for c in filled):
            continue
        label = number.rstrip(".") if _ROW_NUMBER.match(number) else ""
        clauses.append(
            Clause(
                section=".".join(part for part in (section, group, label) if part),
                text=task,
                page=page,
                kind="table_row",
                section_title=title,
                cells={role: cell[role] for role in ("lead", "partners", "deadline") if cell.get(role)},
            )
        )
    return clauses


def _rejoin_rows(body: list[tuple[str, ...]], column: dict[str, int]) -> list[tuple[str, ...]]:
    """Rows with the pieces of a row cut by a page break (or a wrapped line read as a row of
    its own) put back: a row with no number whose task cell is empty or goes on in lower case
    continues the numbered row above it, cell by cell, so no text shifts into another row."""
    if "number" not in column:
        return body
    out: list[tuple[str, ...]] = []
    for row in body:
        number = row[column["number"]] if column["number"] < len(row) else ""
        task = row[column["task"]] if column["task"] < len(row) else ""
        if (
            out
            and not number
            and (not task or task[0].islower())
            and any(row)
            and _ROW_NUMBER.match(out[-1][column["number"]] or "x")
        ):
            width = max(len(out[-1]), len(row))
            above, below = out[-1] + ("",) * (width - len(out[-1])), row + ("",) * (width - len(row))
            out[-1] = tuple(" ".join(filter(None, (a, b))) for a, b in zip(above, below))
            continue
        out.append(row)
    return out


def cell_line_tables(blocks: list[Block]) -> list[Block]:
    """`blocks` with a task table whose text layer gives one cell per line made a table block.

    The header is a run of short lines, three or more of them column names ("TT",
    "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn"); each row then starts with its number alone
    on a line, its cells on the lines after it. A cell wrapped onto a line starting in lower
    case is joined back; cells missing at a row's end (an empty "Ghi chú") are left empty.
    """
    out, index = [], 0
    while index < len(blocks):
        found = _cell_line_table(blocks, index)
        if found is None:
            out.append(blocks[index])
            index += 1
            continue
        rows, index = found
        out.append(Block("", page=blocks[index - 1].page, rows=rows))
    return out


def _cell_line_table(blocks: list[Block], start: int):
    """(rows, index after) of a one-cell-per-line table whose header starts at `start`."""
    lines, index = [], start
    while index < len(blocks) and blocks[index].rows is None and _is_cell_line(blocks[index].text):
        if blocks[index].text.strip():
            lines.append(" ".join(blocks[index].text.split()))
        index += 1
        if lines and _ROW_NUMBER.match(lines[-1]) and len(lines) > 1:
            break
    header = lines[:-1] if lines and _ROW_NUMBER.match(lines[-1]) else []
    roles = header_roles(header)
    if (
        len(header) < 3
        or len(roles) < len(header)
        or "task" not in roles.values()
        or not {"lead", "deadline"} & set(roles.values())
    ):
        return None
    rows, width, index = [tuple(header)], len(header), index - 1
    expected = 1
    while (
        index < len(blocks)
        and blocks[index].rows is None
        and " ".join(blocks[index].text.split()) == str(expected)
    ):
        cells, index = [str(expected)], index + 1
        while index < len(blocks) and blocks[index].rows is None and len(cells) <= width:
            text = " ".join(blocks[index].text.split())
            if text == str(expected + 1):
                break
            if text and cells[1:] and text[0].islower():
                cells[-1] = f"{cells[-1]} {text}"  # a wrapped cell
            elif (
                text
                and len(cells) < width
                and not (roles.get(len(cells)) in ("note", "product") and len(text.split()) > _SHORT_CELL)
            ):
                cells.append(text)  # a long sentence where a short note belongs: the text after the table
            elif text:
                break  # the table is over: this line is the text after it
            index += 1
        rows.append(tuple(cells) + ("",) * (width - len(cells)))
        expected += 1
    return (tuple(rows), index) if len(rows) > 1 else None


def _is_cell_line(text: str) -> bool:
    """A header line of a one-cell-per-line table: blank, or a few words that end no sentence."""
    words = text.split()
    return len(words) <= 6 and not text.rstrip().endswith((".", ";", ":"))


def join_split_tables(blocks: list[Block]) -> list[Block]:
    """`blocks` with a table continued on the next page made one table again: same number of
    columns, nothing but blank lines or a page number between; a repeated header row is dropped."""
    out: list[Block] = []
    for block in blocks:
        if block.rows is not None and block.rows:
            previous = next(
                (
                    i
                    for i in range(len(out) - 1, -1, -1)
                    if out[i].rows is not None or not _PAGE_DEBRIS.fullmatch(out[i].text)
                ),
                None,
            )
            if (
                previous is not None
                and out[previous].rows is not None
                and len(out[previous].rows[0]) == len(block.rows[0])
                and block.page is not None
                and out[previous].page is not None
                and block.page == out[previous].page + 1
            ):
                rows = block.rows
                if _folded_row(rows[0]) == _folded_row(out[previous].rows[0]):
                    rows = rows[1:]
                out[previous] = Block("", page=out[previous].page, rows=out[previous].rows + tuple(rows))
                del out[previous + 1 :]
                continue
        out.append(block)
    return out


def _folded_row(row) -> str:
    return " | ".join(" ".join(fold(cell).split()) for cell in row)


def _roles(rows) -> tuple[dict[int, str], list]:
    """Column index → role, and the rows after the header (one or two rows)."""
    header = list(rows[0])
    roles = header_roles(header)
    # A second header row splits a merged cell ("Đơn vị thực hiện" → "Chủ trì" | "Phối hợp");
    # a loader may repeat the vertically merged cells ("STT") in it.
    if (
        len(rows) > 1
        and {"lead", "partners"} & set(header_roles(rows[1]).values())
        and not _ROW_NUMBER.match(rows[1][0] or "x")
    ):
        merged = [a if a == b else f"{a} {b}".strip() for a, b in zip(header, rows[1])]
        return header_roles(merged), rows[2:]
    return roles, rows[1:]


def header_roles(cells) -> dict[int, str]:
    """Column index → role ("number", "task", "lead", "partners", "deadline") of header cells."""
    roles = {}
    for index, cell in enumerate(cells):
        folded = " ".join(fold(cell).replace("/", " ").split())
        for role, pattern in COLUMNS:
            if folded and pattern.search(folded) and role not in roles.values():
                roles[index] = role
                break
    return roles
