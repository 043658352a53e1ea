"""Task tables drawn without ruling lines in a PDF, read from the words' positions.

pdfplumber finds a table by its lines; a borderless one comes out as text lines that mix
the cells of a row ("Xây dựng kho … Cục Thuế tỉnh, Sở … Quý"). Its header gives it away:
a line (or up to three) whose words name task-table columns ("STT", "Nhiệm vụ", "Cơ quan chủ
trì", "Thời gian hoàn thành"). The columns are the x-ranges the words of header and body fill,
separated by vertical gutters no word crosses; a row is the lines between two steps down
wider than the line step; a cell is the row's words inside a column, top to bottom.
"""

from __future__ import annotations

import statistics

from corpus.tables import COLUMNS, header_roles
from nlp.fold import fold

_ROLE = dict(COLUMNS)

# A header must name at least this many roles, one of them the task.
_MIN_ROLES = 3
# A header is one to three lines this close (in line heights, top to top).
_HEADER_LINES, _HEADER_PITCH = 3, 1.6
# A step down over this many line heights (top to top) ends the table.
_TABLE_END = 2.5
# A step down over this many times the smallest step in the table starts a new row.
_ROW_STEP = 1.25


def column_tables(page) -> list[tuple[tuple[float, float, float, float], list[list[str]]]]:
    """(bbox, rows) of the first borderless task table on a pdfplumber page, header row first."""
    lines = _lines(page.extract_words(use_text_flow=False))
    if not lines:
        return []
    height = statistics.median(line[0]["bottom"] - line[0]["top"] for line in lines)
    for index in range(len(lines)):
        for size in range(_HEADER_LINES, 0, -1):
            header = lines[index : index + size]
            if len(header) < size or any(
                _step(a, b) > _HEADER_PITCH * height for a, b in zip(header, header[1:])
            ):
                continue
            words = fold(" ".join(w["text"] for line in header for w in line))
            named = _ROLE["lead"].search(words) or _ROLE["deadline"].search(words)
            if not _ROLE["task"].search(words) or not named:
                continue  # cheap test first: most pages have no table header at all
            table = _read(header, _body(lines[index + size :], header[-1], height), height)
            if table:
                return [table]
    return []


def _lines(words: list[dict]) -> list[list[dict]]:
    """Words grouped into lines by their top, each line left to right."""
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) < 1:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _step(above: list[dict], below: list[dict]) -> float:
    return below[0]["top"] - above[0]["top"]


def _body(lines: list[list[dict]], header_end: list[dict], height: float) -> list[list[dict]]:
    body, previous = [], header_end
    for line in lines:
        if _step(previous, line) > _TABLE_END * height:
            break
        body.append(line)
        previous = line
    return body


def _read(header: list[list[dict]], body: list[list[dict]], height: float):
    """The table with this header and body: rows of cells, or None when the header's columns
    do not name a task table."""
    if not body:
        return None
    spans = _gutters([w for line in header + body for w in line])
    if len(spans) < _MIN_ROLES:
        return None
    head = _cells(header, spans)
    roles = header_roles(head)
    if len(roles) < _MIN_ROLES or "task" not in roles.values():
        return None
    steps = [_step(a, b) for a, b in zip(body, body[1:])]
    smallest = min(steps, default=0)
    rows, start = [], 0
    for index in range(1, len(body) + 1):
        if index == len(body) or steps[index - 1] > _ROW_STEP * smallest:
            rows.append(_cells(body[start:index], spans))
            start = index
    words = [w for line in header + body for w in line]
    bbox = (
        min(w["x0"] for w in words) - 1,
        min(w["top"] for w in words) - 1,
        max(w["x1"] for w in words) + 1,
        max(w["bottom"] for w in words) + 1,
    )
    return bbox, [head] + rows


def _cells(lines: list[list[dict]], spans: list[tuple[float, float]]) -> list[str]:
    """The words of `lines` in each column span, top to bottom; "ST" over "T" rejoined."""
    cells: list[list[str]] = [[] for _ in spans]
    for line in lines:
        for word in line:
            column = next(i for i, (a, b) in enumerate(spans) if a <= word["x0"] <= b)
            cells[column].append(word["text"])
    return [_join(cell) for cell in cells]


def _join(words: list[str]) -> str:
    text = ""
    for word in words:
        glued = len(text) <= 2 and text.isupper() and len(word) <= 2 and word.isupper()  # "ST" + "T"
        text = f"{text}{word}" if glued or not text else f"{text} {word}"
    return text


def _gutters(words: list[dict]) -> list[tuple[float, float]]:
    """The x-ranges the words cover, merged where they overlap: one per column."""
    spans: list[list[float]] = []
    for word in sorted(words, key=lambda w: w["x0"]):
        if spans and word["x0"] <= spans[-1][1] + 1:
            spans[-1][1] = max(spans[-1][1], word["x1"])
        else:
            spans.append([word["x0"], word["x1"]])
    return [(a, b) for a, b in spans]
