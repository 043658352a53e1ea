"""Data for agency recognition: canonical names, their aliases, and the words around them.

Alias patterns are regular expressions over the *normalized* form of a text: accent-
folded, lower-cased, every word and every punctuation mark a token, tokens joined by
one space ("Sở KH&ĐT" → "so kh & dt", "LĐ-TB&XH" → "ld - tb & xh"). Pattern macros:
  ~   a word gap that may hold punctuation or "và" ("Sở Văn hóa, Thể thao và Du lịch")
  _   an optional gap, for abbreviations typed glued or spaced ("KHĐT", "KH ĐT", "KH&ĐT")
  @   an optional province suffix, not kept ("Cục Thuế tỉnh Bình Dương" → "Cục Thuế tỉnh")
  @@  the same suffix, kept as {province} ("tỉnh Bình Dương") / {place} ("Bình Dương")
A canonical may hold "[with place|without place]" for names that carry the province.
Tables are ordered: an earlier row wins a span, so longer and more specific names come
first (ministries before the bare abbreviations they contain, "Tổng cục" before "Cục").
"""

from __future__ import annotations

# Province-level units: (name, kind). Kind decides "tỉnh X" vs "thành phố X".
PROVINCES = (
    ("An Giang", "tỉnh"),
    ("Bà Rịa - Vũng Tàu", "tỉnh"),
    ("Bạc Liêu", "tỉnh"),
    ("Bắc Giang", "tỉnh"),
    ("Bắc Kạn", "tỉnh"),
    ("Bắc Ninh", "tỉnh"),
    ("Bến Tre", "tỉnh"),
    ("Bình Dương", "tỉnh"),
    ("Bình Định", "tỉnh"),
    ("Bình Phước", "tỉnh"),
    ("Bình Thuận", "tỉnh"),
    ("Cà Mau", "tỉnh"),
    ("Cao Bằng", "tỉnh"),
    ("Cần Thơ", "thành phố"),
    ("Đà Nẵng", "thành phố"),
    ("Đắk Lắk", "tỉnh"),
    ("Đắk Nông", "tỉnh"),
    ("Điện Biên", "tỉnh"),
    ("Đồng Nai", "tỉnh"),
    ("Đồng Tháp", "tỉnh"),
    ("Gia Lai", "tỉnh"),
    ("Hà Giang", "tỉnh"),
    ("Hà Nam", "tỉnh"),
    ("Hà Nội", "thành phố"),
    ("Hà Tĩnh", "tỉnh"),
    ("Hải Dương", "tỉnh"),
    ("Hải Phòng", "thành phố"),
    ("Hậu Giang", "tỉnh"),
    ("Hòa Bình", "tỉnh"),
    ("Hưng Yên", "tỉnh"),
    ("Khánh Hòa", "tỉnh"),
    ("Kiên Giang", "tỉnh"),
    ("Kon Tum", "tỉnh"),
    ("Lai Châu", "tỉnh"),
    ("Lâm Đồng", "tỉnh"),
    ("Lạng Sơn", "tỉnh"),
    ("Lào Cai", "tỉnh"),
    ("Long An", "tỉnh"),
    ("Nam Định", "tỉnh"),
    ("Nghệ An", "tỉnh"),
    ("Ninh Bình", "tỉnh"),
    ("Ninh Thuận", "tỉnh"),
    ("Phú Thọ", "tỉnh"),
    ("Phú Yên", "tỉnh"),
    ("Quảng Bình", "tỉnh"),
    ("Quảng Nam", "tỉnh"),
    ("Quảng Ngãi", "tỉnh"),
    ("Quảng Ninh", "tỉnh"),
    ("Quảng Trị", "tỉnh"),
    ("Sóc Trăng", "tỉnh"),
    ("Sơn La", "tỉnh"),
    ("Tây Ninh", "tỉnh"),
    ("Thái Bình", "tỉnh"),
    ("Thái Nguyên", "tỉnh"),
    ("Thanh Hóa", "tỉnh"),
    ("Thừa Thiên Huế", "tỉnh"),
    ("Huế", "thành phố"),
    ("Tiền Giang", "tỉnh"),
    ("Hồ Chí Minh", "thành phố"),
    ("Trà Vinh", "tỉnh"),
    ("Tuyên Quang", "tỉnh"),
    ("Vĩnh Long", "tỉnh"),
    ("Vĩnh Phúc", "tỉnh"),
    ("Yên Bái", "tỉnh"),
)

