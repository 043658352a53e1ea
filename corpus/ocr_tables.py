"""Ruled tables in a page image: the grid of their lines, and OCR words put into its cells.

Vietnamese task tables are drawn with rules, so the rules are the reliable layout:
long horizontal and vertical runs of dark pixels. The rules are erased before
recognition (Tesseract reads a rule as "|" or "—" and lets it split words), and each
recognised word goes to the cell its centre lies in. A cell whose rule is missing on one
side is merged with its neighbour: a vertically merged cell repeats its text on every
row it covers (one agency for several tasks), a horizontally merged one gives its text
once, as the DOCX reader does.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import numpy as np

RULE_SHARE = 1 / 25  # a rule is a dark run at least this share of the page's width
MIN_TABLE_SHARE = 0.2  # a grid narrower than this share of the page is a box or a stamp


@dataclass(frozen=True)
class Grid:
    """A ruled table: separator positions (pixels) and which separators are really drawn."""

    rows: tuple[int, ...]  # y of each horizontal separator, top to bottom
    columns: tuple[int, ...]  # x of each vertical separator, left to right
    below: tuple[tuple[bool, ...], ...]  # below[r][c]: rule under cell (r, c)
    right: tuple[tuple[bool, ...], ...]  # right[r][c]: rule right of cell (r, c)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (float(self.columns[0]), float(self.rows[0]), float(self.columns[-1]), float(self.rows[-1]))


def _runs(mask: np.ndarray, length: int, axis: int) -> np.ndarray:
    """Pixels of `mask` that lie in a run of at least `length` along `axis` (linear time)."""
    m = np.moveaxis(mask, axis, -1).astype(np.int32)
    n = m.shape[-1]
    if n < length:
        return np.zeros_like(mask)
    csum = np.concatenate([np.zeros(m.shape[:-1] + (1,), np.int32), np.cumsum(m, axis=-1)], axis=-1)
    full = (csum[..., length:] - csum[..., :-length]) == length  # window starting at i is all dark
    starts = np.concatenate(
        [np.zeros(m.shape[:-1] + (1,), np.int32), np.cumsum(full.astype(np.int32), axis=-1)], axis=-1
    )
    # pixel j is covered when a full window starts in [j - length + 1, j]
    idx = np.arange(n)
    hi = np.minimum(idx, n - length) + 1
    lo = np.clip(idx - length + 1, 0, n - length + 1)
    covered = (starts[..., hi] - starts[..., lo]) > 0
    return np.moveaxis(covered, -1, axis)


def _positions(profile: np.ndarray, threshold: float) -> list[int]:
    """Centres of the bands where `profile` reaches `threshold` (one per drawn rule)."""
    hits = np.flatnonzero(profile >= threshold)
    if not len(hits):
        return []
    bands = np.split(hits, np.flatnonzero(np.diff(hits) > 3) + 1)
    return [int(band.mean()) for band in bands]


def ruled_grids(gray: np.ndarray) -> tuple[list[Grid], np.ndarray]:
    """The ruled tables of a page, and the page with their rules erased."""
    from scipy import ndimage

    # Rules are found at about 100 DPI (a pixel dark when any of its block is): fast,
    # and a rule one pixel thick and slightly wavy becomes one straight run.
    f = max(1, gray.shape[1] // 850)
    h, w = gray.shape[0] // f * f, gray.shape[1] // f * f
    dark = (gray[:h, :w] < 140).reshape(h // f, f, w // f, f).any(axis=(1, 3))
    thick = dark | np.roll(dark, 1, axis=0)
    length = max(15, int(dark.shape[1] * RULE_SHARE))
    horizontal = _runs(thick, length, axis=1)
    vertical = _runs(dark | np.roll(dark, 1, axis=1), length, axis=0)
    rules = horizontal | vertical
    labels, _ = ndimage.label(ndimage.binary_dilation(rules, iterations=1))
    grids = []
    for box in ndimage.find_objects(labels):
        if box is None:
            continue
        ys, xs = box
        if xs.stop - xs.start < MIN_TABLE_SHARE * dark.shape[1] or ys.stop - ys.start < length:
            continue
        grid = _grid(horizontal[box], vertical[box], ys.start, xs.start, f)
        if grid:
            grids.append(grid)
    clean = gray
    if grids:
        clean = gray.copy()
        erase = np.repeat(np.repeat(ndimage.binary_dilation(rules), f, axis=0), f, axis=1)
        clean[:h, :w][erase & (gray[:h, :w] < 200)] = 255
    return grids, clean


def _grid(horizontal: np.ndarray, vertical: np.ndarray, top: int, left: int, scale: int) -> Grid | None:
    height, width = horizontal.shape
    # A separator spans most of the table; one broken by merged cells still spans 40 %.
    ys = _positions(horizontal.sum(axis=1), 0.4 * width)
    xs = _positions(vertical.sum(axis=0), 0.4 * height)
    ys = [y for i, y in enumerate(ys) if i == 0 or y - ys[i - 1] > 4]  # a double rule is one
    xs = [x for i, x in enumerate(xs) if i == 0 or x - xs[i - 1] > 4]
    if len(ys) < 3 or len(xs) < 3:  # at least two rows and two columns
        return None

    def drawn(mask, y0, y1, x0, x1) -> bool:
        part = mask[max(0, y0) : y1, max(0, x0) : x1]
        if part.size == 0:
            return False
        along = part.any(axis=0 if y1 - y0 < x1 - x0 else 1)
        return along.mean() >= 0.5

    below = tuple(
        tuple(
            drawn(horizontal, ys[r + 1] - 2, ys[r + 1] + 3, xs[c] + 3, xs[c + 1] - 2)
            for c in range(len(xs) - 1)
        )
        for r in range(len(ys) - 1)
    )
    right = tuple(
        tuple(
            drawn(vertical, ys[r] + 3, ys[r + 1] - 2, xs[c + 1] - 2, xs[c + 1] + 3)
            for c in range(len(xs) - 1)
        )
        for r in range(len(ys) - 1)
    )
    return Grid(tuple((y + top) * scale for y in ys), tuple((x + left) * scale for x in xs), below, right)


def _groups(grid: Grid) -> list[list[int]]:
    """Cell index (r * columns + c) → group id, joining cells across missing rules."""
    n_rows, n_cols = len(grid.rows) - 1, len(grid.columns) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not grid.right[r][c]:
                parent[find(r * n_cols + c + 1)] = find(r * n_cols + c)
            if r + 1 < n_rows and not grid.below[r][c]:
                parent[find((r + 1) * n_cols + c)] = find(r * n_cols + c)
    return [[find(r * n_cols + c) for c in range(n_cols)] for r in range(n_rows)]


def cell_boxes(grid: Grid) -> dict[int, tuple[int, int, int, int]]:
    """Each merged cell's box (x0, y0, x1, y1) inside its rules, by group id."""
    spans: dict[int, list[int]] = {}
    for r, row in enumerate(_groups(grid)):
        for c, group in enumerate(row):
            box = spans.setdefault(group, [r, c, r, c])
            box[0], box[1] = min(box[0], r), min(box[1], c)
            box[2], box[3] = max(box[2], r), max(box[3], c)
    return {
        group: (grid.columns[c0], grid.rows[r0], grid.columns[c1 + 1], grid.rows[r1 + 1])
        for group, (r0, c0, r1, c1) in spans.items()
    }


def table_rows(grid: Grid, texts: dict[int, list]) -> list[list]:
    """Rows of cell contents from each merged cell's content (by group id): a cell merged
    over rows repeats on each, one merged over columns is given once per row."""
    rows = []
    for groups in _groups(grid):
        row, seen = [], set()
        for group in groups:
            row.append([] if group in seen else texts.get(group, []))
            seen.add(group)
        if any(row):
            rows.append(row)
    return rows


def cell_text(words: list[dict]) -> list[tuple[str, float]]:
    """A cell's words in reading order: by line (centres within half a line), then left to right."""
    ordered = sorted(words, key=lambda w: (w["top"] + w["bottom"]) / 2)
    lines: list[list[dict]] = []
    for word in ordered:
        centre = (word["top"] + word["bottom"]) / 2
        if lines:
            last = lines[-1]
            height = max(1, statistics.median([w["bottom"] - w["top"] for w in last]))
            if abs(centre - sum((w["top"] + w["bottom"]) / 2 for w in last) / len(last)) < 0.5 * height:
                last.append(word)
                continue
        lines.append([word])
    return [(w["text"], w["conf"]) for line in lines for w in sorted(line, key=lambda w: w["left"])]
