"""A short numbered item is the heading of the paragraphs that continue it (index/queries.py
items_above): a question in the item's words reaches the paragraph saying who does it."""

from __future__ import annotations

from corpus.model import Clause
from index.queries import ITEM_TITLE_WORDS, items_above

STEP_PLAN = """ỦY BAN NHÂN DÂN TỈNH HÒA AN
Số: 91/KH-UBND Hòa An, ngày 2 tháng 3 năm 2023

KẾ HOẠCH
Sắp xếp trường học năm 2023

I. Trình tự thực hiện
1. Bước 1: Rà soát mạng lưới trường học trên địa bàn.
Phòng Giáo dục và Đào tạo các huyện thống kê số điểm trường lẻ, số học sinh từng điểm trường.
Thời gian hoàn thành: trước ngày 30/4/2023.
2. Bước 2: Xây dựng phương án sáp nhập điểm trường lẻ.
Sở Giáo dục và Đào tạo chủ trì, phối hợp với Sở Tài chính xây dựng phương án, trình Ủy ban nhân dân tỉnh.
Thời gian hoàn thành: trước ngày 31/7/2023.
"""


def test_continuations_of_a_short_item_carry_it_and_nothing_else_does():
    long_item = " ".join(["từ"] * (ITEM_TITLE_WORDS + 1))
    clauses = [
        Clause("II.1", "Bước 1: Rà soát mạng lưới trường học.", kind="item", words="rà_soát"),
        Clause("II.1", "Phòng Giáo dục thống kê số điểm trường.", kind="continuation"),
        Clause("II.2", "Sở Tài chính bố trí kinh phí.", kind="continuation"),  # another item's section
        Clause("II.3", long_item, kind="item"),
        Clause("II.3", "Sở Nội vụ hướng dẫn.", kind="continuation"),  # a sentence-long item is no title
        Clause("III", "Các sở báo cáo.", kind="paragraph"),
    ]
    above = items_above(clauses)
    assert above[1] == "Bước 1: Rà soát mạng lưới trường học. rà_soát"
    assert above[0] == above[2] == above[3] == above[4] == above[5] == ""


def test_a_question_in_the_steps_words_finds_who_does_the_step(fake_library, tmp_path):
    path = tmp_path / "91-KH-UBND.txt"
    path.write_text(STEP_PLAN, encoding="utf-8")
    fake_library.ingest(path)
    answer = fake_library.ask(
        "Việc sáp nhập điểm trường lẻ do ai thực hiện?"
    )  # the body never says "sáp nhập"
    assert answer.answered
    leads = [h.clause.lead for h in answer.hits[:3]]
    assert ["Sở Giáo dục và Đào tạo"] in leads, leads