# Fields shared by a provincial Sở and its ministry (Bộ): (name pattern, abbreviation
# pattern or None, canonical field name). Order matters where one name starts another.
FIELDS = (
    ("ke hoach~dau tu", "kh_dt", "Kế hoạch và Đầu tư"),  # e.g. "Sở Kế hoạch và Đầu tư", "Sở KH&ĐT", "SKHĐT"
    ("tai chinh", "tc", "Tài chính"),  # e.g. "Sở Tài chính", "STC"
    ("cong thuong", "ct", "Công thương"),  # e.g. "Sở Công Thương"
    ("xay dung", "xd", "Xây dựng"),  # e.g. "Sở Xây dựng", "so xay dung"
    ("tai nguyen~moi truong", "tn_mt", "Tài nguyên và Môi trường"),  # e.g. "Sở TN&MT"
    ("noi vu", "nv", "Nội vụ"),  # e.g. "Sở Nội vụ"
    ("giao duc~dao tao", "gd_dt", "Giáo dục và Đào tạo"),  # e.g. "Sở GD&ĐT"
    ("y te", "yt", "Y tế"),  # e.g. "Sở Y tế"
    ("tu phap", "tp", "Tư pháp"),  # e.g. "Sở Tư pháp"
    ("khoa hoc~cong nghe", "kh_cn", "Khoa học và Công nghệ"),  # e.g. "Sở KH&CN"
    ("thong tin~truyen thong", "tt_tt", "Thông tin và Truyền thông"),  # e.g. "Sở TT&TT"
    ("lao dong~thuong binh~xa hoi", "ld_tb_xh", "Lao động, Thương binh và Xã hội"),  # e.g. "Sở LĐ-TB&XH"
    # One department under several names across provinces and years.
    (
        "van hoa~the thao~du lich|van hoa~the thao|du lich",
        "vh_tt_dl",
        "Văn hóa, Thể thao và Du lịch",
    ),  # e.g. "Sở Văn hóa - Thể thao và Du lịch", "Sở Du lịch"
    ("nong nghiep~moi truong", "nn_mt", "Nông nghiệp và Môi trường"),  # e.g. "Sở NN&MT" (2025 merger)
    (
        "nong nghiep~phat trien nong thon|nong nghiep",
        "nn_ptnt",
        "Nông nghiệp và Phát triển nông thôn",
    ),  # e.g. "Sở NN&PTNT"
    ("giao thong~van tai|giao thong", "gt_vt", "Giao thông vận tải"),  # e.g. "Sở GTVT"
    ("quy hoach~kien truc", "qh_kt", "Quy hoạch - Kiến trúc"),  # e.g. "Sở Quy hoạch - Kiến trúc"
    ("dan toc~ton giao", None, "Dân tộc và Tôn giáo"),  # e.g. "Sở Dân tộc và Tôn giáo"
    ("ngoai vu", None, "Ngoại vụ"),  # e.g. "Sở Ngoại vụ"
)

# "Bộ" with or without its field, as a unit's parent: "thuộc Bộ", "thuộc Bộ TN&MT".
_MINISTRY = (
    r"(?:cac )?bo(?:~(?:"
    + "|".join(part for name, abbr, _ in FIELDS for part in (name, abbr) if part)
    + r"))?"
)
_BODY = r"(?:ubnd|uy ban nhan dan)"
_DISTRICT = r"(?:huyen|quan|thi xa|thanh pho|tp)"
_COMMUNE = r"(?:xa|phuong|thi tran)"

