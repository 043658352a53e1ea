"""Deadline extraction on invented clauses of several provinces."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from nlp.deadlines import extract_deadline


@pytest.mark.parametrize("clause, text, kind, due", [
    ("Sở Tài chính hoàn thành trước ngày 30/6/2021.", "trước ngày 30/6/2021", "date", "2021-06-30"),
    ("Sở Y tế báo cáo chậm nhất ngày 15 tháng 10 năm 2022.", "chậm nhất ngày 15 tháng 10 năm 2022", "date", "2022-10-15"),
    ("Các Sở, ban, ngành xây dựng kế hoạch, hoàn thành trong quý I/2019. Trong đó", "hoàn thành trong quý I/2019",
     "date", "2019-03-31"),
    ("Tổ chức hội nghị, thời gian thực hiện trong quý II/2022.", "trong quý II/2022", "date", "2022-06-30"),
    ("Ban hành quy chế, quý IV năm 2023", "quý IV năm 2023", "date", "2023-12-31"),
    ("Triển khai thanh toán không dùng tiền mặt; hoàn thành trước tháng 12/2019.", "trước tháng 12/2019",
     "date", "2019-11-30"),
    ("Đưa vào vận hành trong tháng 9/2021.", "trong tháng 9/2021", "date", "2021-09-30"),
    ("Xây dựng cơ sở dữ liệu, tháng 9/2021", "tháng 9/2021", "date", "2021-09-30"),
    ("Rà soát các cụm công nghiệp trong năm 2021.", "trong năm 2021", "date", "2021-12-31"),
    ("Hoàn thành số hóa hồ sơ trước quý III/2024.", "trước quý III/2024", "date", "2024-06-30"),
    ("Phấn đấu đến hết năm 2025 có 80% hồ sơ trực tuyến.", "đến hết năm 2025", "date", "2025-12-31"),
    ("Tổng kết 6 tháng đầu năm 2022 để rút kinh nghiệm.", "6 tháng đầu năm 2022", "date", "2022-06-30"),
    ("Đánh giá Chỉ số cải cách hành chính các xã trên địa bàn tỉnh năm 2019.", "năm 2019", "date", "2019-12-31"),
    ("Rút ngắn thời gian cấp phép còn dưới 63 ngày làm việc; ứng dụng", "dưới 63 ngày làm việc", "duration", None),
    ("tổng thời gian giải quyết không quá 10 ngày.", "không quá 10 ngày", "duration", None),
    ("giảm thời gian nộp bảo hiểm xuống dưới 49 giờ.", "dưới 49 giờ", "duration", None),
    ("giải quyết hồ sơ trong vòng 5 ngày làm việc kể từ ngày nhận", "trong vòng 5 ngày làm việc", "duration", None),
    ("thanh tra theo quy định (không quá một lần/năm); kết hợp", "không quá một lần/năm", "frequency", None),
    ("kiểm tra tối đa 2 lần trong một năm", "tối đa 2 lần trong một năm", "frequency", None),
    ("trước ngày 10 của tháng cuối quý và trước ngày 10 tháng 12, tổng hợp báo cáo",
     "trước ngày 10 của tháng cuối quý và trước ngày 10 tháng 12", "recurring", None),
    ("Báo cáo định kỳ 6 tháng, hằng năm về Sở Nội vụ.", "định kỳ 6 tháng, hằng năm", "recurring", None),
    ("gửi báo cáo trước ngày 20 hằng tháng", "trước ngày 20 hằng tháng", "recurring", None),
    ("Thời gian thực hiện: thường xuyên.", "thường xuyên", "ongoing", None),
    ("Hằng năm, tổ chức đánh giá mức độ hài lòng.", "Hằng năm", "ongoing", None),
    ("Kiểm tra an toàn thực phẩm hàng năm.", "hàng năm", "ongoing", None),
])
def test_deadlines(clause, text, kind, due):
    found = extract_deadline(clause, "2019-02-14")
    assert (found.text, found.type, found.due) == (text, kind, due)


@pytest.mark.parametrize("clause", [
    "Căn cứ Nghị quyết số 02/NQ-CP ngày 01/01/2019 của Chính phủ về cải thiện môi trường kinh doanh "
    "năm 2019 và định hướng đến năm 2021, Ủy ban nhân dân tỉnh xây dựng Kế hoạch như sau:",
    "Tham mưu UBND tỉnh triển khai Nghị quyết 139/NQ-CP ngày 09/11/2018 ban hành chương trình hành động",
    "Thực hiện Kế hoạch số 2480/KH-UBND ngày 6/6/2018 của Ủy ban nhân dân tỉnh.",
    "Căn cứ Quyết định số 12/QĐ-UBND ngày 15 tháng 3 năm 2020 về cải cách hành chính năm 2020.",
    "Trong năm 2018, đã đạt một số kết quả tiêu biểu.",
    "Sở Tài chính căn cứ vào khả năng cân đối ngân sách hàng năm, tham mưu Ủy ban nhân dân tỉnh.",
    "chính sách hỗ trợ doanh nghiệp giai đoạn 2018-2025 trên địa bàn tỉnh sau khi được phê duyệt.",
    "Hoàn thành trước ngày 31/02/2021.",
    "Sở Y tế chỉ đạo các cơ sở khám bệnh kết nối dữ liệu.",
])
def test_no_deadline(clause):
    assert extract_deadline(clause, "2019-02-14") is None


def test_commitment_outranks_other_periods():
    clause = ("Trong năm 2021, triển khai thí điểm; rút ngắn thời gian còn dưới 5 ngày, "
              "hoàn thành trước ngày 30/9/2021.")
    assert extract_deadline(clause).text == "trước ngày 30/9/2021"


def test_date_without_year_takes_the_plan_year():
    assert extract_deadline("nộp báo cáo trước ngày 15/12", "2022-05-01").due == "2022-12-15"
    assert extract_deadline("nộp báo cáo trước ngày 15/12").due is None


def test_every_rule_has_an_example():
    source = (Path(__file__).resolve().parents[1] / "nlp" / "deadlines.py").read_text(encoding="utf-8")
    block = source.split("\nRULES = (\n", 1)[1].split("\n)\n", 1)[0]
    row_ends = [line for line in block.splitlines() if re.search(r"_(?:no_)?due\w*\),", line)]
    assert len(row_ends) >= 10 and all("# e.g." in line for line in row_ends)
