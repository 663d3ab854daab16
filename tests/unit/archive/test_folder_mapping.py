"""Folder names → standards: by code, by number, by a prefix of the title; blocks don't steal."""

from __future__ import annotations

import pytest

from archive.folder_mapping import StandardKey, StandardMatcher, UnitMatcher

STANDARDS = [
    StandardKey(10, "1.1.1.1", 1, "制定理论学习计划及实施方案"),
    StandardKey(11, "1.1.4.1", 5, "开展道德模范、身边好人评选，建设道德讲堂"),
    StandardKey(12, "2.3.1.1", 12, "建立志愿服务组织，注册志愿者占城区常住人口比例达到13%"),
]


@pytest.mark.parametrize(("folder", "expected"), [
    ("1.1.4.1 道德模范", 11),
    ("1.1.4.1", 11),
    ("05 建设道德讲堂", 11),
    ("5.", 11),
    ("（5）", 11),
    ("12", 12),
    ("建立志愿服务组织", 12),
    ("开展道德模范", 11),
    ("1 牢固的思想道德基础", None),  # a block folder, not standard no. 1
    ("2023", None),
    ("照片", None),
    ("9.9.9 不存在", None),
    ("活动", None),  # too short a prefix to mean anything
])
def test_match_folder(folder: str, expected: int | None) -> None:
    assert StandardMatcher(STANDARDS).match_folder(folder) == expected


def test_deepest_mapped_folder_wins() -> None:
    m = StandardMatcher(STANDARDS)
    assert m.match(("2023年台账", "1.1.1.1 学习", "05 道德讲堂", "照片")) == 11
    assert m.match(("2023年台账", "杂项")) is None


def test_units_by_name_or_short_name() -> None:
    u = UnitMatcher([(1, "区委宣传部", "宣传部"), (2, "团区委", "")])
    assert u.match(("收集", "03 团区委", "照片")) == 2
    assert u.match(("宣传部",)) == 1
    assert u.match(("其他",)) is None
