"""English administrative terms in Vietnamese, so an English question can meet the plan's words.

The dense encoder reads English well enough to rank, but the keyword index and
the coverage check that decides whether to answer only know the plan's own
Vietnamese words. This table carries an English question over to them.
"""

from __future__ import annotations

import re

# Ordered: longer phrases first, so "social insurance" wins over "insurance".
GLOSSARY: list[tuple[str, str]] = [
    (
        "department of planning and investment",
        "sở kế hoạch và đầu tư",
    ),  # e.g. "What does the Department of Planning and Investment do?"
    ("department of construction", "sở xây dựng"),  # e.g. "Department of Construction tasks"
    ("department of finance", "sở tài chính"),  # e.g. "Department of Finance"
    ("department of industry and trade", "sở công thương"),  # e.g. "Department of Industry and Trade"
    ("department of natural resources and environment", "sở tài nguyên và môi trường"),  # e.g. "DONRE"
    ("department of information and communications", "sở thông tin và truyền thông"),  # e.g. "DIC"
    ("department of health", "sở y tế"),  # e.g. "Department of Health"
    ("department of education", "sở giáo dục và đào tạo"),  # e.g. "Department of Education and Training"
    ("department of justice", "sở tư pháp"),  # e.g. "Department of Justice"
    ("department of home affairs", "sở nội vụ"),  # e.g. "Department of Home Affairs"
    ("department of science and technology", "sở khoa học và công nghệ"),  # e.g. "DOST"
    (
        "department of labour",
        "sở lao động thương binh và xã hội",
    ),  # e.g. "Department of Labour, Invalids and Social Affairs"
    ("department of labor", "sở lao động thương binh và xã hội"),  # e.g. "Department of Labor"
    (
        "department of agriculture",
        "sở nông nghiệp và phát triển nông thôn",
    ),  # e.g. "Department of Agriculture and Rural Development"
    (
        "department of culture",
        "sở văn hóa thể thao và du lịch",
    ),  # e.g. "Department of Culture, Sports and Tourism"
    ("department of transport", "sở giao thông vận tải"),  # e.g. "Department of Transport"
    ("people's committee", "ủy ban nhân dân"),  # e.g. "the provincial People's Committee"
    ("peoples committee", "ủy ban nhân dân"),  # e.g. "Peoples Committee"
    ("social insurance", "bảo hiểm xã hội"),  # e.g. "social insurance contributions"
    ("health insurance", "bảo hiểm y tế"),  # e.g. "health insurance payments"
    ("unemployment insurance", "bảo hiểm thất nghiệp"),  # e.g. "unemployment insurance"
    ("state bank", "ngân hàng nhà nước"),  # e.g. "State Bank branch"
    ("tax department", "cục thuế"),  # e.g. "provincial tax department"
    ("electronic tax", "thuế điện tử"),  # e.g. "electronic tax services"
    ("e-tax", "thuế điện tử"),  # e.g. "e-tax filing"
    ("online public services", "dịch vụ công trực tuyến"),  # e.g. "level 4 online public services"
    ("public services", "dịch vụ công"),  # e.g. "public services"
    ("construction permit", "giấy phép xây dựng cấp phép"),  # e.g. "construction permits"
    ("building permit", "giấy phép xây dựng cấp phép"),  # e.g. "building permit"
    ("land use right", "quyền sử dụng đất"),  # e.g. "land use right certificate"
    ("land use rights", "quyền sử dụng đất"),  # e.g. "land use rights"
    ("business registration", "đăng ký doanh nghiệp"),  # e.g. "business registration"
    ("register a business", "đăng ký doanh nghiệp"),  # e.g. "how to register a business"
    ("access to electricity", "tiếp cận điện năng"),  # e.g. "access to electricity"
    ("trade promotion", "xúc tiến thương mại"),  # e.g. "trade promotion support"
    ("one-stop shop", "một cửa"),  # e.g. "one-stop shop"
    ("single window", "một cửa"),  # e.g. "national single window"
    ("administrative procedures", "thủ tục hành chính"),  # e.g. "administrative procedures reform"
    ("administrative reform", "cải cách hành chính"),  # e.g. "administrative reform index"
    ("cashless payment", "thanh toán không dùng tiền mặt"),  # e.g. "cashless payments"
    ("without cash", "không dùng tiền mặt"),  # e.g. "collect fees without cash"
    ("tuition", "học phí"),  # e.g. "tuition fees"
    ("hospital fees", "viện phí"),  # e.g. "hospital fees"
    ("start-up", "khởi nghiệp"),  # e.g. "start-up support"
    ("startup", "khởi nghiệp"),  # e.g. "startups"
    ("innovation", "đổi mới sáng tạo"),  # e.g. "innovation ecosystem"
    ("customs", "hải quan"),  # e.g. "customs clearance"
    ("inspection", "thanh tra kiểm tra"),  # e.g. "how often inspections happen"
    ("inspections", "thanh tra kiểm tra"),  # e.g. "inspections per year"
    ("bankruptcy", "phá sản"),  # e.g. "bankruptcy information"
    ("creditors", "chủ nợ"),  # e.g. "list of creditors"
    ("credit", "tín dụng"),  # e.g. "access to credit"
    ("logistics", "logistics"),  # e.g. "logistics companies"
    ("export", "xuất khẩu"),  # e.g. "export goods"
    ("exports", "xuất khẩu"),  # e.g. "exports"
    ("import", "nhập khẩu"),  # e.g. "imported feed"
    ("tourism", "du lịch"),  # e.g. "smart tourism"
    ("quality", "chất lượng"),  # e.g. "product quality"
    ("product", "sản phẩm"),  # e.g. "product quality"
    ("goods", "hàng hóa"),  # e.g. "goods"
    ("tax", "thuế"),  # e.g. "tax services"
    ("taxes", "thuế"),  # e.g. "taxes"
    ("electronic", "điện tử"),  # e.g. "electronic transactions"
    ("online", "trực tuyến"),  # e.g. "online services"
    ("permit", "giấy phép cấp phép"),  # e.g. "permit"
    ("permits", "giấy phép cấp phép"),  # e.g. "permits"
    ("licence", "giấy phép"),  # e.g. "licence"
    ("license", "giấy phép"),  # e.g. "license"
    ("construction", "xây dựng"),  # e.g. "construction"
    ("land", "đất đai"),  # e.g. "land registration"
    ("electricity", "điện"),  # e.g. "electricity connection"
    ("investment", "đầu tư"),  # e.g. "investment registration"
    ("enterprise", "doanh nghiệp"),  # e.g. "enterprises"
    ("enterprises", "doanh nghiệp"),  # e.g. "small enterprises"
    ("business", "doanh nghiệp kinh doanh"),  # e.g. "business environment"
    ("businesses", "doanh nghiệp"),  # e.g. "businesses"
    ("company", "doanh nghiệp công ty"),  # e.g. "my company"
    ("companies", "doanh nghiệp công ty"),  # e.g. "companies"
    ("services", "dịch vụ"),  # e.g. "services"
    ("service", "dịch vụ"),  # e.g. "service"
    ("report", "báo cáo"),  # e.g. "quarterly report"
    ("reports", "báo cáo"),  # e.g. "reports"
    ("deadline", "thời hạn"),  # e.g. "what is the deadline"
    ("plan", "kế hoạch"),  # e.g. "this plan"
    ("signed", "ký"),  # e.g. "who signed"
    ("sign", "ký"),  # e.g. "sign"
    ("goal", "mục tiêu"),  # e.g. "goal of the plan"
    ("objective", "mục tiêu"),  # e.g. "objectives"
    ("objectives", "mục tiêu"),  # e.g. "objectives"
    ("school", "trường học"),  # e.g. "schools"
    ("schools", "trường học"),  # e.g. "schools"
    ("hospital", "bệnh viện"),  # e.g. "hospitals"
    ("hospitals", "bệnh viện"),  # e.g. "hospitals"
    ("insurance", "bảo hiểm"),  # e.g. "insurance"
    ("bank", "ngân hàng"),  # e.g. "bank"
    ("labour", "lao động"),  # e.g. "labour"
    ("labor", "lao động"),  # e.g. "labor"
    ("agriculture", "nông nghiệp"),  # e.g. "agriculture"
    ("justice", "tư pháp"),  # e.g. "justice"
    ("legal", "pháp luật"),  # e.g. "legal documents"
    ("health", "y tế"),  # e.g. "health"
    ("education", "giáo dục"),  # e.g. "education"
    ("finance", "tài chính"),  # e.g. "finance"
    ("budget", "ngân sách"),  # e.g. "budget"
    ("fund", "quỹ"),  # e.g. "guarantee fund"
]

_PATTERNS = [(re.compile(rf"\b{re.escape(en)}\b", re.IGNORECASE), vi) for en, vi in GLOSSARY]


def glossary(text: str) -> str:
    """The Vietnamese terms for the English ones in `text` ("" when none): "tax services" → "thuế dịch vụ"."""
    found = []
    rest = text
    for pattern, vietnamese in _PATTERNS:
        if pattern.search(rest):
            found.append(vietnamese)
            rest = pattern.sub(" ", rest)
    return " ".join(found)
