"""The answer card as plain text for the terminal."""
from __future__ import annotations

import textwrap

from index.search import Answer, Hit


def _due(hit: Hit) -> str:
    deadline = hit.clause.deadline
    if not deadline:
        return "—"
    if deadline.due:
        y, m, d = deadline.due.split("-")
        return f"{deadline.text} (đến {d}/{m}/{y})"
    return deadline.text


def _citation(hit: Hit) -> str:
    clause = hit.clause
    parts = [f"Kế hoạch {clause.plan}"]
    if clause.plan_date:
        y, m, d = clause.plan_date.split("-")
        parts.append(f"ngày {d}/{m}/{y}")
    if clause.section:
        parts.append(f"mục {clause.section}")
    if clause.page:
        parts.append(f"trang {clause.page}")
    return ", ".join(parts)


def answer_card(answer: Answer) -> str:
    """Lead, partners, deadline, quote and citation of the best clause, or a decline."""
    lines = []
    if answer.cut_to:
        lines.append(f"(Câu hỏi dài quá {answer.cut_to} ký tự nên chỉ xét {answer.cut_to} ký tự đầu.)")
    elif answer.note:
        lines.append(f"({answer.note})")
    if not answer.answered:
        lines.append("Chưa tìm thấy điều khoản phù hợp trong các kế hoạch đã nạp.")
        if answer.hits:
            lines.append("Gần nhất:")
            for hit in answer.hits[:3]:
                lines.append(f"  • [{_citation(hit)}] {textwrap.shorten(hit.clause.text, 110)}")
        return "\n".join(lines) + "\n"
    best = answer.hits[0]
    lines.append(f"Cơ quan chủ trì: {', '.join(best.clause.lead) or '—'}")
    if best.clause.partners:
        lines.append(f"Phối hợp: {', '.join(best.clause.partners)}")
    lines.append(f"Thời hạn: {_due(best)}")
    lines.extend(textwrap.wrap(f"“{best.quote}”", width=88, initial_indent="  ",
                               subsequent_indent="  "))
    lines.append(f"— {_citation(best)}")
    if len(answer.hits) > 1:
        lines.append("Kết quả khác:")
        for hit in answer.hits[1:]:
            lines.append(f"  • [{_citation(hit)}] {textwrap.shorten(hit.clause.text, 110)}")
    return "\n".join(lines) + "\n"
