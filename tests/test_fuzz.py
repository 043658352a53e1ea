"""Property-based fuzzing of load → parse → extract (issue 10): time is linear in the input.

Hypothesis draws text from the pieces hostile files were made of (markers, dates,
agency names, dots, brackets, URLs, long runs without a break) and from random Unicode.
Each example is read twice, as drawn and repeated k times; the repeated one may take
at most about k times as long (plus a constant for small inputs), which a quadratic
rule fails at once. Quick profile: few examples; `slow`: many more and longer texts.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.build_plan import build_plan
from corpus.errors import DocumentError
from corpus.load import load

PIECES = [
    "KẾ HOẠCH\n",
    "I. NHIỆM VỤ\n",
    "1. ",
    "a) ",
    "- ",
    "+ ",
    "Số: 12/KH-UBND\n",
    "ngày 14 tháng 02 năm 2019",
    "Bình Dương, ngày ",
    "Đã ký: Nguyễn Văn A",
    "không muộn hơn ngày 30/6/2020",
    "theo Quyết định số 1/QĐ-UBND ",
    "Sở Tài chính chủ trì, phối hợp Sở Xây dựng",
    "[1]",
    "(",
    ")",
    "...",
    ".",
    ",",
    ":",
    ";",
    "|",
    "\n",
    "\n\n",
    "http://so.gov.vn/a",
    "ngày ",
    "tháng ",
    "TM. ỦY BAN NHÂN DÂN",
    "Nơi nhận:",
    "PHỤ LỤC",
    "STT",
    "\t",
    " ",
    "Quý II/2020",
    "hằng năm",
    "trước ngày 31/12",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n",
]
REPEAT = 8  # the repeated text is 8x longer: linear rules take ~8x, quadratic ones ~64x
SLACK_SECONDS = 1.5  # fixed costs (imports warm, underthesea's first call) and scheduler noise


def adversarial():
    return st.lists(st.sampled_from(PIECES), min_size=1, max_size=60).map("".join)


def random_text():
    return st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=400)


def _read(path: Path, text: str) -> float:
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    try:
        build_plan(load(path))
    except DocumentError:
        pass  # a refusal is an answer too; only the time matters here
    return time.perf_counter() - started


def _linear(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.txt"
    once = _read(path, text)
    repeated = _read(path, (text + "\n") * REPEAT)
    assert repeated <= 3 * REPEAT * once + SLACK_SECONDS, (len(text), once, repeated)


@pytest.fixture(scope="module", autouse=True)
def warm():
    from nlp.segment import segment

    segment("Sở Tài chính chủ trì.")  # underthesea's models load once, not inside a timing


QUICK = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
LONG = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@QUICK
@given(text=adversarial())
def test_adversarial_text_reads_in_linear_time(tmp_path, text):
    _linear(tmp_path, text)


@QUICK
@given(text=random_text())
def test_random_text_reads_in_linear_time(tmp_path, text):
    _linear(tmp_path, text)


@pytest.mark.slow
@LONG
@given(text=st.one_of(adversarial(), random_text(), adversarial().map(lambda t: t.replace("\n", " "))))
def test_many_texts_read_in_linear_time(tmp_path, text):
    _linear(tmp_path, text)
