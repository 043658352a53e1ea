"""parse_plan / build_plan on the bundled plan (against the gold set) and on invented plans."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from corpus.build_plan import build_plan
from corpus.model import Block, Document
from corpus.parse_plan import parse_plan
from index.evaluate_extraction import clause_dicts, eval_dir, evaluate_extraction
from nlp.agencies import canonical_agency

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "corpus" / "plans" / "629-KH-UBND-2019-binh-duong.txt"
EVAL = eval_dir(REPO) or REPO.parent / "shared" / "eval"
GOLDEN = Path(__file__).resolve().parent / "golden" / "629-KH-UBND-2019.clauses.jsonl"


def _ws(text: str) -> str:
    return " ".join(text.split())


def _load_seed() -> Document:
    try:
        from corpus.load import load
    except ImportError:  # before the loader existed: the legacy-font fix by hand
        text = SEED.read_text(encoding="utf-8").replace("ñ", "đ").replace("ð", "Đ")
        return Document(SEED, [Block(line.rstrip()) for line in text.split("\n")], "", "txt")
    return load(SEED)


def _document(text: str, name: str = "plan.txt", kind: str = "txt", blocks=None) -> Document:
    return Document(Path(name), blocks or [Block(line) for line in text.split("\n")], "", kind)


@pytest.fixture(scope="module")
def seed_plan():
    return build_plan(_load_seed())


@pytest.fixture(scope="module")
def gold():
    path = EVAL / "dev_extraction.jsonl"
    if not path.exists():
        pytest.skip("../shared/eval is not beside this checkout")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# ---- the bundled plan -----------------------------------------------------------------------


def _gold_scores(plan, gold) -> dict:
    # The gold spells some partners unlike their canonical name ("Công ty Điện lực Bình Dương").
    return evaluate_extraction(gold, clause_dicts(plan), canonical_agency)


def _time_of(clause, wanted: dict | None):
    """The gold's time commitment: a duration is the clause's target, anything else its deadline."""
    return clause.target if wanted and wanted["type"] == "duration" else clause.deadline


def test_gold_extraction(seed_plan, gold):
    scores = _gold_scores(seed_plan, gold)
    print(
        "gold:",
        {name: f"{scores[name]:.0%}" for name in ("found", "lead", "partners", "deadline", "section")},
    )
    assert scores["found"] >= 0.95
    assert scores["lead"] >= 0.95
    assert scores["deadline"] >= 0.90
    assert scores["section"] >= 0.90


def test_gold_deadline_types(seed_plan, gold):
    for entry in gold:
        clause = next(c for c in seed_plan.clauses if _ws(c.text).startswith(_ws(entry["clause"])))
        if entry["deadline"]:
            assert _time_of(clause, entry["deadline"]).type == entry["deadline"]["type"], entry["id"]


def test_header_metadata(seed_plan):
    assert seed_plan.number == "629/KH-UBND"
    assert seed_plan.date == "2019-02-14"
    assert seed_plan.place == "Bình Dương"
    assert seed_plan.issuer == "Ủy ban nhân dân tỉnh Bình Dương"
    assert seed_plan.title.startswith("Triển khai thực hiện Nghị quyết số 02/NQ-CP")
    assert seed_plan.title.endswith("trên địa bàn tỉnh Bình Dương")
    assert seed_plan.signer == "Trần Thanh Liêm"
    header = [c for c in seed_plan.clauses if c.kind == "header"]
    signature = [c for c in seed_plan.clauses if c.kind == "signature"]
    assert len(header) == 1 and "14 tháng 02 năm 2019" in header[0].text and header[0].section == ""
    assert len(signature) == 1 and "Trần Thanh Liêm" in signature[0].text and signature[0].section == ""
    assert header[0].deadline is None and not header[0].lead


def test_repaired_and_clean_text(seed_plan):
    for clause in seed_plan.clauses:
        assert "ñ" not in clause.text and "ð" not in clause.text
        assert clause.text == clause.text.strip() and "  " not in clause.text
        assert not clause.text.startswith(("-", "–", "+"))
        assert clause.sentences and clause.words


def test_footnotes_attached_to_customs_clause(seed_plan):
    cited = [c for c in seed_plan.clauses if c.footnotes]
    assert len(cited) == 1
    clause = cited[0]
    assert clause.lead == ["Cục Hải quan tỉnh"] and "ICD1" in clause.text and "CFS2" in clause.text
    assert clause.footnotes == [
        "1 ICD (Inland Container Depot): cảng cạn/ cảng khô/ cảng nội địa",
        "2 CFS (Container Freight Station): địa điểm thu gom hàng lẻ",
    ]
    assert all("Inland Container" not in c.text for c in seed_plan.clauses)
    after = seed_plan.clauses[seed_plan.clauses.index(clause) + 1]
    assert after.kind == "continuation" and after.text.startswith("Xây dựng và triển khai chương trình")


def test_every_question_has_its_clause(seed_plan):
    path = EVAL / "dev_questions.jsonl"
    if not path.exists():
        pytest.skip("../shared/eval is not beside this checkout")
    texts = [_ws(c.text).lower() for c in seed_plan.clauses]
    for line in path.read_text(encoding="utf-8").splitlines():
        question = json.loads(line)
        for expected in question["expect"][:1]:
            assert any(_ws(expected).lower() in text for text in texts), question["id"]


def test_build_is_fast(seed_plan):
    document = _load_seed()
    started = time.perf_counter()
    build_plan(document)  # underthesea is imported by the fixture already
    assert time.perf_counter() - started < 10


def test_golden_parse(seed_plan):
    """The whole parse of the bundled plan, pinned; PLANBOT_UPDATE_GOLDEN=1 rewrites it."""
    lines = [
        json.dumps(
            {
                "section": c.section,
                "kind": c.kind,
                "text": c.text[:80],
                "lead": c.lead,
                "partners": c.partners,
                "deadline": c.deadline.as_json() if c.deadline else None,
                **({"target": c.target.as_json()} if c.target else {}),
                **({"more deadlines": [d.as_json() for d in c.deadlines[1:]]} if c.deadlines[1:] else {}),
            },
            ensure_ascii=False,
        )
        for c in seed_plan.clauses
    ]
    current = "\n".join(lines) + "\n"
    if os.environ.get("PLANBOT_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(current, encoding="utf-8")
    assert GOLDEN.exists(), "no golden file: PLANBOT_UPDATE_GOLDEN=1 pytest tests/test_parse_plan.py"
    assert current.splitlines() == GOLDEN.read_text(encoding="utf-8").splitlines(), (
        "parse changed: inspect the diff, then PLANBOT_UPDATE_GOLDEN=1 pytest tests/test_parse_plan.py"
    )


# ---- invented plans -------------------------------------------------------------------------

OTHER_PROVINCE = """\
ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI Độc lập - Tự do - Hạnh phúc

