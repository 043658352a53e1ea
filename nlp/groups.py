"""Collective assignments: "Các Sở, ban, ngành", "UBND các huyện, thị xã, thành phố" …

A task given to a group is a task of every member ("Các Sở, ban, ngành xây dựng kế hoạch"
is Sở Xây dựng's task too). A clause stores the group's canonical name in its lead or
partners list; `member_groups` tells which groups a concrete agency belongs to, so an
agency's task list can include the tasks of its groups. Membership is decided by the shape
of the agency's name (a "Sở …" is a department, an "UBND huyện …" a district), never by a
list of names, so it holds for any province or ministry.
"""

from __future__ import annotations

import re

from nlp.agencies import canonical_agency
from nlp.agency_table import (
    COMMUNES,
    DEPARTMENTS,
    DEPARTMENTS_AND_LOCALITIES,
    DEPARTMENTS_SHORT,
    DISTRICTS,
    GROUPS,
    HEADS,
    LOCAL_GOVERNMENTS,
    MASS_ORGANISATIONS,
    MINISTRIES,
    MINISTRY_UNITS,
    PROVINCES_GROUP,
    RELATED,
)
from nlp.fold import fold

_GROUP_KEYS = {fold(group): group for group in GROUPS}
_HEAD_KEYS = tuple(fold(head) + " " for head in HEADS)
_PROVINCIAL = (DEPARTMENTS, DEPARTMENTS_SHORT, DEPARTMENTS_AND_LOCALITIES, RELATED)
_LOCAL = (LOCAL_GOVERNMENTS, DEPARTMENTS_AND_LOCALITIES, RELATED)

# Groups inside wider groups: a district's task given to "chính quyền địa phương" is its own.
_WIDER = {
    DISTRICTS: _LOCAL,
    COMMUNES: _LOCAL,
    DEPARTMENTS: (DEPARTMENTS_SHORT, DEPARTMENTS_AND_LOCALITIES, RELATED),
    DEPARTMENTS_SHORT: (DEPARTMENTS, DEPARTMENTS_AND_LOCALITIES, RELATED),
    LOCAL_GOVERNMENTS: (DEPARTMENTS_AND_LOCALITIES, RELATED),
    DEPARTMENTS_AND_LOCALITIES: (RELATED,),
    MINISTRIES: (RELATED,),
    MINISTRY_UNITS: (RELATED,),
    MASS_ORGANISATIONS: (RELATED,),
    PROVINCES_GROUP: (RELATED,),
    RELATED: (),
}

# (pattern over the folded canonical name, its groups), first match wins.
MEMBERSHIP = (
    # A province's people's committee answers to national plans only, not to its own.
    (re.compile(r"^uy ban nhan dan tinh$"), (PROVINCES_GROUP,)),  # e.g. "Ủy ban nhân dân tỉnh"
    # Its other leadership bodies receive no collective task of their subordinates.
    (re.compile(r"^hoi dong nhan dan tinh$|^tinh uy$|^ban thuong vu"), ()),  # e.g. "Tỉnh ủy"
    (
        re.compile(r"^(?:uy ban nhan dan|ubnd) (?:cac )?(?:huyen|quan|thi xa|thanh pho|tp)\b"),
        (DISTRICTS, *_LOCAL),
    ),  # e.g. "UBND huyện Dĩ An", "Ủy ban nhân dân quận 1"
    (
        re.compile(r"^(?:uy ban nhan dan|ubnd) (?:cac )?(?:xa|phuong|thi tran)\b"),
        (COMMUNES, *_LOCAL),
    ),  # e.g. "UBND xã Tân Định"
    (re.compile(r"^bo (?!chi huy)"), (MINISTRIES, RELATED)),  # e.g. "Bộ Tài chính"
    # A ministry's units carry no province; "Cục Thuế tỉnh" is a provincial branch (below).
    (
        re.compile(
            r"^(?:vu|tong cuc|vien|tap chi|bao|trung tam|cuc|van phong bo|thanh tra bo)\b(?!.*\btinh\b)"
        ),
        (MINISTRY_UNITS, RELATED),
    ),  # e.g. "Vụ Pháp chế", "Cục Biến đổi khí hậu"
    (
        re.compile(r"^(?:hoi|lien doan|tinh doan|doan |uy ban mat tran)"),
        (MASS_ORGANISATIONS, RELATED),
    ),  # e.g. "Hội Nông dân tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"
    (
        re.compile(r"^(?:cong ty|tong cong ty|tap doan)\b"),
        (RELATED,),
    ),  # e.g. "Công ty điện lực tỉnh Bình Dương"
    (re.compile(r"."), _PROVINCIAL),  # e.g. "Sở Xây dựng", "Công an tỉnh", "Ban Dân tộc tỉnh"
)


def canonical_group(text: str) -> str | None:
    """The canonical name of the group `text` names ("các sở, ngành" → "Các Sở, ngành"), or None."""
    key = fold(" ".join(text.split())).strip(" .,;:")
    if key in _GROUP_KEYS:
        return _GROUP_KEYS[key]
    name = canonical_agency(text)
    return name if name in GROUPS else None


def is_group(name: str) -> bool:
    """Whether `name` names a collective assignment rather than one agency."""
    return canonical_group(name) is not None


def member_groups(agency: str) -> list[str]:
    """The canonical groups `agency` belongs to, narrowest first; a group's wider groups.

    "Sở Xây dựng" → ["Các Sở, Ban, ngành", "Các Sở, ngành", "Các Sở, ngành, địa phương",
    "Các cơ quan, đơn vị có liên quan"]; "UBND huyện Dĩ An" → the districts' group, local
    governments, … An unrecognised or empty name belongs to no group.
    """
    group = canonical_group(agency)
    if group is not None:
        return list(_WIDER[group])
    known = canonical_agency(agency)
    key = fold(known or " ".join(agency.split()))
    if not known and not key.startswith(_HEAD_KEYS):
        return []  # not shaped like an agency name at all
    return next(list(groups) for pattern, groups in MEMBERSHIP if pattern.search(key))