# Levels whose offices ("Văn phòng HĐND và UBND xã") the AGENCIES table names: folded, written.
_LOCAL_OFFICE_LEVELS = (
    ("xa", "xã"),
    ("phuong", "phường"),
    ("thi tran", "thị trấn"),
    ("huyen", "huyện"),
    ("quan", "quận"),
)

# Collective assignments, the canonical name of each group first: a task given to a group
# is every member's task (nlp/groups.py says which agencies belong to which group).
DEPARTMENTS = "Các Sở, Ban, ngành"
DEPARTMENTS_SHORT = "Các Sở, ngành"
DEPARTMENTS_AND_LOCALITIES = "Các Sở, ngành, địa phương"
DISTRICTS = "Ủy ban nhân dân các huyện, thị xã, thành phố"
COMMUNES = "Ủy ban nhân dân các xã, phường, thị trấn"
LOCAL_GOVERNMENTS = "Chính quyền địa phương"
RELATED = "Các cơ quan, đơn vị có liên quan"
MINISTRY_UNITS = "Các đơn vị thuộc Bộ"
MINISTRIES = "Các Bộ, ngành"
MASS_ORGANISATIONS = "Các tổ chức chính trị - xã hội"
PROVINCES_GROUP = "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"
_UNIT = r"(?:co quan|don vi|dia phuong|to chuc|so|ban|nganh)"

# (alias pattern, group) in priority order: "related" phrases first, since "các Sở, ngành
# khác có liên quan" is no more the departments group than "các cơ quan liên quan" is.
GROUP_ALIASES = (
    (
        rf"(?:cac~)?{_UNIT}(?:~{_UNIT})* thuoc cac bo(?: nganh)?(?: co)? lien quan",
        RELATED,
    ),  # e.g. "các đơn vị thuộc các Bộ có liên quan"
    (
        rf"(?:cac~)?{_UNIT}(?:~{_UNIT})*(?: khac)?(?: co)? lien quan(?: thuoc {_MINISTRY})?",
        RELATED,
    ),  # e.g. "các cơ quan, đơn vị có liên quan", "các đơn vị có liên quan thuộc Bộ TN&MT"
    (
        rf"(?:cac~)?(?:vu~cuc~)?(?:co quan|don vi)(?: truc)? thuoc {_MINISTRY}",
        MINISTRY_UNITS,
    ),  # e.g. "các đơn vị thuộc Bộ"
    (
        r"(?:cac~)?so~(?:ban~)?nganh~(?:cac~)?dia phuong",
        DEPARTMENTS_AND_LOCALITIES,
    ),  # e.g. "Các Sở, ngành, địa phương"
    (r"(?:cac~)?so~ban~nganh(?: tinh)?", DEPARTMENTS),  # e.g. "các Sở, ban, ngành"
    (r"(?:cac~)?so~nganh(?: tinh)?", DEPARTMENTS_SHORT),  # e.g. "các Sở, ngành"
    (
        r"(?:cac~)?bo~(?:co quan ngang bo~)?nganh(?:~trung uong)?",
        MINISTRIES,
    ),  # e.g. "các Bộ, ngành trung ương"
    (
        rf"{_BODY}~cac~tinh(?:~thanh pho)?(?: truc thuoc trung uong)?|{_BODY}~cap tinh",
        PROVINCES_GROUP,
    ),  # e.g. "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"
    (
        rf"{_BODY}~(?:cac~)?{_COMMUNE}(?:~{_COMMUNE})+|{_BODY}~cap xa|{_BODY}~cac~{_COMMUNE}",
        COMMUNES,
    ),  # e.g. "UBND các xã, phường, thị trấn", "UBND cấp xã"
    (
        rf"{_BODY}~(?:cac~{_DISTRICT}(?:~{_DISTRICT})*|{_DISTRICT}(?:~{_DISTRICT})+|cap huyen)",
        DISTRICTS,
    ),  # e.g. "UBND các huyện, thị xã, thành phố", "Ủy ban nhân dân quận, huyện"
    (
        r"chinh quyen(?: dia phuong)?(?: cac cap)|chinh quyen dia phuong",
        LOCAL_GOVERNMENTS,
    ),  # e.g. "chính quyền địa phương"
    (
        r"(?:cac~)?(?:to chuc chinh tri - xa hoi|doan the chinh tri - xa hoi|hoi~doan the|doan the)(?: tinh)?",
        MASS_ORGANISATIONS,
    ),  # e.g. "các tổ chức chính trị - xã hội"
)
GROUPS = tuple(dict.fromkeys(group for _, group in GROUP_ALIASES))