Số: 45/KH-UBND Quảng Ngãi, ngày 05/3/2021

KẾ HOẠCH
Thực hiện chương trình chuyển đổi số
trên địa bàn tỉnh Quảng Ngãi năm 2021

Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ, Ủy ban
nhân dân tỉnh ban hành Kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU

Nâng cao năng lực cạnh tranh của tỉnh, cải thiện chất lượng dịch vụ công
trực tuyến.

II. NHIỆM VỤ CỤ THỂ

1. Phát triển hạ tầng số

a) Sở Thông tin và Truyền thông chủ trì, phối hợp với Sở Tài chính xây dựng
hạ tầng dữ liệu dùng chung của tỉnh, hoàn thành trước ngày 30/6/2021.

b) Chuyển đổi số trong doanh nghiệp

- Ban Quản lý Khu kinh tế Dung Quất chủ trì, phối hợp với Trung tâm Xúc tiến
Đầu tư thực hiện các nội dung sau:
+ Tổ chức hội nghị hướng dẫn doanh nghiệp chuyển đổi số, thời gian thực hiện trong quý
II/2022;
+ Hỗ trợ 100 doanh nghiệp nhỏ và vừa ứng dụng nền tảng số.
- Sở Công Thương rà soát các cụm công nghiệp, hoàn thành trong năm 2021.
Phối hợp với Sở Xây dựng hướng dẫn doanh nghiệp.

2. Sở Y tế triển khai hồ sơ sức khỏe điện tử cho người dân thường xuyên.

3. Nhiệm vụ theo bảng sau:
@TABLE@
III. TỔ CHỨC THỰC HIỆN

Giao Sở Kế hoạch và Đầu tư chủ trì, theo dõi, đôn đốc việc thực hiện Kế hoạch này./.

