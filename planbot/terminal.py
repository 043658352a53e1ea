"""The answer card as plain text for the terminal: the bot's card (bot/cards.py) without its markup.

One formatting for both shells: citations, deadlines and dates come from bot/cards, so the
console and Telegram never disagree on how a source or a due date is written.
"""

from __future__ import annotations

import textwrap

from bot import cards, html_split, replies
from index.search import Answer, Hit


def _other(hit: Hit) -> str:
    where = html_split.plain_text(cards.citation(hit.clause))
    return f"  • [{where}] {textwrap.shorten(hit.clause.text, 110)}"


def answer_card(answer: Answer, question: str | None = None) -> str:
    """Lead, partners, deadline, quote and citation of the best clause, or a decline."""
    question = question if question is not None else answer.question
    if answer.intent not in ("clause", "out_of_scope"):  # a task list, overview, definition: all of it
        html, _ = replies.reply(0, question, answer, page=0)
        if answer.intent == "agency_tasks":
            html = replies.tasks_text(question, answer)
        return html_split.plain_text(html) + "\n"
    if answer.intent == "out_of_scope" and "unknown_plan" in answer.details:
        return html_split.plain_text(replies.unknown_plan_text(question, answer)) + "\n"
    if answer.answered and answer.hits:
        lines = [html_split.plain_text(cards.answer_card(question, answer))]
        if len(answer.hits) > 1:
            lines.append("Kết quả khác:")
            lines += [_other(hit) for hit in answer.hits[1:]]
    else:
        lines = [html_split.plain_text(cards.declined_text(question, answer))]
        lines += [_other(hit) for hit in answer.hits[:3]]
    return "\n".join(lines) + "\n"
