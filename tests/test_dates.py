"""nlp/dates.py: the one date parser."""

from __future__ import annotations

import pytest

from nlp.dates import iso_date, month_end, parse_date, quarter_end


@pytest.mark.parametrize(
    "text, iso",
    [
        ("Bình Dương, ngày 14 tháng 02 năm 2019", "2019-02-14"),
        ("ngày 14/02/2019", "2019-02-14"),
        ("14-2-2019", "2019-02-14"),
        ("14.02.2019", "2019-02-14"),
        ("ngày 31/02/2019 hoặc 01/03/2019", None),  # the first date written, impossible
        ("ngày 31/02/2019", None),
        ("tháng 02 năm 2019", None),
        ("Số: 629/KH-UBND", None),
        ("", None),
    ],
)
def test_parse_date(text, iso):
    found = parse_date(text)
    assert (found.iso if found else None) == iso


def test_period_ends():
    assert month_end(2020, 2) == "2020-02-29" and month_end(2019, 13) is None
    assert quarter_end(2026, 3) == "2026-09-30" and quarter_end(2026, 5) is None
    assert iso_date(2021, 2, 29) is None and iso_date(2024, 2, 29) == "2024-02-29"