# (alias pattern, canonical, needs a capital letter). The capital flag marks names that
# are also common words ("bảo hiểm xã hội" the insurance, "thanh tra" the verb): in text
# that has capitals, only the capitalized form is the agency; in text typed without
# capitals, only a form with "tỉnh" or a province ("bao hiem xa hoi tinh") or a one-word
# abbreviation ("bhxh"). Field-based Sở/Bộ rows are
# generated from FIELDS and inserted where "{fields}" stands.
AGENCIES = (
    # Collective groups first: they contain words the single bodies start with.
    *((pattern, group, False) for pattern, group in GROUP_ALIASES),  # e.g. "các Sở, ban, ngành" (see above)
    # A district's or commune's office serves its council and committee both: not the province's HĐND.
    *(
        (
            rf"van phong~(?:hdnd|hoi dong nhan dan)~(?:ubnd|uy ban nhan dan)~{folded}",
            f"Văn phòng HĐND và UBND {level}",
            False,
        )
        for folded, level in _LOCAL_OFFICE_LEVELS
    ),  # e.g. "Văn phòng HĐND và UBND xã"
    (rf"van phong~{_BODY}@", "Văn phòng Ủy ban nhân dân tỉnh", False),  # e.g. "Văn phòng UBND tỉnh"
    (
        r"van phong~thanh pho thong minh",
        "Văn phòng Thành phố Thông minh",
        False,
    ),  # e.g. "Văn phòng Thành phố Thông minh"
    (r"van phong chinh phu", "Văn phòng Chính phủ", False),  # e.g. "Văn phòng Chính phủ"
    # A bare UBND is the province's own; one followed by a district or commune is not.
    (
        rf"{_BODY}(?: tinh(?: PLACE)?"
        rf"| (?:thanh pho|tp)(?: \.)? (?:ha noi|ho chi minh|hai phong|da nang|can tho|hue)"
        rf"| PLACE)?(?! (?:huyen|quan|thi xa|xa|phuong|thi tran|thanh pho|tp|cac|cap)(?: |$))",
        "Ủy ban nhân dân tỉnh",
        False,
    ),  # e.g. "UBND tỉnh", "Ủy ban nhân dân tỉnh Bình Dương"
    (r"(?:hoi dong nhan dan|hdnd)@", "Hội đồng nhân dân tỉnh", False),  # e.g. "HĐND tỉnh"
    (r"ban tuyen giao(?:~tinh uy)?", "Ban Tuyên giáo Tỉnh ủy", False),  # e.g. "Ban Tuyên giáo Tỉnh ủy"
    (r"ban thuong vu tinh uy", "Ban Thường vụ Tỉnh ủy", False),  # e.g. "Ban Thường vụ Tỉnh ủy"
    (r"ban dan toc@", "Ban Dân tộc tỉnh", False),  # e.g. "Ban Dân tộc tỉnh"
    (r"tinh uy", "Tỉnh ủy", True),  # e.g. "Tỉnh ủy"
    (
        r"thanh tra~(?:nha nuoc~)?(?:tinh|thanh pho)(?: PLACE)?|thanh tra nha nuoc@",
        "Thanh tra nhà nước tỉnh",
        True,
    ),  # e.g. "Thanh tra tỉnh", "Thanh tra nhà nước tỉnh"
    (r"cong an~(?:tinh|thanh pho)(?: PLACE)?|cong an PLACE", "Công an tỉnh", True),  # e.g. "Công an tỉnh"
    (r"bo chi huy quan su@", "Bộ Chỉ huy Quân sự tỉnh", False),  # e.g. "Bộ Chỉ huy Quân sự tỉnh"
    (
        r"(?:bo chi huy~)?bo doi bien phong@",
        "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
        True,
    ),  # e.g. "Bộ đội Biên phòng tỉnh"
    # Ministries with no provincial Sở of the same field ("Bộ Ngoại giao": "giao" is also a verb).
    (r"bo ngoai giao", "Bộ Ngoại giao", True),  # e.g. "Bộ Ngoại giao"
    (r"bo quoc phong", "Bộ Quốc phòng", True),  # e.g. "Bộ Quốc phòng"
    (r"bo cong an", "Bộ Công an", True),  # e.g. "Bộ Công an"
    (r"tong cuc hai quan", "Tổng cục Hải quan", False),  # e.g. "Tổng cục Hải quan"
    (r"tong cuc thue", "Tổng cục Thuế", False),  # e.g. "Tổng cục Thuế"
    (r"tong cuc thong ke", "Tổng cục Thống kê", False),  # e.g. "Tổng cục Thống kê"
    (r"cuc hai quan@", "Cục Hải quan tỉnh", False),  # e.g. "Cục Hải quan tỉnh Bình Dương"
    (r"cuc thue@", "Cục Thuế tỉnh", False),  # e.g. "Cục Thuế tỉnh"
    (r"cuc thong ke@", "Cục Thống kê tỉnh", False),  # e.g. "Cục Thống kê tỉnh"
    (r"cuc quan ly thi truong@|qltt@", "Cục Quản lý thị trường", False),  # e.g. "Cục Quản lý thị trường"
    # The tax authority after the 2025 mergers: "Thuế tỉnh" (the Cục rows above take "Cục Thuế tỉnh").
    (
        r"thue (?:tinh|thanh pho)(?: PLACE)?|thue PLACE",
        "Thuế tỉnh",
        True,
    ),  # e.g. "Thuế tỉnh", "Thuế tỉnh Lào Cai"
    (r"co quan thue@", "Cơ quan Thuế", False),  # e.g. "cơ quan Thuế"
    (r"kho bac(?: nha nuoc)?@|kbnn@", "Kho bạc Nhà nước tỉnh", False),  # e.g. "Kho bạc Nhà nước tỉnh"
    (
        r"(?:bao hiem xa hoi|bhxh)~(?:viet nam|vn)",
        "Bảo hiểm xã hội Việt Nam",
        False,
    ),  # e.g. "Bảo hiểm xã hội Việt Nam"
    (r"bao hiem xa hoi@|bhxh@", "Bảo hiểm xã hội tỉnh", True),  # e.g. "BHXH tỉnh", "Bảo hiểm xã hội tỉnh"
    (
        r"(?:ngan hang nha nuoc|nhnn)(?:~viet nam)?~chi nhanh@@"
        r"|(?:ngan hang nha nuoc|nhnn) (?:tinh|thanh pho)(?: PLACE)?",
        "Ngân hàng Nhà nước Việt Nam – chi nhánh[ {place}| tỉnh]",
        True,
    ),  # e.g. "NHNN Chi nhánh tỉnh Bình Dương"
    (
        r"(?:ngan hang nha nuoc|nhnn)(?: PLACE)",
        "Ngân hàng Nhà nước Việt Nam – chi nhánh {place}",
        True,
    ),  # e.g. "NHNN Bình Dương"
    (
        r"(?:ngan hang nha nuoc|nhnn)(?:~viet nam)?",
        "Ngân hàng Nhà nước Việt Nam",
        True,
    ),  # e.g. "Ngân hàng Nhà nước Việt Nam"
    (
        r"ban quan ly~(?:cac~)?khu cong nghiep@|bql~(?:cac~)?kcn@",
        "Ban Quản lý các khu công nghiệp",
        False,
    ),  # e.g. "Ban Quản lý các Khu công nghiệp tỉnh"
    (r"toa an nhan dan@|tand@", "Tòa án nhân dân", False),  # e.g. "Tòa án nhân dân tỉnh"
    (
        r"vien kiem sat nhan dan@|vksnd@",
        "Viện Kiểm sát nhân dân",
        False,
    ),  # e.g. "Viện Kiểm sát nhân dân tỉnh"
    (
        r"dai phat thanh~truyen hinh@",
        "Đài Phát thanh và Truyền hình tỉnh",
        False,
    ),  # e.g. "Đài Phát thanh và Truyền hình tỉnh"
    (r"lien doan lao dong@", "Liên đoàn Lao động tỉnh", False),  # e.g. "Liên đoàn Lao động tỉnh"
    (
        r"tinh doan|doan thanh nien~cong san~ho chi minh@|doan tncs ho chi minh@",
        "Tỉnh đoàn",
        True,
    ),  # e.g. "Tỉnh đoàn", "Đoàn TNCS Hồ Chí Minh tỉnh"
    (r"hoi nong dan@", "Hội Nông dân tỉnh", False),  # e.g. "Hội Nông dân tỉnh"
    (
        r"hoi lien hiep phu nu@|hoi phu nu@",
        "Hội Liên hiệp Phụ nữ tỉnh",
        False,
    ),  # e.g. "Hội Liên hiệp Phụ nữ tỉnh"
    (r"hoi cuu chien binh@", "Hội Cựu chiến binh tỉnh", False),  # e.g. "Hội Cựu chiến binh tỉnh"
    (
        r"(?:uy ban~|ub~)?(?:mat tran to quoc|mttq)(?:~(?:viet nam|vn))?@",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        True,
    ),  # e.g. "Ủy ban MTTQ Việt Nam tỉnh"
    (
        r"cong ty~dien luc@@",
        "Công ty điện lực[ {province}| tỉnh]",
        False,
    ),  # e.g. "Công ty Điện lực Bình Dương"
    (r"dien luc(?: tinh)? PLACE", "Công ty điện lực {province}", True),  # e.g. "Điện lực Bình Dương"
    (
        r"trung tam phuc vu hanh chinh cong@",
        "Trung tâm Phục vụ hành chính công tỉnh",
        False,
    ),  # e.g. "Trung tâm Phục vụ hành chính công tỉnh"
    "{fields}",
)

