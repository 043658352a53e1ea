"""One plan, several files: DOCX and PDF give the same clauses; every encoding the same clauses."""

from __future__ import annotations

import codecs
import unicodedata

import pytest

from corpus.build_plan import build_plan
from corpus.load import load
from tests.test_load import cp1258, new_pdf

PLAN = [
    "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
    "Số: 45/KH-UBND",
    "Quảng Ngãi, ngày 10 tháng 3 năm 2021",
    "KẾ HOẠCH",
    "Cải thiện môi trường kinh doanh năm 2021",
    "I. Mục tiêu",
    "Nâng cao chỉ số năng lực cạnh tranh cấp tỉnh của Quảng Ngãi trong năm 2021.",
    "II. Nhiệm vụ cụ thể",
]
TASKS = (
    ("STT", "Nội dung nhiệm vụ", "Thời gian hoàn thành", "Đơn vị phối hợp", "Đơn vị chủ trì"),
    (
        "1",
        "Rà soát, công bố thủ tục hành chính thuộc thẩm quyền giải quyết của tỉnh",
        "Trước ngày 30/6/2021",
        "Văn phòng UBND tỉnh",
        "Sở Tư pháp",
    ),
    (
        "2",
        "Tổ chức đối thoại định kỳ với doanh nghiệp về môi trường đầu tư",
        "Quý III/2021",
        "Sở Kế hoạch và Đầu tư",
        "Ban Quản lý Khu kinh tế Dung Quất",
    ),
    (
        "3",
        "Xây dựng cơ sở dữ liệu doanh nghiệp dùng chung",
        "Trong năm 2021",
        "Các sở, ngành",
        "Sở Thông tin và Truyền thông",
    ),
)
CLOSING = "Các cơ quan, đơn vị nghiêm túc triển khai thực hiện Kế hoạch này./."


def _clauses(plan) -> list[tuple]:
    return [
        (
            c.section,
            " ".join(c.text.split()),
            c.lead,
            c.partners,
            c.deadline.as_json() if c.deadline else None,
        )
        for c in plan.clauses
        if c.kind not in ("header", "signature")
    ]


def _docx(path):
    import docx

    document = docx.Document()
    for line in PLAN:
        document.add_paragraph(line)
    table = document.add_table(rows=len(TASKS), cols=len(TASKS[0]))
    for row, values in zip(table.rows, TASKS):
        for cell, value in zip(row.cells, values):
            cell.text = value
    document.add_paragraph(CLOSING)
    document.save(path)
    return path


def _pdf(path):
    from fpdf.fonts import FontFace

    pdf = new_pdf()
    pdf.add_page()
    for line in PLAN:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    with pdf.table(headings_style=FontFace(), col_widths=(8, 60, 30, 35, 35)) as table:
        for values in TASKS:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(4)
    pdf.multi_cell(0, 6, CLOSING, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_docx_and_pdf_of_one_plan_give_the_same_clauses(tmp_path):
    from_docx = build_plan(load(_docx(tmp_path / "45.docx")))
    from_pdf = build_plan(load(_pdf(tmp_path / "45.pdf")))
    assert (from_docx.number, from_docx.date) == ("45/KH-UBND", "2021-03-10")
    assert (from_pdf.number, from_pdf.date) == ("45/KH-UBND", "2021-03-10")
    assert _clauses(from_docx) == _clauses(from_pdf)
    rows = [c for c in from_docx.clauses if c.kind == "table_row"]
    assert [(c.text, c.lead, c.partners, c.deadline.due) for c in rows] == [
        (TASKS[1][1], ["Sở Tư pháp"], ["Văn phòng Ủy ban nhân dân tỉnh"], "2021-06-30"),
        (TASKS[2][1], ["Ban Quản lý Khu kinh tế Dung Quất"], ["Sở Kế hoạch và Đầu tư"], "2021-09-30"),
        (TASKS[3][1], ["Sở Thông tin và Truyền thông"], ["Các Sở, ngành"], "2021-12-31"),
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "cp1258", "nfd-crlf"])
def test_every_encoding_gives_identical_clauses(tmp_path, encoding):
    text = (
        "\n".join(
            PLAN
            + [
                "1. Sở Tư pháp chủ trì rà soát thủ tục hành chính, hoàn thành trước ngày 30/6/2021.",
                "2. Sở Kế hoạch và Đầu tư phối hợp với Sở Tư pháp tổ chức "
                "đối thoại với doanh nghiệp trong quý III/2021.",
                CLOSING,
            ]
        )
        + "\n"
    )
    reference = tmp_path / "plan.txt"
    reference.write_text(text, encoding="utf-8")
    other = tmp_path / f"plan-{encoding}.txt"
    if encoding == "nfd-crlf":
        other.write_bytes(unicodedata.normalize("NFD", text).replace("\n", "\r\n").encode("utf-8"))
    elif encoding == "cp1258":
        other.write_bytes(cp1258(text))
    else:
        other.write_bytes(text.encode(encoding))
    assert codecs.lookup("cp1258")
    expected = build_plan(load(reference))
    got = build_plan(load(other))
    assert _clauses(got) == _clauses(expected)
    assert [c.sentences for c in got.clauses] == [c.sentences for c in expected.clauses]
    assert any(c.deadline and c.deadline.due == "2021-06-30" for c in got.clauses)


# ---- one task table in every format: each row one clause, rows never shifting ---------------

