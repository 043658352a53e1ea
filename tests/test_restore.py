"""Diacritics put back from the corpus's own words."""

from index.restore import Vocabulary, is_unaccented, restore

CORPUS = [
    "Sở Xây dựng tiếp tục đẩy mạnh cải cách quy trình, thủ tục hành chính về cấp phép xây dựng",
    "cấp giấy chứng nhận quyền sử dụng đất, giao đất, cho thuê đất",
    "Sở Tài nguyên và Môi trường chủ trì phối hợp các đơn vị có liên quan",
    "thu học phí, viện phí, tiền điện bằng phương thức thanh toán không dùng tiền mặt",
]


def test_restores_a_question_typed_without_marks():
    vocab = Vocabulary.from_texts(CORPUS)
    assert restore("so xay dung cap phep", vocab) == "sở xây dựng cấp phép"
    assert (
        restore("thu hoc phi vien phi khong dung tien mat", vocab)
        == "thu học phí viện phí không dùng tiền mặt"
    )


def test_unknown_syllables_stay_as_typed():
    vocab = Vocabulary.from_texts(CORPUS)
    assert restore("so xay dung pho bo", vocab) == "sở xây dựng pho bo"


def test_detects_unaccented_text():
    assert is_unaccented("so nao cap giay phep xay dung")
    assert not is_unaccented("Sở nào cấp giấy phép")
    assert not is_unaccented("đi")