# Tokens that, right before a match, show it is part of a longer word: "cơ sở y tế"
# is a facility, not Sở Y tế; "Chi cục Thuế" is not Cục Thuế.
BLOCKED_AFTER = {"so": ("co", "tru"), "cuc": ("chi", "tong"), "ban": ("van",)}

# Heads that open an agency name, lower-cased, longest first. A head not in
# LOWERCASE_NAME_HEADS needs its name to start with a capital ("Ban Quản lý …", but
# "Ban hành" is a verb and "Báo cáo" a noun).
HEADS = (
    "tổng công ty",
    "bộ chỉ huy",
    "công chức",  # a commune's civil-servant posts take its tasks: "Công chức Tư pháp - Hộ tịch"
    "tổng cục",
    "chi cục",
    "trung tâm",
    "văn phòng",
    "công ty",
    "ngân hàng",
    "hội đồng",
    "hiệp hội",
    "liên đoàn",
    "liên minh",
    "học viện",
    "bệnh viện",
    "kho bạc",
    "bảo hiểm",
    "thanh tra",
    "công an",
    "ủy ban",
    "uỷ ban",
    "tòa án",
    "toà án",
    "tập đoàn",
    "ubnd",
    "ban",
    "cục",
    "sở",
    "quỹ",
    "hội",
    "đài",
    "báo",
    "trường",
    "trạm",  # a commune's health or extension station: "Trạm Y tế xã", "Trạm Khuyến nông"
    "viện",
    "đoàn",
    "phòng",
    "tạp chí",
    "vụ",
    "cổng thông tin",
)
# Levels of local government. One alone names a unit after a head that takes a lower-case name
# ("Công an xã", "UBND huyện"), where another single lower-case word does not; after a province-
# level body's name it makes that the local body's: "Hội Nông dân xã", "Kho bạc Nhà nước huyện"
# (the table's rows name the province's, "… tỉnh"). Longest first.
LOCAL_LEVEL_NAMES = ("thị trấn", "thị xã", "xã", "phường", "huyện", "quận")
# Misspelt heads still open a name, written correctly: "Vu Kế hoạch - Tài chính" → "Vụ …".
HEAD_TYPOS = {"vu": "Vụ"}
LOWERCASE_NAME_HEADS = frozenset(
    (
        "tổng công ty",
        "công ty",
        "ủy ban",
        "uỷ ban",
        "ubnd",
        "hội đồng",
        "trung tâm",
        "văn phòng",
        "chi cục",
        "tòa án",
        "toà án",
        "công an",
        "bệnh viện",
        "tập đoàn",
        "cổng thông tin",
    )
)