TABLE = (
    ("TT", "Tên nhiệm vụ", "Sản phẩm", "Đơn vị chủ trì (tham mưu)", "Đơn vị phối hợp", "Thời hạn", "Ghi chú"),
    (
        "1",
        "Rà soát, công bố thủ tục hành chính thuộc thẩm quyền giải quyết của tỉnh",
        "Quyết định",
        "Sở Tư pháp",
        "Văn phòng UBND tỉnh",
        "30/6/2021",
        "",
    ),
    (
        "2",
        "Tổ chức đối thoại định kỳ với doanh nghiệp về môi trường đầu tư kinh doanh",
        "Hội nghị",
        "Sở Kế hoạch và Đầu tư",
        "Sở Tài chính",
        "Quý III/2021",
        "Hằng năm",
    ),
    (
        "3",
        "Xây dựng cơ sở dữ liệu doanh nghiệp dùng chung",
        "Phần mềm",
        "Sở Thông tin và Truyền thông",
        "Sở Nội vụ",
        "Tháng 12/2021",
        "",
    ),
)
TABLE_ROWS = [
    ("1", TABLE[1][1], ["Sở Tư pháp"], ["Văn phòng Ủy ban nhân dân tỉnh"], "2021-06-30"),
    ("2", TABLE[2][1], ["Sở Kế hoạch và Đầu tư"], ["Sở Tài chính"], "2021-09-30"),
    ("3", TABLE[3][1], ["Sở Thông tin và Truyền thông"], ["Sở Nội vụ"], "2021-12-31"),
]
TABLE_WIDTHS = (8, 52, 20, 30, 30, 22, 18)


def _rows(plan) -> list[tuple]:
    return [
        (
            c.section.rsplit(".", 1)[-1],
            " ".join(c.text.split()),
            c.lead,
            c.partners,
            c.deadline.due if c.deadline else None,
        )
        for c in plan.clauses
        if c.kind == "table_row"
    ]


def _pdf_heading(pdf):
    pdf.add_page()
    for line in PLAN:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)


def _pdf_table(pdf, rows, **style):
    from fpdf.fonts import FontFace

    with pdf.table(headings_style=FontFace(), col_widths=TABLE_WIDTHS, line_height=5, **style) as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)


def test_word_table_any_column_order_and_wording(tmp_path):
    import docx

    document = docx.Document()
    for line in PLAN:
        document.add_paragraph(line)
    table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    for row, values in zip(table.rows, TABLE):
        for cell, value in zip(row.cells, values):
            cell.text = value
    document.save(tmp_path / "t.docx")
    assert _rows(build_plan(load(tmp_path / "t.docx"))) == TABLE_ROWS


def test_txt_table_as_pipe_separated_lines(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(
        "\n".join(PLAN + [""] + [" | ".join(row) for row in TABLE] + ["", CLOSING]) + "\n", encoding="utf-8"
    )
    plan = build_plan(load(path))
    assert _rows(plan) == TABLE_ROWS
    assert plan.clauses[-1].text == CLOSING  # the table ends where the "|" lines end


def test_markdown_style_pipe_table(tmp_path):
    lines = [f"| {' | '.join(TABLE[0])} |", "|" + "---|" * len(TABLE[0])]
    lines += [f"| {' | '.join(row)} |" for row in TABLE[1:]]
    path = tmp_path / "t.txt"
    path.write_text("\n".join(PLAN + [""] + lines) + "\n", encoding="utf-8")
    assert _rows(build_plan(load(path))) == TABLE_ROWS


def test_ruled_pdf_table(tmp_path):
    pdf = new_pdf()
    _pdf_heading(pdf)
    _pdf_table(pdf, TABLE)
    pdf.output(str(tmp_path / "t.pdf"))
    assert _rows(build_plan(load(tmp_path / "t.pdf"))) == TABLE_ROWS


def test_borderless_pdf_table(tmp_path):
    pdf = new_pdf()
    _pdf_heading(pdf)
    _pdf_table(pdf, TABLE, borders_layout="NONE")
    pdf.ln(8)
    pdf.multi_cell(0, 6, CLOSING, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "t.pdf"))
    plan = build_plan(load(tmp_path / "t.pdf"))
    assert _rows(plan) == TABLE_ROWS
    assert any(c.text == CLOSING for c in plan.clauses)


def test_pdf_row_split_across_a_page_break(tmp_path):
    """Word's PDF export cuts a tall row at the page end and repeats the header on the next page."""
    cut = TABLE[2][1].index("về môi trường")
    first = (*TABLE[:2], ("2", TABLE[2][1][:cut].strip(), "Hội", "Sở Kế hoạch", "Sở Tài", "Quý", "Hằng"))
    second = (TABLE[0], ("", TABLE[2][1][cut:], "nghị", "và Đầu tư", "chính", "III/2021", "năm"), TABLE[3])
    pdf = new_pdf()
    _pdf_heading(pdf)
    _pdf_table(pdf, first)
    pdf.add_page()
    _pdf_table(pdf, second)
    pdf.output(str(tmp_path / "t.pdf"))
    assert _rows(build_plan(load(tmp_path / "t.pdf"))) == TABLE_ROWS


def test_pdf_text_layer_with_one_cell_per_line(tmp_path):
    """Some exports lay a table's cells out one under the other: the number opens each row."""
    pdf = new_pdf()
    _pdf_heading(pdf)
    for row in TABLE:
        for cell in row:
            if cell:  # an empty cell leaves no line at all
                pdf.multi_cell(0, 6, cell, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.ln(6)
    pdf.multi_cell(0, 6, CLOSING, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "t.pdf"))
    plan = build_plan(load(tmp_path / "t.pdf"))
    assert _rows(plan) == TABLE_ROWS
    assert any(c.text == CLOSING for c in plan.clauses)
