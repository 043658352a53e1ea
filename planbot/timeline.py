"""A timeline picture of tasks: one row per task, a mark per due date, today marked.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no display, no global
figure state), so it renders headless and from the bot's worker threads alike. DejaVu Sans,
matplotlib's bundled default, has every Vietnamese letter.
"""

from __future__ import annotations

import datetime as dt
import io

import matplotlib

matplotlib.use("Agg")  # headless, whatever MPLBACKEND says

from matplotlib import dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from planbot.agenda import Task, task_label

MAX_ROWS = 20
LABEL_CHARS = 48
COLOURS = {"upcoming": "#1f77b4", "overdue": "#d62728", "recurring": "#9467bd", "ended": "#8c8c8c"}
STATUS_VI = {
    "upcoming": "Sắp đến hạn",
    "overdue": "Đã quá hạn",
    "recurring": "Định kỳ",
    "ended": "Kế hoạch đã hết thời kỳ",
}


def status(task: Task, today: dt.date) -> str:
    if task.end and task.end < today:
        return "ended"
    if task.rule is not None:
        return "recurring"
    return "overdue" if task.due < today else "upcoming"


def _order(found: list[Task], today: dt.date) -> list[Task]:
    """What a reader acts on first: the next due (one-off or recurring), recently overdue, history."""
    rank = {"upcoming": 0, "recurring": 0, "overdue": 2, "ended": 3}

    def key(task: Task):
        kind = status(task, today)
        when = task.next_dates(today, 1) or ([task.due] if task.due else [task.end or today])
        days = (when[0] - today).days
        return rank[kind], abs(days), task.clause.id

    return sorted(found, key=key)


def _dates(task: Task, today: dt.date) -> list[dt.date]:
    if task.rule is None:
        return [task.due]
    start = task.start or today - dt.timedelta(days=365)
    if task.end and task.end < today:  # history: the occurrences inside the plan's period
        return task.occurrences(start, task.end, 24)
    return task.occurrences(max(start, today - dt.timedelta(days=90)), today + dt.timedelta(days=400), 24)


def timeline_figure(found: list[Task], today: dt.date, title: str, max_rows: int = MAX_ROWS) -> Figure:
    """The figure (not yet rendered): rows top-down in reading order, today as a dashed line."""
    shown = [t for t in _order(found, today) if _dates(t, today)][:max_rows]
    hidden = len(found) - len(shown)
    fig = Figure(figsize=(11, 1.6 + 0.42 * max(len(shown), 1)), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    seen: set[str] = set()
    for row, task in enumerate(shown):
        kind = status(task, today)
        when = _dates(task, today)
        y = len(shown) - 1 - row
        label = STATUS_VI[kind] if kind not in seen else None
        seen.add(kind)
        if len(when) > 1:  # a recurring duty: a thin bar across its occurrences
            ax.hlines(y, when[0], when[-1], colors=COLOURS[kind], linewidth=2, alpha=0.35)
        ax.scatter(
            when,
            [y] * len(when),
            marker="D" if task.rule is None else "o",
            s=46,
            color=COLOURS[kind],
            zorder=3,
            label=label,
            gid=f"clause-{task.clause.id}",
        )
        if task.rule is None:  # a one-off date is read off the mark, not guessed from the axis
            ax.annotate(
                task.due.strftime("%d/%m/%Y"),
                (mdates.date2num(task.due), y),
                xytext=(7, 4),
                textcoords="offset points",
                fontsize=7.5,
                color=COLOURS[kind],
            )
    ax.axvline(
        today,
        color="#d62728",
        linestyle="--",
        linewidth=1.4,
        zorder=2,
        label=f"Hôm nay {today.strftime('%d/%m/%Y')}",
    )
    ax.set_yticks(range(len(shown)), [task_label(t, LABEL_CHARS) for t in reversed(shown)], fontsize=8.5)
    ax.set_ylim(-0.8, max(len(shown), 1) - 0.2)
    everything = [d for t in shown for d in _dates(t, today)] + [today]
    pad = max(dt.timedelta(days=20), (max(everything) - min(everything)) / 25)
    ax.set_xlim(min(everything) - pad, max(everything) + pad)
    locator = mdates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    ax.grid(axis="x", alpha=0.3)
    ax.set_xlabel("Thời gian (tháng/năm)")
    heading = title + (f" (và {hidden} nhiệm vụ khác)" if hidden > 0 else "")
    ax.set_title(heading, fontsize=11, loc="left")
    if not shown:
        ax.text(0.5, 0.5, "Không có nhiệm vụ nào có hạn", transform=ax.transAxes, ha="center", va="center")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def timeline_png(found: list[Task], today: dt.date, title: str) -> bytes:
    """The PNG Telegram gets as a photo and the CLI writes to a file."""
    return png(timeline_figure(found, today, title))
