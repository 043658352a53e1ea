"""Deadline extraction on invented clauses of several provinces."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nlp.deadlines import extract_deadline, extract_deadlines, extract_target


@pytest.mark.parametrize(
    "clause, text, kind, due",
    [
        ("Sở Tài chính hoàn thành trước ngày 30/6/2021.", "trước ngày 30/6/2021", "date", "2021-06-30"),
        (
            "Sở Y tế báo cáo chậm nhất ngày 15 tháng 10 năm 2022.",
            "chậm nhất ngày 15 tháng 10 năm 2022",
            "date",
            "2022-10-15",
        ),
        (
            "Các Sở, ban, ngành xây dựng kế hoạch, hoàn thành trong quý I/2019. Trong đó",
            "hoàn thành trong quý I/2019",
            "date",
            "2019-03-31",
        ),
        (
            "Tổ chức hội nghị, thời gian thực hiện trong quý II/2022.",
            "trong quý II/2022",
            "date",
            "2022-06-30",
        ),
        ("Ban hành quy chế, quý IV năm 2023", "quý IV năm 2023", "date", "2023-12-31"),
        (
            "Triển khai thanh toán không dùng tiền mặt; hoàn thành trước tháng 12/2019.",
            "trước tháng 12/2019",
            "date",
            "2019-11-30",
        ),
        ("Đưa vào vận hành trong tháng 9/2021.", "trong tháng 9/2021", "date", "2021-09-30"),
        ("Xây dựng cơ sở dữ liệu, tháng 9/2021", "tháng 9/2021", "date", "2021-09-30"),
        ("Rà soát các cụm công nghiệp trong năm 2021.", "trong năm 2021", "date", "2021-12-31"),
        ("Hoàn thành số hóa hồ sơ trước quý III/2024.", "trước quý III/2024", "date", "2024-06-30"),
        ("Phấn đấu đến hết năm 2025 có 80% hồ sơ trực tuyến.", "đến hết năm 2025", "date", "2025-12-31"),
        ("Tổng kết 6 tháng đầu năm 2022 để rút kinh nghiệm.", "6 tháng đầu năm 2022", "date", "2022-06-30"),
        (
            "Đánh giá Chỉ số cải cách hành chính các xã trên địa bàn tỉnh năm 2019.",
            "năm 2019",
            "date",
            "2019-12-31",
        ),
        (
            "thanh tra theo quy định (không quá một lần/năm); kết hợp",
            "không quá một lần/năm",
            "frequency",
            None,
        ),
        ("kiểm tra tối đa 2 lần trong một năm", "tối đa 2 lần trong một năm", "frequency", None),
        (
            "trước ngày 10 của tháng cuối quý và trước ngày 10 tháng 12, tổng hợp báo cáo",
            "trước ngày 10 của tháng cuối quý và trước ngày 10 tháng 12",
            "recurring",
            None,
        ),
        ("Báo cáo định kỳ 6 tháng, hằng năm về Sở Nội vụ.", "định kỳ 6 tháng, hằng năm", "recurring", None),
        ("gửi báo cáo trước ngày 20 hằng tháng", "trước ngày 20 hằng tháng", "recurring", None),
        ("Thời gian thực hiện: thường xuyên.", "thường xuyên", "frequency", None),
        ("Thường xuyên", "Thường xuyên", "frequency", None),
        ("Hằng năm, tổ chức đánh giá mức độ hài lòng.", "Hằng năm", "frequency", None),
        ("Kiểm tra an toàn thực phẩm hàng năm.", "hàng năm", "frequency", None),
        # shapes of real plans
        ("Xong trong Quý III, IV/2026", "trong Quý III, IV/2026", "date", "2026-09-30"),
        ("Quý IV/2026, 2027", "Quý IV/2026, 2027", "date", "2026-12-31"),
        ("2026 - 2027", "2026 - 2027", "date", "2027-12-31"),
        ("Thời gian thực hiện: 2024 - 2030.", "2024 - 2030", "date", "2030-12-31"),
        ("Tháng 8/2024", "Tháng 8/2024", "date", "2024-08-31"),
        ("Xong trong tháng 5/2026", "trong tháng 5/2026", "date", "2026-05-31"),
        ("Tháng 12/2019", "Tháng 12/2019", "date", "2019-12-31"),
        (
            "Thời gian hoàn tất: trước ngày 25 tháng 7 năm 2019.",
            "trước ngày 25 tháng 7 năm 2019",
            "date",
            "2019-07-25",
        ),
        (
            "Các Sở, ngành, địa phương định kỳ hàng năm (trước ngày 10/12) hoặc đột xuất báo cáo Ủy ban nhân dân tỉnh",
            "trước ngày 10/12",
            "recurring",
            None,
        ),
        (
            "báo cáo định kỳ hàng quý gửi về Sở Xây dựng (trước ngày 20 tháng cuối quý) để tổng hợp",
            "trước ngày 20 tháng cuối quý",
            "recurring",
            None,
        ),
        (
            "Báo cáo tiến độ thực hiện 3 tháng một lần; báo cáo kết quả thực hiện trong năm 2019 và khi kết thúc",
            "3 tháng một lần",
            "frequency",
            None,
        ),
        (
            "Hoàn thành đầu tư, lắp đặt và vận hành xong trước ngày 01/01/2030",
            "trước ngày 01/01/2030",
            "date",
            "2030-01-01",
        ),
    ],
)
def test_deadlines(clause, text, kind, due):
    found = extract_deadline(clause, "2019-02-14")
    assert (found.text, found.type, found.due) == (text, kind, due)


@pytest.mark.parametrize(
    "clause",
    [
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
        # horizons, scopes and attributes of real plans
        "Chủ trì hoàn thiện dự thảo Kế hoạch giảm phát thải khí nhà kính trong lĩnh vực quản lý chất thải đến năm "
        "2030 theo quy định tại Nghị định số 06/2022/NĐ-CP của Chính phủ.",
        "đánh giá mức hấp thụ các-bon rừng của Việt Nam giai đoạn 2021 - 2030, có xét đến năm 2050.",
        "Căn cứ Chương trình phát triển nhà ở từ nay đến năm 2020 của Thành phố;",
        "bố trí vốn trong dự toán ngân sách của Thành phố trong năm 2019 và các năm tiếp theo, báo cáo Thành phố.",
        "Cải cách hành chính là nhiệm vụ chính trị thường xuyên.",
        "Quy hoạch tỉnh thời kỳ 2021–2030, tầm nhìn đến năm 2050.",
    ],
)
def test_no_deadline(clause):
    assert extract_deadline(clause, "2019-02-14") is None


def test_commitment_outranks_other_periods():
    clause = (
        "Trong năm 2021, triển khai thí điểm; rút ngắn thời gian còn dưới 5 ngày, "
        "hoàn thành trước ngày 30/9/2021."
    )
    assert extract_deadline(clause).text == "trước ngày 30/9/2021"


def test_date_without_year_takes_the_plan_year():
    assert extract_deadline("nộp báo cáo trước ngày 15/12", "2022-05-01").due == "2022-12-15"
    assert extract_deadline("nộp báo cáo trước ngày 15/12").due is None


def test_every_rule_has_an_example():
    source = (Path(__file__).resolve().parents[1] / "nlp" / "deadlines.py").read_text(encoding="utf-8")
    block = source.split("\nRULES = (\n", 1)[1].split("\n)\n", 1)[0]
    row_ends = [line for line in block.splitlines() if re.search(r"_(?:no_)?due\w*, \d\),", line)]
    assert len(row_ends) >= 10 and all("# e.g." in line for line in row_ends)


@pytest.mark.parametrize(
    "clause, text",
    [
        ("Rút ngắn thời gian cấp phép còn dưới 63 ngày làm việc; ứng dụng", "dưới 63 ngày làm việc"),
        ("tổng thời gian giải quyết không quá 10 ngày.", "không quá 10 ngày"),
        ("giảm thời gian nộp bảo hiểm xuống dưới 49 giờ.", "dưới 49 giờ"),
        ("giải quyết hồ sơ trong vòng 5 ngày làm việc kể từ ngày nhận", "trong vòng 5 ngày làm việc"),
    ],
)
def test_processing_times_are_targets_not_deadlines(clause, text):
    target = extract_target(clause, "2019-02-14")
    assert (target.text, target.type, target.due) == (text, "duration", None)
    assert extract_deadline(clause, "2019-02-14") is None


def test_target_beside_a_deadline():
    clause = "Rút ngắn thời gian giải quyết còn dưới 10 ngày làm việc, hoàn thành trước ngày 30/6/2021."
    assert extract_deadline(clause).text == "trước ngày 30/6/2021"
    assert extract_target(clause).text == "dưới 10 ngày làm việc"


def test_two_deadlines_in_one_clause_are_both_kept():
    clause = (
        "Sở Y tế hoàn thành khảo sát trước ngày 30/6/2021; tổng kết, báo cáo UBND tỉnh trước ngày 15/12/2021."
    )
    found = extract_deadlines(clause, "2021-01-10")
    assert [(d.text, d.due) for d in found] == [
        ("trước ngày 30/6/2021", "2021-06-30"),
        ("trước ngày 15/12/2021", "2021-12-15"),
    ]


def test_a_recurring_day_outranks_its_period():
    found = extract_deadlines("báo cáo định kỳ hằng quý (trước ngày 20 tháng cuối quý) về Sở Nội vụ")
    assert [d.text for d in found] == ["trước ngày 20 tháng cuối quý", "định kỳ hằng quý"]


def test_target_rules_have_examples():
    source = (Path(__file__).resolve().parents[1] / "nlp" / "deadlines.py").read_text(encoding="utf-8")
    block = source.split("\nTARGET_RULES = (\n", 1)[1].split("\n)\n", 1)[0]
    row_ends = [line for line in block.splitlines() if re.search(r"_no_due, \d\),", line)]
    assert row_ends and all("# e.g." in line for line in row_ends)


@pytest.mark.parametrize(
    "cell, text, due",
    [
        ("30/6/2021", "30/6/2021", "2021-06-30"),
        ("2021", "2021", "2021-12-31"),
        ("Năm 2022.", "Năm 2022", "2022-12-31"),
    ],
)
def test_a_bare_date_or_year_is_a_deadline_cell(cell, text, due):
    found = extract_deadline(cell, "2019-02-14")
    assert (found.text, found.type, found.due) == (text, "date", due)


def test_a_bare_date_inside_a_sentence_is_no_deadline():
    assert extract_deadline("Số liệu 30/6/2021 của ngành được công bố", "2019-02-14") is None
