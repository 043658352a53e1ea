"""Collective assignments: group names in text, and the groups a concrete agency belongs to."""

from __future__ import annotations

import pytest

from nlp.agencies import extract_agencies, find_agencies
from nlp.groups import canonical_group, is_group, member_groups

DEPARTMENTS = "Các Sở, Ban, ngành"
DISTRICTS = "Ủy ban nhân dân các huyện, thị xã, thành phố"
COMMUNES = "Ủy ban nhân dân các xã, phường, thị trấn"
RELATED = "Các cơ quan, đơn vị có liên quan"


@pytest.mark.parametrize(
    "text, group",
    [
        ("Các Sở, ban, ngành", DEPARTMENTS),
        ("các sở ban ngành", DEPARTMENTS),
        ("CÁC SỞ, BAN, NGÀNH", DEPARTMENTS),
        ("các Sở, ngành", "Các Sở, ngành"),
        ("Các Sở, ngành, địa phương", "Các Sở, ngành, địa phương"),
        ("UBND các huyện, thị xã, thành phố", DISTRICTS),
        ("Ủy ban nhân dân quận, huyện", DISTRICTS),
        ("UBND cấp huyện", DISTRICTS),
        ("UBND cấp xã", COMMUNES),
        ("Ủy ban nhân dân xã, phường, thị trấn", COMMUNES),
        ("UBND các xã, phường", COMMUNES),
        ("các cơ quan, đơn vị có liên quan", RELATED),
        ("các đơn vị có liên quan", RELATED),
        ("các cơ quan liên quan", RELATED),
        ("chính quyền địa phương", "Chính quyền địa phương"),
        ("các đơn vị thuộc Bộ", "Các đơn vị thuộc Bộ"),
        ("các Bộ, ngành trung ương", "Các Bộ, ngành"),
        ("các tổ chức chính trị - xã hội", "Các tổ chức chính trị - xã hội"),
    ],
)
def test_canonical_group(text, group):
    assert canonical_group(text) == group
    assert is_group(text) and is_group(group)


@pytest.mark.parametrize(
    "name",
    [
        "Sở Xây dựng",
        "UBND huyện Dĩ An",
        "Ủy ban nhân dân tỉnh",
        "Cục Biến đổi khí hậu",
        "",
        "xây dựng kế hoạch",
    ],
)
def test_not_groups(name):
    assert canonical_group(name) is None and not is_group(name)


@pytest.mark.parametrize(
    "agency, groups",
    [
        ("Sở Xây dựng", [DEPARTMENTS, "Các Sở, ngành", "Các Sở, ngành, địa phương", RELATED]),
        ("so kh dt", [DEPARTMENTS, "Các Sở, ngành", "Các Sở, ngành, địa phương", RELATED]),
        ("Công an tỉnh", [DEPARTMENTS, "Các Sở, ngành", "Các Sở, ngành, địa phương", RELATED]),
        ("UBND huyện Dĩ An", [DISTRICTS, "Chính quyền địa phương", "Các Sở, ngành, địa phương", RELATED]),
        (
            "Ủy ban nhân dân quận 1",
            [DISTRICTS, "Chính quyền địa phương", "Các Sở, ngành, địa phương", RELATED],
        ),
        ("UBND xã Tân Định", [COMMUNES, "Chính quyền địa phương", "Các Sở, ngành, địa phương", RELATED]),
        ("Vụ Pháp chế", ["Các đơn vị thuộc Bộ", RELATED]),
        ("Cục Biến đổi khí hậu", ["Các đơn vị thuộc Bộ", RELATED]),
        ("Bộ Tài chính", ["Các Bộ, ngành", RELATED]),
        ("Hội Nông dân tỉnh", ["Các tổ chức chính trị - xã hội", RELATED]),
        ("Ủy ban nhân dân tỉnh", ["Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"]),
        ("xây dựng kế hoạch", []),
        ("", []),
        (DISTRICTS, ["Chính quyền địa phương", "Các Sở, ngành, địa phương", RELATED]),
    ],
)
def test_member_groups(agency, groups):
    assert member_groups(agency) == groups


def test_every_group_of_a_member_is_a_group():
    for agency in ("Sở Y tế", "UBND thị xã Bến Cát", "Vụ Môi trường", DEPARTMENTS, COMMUNES):
        assert all(is_group(group) for group in member_groups(agency))


def test_groups_in_clauses():
    assert extract_agencies("Các Sở, ngành, địa phương định kỳ hàng năm báo cáo") == (
        ["Các Sở, ngành, địa phương"],
        [],
    )
    assert extract_agencies(
        "Công an tỉnh chủ động phối hợp chặt chẽ với các sở, ngành và chính quyền địa phương trong quản lý"
    ) == (["Công an tỉnh"], ["Các Sở, ngành", "Chính quyền địa phương"])
    # "các cơ quan liên quan" names nobody in particular: no partner.
    assert extract_agencies("Sở Y tế chủ trì, phối hợp với các cơ quan liên quan rà soát") == (
        ["Sở Y tế"],
        [],
    )
    assert extract_agencies(
        "Sở Xây dựng chủ trì, phối hợp với Sở Tài chính và các Sở ngành khác có liên quan xây dựng"
    ) == (["Sở Xây dựng"], ["Sở Tài chính"])
    assert find_agencies("Các cơ quan, đơn vị có liên quan căn cứ Kế hoạch") == [RELATED]
