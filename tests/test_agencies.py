"""Agency recognition: aliases in free text, canonical names, and lead/partner roles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nlp.agencies import (
    canonical_agency,
    cell_agencies,
    extract_agencies,
    find_agencies,
)

SKHDT = "Sở Kế hoạch và Đầu tư"
DISTRICTS = "Ủy ban nhân dân các huyện, thị xã, thành phố"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("so kh dt", SKHDT),
        ("Sở KH&ĐT", SKHDT),
        ("SKHĐT", SKHDT),
        ("sở kế hoạch đầu tư", SKHDT),
        ("SỞ KẾ HOẠCH VÀ ĐẦU TƯ", SKHDT),
        ("so xay dung", "Sở Xây dựng"),
        ("BHXH", "Bảo hiểm xã hội tỉnh"),
        ("TT&TT", "Sở Thông tin và Truyền thông"),
        ("NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("LĐ-TB&XH", "Sở Lao động, Thương binh và Xã hội"),
        ("VH-TT&DL", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở Văn hóa - Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
        ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),
        ("ubnd tinh", "Ủy ban nhân dân tỉnh"),
        ("Sở Công Thương", "Sở Công thương"),
        ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
        ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
        ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
        ("Sở GTVT", "Sở Giao thông vận tải"),
        ("cuc thue", "Cục Thuế tỉnh"),
        ("Cục Hải quan Đà Nẵng", "Cục Hải quan tỉnh"),
        ("Thanh tra tỉnh", "Thanh tra nhà nước tỉnh"),
        ("Kho bạc Nhà nước tỉnh Nghệ An", "Kho bạc Nhà nước tỉnh"),
        ("Văn phòng UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
        ("Công an tỉnh", "Công an tỉnh"),
        ("Bộ Chỉ huy Quân sự tỉnh", "Bộ Chỉ huy Quân sự tỉnh"),
        ("UBND các huyện, thị xã, thành phố", DISTRICTS),
        ("UBND cấp huyện", DISTRICTS),
        ("các Sở, ban, ngành", "Các Sở, Ban, ngành"),
        ("các sở, ngành", "Các Sở, ngành"),
        ("Ban Quản lý các Khu công nghiệp", "Ban Quản lý các khu công nghiệp"),
        ("Ủy ban MTTQ Việt Nam tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
        ("Đài Phát thanh và Truyền hình tỉnh", "Đài Phát thanh và Truyền hình tỉnh"),
        ("Liên đoàn Lao động tỉnh", "Liên đoàn Lao động tỉnh"),
        ("Hội Liên hiệp Phụ nữ tỉnh", "Hội Liên hiệp Phụ nữ tỉnh"),
        ("Công ty Điện lực Bình Dương", "Công ty điện lực tỉnh Bình Dương"),
        ("Công ty Điện lực Đà Nẵng", "Công ty điện lực thành phố Đà Nẵng"),
        (
            "Ngân hàng nhà nước Việt Nam Chi nhánh tỉnh Bình Dương",
            "Ngân hàng Nhà nước Việt Nam – chi nhánh Bình Dương",
        ),
        ("NHNN chi nhánh Long An", "Ngân hàng Nhà nước Việt Nam – chi nhánh Long An"),
        ("Văn phòng Thành phố Thông minh", "Văn phòng Thành phố Thông minh"),
        ("Ban Tuyên giáo Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy"),
        ("Tòa án nhân dân tỉnh", "Tòa án nhân dân"),
        ("Bộ KH&ĐT", "Bộ Kế hoạch và Đầu tư"),
    ],
)
def test_find_agencies_aliases(typed, expected):
    assert find_agencies(typed) == [expected]
    assert find_agencies(f"Cơ quan nào, {typed} hay ai, chịu trách nhiệm?") == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "hồ sơ xây dựng",
        "cơ sở y tế",
        "số lượng doanh nghiệp",
        "nộp bảo hiểm xã hội cho người lao động",
        "Ban hành quy chế",
        "Báo cáo kết quả",
        "Trường hợp vi phạm",
        "thanh tra, kiểm tra chuyên ngành",
        "các ngành, các cấp liên quan",
        "Which agency handles taxes?",
        "cán bộ, công chức, viên chức thực hiện",
        "Công chức, viên chức phải nêu gương",
        "công an xã",  # typed without capitals: a head needs its capital
    ],
)
def test_not_agencies(text):
    assert find_agencies(text) == []


def test_unknown_agencies_by_head_noun():
    text = (
        "Ban Quản lý Khu kinh tế Dung Quất chủ trì, phối hợp với Trung tâm Xúc tiến Đầu tư và "
        "Thương mại, Chi cục Thủy sản tổ chức hội nghị"
    )
    assert find_agencies(text) == [
        "Ban Quản lý Khu kinh tế Dung Quất",
        "Trung tâm Xúc tiến Đầu tư và Thương mại",
        "Chi cục Thủy sản",
    ]
    assert extract_agencies(text) == (
        ["Ban Quản lý Khu kinh tế Dung Quất"],
        ["Trung tâm Xúc tiến Đầu tư và Thương mại", "Chi cục Thủy sản"],
    )


@pytest.mark.parametrize(
    "clause, lead, partners",
    [
        ("Văn phòng - Thống kê xã chủ trì tham mưu:", ["Văn phòng - Thống kê xã"], []),
        ("Trạm Y tế xã chủ trì, phối hợp với Hội Phụ nữ xã", ["Trạm Y tế xã"], ["Hội Liên hiệp Phụ nữ xã"]),
        (
            "Công chức Tư pháp - Hộ tịch chủ trì, phối hợp với Công an xã",
            ["Công chức Tư pháp - Hộ tịch"],
            ["Công an xã"],
        ),
        ("Văn phòng HĐND và UBND xã chủ trì", ["Văn phòng HĐND và UBND xã"], []),
        ("Văn phòng HĐND và UBND huyện tổng hợp kết quả", ["Văn phòng HĐND và UBND huyện"], []),
    ],
)
def test_a_communes_offices_and_posts_are_agencies(clause, lead, partners):
    """Commune plans give tasks to its office, its civil-servant posts and its police, not only to
    departments (the shape of a public commune plan, Đăk Ngọk, Kon Tum, 2023; text invented)."""
    got_lead, got_partners = extract_agencies(clause)
    assert got_lead == lead
    assert all(p in got_partners for p in partners)


@pytest.mark.parametrize(
    "text, name",
    [
        ("Hội Nông dân xã vận động hội viên", "Hội Nông dân xã"),
        ("Ủy ban MTTQ Việt Nam xã phối hợp", "Ủy ban Mặt trận Tổ quốc Việt Nam xã"),
        ("Kho bạc Nhà nước huyện kiểm soát chi", "Kho bạc Nhà nước huyện"),
        ("Hội Liên hiệp Phụ nữ thị trấn tuyên truyền", "Hội Liên hiệp Phụ nữ thị trấn"),
        ("Hội Cựu chiến binh xã Đăk Ngọk tham gia", "Hội Cựu chiến binh xã"),
        ("Hội Nông dân tỉnh chủ trì", "Hội Nông dân tỉnh"),  # the province's stays the province's
        ("Ban Chỉ huy Quân sự xã chủ trì", "Ban Chỉ huy Quân sự xã"),
    ],
)
def test_a_province_bodys_name_with_a_local_level_is_the_local_body(text, name):
    """The table's rows name the province's bodies ("… tỉnh"); a district or commune has its own."""
    assert find_agencies(text) == [name]


def test_canonical_agency():
    assert canonical_agency("Sở Xây dựng tỉnh Bình Dương") == "Sở Xây dựng"
    assert canonical_agency("Các Sở, ban, ngành") == "Các Sở, Ban, ngành"
    assert (
        canonical_agency("Công ty cổ phần nước - môi trường tỉnh Bình Dương")
        == "Công ty cổ phần nước - môi trường tỉnh Bình Dương"
    )
    assert canonical_agency("Sở Xây dựng và Sở Y tế") is None
    assert canonical_agency("kế hoạch") is None


@pytest.mark.parametrize(
    "clause, lead, partners",
    [
        (
            "Sở Kế hoạch và Đầu tư chủ trì phối hợp các đơn vị có liên quan tiếp tục nâng cao năng lực.",
            [SKHDT],
            [],
        ),
        (
            "Sở Công thương tiếp tục phối hợp với Công ty Điện lực Bình Dương thực hiện hiệu quả các giải pháp.",
            ["Sở Công thương"],
            ["Công ty điện lực tỉnh Bình Dương"],
        ),
        (
            "Sở Tài nguyên và Môi trường chủ trì nghiên cứu. Phối hợp với Sở Xây dựng nhằm thực hiện tốt việc cắt giảm.",
            ["Sở Tài nguyên và Môi trường"],
            ["Sở Xây dựng"],
        ),
        (
            "Thanh tra nhà nước tỉnh, các đơn vị thanh tra chuyên ngành thực hiện thanh tra.",
            ["Thanh tra nhà nước tỉnh"],
            [],
        ),
        (
            "Các đơn vị: Sở Y tế, Sở Giáo dục và Đào tạo, Công ty cổ phần cấp nước Long An chỉ đạo các trường học.",
            ["Sở Y tế", "Sở Giáo dục và Đào tạo", "Công ty cổ phần cấp nước Long An"],
            [],
        ),
        (
            "Trong quá trình thực hiện, yêu cầu thủ trưởng các Sở, ban, ngành, Chủ tịch Ủy ban nhân dân các huyện, "
            "thị xã, thành phố trước ngày 10 hằng tháng gửi báo cáo về Sở Kế hoạch và Đầu tư để tổng hợp.",
            ["Các Sở, Ban, ngành", DISTRICTS],
            [],
        ),
        (
            "Giao Sở Kế hoạch và Đầu tư chủ trì, phối hợp các Sở, ngành và Ủy ban nhân dân các huyện, thị xã, thành phố "
            "tổng hợp, báo cáo Ủy ban nhân dân tỉnh.",
            [SKHDT],
            ["Các Sở, ngành", DISTRICTS],
        ),
        (
            "Sở Thông tin và Truyền thông tham mưu Ủy ban nhân dân tỉnh ban hành kế hoạch.",
            ["Sở Thông tin và Truyền thông"],
            [],
        ),
        (
            "Đề nghị Ủy ban MTTQ Việt Nam tỉnh và các tổ chức chính trị - xã hội tuyên truyền.",
            ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Các tổ chức chính trị - xã hội"],
            [],
        ),
        (
            "Việc tổng kết do Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp thực hiện.",
            ["Sở Nội vụ"],
            ["Sở Tư pháp"],
        ),
        (
            "Tổ chức hội nghị tập huấn, phối hợp Sở Giáo dục và Đào tạo xây dựng chương trình STEM.",
            [],
            ["Sở Giáo dục và Đào tạo"],
        ),
        (
            "Triển khai, theo dõi việc thực hiện Nghị quyết giao Quỹ Đầu tư Phát triển Bình Dương thực hiện đầu tư.",
            [],
            [],
        ),
        ("Sở Y tế kết nối dữ liệu với Bộ Y tế và Bảo hiểm xã hội Việt Nam.", ["Sở Y tế"], []),
        (
            "Cục Thuế tỉnh Hà Tĩnh phối hợp chặt chẽ với Kho bạc Nhà nước tỉnh, Ngân hàng Nhà nước chi nhánh Hà Tĩnh "
            "triển khai nộp thuế điện tử.",
            ["Cục Thuế tỉnh"],
            ["Kho bạc Nhà nước tỉnh", "Ngân hàng Nhà nước Việt Nam – chi nhánh Hà Tĩnh"],
        ),
        ("UBND các quận, huyện chủ động bố trí kinh phí.", [DISTRICTS], []),
        ("Tiếp tục nâng cao chất lượng công tác kiểm tra sau thông quan đáp ứng yêu cầu quản lý.", [], []),
    ],
)
def test_extract_agencies_roles(clause, lead, partners):
    assert extract_agencies(clause) == (lead, partners)


def test_every_alias_row_has_an_example():
    """Each row of the ordered alias tables ends with an `# e.g.` comment."""
    source = (Path(__file__).resolve().parents[1] / "nlp" / "agency_table.py").read_text(encoding="utf-8")
    for table in ("FIELDS", "AGENCIES"):
        block = source.split(f"\n{table} = (\n", 1)[1].split("\n)\n", 1)[0]
        row_ends = [line for line in block.splitlines() if re.search(r"\),(?:\s*#.*)?$", line)]
        assert row_ends and all("# e.g." in line for line in row_ends), table


def test_every_module_pattern_has_an_example():
    """Each module-level pattern of nlp/agencies.py shows an `# e.g.` on its line or just above."""
    lines = (
        (Path(__file__).resolve().parents[1] / "nlp" / "agencies.py").read_text(encoding="utf-8").splitlines()
    )
    starts = [
        i
        for i, line in enumerate(lines)
        if re.match(r"_[A-Z_]+ = (?:re\.compile|r\"|rf\"|str\.maketrans)", line)
    ]
    assert len(starts) >= 8
    for i in starts:
        end = next(
            j
            for j in range(i, len(lines))
            if not lines[j].startswith(("_", " ")) or j > i + 3 or lines[j].rstrip().endswith((")", '"'))
        )
        assert any("e.g." in line for line in lines[max(0, i - 2) : end + 1]), lines[i]


# ---- real plans' shapes (sentences of shared/eval/real, and the same shapes elsewhere) ----------


@pytest.mark.parametrize(
    "clause, lead, partners",
    [
        (
            "Viện Khoa học Khí tượng thủy văn và Biến đổi khí hậu; Viện Chiến lược, Chính sách tài nguyên và môi "
            "trường nghiên cứu tham mưu xây dựng",
            [
                "Viện Khoa học Khí tượng thủy văn và Biến đổi khí hậu",
                "Viện Chiến lược, Chính sách tài nguyên và môi trường",
            ],
            [],
        ),
        (
            "Vu Kế hoạch - Tài chính tham mưu cho Lãnh đạo Bộ cân đối kinh phí.",
            ["Vụ Kế hoạch - Tài chính"],
            [],
        ),
        (
            "Chủ trì, phối hợp với Cục Kiểm soát ô nhiễm môi trường, Vụ Môi trường hoàn thiện dự thảo Kế hoạch",
            [],
            ["Cục Kiểm soát ô nhiễm môi trường", "Vụ Môi trường"],
        ),
        (
            "Cục Viễn thám quốc gia chủ trì, phối hợp với Cục Chuyển đổi số thiết lập hệ thống",
            ["Cục Viễn thám quốc gia"],
            ["Cục Chuyển đổi số"],
        ),
        (
            "Chủ trì, phối hợp với Thuế tỉnh, Sở Công Thương, Sở Xây dựng triển khai các biện pháp",
            [],
            ["Thuế tỉnh", "Sở Công thương", "Sở Xây dựng"],
        ),
        (
            "Phối hợp với cơ quan Thuế, Sở Nông nghiệp và Môi trường rà soát sản lượng",
            [],
            ["Cơ quan Thuế", "Sở Nông nghiệp và Môi trường"],
        ),
        # one name no table knows does not hide the known ones after it
        (
            "Sở Y tế chủ trì, phối hợp với Đội Quản lý thị trường số 3, Sở Công Thương kiểm tra",
            ["Sở Y tế"],
            ["Sở Công thương"],
        ),
        (
            "Trung tâm Truyền thông TN&MT, Báo TN&MT, Tạp chí TN&MT có trách nhiệm tuyên truyền",
            [
                "Trung tâm Truyền thông Tài nguyên và Môi trường",
                "Báo Tài nguyên và Môi trường",
                "Tạp chí Tài nguyên và Môi trường",
            ],
            [],
        ),
        (
            "Bộ Công an chủ trì, phối hợp với Bộ Quốc phòng, Bộ Ngoại giao, Ủy ban nhân dân các tỉnh, thành phố "
            "trực thuộc Trung ương triển khai",
            ["Bộ Công an"],
            ["Bộ Quốc phòng", "Bộ Ngoại giao", "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"],
        ),
        (
            "Chi cục Kiểm lâm chủ trì, phối hợp với Hạt Kiểm lâm các huyện, UBND cấp xã tuần tra",
            ["Chi cục Kiểm lâm"],
            ["Ủy ban nhân dân các xã, phường, thị trấn"],
        ),
        (
            "Báo Lào Cai, Đài Phát thanh - Truyền hình tỉnh, Cổng Thông tin điện tử tỉnh tăng cường tuyên truyền.",
            ["Báo Lào Cai", "Đài Phát thanh và Truyền hình tỉnh", "Cổng Thông tin điện tử tỉnh"],
            [],
        ),
        ("Xây dựng Bộ Chỉ số đánh giá năng lực cạnh tranh", [], []),
    ],
)
def test_real_plan_shapes(clause, lead, partners):
    assert extract_agencies(clause) == (lead, partners)


def test_the_issuer_decides_a_bare_name():
    assert find_agencies("Cục Thuế hướng dẫn") == ["Cục Thuế tỉnh"]
    assert find_agencies("Cục Thuế hướng dẫn", issuer="Bộ Tài chính") == ["Cục Thuế"]
    assert find_agencies("Cục Thuế tỉnh Nghệ An hướng dẫn", issuer="Bộ Tài chính") == ["Cục Thuế tỉnh"]
    # a ministry has no Sở: its "TN&MT" is its own field
    assert find_agencies("phối hợp với TN&MT") == ["Sở Tài nguyên và Môi trường"]
    assert find_agencies("phối hợp với TN&MT", issuer="Bộ Tài nguyên và Môi trường") == []
    assert canonical_agency("Cục Hải quan", issuer="Bộ Tài chính") == "Cục Hải quan"


@pytest.mark.parametrize(
    "cell, names",
    [
        (
            "Các Sở, ban, ngành và các cơ quan, đơn vị, địa phương liên quan và các tổ chức hoạt động khai thác "
            "khoáng sản",
            ["Các Sở, Ban, ngành", "các tổ chức hoạt động khai thác khoáng sản"],
        ),
        ("Sở Công Thương; Sở Xây dựng", ["Sở Công thương", "Sở Xây dựng"]),
        ("Vụ Pháp chế và các đơn vị có liên quan thuộc Bộ TN&MT.", ["Vụ Pháp chế"]),
        (
            "Các Sở, ban, ngành; Các tổ chức, cá nhân hoạt động khoáng sản",
            ["Các Sở, Ban, ngành", "Các tổ chức, cá nhân hoạt động khoáng sản"],
        ),
        ("Cục Biến đổi khí hậu và các cơ quan, đơn vị có liên quan", ["Cục Biến đổi khí hậu"]),
        ("Hợp tác xã Nông nghiệp Tân Phú", ["Hợp tác xã Nông nghiệp Tân Phú"]),
        ("", []),
    ],
)
def test_cell_agencies(cell, names):
    assert cell_agencies(cell) == names
