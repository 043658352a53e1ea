"""The English-to-plan-words glossary (nlp/glossary.py): ordered so phrases win over their words,
and an English question about a ministry's plan reaches the clause in the plan's own words."""

from __future__ import annotations

import re

from nlp.glossary import GLOSSARY, glossary


def test_each_english_term_once_and_every_phrase_before_its_words():
    english = [en for en, _ in GLOSSARY]
    assert len(english) == len(set(english))
    position = {en: i for i, en in enumerate(english)}
    for phrase in english:
        for other in english:
            if other != phrase and re.search(rf"\b{re.escape(other)}\b", phrase):
                assert position[phrase] < position[other], (phrase, other)


def test_a_ministry_question_in_english_carries_over():
    words = glossary("Who drafts the scheme for the carbon market together with the Ministry of Finance?")
    for expected in ("bộ tài chính", "thị trường các-bon", "dự thảo", "đề án"):
        assert expected in words
    assert "tài chính" not in words.replace("bộ tài chính", "")  # the phrase, not also its word


MINISTRY_PLAN = """BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG
Số: 31/KH-BTNMT Hà Nội, ngày 12 tháng 6 năm 2024

KẾ HOẠCH
Giảm phát thải khí nhà kính năm 2024

I. Nhiệm vụ
1. Cục Biến đổi khí hậu phối hợp với Bộ Tài chính hoàn thiện dự thảo Đề án phát triển thị trường các-bon, trình trước ngày 30/9/2024.
2. Tổng cục Khí tượng Thủy văn cập nhật kịch bản biến đổi khí hậu cho các tỉnh ven biển, hoàn thành trong năm 2024.
3. Cục Kiểm soát ô nhiễm môi trường kiểm tra việc xử lý chất thải rắn tại các khu công nghiệp, báo cáo hằng quý.
"""


def test_an_english_question_finds_the_clause_in_vietnamese(fake_library, tmp_path):
    path = tmp_path / "31-KH-BTNMT.txt"
    path.write_text(MINISTRY_PLAN, encoding="utf-8")
    fake_library.ingest(path)
    answer = fake_library.ask("Who works with the Ministry of Finance on the draft carbon market scheme?")
    assert answer.answered
    assert "thị trường các-bon" in answer.hits[0].clause.text
    assert answer.hits[0].clause.lead == ["Cục Biến đổi khí hậu"]
