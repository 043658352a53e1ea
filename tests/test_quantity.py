"""Questions asking for an amount (nlp/quantity.py): which amount, whether a clause states it,
and what an answer does with it: the clause stating it first, a decline when no plan does."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlp.fold import fold
from nlp.quantity import Quantity, quantity_asked

ASKED = [
    # (question, kind, unit) — with and without marks, and in English
    ("Mỗi hộ được hỗ trợ bao nhiêu tiền để sửa nhà?", "money", None),
    ("moi ho duoc ho tro bao nhieu tien", "money", None),
    ("Lệ phí cấp giấy phép là bao nhiêu?", "money", None),
    ("Giá thuê đất ở khu công nghiệp bao nhiêu?", "money", None),
    ("How much is the fee for a business licence?", "money", None),
    ("Nhà tái định cư phải rộng tối thiểu bao nhiêu mét vuông?", "area", None),
    ("dien tich dat danh cho cong vien la bao nhieu", "area", None),
    ("Tỷ lệ hồ sơ nộp trực tuyến phải đạt bao nhiêu?", "percent", None),
    ("ho so truc tuyen dat bao nhieu phan tram", "percent", None),
    ("What percentage of schools must be connected?", "percent", None),
    ("Cấp phép xây dựng mất bao nhiêu ngày?", "count", "ngay"),
    ("How many days may a permit take?", "count", "ngay"),
    ("Tỉnh phải xây bao nhiêu trường học?", "count", "truong"),
    ("Báo cáo gửi trước mấy ngày?", "count", "ngay"),
]

NOT_ASKED = [
    "Sở Xây dựng phải làm gì, hạn khi nào?",
    "bao lâu thì phải báo cáo",  # a time, not an amount
    "mất bao nhiêu lâu",
    "Ai bố trí kinh phí thực hiện kế hoạch?",  # who, not how much
    "hộ gia đình được hỗ trợ bao nhiêu",  # "gia" of "gia đình" is no price
    "ho gia dinh duoc ho tro bao nhieu",
    "Máy chủ dữ liệu đặt ở đâu?",  # "máy", not "mấy"
    "",
]


@pytest.mark.parametrize(("question", "kind", "unit"), ASKED)
def test_the_amount_a_question_asks_for(question, kind, unit):
    asked = quantity_asked(question)
    assert asked is not None and (asked.kind, asked.unit) == (kind, unit)


@pytest.mark.parametrize("question", NOT_ASKED)
def test_questions_asking_no_amount(question):
    assert quantity_asked(question) is None


def test_a_unit_plans_write_as_a_symbol_is_not_a_word_to_match():
    assert quantity_asked("nhà rộng bao nhiêu mét vuông").spelled == ("met", "vuong")
    assert quantity_asked("hỗ trợ bao nhiêu tiền").spelled == ()


STATED = [
    ("money", "Hỗ trợ 40 triệu đồng/hộ xây mới nhà ở.", True),
    ("money", "mức hỗ trợ 1.500.000 đồng mỗi người", True),
    ("money", "tổng vốn 2,5 tỷ", True),
    ("money", "Sở Tài chính bố trí kinh phí từ ngân sách tỉnh.", False),
    ("money", "theo Quyết định số 629/QĐ-UBND ngày 14/02/2019", False),
    ("area", "diện tích sử dụng tối thiểu là 30m2", True),
    ("area", "trồng mới 120 ha rừng", True),
    ("area", "rộng 3 hạng mục công trình", False),
    ("percent", "đạt trên 95% hồ sơ", True),
    ("percent", "đạt 98,9 %", True),
    ("percent", "ít nhất một phần ba số xã", False),
]


@pytest.mark.parametrize(("kind", "text", "stated"), STATED)
def test_whether_a_clause_states_the_amount(kind, text, stated):
    assert Quantity(kind).stated_in(fold(text)) is stated


def test_a_count_is_stated_with_its_own_unit():
    days = Quantity("count", "ngay")
    assert days.stated_in(fold("giải quyết không quá 10 ngày làm việc"))
    assert not days.stated_in(fold("trước ngày 30/6/2021"))  # a date, not a number of days
    assert not days.strict  # written out in words, a count has no figure to find


@given(st.text(max_size=300))
def test_any_text_is_read_without_error(text):
    asked = quantity_asked(text)
    assert asked is None or asked.kind in ("money", "area", "percent", "count")
    if asked is not None:
        assert isinstance(asked.stated_in(fold(text)), bool)


SUPPORT_PLAN = """ỦY BAN NHÂN DÂN TỈNH HÒA AN
Số: 77/KH-UBND Hòa An, ngày 5 tháng 4 năm 2022

KẾ HOẠCH
Hỗ trợ nhà ở cho hộ nghèo năm 2022

I. Nhiệm vụ
1. Ủy ban nhân dân các huyện lập danh sách hộ nghèo được hỗ trợ nhà ở, gửi Sở Xây dựng trước ngày 30/5/2022.
2. Sở Xây dựng hướng dẫn các hộ nghèo xây dựng nhà ở bảo đảm tiêu chuẩn 3 cứng, hoàn thành trong năm 2022.
3. Sở Tài chính cấp kinh phí hỗ trợ nhà ở cho hộ nghèo. Mức hỗ trợ xây mới là 40 triệu đồng mỗi hộ nghèo.
4. Sở Lao động - Thương binh và Xã hội kiểm tra việc hỗ trợ nhà ở cho hộ nghèo, báo cáo hằng quý.
"""


@pytest.fixture
def support_plan(fake_library, tmp_path):
    path = tmp_path / "77-KH-UBND.txt"
    path.write_text(SUPPORT_PLAN, encoding="utf-8")
    fake_library.ingest(path)
    return fake_library


def test_the_clause_stating_the_sum_answers_a_question_asking_for_it(support_plan):
    answer = support_plan.ask("Mỗi hộ nghèo được hỗ trợ bao nhiêu tiền xây nhà ở?")
    assert answer.answered and answer.note is None
    assert "40 triệu đồng" in answer.hits[0].clause.text
    assert "40 triệu đồng" in answer.hits[0].quote  # the sentence with the amount is quoted


def test_a_sum_no_plan_states_is_declined_with_the_reason(fake_library):
    fake_library.ensure_bundled()  # 629/KH-UBND sets rates and time limits, never a sum
    answer = fake_library.ask("Phí cấp giấy phép xây dựng là bao nhiêu tiền?")
    assert not answer.answered and answer.note == "no money stated"
    assert answer.hits  # the nearest clauses are still offered


def test_the_bot_card_says_no_plan_states_the_amount(support_plan):
    from bot.cards import declined_text

    answer = support_plan.ask("Diện tích nhà ở của hộ nghèo phải rộng bao nhiêu mét vuông?")
    assert not answer.answered and answer.note == "no area stated"
    card = declined_text(answer.question, answer, "vi")
    assert card.index("không nêu diện tích") < card.index("Các điều khoản gần nhất")  # why, then what is near
    assert "state no area" in declined_text(answer.question, answer, "en")


def test_the_bundled_plan_answers_a_rate_and_declines_a_price_on_the_real_model(library):
    rate = library.ask("Tỷ lệ dịch vụ công trực tuyến mức độ 4 phải đạt bao nhiêu phần trăm?")
    assert rate.answered and "30%" in rate.hits[0].clause.text
    price = library.ask("Giá dịch vụ công trực tuyến mức độ 4 là bao nhiêu tiền?")
    assert not price.answered and price.note == "no money stated"