# Words that end an agency's name: what it does (predicates) and function words.
# Matched with accents and only on lower-case words, since names are written with
# capitals and a folded "tư" (of "Đầu tư") would be "từ".
NAME_STOPS = frozenset(
    word.strip()
    for word in """
    chủ trì|phối hợp|tiếp tục|thực hiện|tham mưu|nghiên cứu|chỉ đạo|tăng cường|đẩy mạnh|
    xây dựng|triển khai|theo dõi|xem xét|đảm bảo|bảo đảm|hướng dẫn|rà soát|tổ chức|
    kiểm tra|công bố|đánh giá|đề xuất|báo cáo|chủ động|nâng cao|cập nhật|hỗ trợ|đăng tải|
    giám sát|ban hành|cung cấp|tổng hợp|tuyên truyền|quán triệt|cải thiện|cải cách|
    ứng dụng|đôn đốc|phấn đấu|thúc đẩy|giải quyết|sử dụng|tiếp nhận|căn cứ|lựa chọn|
    kịp thời|tập trung|đề nghị|yêu cầu|thẩm định|quản lý|phát triển|tham gia|thông qua|
    trách nhiệm|chịu trách nhiệm|hoàn thành|khẩn trương|tuần tra|kiểm soát|vận động|xử lý|
    khắc phục|điều tra|bố trí|huy động|phổ biến|duy trì|mở rộng|tạo điều kiện|rút ngắn|
    công khai|sửa đổi|bổ sung|thành lập|kiện toàn|bồi dưỡng|đôn đốc|thẩm tra|tiếp thu|
    hoàn thiện|thiết lập|xác định|xác minh|đối chiếu|so sánh|lắp đặt|kết nối|chuẩn bị|
    phê duyệt|khảo sát|kiểm kê|phân bổ|cân đối|tích hợp|thu thập|điều chỉnh|sắp xếp|
    phân loại|tập huấn|biên soạn|soạn thảo|trình bày|phản ánh|kiến nghị|đề ra|liên hệ|gửi|nộp|
    trình|làm|lập|giao|chịu|là|có|được|đã|sẽ|đang|cần|phải|nhằm|để|với|về|của|cho|theo|
    tại|trong|khi|các|những|này|đó|thì|mà|hoặc|cùng|từ|đến|trên|dưới|sau|trước|như|
    mọi|từng|một|nếu|vì|bằng|ngày|năm|tháng|
    tôi|chúng|mình|bạn|em|họ|ta
""".split("|")
)
# Phrases with "và" that stay inside a name ("Quỹ Bảo lãnh tín dụng doanh nghiệp nhỏ và vừa").
NAME_PHRASES = ("nhỏ và vừa",)

# Person titles standing before an agency in an enumeration ("yêu cầu thủ trưởng
# các Sở, ban, ngành, Chủ tịch Ủy ban nhân dân các huyện …"): skipped.
TITLES = (
    "thủ trưởng các cơ quan",
    "thủ trưởng",
    "chủ tịch",
    "phó chủ tịch",
    "giám đốc",
    "lãnh đạo",
    "người đứng đầu",
    "trưởng ban",
    "chánh văn phòng",
    "chánh thanh tra",
    "cục trưởng",
    "tổng giám đốc",
)