Nơi nhận: KT. CHỦ TỊCH
- Như trên; PHÓ CHỦ TỊCH
- Lưu: VT.
Nguyễn Văn An
"""
TASK_TABLE = (
    ("STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"),
    ("I", "Nhóm nhiệm vụ về thể chế", "", "", ""),
    ("1", "Ban hành quy chế quản lý dữ liệu", "Sở TT&TT", "Sở Tư pháp", "Quý IV/2021"),
    ("2", "Tập huấn kỹ năng số cho cán bộ", "Sở Nội vụ", "UBND các huyện, thị xã, thành phố", "Thường xuyên"),
)


def _other_province_plan():
    blocks = []
    for line in OTHER_PROVINCE.split("\n"):
        blocks.append(Block("", rows=TASK_TABLE) if line == "@TABLE@" else Block(line))
    return build_plan(_document("", "45-KH-UBND-quang-ngai.txt", blocks=blocks))


def test_other_province_plan():
    plan = _other_province_plan()
    assert (plan.number, plan.date, plan.place) == ("45/KH-UBND", "2021-03-05", "Quảng Ngãi")
    assert plan.issuer == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert plan.title == "Thực hiện chương trình chuyển đổi số trên địa bàn tỉnh Quảng Ngãi năm 2021"
    assert plan.signer == "Nguyễn Văn An"
    got = [
        (
            c.section,
            c.kind,
            c.text[:30],
            c.lead,
            c.partners,
            c.deadline and (c.deadline.text, c.deadline.type, c.deadline.due),
        )
        for c in plan.clauses
    ]
    assert got == [
        ("", "header", "Số: 45/KH-UBND Quảng Ngãi, ngà", [], [], None),
        ("", "paragraph", "Căn cứ Quyết định số 749/QĐ-TT", [], [], None),
        ("I", "paragraph", "Nâng cao năng lực cạnh tranh c", [], [], None),
        (
            "II.1.a",
            "item",
            "Sở Thông tin và Truyền thông c",
            ["Sở Thông tin và Truyền thông"],
            ["Sở Tài chính"],
            ("trước ngày 30/6/2021", "date", "2021-06-30"),
        ),
        (
            "II.1.b",
            "item",
            "Ban Quản lý Khu kinh tế Dung Q",
            ["Ban Quản lý Khu kinh tế Dung Quất"],
            ["Trung tâm Xúc tiến Đầu tư"],
            None,
        ),
        (
            "II.1.b",
            "item",
            "Tổ chức hội nghị hướng dẫn doa",
            ["Ban Quản lý Khu kinh tế Dung Quất"],
            [],
            ("trong quý II/2022", "date", "2022-06-30"),
        ),
        ("II.1.b", "item", "Hỗ trợ 100 doanh nghiệp nhỏ và", ["Ban Quản lý Khu kinh tế Dung Quất"], [], None),
        (
            "II.1.b",
            "item",
            "Sở Công Thương rà soát các cụm",
            ["Sở Công thương"],
            [],
            ("hoàn thành trong năm 2021", "date", "2021-12-31"),
        ),
        (
            "II.1.b",
            "continuation",
            "Phối hợp với Sở Xây dựng hướng",
            ["Sở Công thương"],
            ["Sở Xây dựng"],
            None,
        ),
        (
            "II.2",
            "item",
            "Sở Y tế triển khai hồ sơ sức k",
            ["Sở Y tế"],
            [],
            ("thường xuyên", "frequency", None),
        ),
        (
            "II.3.I.1",
            "table_row",
            "Ban hành quy chế quản lý dữ li",
            ["Sở Thông tin và Truyền thông"],
            ["Sở Tư pháp"],
            ("Quý IV/2021", "date", "2021-12-31"),
        ),
        (
            "II.3.I.2",
            "table_row",
            "Tập huấn kỹ năng số cho cán bộ",
            ["Sở Nội vụ"],
            ["Ủy ban nhân dân các huyện, thị xã, thành phố"],
            ("Thường xuyên", "frequency", None),
        ),
        ("III", "paragraph", "Giao Sở Kế hoạch và Đầu tư chủ", ["Sở Kế hoạch và Đầu tư"], [], None),
        ("", "signature", "Nơi nhận: KT. CHỦ TỊCH - Như t", [], [], None),
    ]
    assert plan.clauses[3].section_title == "Phát triển hạ tầng số"
    assert plan.clauses[10].section_title == "Nhóm nhiệm vụ về thể chế"


def test_plain_paragraphs_without_structure():
    text = (
        "Ủy ban nhân dân huyện tổ chức rà soát các thủ tục hành chính\n"
        "trong lĩnh vực đất đai.\n\n"
        "Các phòng chuyên môn tăng cường kiểm tra\n"
        "việc thực hiện.\n\n"
        "Kết quả được báo cáo định kỳ hằng quý."
    )
    plan = build_plan(_document(text, "ke-hoach-rieng.txt"))
    assert plan.number == "ke-hoach-rieng"
    assert [(c.section, c.kind) for c in plan.clauses] == [("", "paragraph")] * 3
    assert (
        plan.clauses[0].text
        == "Ủy ban nhân dân huyện tổ chức rà soát các thủ tục hành chính trong lĩnh vực đất đai."
    )
    assert plan.clauses[2].deadline.type == "recurring"


def test_english_text_is_one_clause_per_paragraph():
    text = (
        "This document is not a Vietnamese plan, it is written\n"
        "in English and wrapped over several lines.\n\n"
        "A second paragraph follows after a blank line and also wraps\n"
        "onto the next line.\n\n"
        "The last one."
    )
    plan = parse_plan(_document(text, "notes.txt"))
    assert [c.text for c in plan.clauses] == [
        "This document is not a Vietnamese plan, it is written in English and wrapped over several lines.",
        "A second paragraph follows after a blank line and also wraps onto the next line.",
        "The last one.",
    ]
    assert all(c.kind == "paragraph" and c.section == "" for c in plan.clauses)


def test_docx_paragraphs_are_not_joined():
    header = Block(
        "",
        rows=(
            (
                "ỦY BAN NHÂN DÂN\nTỈNH ĐỒNG NAI",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
            ),
            ("Số: 12/KH-UBND", "Đồng Nai, ngày 10 tháng 01 năm 2022"),
        ),
    )
    paragraphs = [
        "KẾ HOẠCH",
        "Cải cách hành chính năm 2022",
        "Căn cứ Luật Tổ chức chính quyền địa phương;",
        "I. MỤC TIÊU",
        "Nâng cao chỉ số PAR INDEX",
        "II. NHIỆM VỤ",
        "1. Sở Nội vụ chủ trì tham mưu triển khai kế hoạch",
        "2. Sở Tư pháp rà soát văn bản quy phạm pháp luật",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lê Văn Bình",
    ]
    blocks = [header] + [Block(text) for text in paragraphs]
    plan = build_plan(_document("", "kh.docx", "docx", blocks))
    assert (plan.number, plan.date, plan.place, plan.issuer) == (
        "12/KH-UBND",
        "2022-01-10",
        "Đồng Nai",
        "Ủy ban nhân dân tỉnh Đồng Nai",
    )
    assert plan.title == "Cải cách hành chính năm 2022" and plan.signer == "Lê Văn Bình"
    body = [
        (c.section, c.kind, c.text, c.lead) for c in plan.clauses if c.kind not in ("header", "signature")
    ]
    assert body == [
        ("", "paragraph", "Căn cứ Luật Tổ chức chính quyền địa phương;", []),
        ("I", "paragraph", "Nâng cao chỉ số PAR INDEX", []),
        ("II.1", "item", "Sở Nội vụ chủ trì tham mưu triển khai kế hoạch", ["Sở Nội vụ"]),
        ("II.2", "item", "Sở Tư pháp rà soát văn bản quy phạm pháp luật", ["Sở Tư pháp"]),
    ]


def test_pdf_debris_and_wrapped_footnote():
    lines = [
        ("KẾ HOẠCH", 1),
        ("Phát triển du lịch", 1),
        ("", 1),
        ("I. Nhiệm vụ", 1),
        ("", 1),
        ("- Sở Du lịch phát triển sản phẩm OCOP1 gắn với du lịch cộng đồng, tăng cường", 1),
        ("", 1),
        ("1 OCOP: Chương trình mỗi xã một sản phẩm, triển khai theo", 1),
        ("quyết định của Thủ tướng", 1),
        ("1", 1),
        ("SỞ DU LỊCH TỈNH LÂM ĐỒNG", 2),
        ("quảng bá tại các hội chợ.", 2),
        ("2", 2),
        ("SỞ DU LỊCH TỈNH LÂM ĐỒNG", 3),
        ("- Trung tâm Xúc tiến Du lịch tổ chức famtrip.", 3),
        ("3", 3),
        ("SỞ DU LỊCH TỈNH LÂM ĐỒNG", 4),
        ("Hằng năm, tổ chức lễ hội hoa.", 4),
    ]
    document = _document("", "du-lich.pdf", "pdf", [Block(text, page=page) for text, page in lines])
    plan = build_plan(document)
    items = [c for c in plan.clauses if c.kind != "header"]
    assert items[0].text == (
        "Sở Du lịch phát triển sản phẩm OCOP1 gắn với du lịch cộng đồng, tăng cường quảng bá tại các hội chợ."
    )
    assert items[0].footnotes == [
        "1 OCOP: Chương trình mỗi xã một sản phẩm, triển khai theo quyết định của Thủ tướng"
    ]
    assert items[0].lead == ["Sở Văn hóa, Thể thao và Du lịch"] and items[0].page == 1
    assert items[1].lead == ["Trung tâm Xúc tiến Du lịch"] and items[1].page == 3
    assert items[2].kind == "continuation" and items[2].deadline.type == "frequency"
    assert not any("SỞ DU LỊCH" in c.text for c in plan.clauses)


def test_appendix_after_signature():
    text = (
        "I. Tổ chức thực hiện\n\n- Sở Tài chính bố trí kinh phí.\n\n"
        "CHỦ TỊCH\n\nPhạm Văn Cường\n\nPHỤ LỤC I\nDANH MỤC NHIỆM VỤ\n"
    )
    blocks = [Block(line) for line in text.split("\n")]
    blocks.append(
        Block(
            "",
            rows=(
                ("TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn"),
                ("1", "Rà soát quy hoạch", "Sở Xây dựng", "30/9/2023"),
            ),
        )
    )
    plan = build_plan(_document("", "pl.txt", blocks=blocks))
    assert plan.signer == "Phạm Văn Cường"
    last = plan.clauses[-1]
    assert (last.section, last.kind, last.lead) == ("PHỤ LỤC I.1", "table_row", ["Sở Xây dựng"])
    assert last.deadline.due == "2023-09-30" and last.section_title == "DANH MỤC NHIỆM VỤ"


def test_parse_places_table_cells_and_extracts_nothing():
    rows = (
        ("TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn"),
        ("1", "Rà soát quy hoạch", "Sở XD", "30/9/2023"),
    )
    (row,) = parse_plan(_document("", "t.txt", blocks=[Block("I. Nhiệm vụ"), Block("", rows=rows)])).clauses
    assert (row.section, row.text, row.cells) == (
        "I.1",
        "Rà soát quy hoạch",
        {"lead": "Sở XD", "deadline": "30/9/2023"},
    )
    assert not row.lead and row.deadline is None  # build_plan reads them, with everything else


def test_table_that_is_not_a_task_table():
    rows = (("Chỉ tiêu", "Năm 2020", "Năm 2021"), ("Số doanh nghiệp", "1.200", "1.500"))
    plan = parse_plan(_document("", "t.txt", blocks=[Block("I. Số liệu"), Block(""), Block("", rows=rows)]))
    assert [c.text for c in plan.clauses] == [
        "Chỉ tiêu | Năm 2020 | Năm 2021",
        "Số doanh nghiệp | 1.200 | 1.500",
    ]
    assert all(c.kind == "table_row" and c.section == "I" for c in plan.clauses)


@pytest.mark.parametrize(
    "second",
    [
        ("", "", "Chủ trì", "Phối hợp", ""),
        ("STT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Tiến độ"),  # merged cells repeated by the loader
    ],
)
def test_two_row_table_header(second):
    rows = (
        ("STT", "Nhiệm vụ", "Đơn vị thực hiện", "", "Tiến độ"),
        second,
        ("1", "Số hóa hồ sơ đất đai", "Sở TN&MT", "Văn phòng đăng ký đất đai tỉnh", "2022"),
    )
    plan = build_plan(_document("", "t.txt", blocks=[Block("II. Nhiệm vụ"), Block("", rows=rows)]))
    assert [(c.section, c.text, c.lead, c.partners, c.deadline.due) for c in plan.clauses] == [
        (
            "II.1",
            "Số hóa hồ sơ đất đai",
            ["Sở Tài nguyên và Môi trường"],
            ["Văn phòng đăng ký đất đai tỉnh"],
            "2022-12-31",
        )
    ]


def test_a_time_paragraph_dates_the_task_above_it():
    text = (
        "Số: 12/KH-UBND Đà Nẵng, ngày 05 tháng 3 năm 2021\n\nKẾ HOẠCH\nHỗ trợ nhà ở\n\n"
        "I. NHIỆM VỤ\n\n"
        "1. Sở Xây dựng chủ trì, phối hợp với Sở Tài chính lập Đề án hỗ trợ nhà ở.\n\n"
        "Thời gian hoàn tất: trước ngày 30 tháng 9 năm 2021.\n\n"
        "2. Sở Tài chính thẩm định kinh phí, hoàn thành trong quý IV/2021.\n\n"
        "Thời gian hoàn tất: trước ngày 15 tháng 10 năm 2021.\n"
    )
    plan = build_plan(_document(text))
    task, time_line, funded = [c for c in plan.clauses if c.section.startswith("I")][:3]
    assert task.lead == ["Sở Xây dựng"] and task.partners == ["Sở Tài chính"]
    assert (task.deadline.text, task.deadline.due) == ("trước ngày 30 tháng 9 năm 2021", "2021-09-30")
    assert time_line.deadline.due == "2021-09-30"
    assert funded.deadline.text == "hoàn thành trong quý IV/2021"  # a task's own deadline stays its own


COMMUNE_PLAN = """ỦY BAN NHÂN DÂN                    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
XÃ ĐĂK NGỌK                            Độc lập - Tự do - Hạnh phúc

