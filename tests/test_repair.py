"""repair(): legacy-font damage undone, correct text of any language left alone."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from corpus.legacy_fonts import from_tcvn3, from_vni
from corpus.repair import repair, vietnamese_share

SEED = Path(__file__).resolve().parents[1] / "corpus/plans/629-KH-UBND-2019-binh-duong.txt"

# The alphabet in chart order (12 vowels x 6 tones, then đ), to check the tables
# letter by letter against the published charts typed below.
VOWELS = [
    "aàáảãạ",
    "ăằắẳẵặ",
    "âầấẩẫậ",
    "eèéẻẽẹ",
    "êềếểễệ",
    "iìíỉĩị",
    "oòóỏõọ",
    "ôồốổỗộ",
    "ơờớởỡợ",
    "uùúủũụ",
    "ưừứửữự",
    "yỳýỷỹỵ",
]
# TCVN3 (ABC) codes, same order, as Latin-1 characters.
TCVN3_CHART = [
    "aµ¸¶·¹",
    "¨»¾¼½Æ",
    "©ÇÊÈÉË",
    "eÌÐÎÏÑ",
    "ªÒÕÓÔÖ",
    "i×ÝØÜÞ",
    "oßãáâä",
    "«åèæçé",
    "¬êíëìî",
    "uïóñòô",
    "\xadõøö÷ù",
    "yúýûüþ",
]
# VNI Windows: base letter + mark glyph, same order.
VNI_CHART = [
    "a aø aù aû aõ aï",
    "aê aè aé aú aü aë",
    "aâ aà aá aå aã aä",
    "e eø eù eû eõ eï",
    "eâ eà eá eå eã eä",
    "i ì í æ ó ò",
    "o oø où oû oõ oï",
    "oâ oà oá oå oã oä",
    "ô ôø ôù ôû ôõ ôï",
    "u uø uù uû uõ uï",
    "ö öø öù öû öõ öï",
    "y yø yù yû yõ î",
]

CORRECT_VIETNAMESE = [
    "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc",
    "Sở Kế hoạch và Đầu tư chủ trì, phối hợp với các sở, ngành có liên quan.",
    "Ủy ban nhân dân tỉnh yêu cầu thủ trưởng các đơn vị nghiêm túc triển khai thực hiện.",
    "Hoàn thành trong quý II/2019; báo cáo kết quả về Văn phòng UBND tỉnh trước ngày 15/12.",
    "Cà phê, hồ sơ, công khai, không có, tò mò, thoát nghèo, hoá đơn, toàn diện",
    "Nâng cao chất lượng nguồn nhân lực; khuyến khích khởi nghiệp đổi mới sáng tạo",
    "Cà phê",
    "KẾ HOẠCH TRIỂN KHAI THỰC HIỆN NGHỊ QUYẾT SỐ 02/NQ-CP",
]
FOREIGN = [
    "España es un país de Europa; el niño come mañana con su señor.",
    "José Núñez está aquí con su niño pequeño.",
    "Je suis allé à l'école, où étiez-vous? Très bien, merci. Ça va.",
    "Köln, München und Zürich; Ærø and Øresund; São Paulo não é ação.",
    "The quick brown fox jumps over the lazy dog. Logistics, ASEAN, WTO.",
]


def test_seed_plan_loses_its_ñ_and_ð():
    text = repair(SEED.read_text(encoding="utf-8"))
    assert "ñ" not in text and "ð" not in text
    assert "định hướng" in text and "Đầu tư" in text and "Đánh giá tình hình" in text


def test_repaired_seed_is_left_alone():
    once = repair(SEED.read_text(encoding="utf-8"))
    assert repair(once) == once


@pytest.mark.parametrize("text", CORRECT_VIETNAMESE)
def test_correct_vietnamese_is_untouched(text):
    assert repair(text) == text


@pytest.mark.parametrize("text", FOREIGN)
def test_other_languages_are_untouched(text):
    assert repair(text) == text


def test_output_is_nfc():
    nfd = unicodedata.normalize("NFD", CORRECT_VIETNAMESE[0])
    assert repair(nfd) == CORRECT_VIETNAMESE[0]


def test_ñ_becomes_đ_only_in_vietnamese_words():
    text = "Sở Ngoại vụ ñịnh hướng hợp tác với España và ñối tác tại Logroño; ðánh giá ñầu năm."
    assert repair(text) == (
        "Sở Ngoại vụ định hướng hợp tác với España và đối tác tại Logroño; Đánh giá đầu năm."
    )


def test_look_alike_eth_capital_becomes_đ():
    assert repair("Ðiều 1. Ðà Nẵng ñã triển khai") == "Điều 1. Đà Nẵng đã triển khai"


def test_tcvn3_text_is_converted():
    assert repair("KÕ ho¹ch ph¸t triÓn kinh tÕ - x· héi") == "Kế hoạch phát triển kinh tế - xã hội"
    assert repair("Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc") == (
        "Cộng hoà xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc"
    )
    assert repair("Së KÕ ho¹ch vµ §Çu t\xad chñ tr×, phèi hîp víi c¸c ®¬n vÞ.") == (
        "Sở Kế hoạch và Đầu tư chủ trì, phối hợp với các đơn vị."
    )


def test_tcvn3_capitals_typed_in_vntimeh_stay_capitals():
    assert repair("KÕ HO¹CH\nTriÓn khai thùc hiÖn") == "KẾ HOẠCH\nTriển khai thực hiện"
    assert repair("Sè: 629/KH-UBND\nB×nh D\xad¬ng, ngµy 14 th¸ng 02 n¨m 2019") == (
        "Số: 629/KH-UBND\nBình Dương, ngày 14 tháng 02 năm 2019"
    )


def test_tcvn3_sentence_starts_get_the_capitals_abc_lacks():
    assert repair("C¸c ®¬n vÞ thùc hiÖn tèt.\nøng dông c«ng nghÖ th«ng tin; tham m\xadu ñy ban.") == (
        "Các đơn vị thực hiện tốt.\nỨng dụng công nghệ thông tin; tham mưu ủy ban."
    )


def test_vni_text_is_converted():
    assert repair("Keá hoaïch") == "Kế hoạch"
    assert repair("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam\nÑoäc laäp - Töï do - Haïnh phuùc") == (
        "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc"
    )
    assert repair("ÑEÀ AÙN NAÂNG CAO NAÊNG LÖÏC CAÏNH TRANH") == "ĐỀ ÁN NÂNG CAO NĂNG LỰC CẠNH TRANH"
    assert repair("ngöôøi daân ñöôïc höôûng lôïi; quyeàn vaø nghóa vuï") == (
        "người dân được hưởng lợi; quyền và nghĩa vụ"
    )


def test_tcvn3_table_matches_the_chart():
    for letters, codes in zip(VOWELS, TCVN3_CHART):
        assert from_tcvn3(codes) == letters
    assert from_tcvn3("®¡¢§£¤¥¦") == "đĂÂĐÊÔƠƯ"


def test_vni_table_matches_the_chart_in_both_cases():
    for letters, codes in zip(VOWELS, VNI_CHART):
        assert from_vni(codes).split() == list(letters)
        assert from_vni(codes.upper()).split() == list(letters.upper())
    assert from_vni("ñ Ñ") == "đ Đ"


def test_vietnamese_share_tells_vietnamese_from_english():
    assert vietnamese_share(CORRECT_VIETNAMESE[1]) > 0.9
    assert vietnamese_share(FOREIGN[4]) < 0.5
