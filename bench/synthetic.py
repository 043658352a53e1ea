"""Varied synthetic plans for the scale benchmark, written as the TXT a province would send.

Every plan is a header, a goal section and numbered tasks; a task is a real clause's
wording (from the bundled and the dev plans) with a lead agency, sometimes partners, a
topic and a deadline drawn at random, so that vocabulary, agencies and lengths vary the
way they do across many provinces' plans. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# ../shared/eval beside the main checkout, or beside the worktrees' folder
EVAL = next(
    (p for p in (REPO.parent / "shared" / "eval", REPO.parent.parent / "shared" / "eval") if p.exists()),
    REPO.parent / "shared" / "eval",
)
SOURCES = [*sorted((REPO / "corpus" / "plans").glob("*.txt")), *sorted(EVAL.glob("**/*.txt"))]
PROVINCES = [
    "Bình Dương",
    "Ninh Thuận",
    "Quảng Ngãi",
    "Lào Cai",
    "Hà Giang",
    "Cà Mau",
    "Đắk Lắk",
    "Thừa Thiên Huế",
    "Nghệ An",
    "Thanh Hóa",
    "Bắc Ninh",
    "Long An",
    "An Giang",
    "Phú Yên",
    "Kon Tum",
    "Sơn La",
    "Bến Tre",
    "Hải Dương",
    "Quảng Trị",
    "Tây Ninh",
]
AGENCIES = [
    "Sở Xây dựng",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở Tư pháp",
    "Sở Nội vụ",
    "Sở Công Thương",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Giao thông vận tải",
    "Sở Tài nguyên và Môi trường",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Thông tin và Truyền thông",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
    "Công an tỉnh",
    "Thanh tra tỉnh",
    "Văn phòng UBND tỉnh",
    "Ban Quản lý các khu công nghiệp",
    "Cục Thuế tỉnh",
    "Bảo hiểm xã hội tỉnh",
    "Ngân hàng Nhà nước chi nhánh tỉnh",
    "Đài Phát thanh và Truyền hình tỉnh",
    "Liên minh Hợp tác xã tỉnh",
]
TOPICS = [
    "chuyển đổi số",
    "năng lượng tái tạo",
    "du lịch cộng đồng",
    "nước sạch nông thôn",
    "phòng chống thiên tai",
    "an toàn thực phẩm",
    "giáo dục nghề nghiệp",
    "y tế cơ sở",
    "đất đai",
    "khoáng sản",
    "rừng phòng hộ",
    "khu công nghiệp",
    "logistics",
    "hợp tác xã",
    "người có công",
    "tín chỉ các-bon",
    "đô thị thông minh",
    "cải cách hành chính",
    "thu hút đầu tư",
    "bảo vệ môi trường",
    "giảm nghèo bền vững",
    "nuôi trồng thủy sản",
    "cây ăn quả",
    "giao thông nông thôn",
    "văn hóa cơ sở",
    "thể thao quần chúng",
]
DEADLINES = [
    "hoàn thành trước ngày {d}/{m}/{y}",
    "hoàn thành trong quý {q}/{y}",
    "thực hiện hằng năm",
    "báo cáo định kỳ 6 tháng",
    "hoàn thành trong năm {y}",
    "thời gian thực hiện: tháng {m}/{y}",
    "thường xuyên",
    "hoàn thành trước ngày 31/12/{y}",
]
ROMAN = ["I", "II", "III", "IV", "V", "VI"]


@lru_cache(maxsize=1)
def sentence_pool() -> list[str]:
    """Task wordings from the real plans: their clauses' sentences, agencies taken out."""
    from corpus.build_plan import build_plan
    from corpus.load import load

    pool = []
    for path in SOURCES:
        try:
            plan = build_plan(load(path, 50 * 1024 * 1024))
        except Exception:  # noqa: BLE001 - a source that does not read just adds nothing
            continue
        for clause in plan.clauses:
            for sentence in clause.sentences or [clause.text]:
                words = sentence.split()
                if 8 <= len(words) <= 60 and not re.search(r"KẾ HOẠCH|Số:", sentence):
                    pool.append(sentence.rstrip(" .;"))
    return sorted(set(pool))


def plan_text(seed: int, clauses: int = 200) -> str:
    """One plan of about `clauses` clauses."""
    rng = random.Random(seed)
    pool = sentence_pool()
    province = rng.choice(PROVINCES)
    year = rng.randint(2016, 2026)
    topic = rng.choice(TOPICS)
    lines = [
        f"ỦY BAN NHÂN DÂN TỈNH {province.upper()}",
        f"Số: {1000 + seed}/KH-UBND {province}, ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} "
        f"năm {year}",
        "",
        "KẾ HOẠCH",
        f"Triển khai {topic} trên địa bàn tỉnh {province} năm {year}",
        "",
        "I. Mục tiêu",
        f"{rng.choice(pool)}, gắn với {topic}.",
        "",
    ]
    sections = max(1, min(len(ROMAN) - 1, clauses // 40))
    per_section = max(1, (clauses - 2) // sections)
    for s in range(sections):
        lines += [f"{ROMAN[s + 1]}. Nhiệm vụ về {rng.choice(TOPICS)}", ""]
        for item in range(1, per_section + 1):
            lead, other = rng.sample(AGENCIES, 2)
            partner = f", phối hợp với {other}" if rng.random() < 0.4 else ""
            deadline = rng.choice(DEADLINES).format(
                d=rng.randint(1, 28),
                m=rng.randint(1, 12),
                y=year + rng.randint(0, 2),
                q=rng.choice(ROMAN[:4]),
            )
            body = rng.choice(pool)
            body = body[0].lower() + body[1:]
            lines.append(
                f"{item}. {lead} chủ trì{partner} {body} trong lĩnh vực {rng.choice(TOPICS)}, {deadline}."
            )
        lines.append("")
    lines += [
        "Nơi nhận:",
        "- Như trên;",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        f"Nguyễn Văn {chr(65 + seed % 26)}",
    ]
    return "\n".join(lines) + "\n"