Số: 05/KH-UBND                     Đăk Ngọk, ngày 20 tháng 12 năm 2022

KẾ HOẠCH
Thực hiện công tác cải cách hành chính trên địa bàn xã năm 2023

1. Mục tiêu
1.1. Các chỉ tiêu cụ thể
- Văn phòng - Thống kê xã chủ trì tham mưu:
- 100% chỉ tiêu đào tạo, bồi dưỡng cán bộ, công chức hoàn thành đúng tiến độ.
- 60% hồ sơ công việc tại cấp xã được xử lý trên môi trường mạng.
- Công chức Tư pháp - Hộ tịch chủ trì tham mưu:
- Tỷ lệ hồ sơ giải quyết đúng hạn đạt trên 98%, hoàn thành trước ngày 31/12/2023.

2. Nhiệm vụ
2.1. Công chức Văn hóa - Xã hội tổ chức tuyên truyền về cải cách hành chính, thực hiện hằng quý.
2.2. Kiểm tra cải cách hành chính tại các thôn. Văn phòng HĐND và UBND xã chủ trì, Công an xã phối hợp, hoàn thành trong quý III/2023.
"""


def test_a_commune_plan_gives_its_targets_to_the_post_that_leads_them_in():
    """The shape of a public commune plan (Đăk Ngọk, Kon Tum, 2023; the text here is invented): a
    post or office "chủ trì tham mưu:" and the targets listed under it, which name no agency."""
    plan = build_plan(_document(COMMUNE_PLAN, "05-kh-ubnd-dak-ngok.txt"))
    assert plan.issuer == "Ủy ban nhân dân xã Đăk Ngọk"
    leads = [(c.text[:22], c.lead) for c in plan.clauses if c.kind != "header"]
    office, post = ["Văn phòng - Thống kê xã"], ["Công chức Tư pháp - Hộ tịch"]
    assert leads[:5] == [
        ("Văn phòng - Thống kê x", office),
        ("100% chỉ tiêu đào tạo,", office),
        ("60% hồ sơ công việc tạ", office),
        ("Công chức Tư pháp - Hộ", post),
        ("Tỷ lệ hồ sơ giải quyết", post),
    ]
    culture, inspection = plan.clauses[-2], plan.clauses[-1]
    assert culture.lead == ["Công chức Văn hóa - Xã hội"] and culture.deadline.type == "frequency"
    assert inspection.lead == ["Văn phòng HĐND và UBND xã"] and inspection.partners == ["Công an xã"]
    assert inspection.deadline.due == "2023-09-30"
