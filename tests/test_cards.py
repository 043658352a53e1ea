"""Unit tests of the bot's cards (bot/cards.py) and the console card built from them: no Telegram."""

from __future__ import annotations

from bench.fake_bot_api import parse_html
from bot import browse_cards, cards
from index.records import ClauseRecord, PlanInfo
from index.search import Answer, Hit
from nlp.deadlines import Deadline
from planbot import terminal


def clause(**changes) -> ClauseRecord:
    fields = dict(
        id=7,
        plan="629/KH-UBND",
        plan_date="2019-02-14",
        section="II.2.a",
        section_title="Cải cách <thủ tục> & điều kiện",
        text="Sở Xây dựng rút ngắn thời gian cấp phép.",
        sentences=["Sở Xây dựng rút ngắn thời gian cấp phép."],
        lead=["Sở Xây dựng"],
        partners=["Sở Tài chính"],
        deadline=Deadline("trước ngày 30/6/2019", "date", "2019-06-30"),
        page=3,
        footnotes=["1 ICD: cảng cạn"],
    )
    fields.update(changes)
    return ClauseRecord(**fields)


def test_format_date_and_deadline_text():
    assert cards.format_date("2019-06-30") == "30/06/2019"
    assert cards.format_date("quý II") == "quý II" and cards.format_date(None) == ""
    assert (
        cards.deadline_text(Deadline("trước ngày 30/6/2019", "date", "2019-06-30"))
        == "trước ngày 30/6/2019 (hạn chót 30/06/2019)"
    )
    assert cards.deadline_text(Deadline("hàng năm", "recurring"), "en") == "hàng năm"
    assert cards.deadline_text(None) == "không nêu" and cards.deadline_text(None, "en") == "not stated"


def test_citation_names_plan_date_section_title_and_page_escaped():
    text = cards.citation(clause())
    assert (
        text
        == "Kế hoạch 629/KH-UBND ngày 14/02/2019 · mục II.2.a (Cải cách &lt;thủ tục&gt; &amp; điều kiện) · trang 3"
    )
    assert cards.citation(clause(plan_date=None, section="", page=None)) == "Kế hoạch 629/KH-UBND"
    assert cards.citation(clause(), "en").startswith("Plan 629/KH-UBND dated 14/02/2019 · section II.2.a")


def test_a_plan_is_cited_as_its_header_cites_it_when_that_says_more_than_its_number():
    attached = clause(plan="512/QĐ-UBND", plan_citation="Kế hoạch ban hành kèm theo Quyết định 512/QĐ-UBND")
    assert cards.citation(attached).startswith(
        "Kế hoạch ban hành kèm theo Quyết định 512/QĐ-UBND ngày 14/02/2019"
    )
    assert cards.citation(attached, "en").startswith(
        "Kế hoạch ban hành kèm theo Quyết định 512/QĐ-UBND dated"
    )
    programme = clause(plan="12/CTr-UBND", plan_citation="Chương trình hành động 12/CTr-UBND")
    assert cards.plan_name(programme) == "Chương trình hành động 12/CTr-UBND"
    # an ordinary plan (or one stored before citations were) keeps the label of the reply's language
    ordinary = clause(plan_citation="Kế hoạch 629/KH-UBND")
    assert cards.plan_name(ordinary) == cards.plan_name(clause()) == "Kế hoạch 629/KH-UBND"
    assert cards.plan_name(ordinary, "en") == "Plan 629/KH-UBND"


def test_answer_card_is_valid_html_with_who_when_quote_and_source():
    answer = Answer(
        "Ai cấp phép <xây dựng>?",
        True,
        [Hit(clause(), "Sở Xây dựng rút ngắn thời gian cấp phép.", 1.0), Hit(clause(id=8), "x", 0.5)],
    )
    html = cards.answer_card(answer.question, answer)
    parse_html(html)  # raises on HTML Telegram would refuse
    assert (
        "&lt;xây dựng&gt;" in html
        and "Chủ trì:</b> Sở Xây dựng" in html
        and "Phối hợp:</b> Sở Tài chính" in html
    )
    assert "<blockquote>Sở Xây dựng rút ngắn thời gian cấp phép.</blockquote>" in html
    assert "Kết quả 1/2" in html
    keys = {
        b.text: b.callback_data for row in cards.answer_keyboard(5, answer, 0).inline_keyboard for b in row
    }
    assert keys["📄 Toàn văn"] == "c:7" and keys["Kết quả khác ▶"] == "m:5:1" and keys["👍"] == "f:5:u"


def test_cut_note_comes_from_the_answer_field():
    answer = Answer("x", False, [], cut_to=1000)
    assert "chỉ xét 1000 ký tự đầu" in cards.declined_text("x", answer)
    assert "Câu hỏi không có từ nào" in cards.declined_text("", Answer("", False, [], "empty question"))


def test_looks_english():
    assert cards.looks_english("What must Sở Xây dựng do?")
    assert not cards.looks_english("so xay dung phai lam gi")
    assert not cards.looks_english("Sở Xây dựng phải làm gì?")


def test_plans_text_and_full_clause():
    plans = [PlanInfo(1, "629/KH-UBND", "2019-02-14", "Cải thiện <môi trường>", 53)]
    assert "ngày 14/02/2019: Cải thiện &lt;môi trường&gt; (53 điều khoản)" in browse_cards.plans_text(plans)
    assert browse_cards.plans_text([]) == "Chưa có kế hoạch nào được nạp."
    full = cards.full_clause(clause())
    parse_html(full)
    assert "Chú thích:</b>" in full and "1 ICD: cảng cạn" in full


def test_console_card_is_the_bot_card_without_markup():
    answer = Answer("Ai cấp phép?", True, [Hit(clause(), "Sở Xây dựng rút ngắn thời gian cấp phép.", 1.0)])
    text = terminal.answer_card(answer)
    assert "<" not in text.replace("<thủ tục>", "")
    assert "Chủ trì: Sở Xây dựng" in text and "trước ngày 30/6/2019 (hạn chót 30/06/2019)" in text
    assert "Kế hoạch 629/KH-UBND ngày 14/02/2019 · mục II.2.a" in text
