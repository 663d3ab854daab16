"""The small rules under the reader: header names, numbering in titles, codes, units."""

from __future__ import annotations

import pytest

from archive.framework_io import SYNONYMS
from archive.framework_io.columns import assign_fields, match_header
from archive.framework_io.reader import settle_codes
from archive.framework_io.titles import code_from_cell, split_heading
from archive.frameworks import IndicatorSpec, split_units


@pytest.mark.parametrize("field_name", list(SYNONYMS))
def test_every_synonym_names_its_field(field_name: str) -> None:
    for word in SYNONYMS[field_name]:
        best = match_header(word)[0][0]
        # 配合单位 is a 责任单位 synonym first; it is SUPPORT only beside a 责任单位 column.
        assert best == field_name or (field_name == "配合单位" and best == "责任单位"), word


@pytest.mark.parametrize("text,expected", [
    ("测评标准\n（具体要求）", "测评标准"), ("分值（分）", "分值"), ("佐证资料要求", "佐证资料"),
    ("测评标准及要求", "测评标准"), ("序 号", "序号"), ("项目名称", "测评项目"),
    ("标准一", None), ("××区创建全国文明城市测评体系任务分解表", None), ("备注", None),
])
def test_header_cells(text: str, expected: str | None) -> None:
    found = match_header(text)
    assert (found[0][0] if found else None) == expected


def test_columns_responsible_and_support_both_present() -> None:
    cols = assign_fields({0: "序号", 1: "测评标准", 2: "配合单位", 3: "责任单位", 4: "牵头部门"})
    assert cols == {"序号": 0, "测评标准": 1, "责任单位": 3, "牵头单位": 4, "配合单位": 2}
    assert assign_fields({0: "工作任务", 1: "配合单位"}) == {"测评标准": 0, "责任单位": 1}


@pytest.mark.parametrize("text,expected", [
    ("第一版块  牢固的思想道德基础（权重30%）", ("牢固的思想道德基础", "", 30.0)),
    ("（二）规范政务行为", ("规范政务行为", "", None)),
    ("1.2.3 建设道德讲堂", ("建设道德讲堂", "1.2.3", None)),
    ("三、公平正义的法治环境（20分）", ("公平正义的法治环境", "", 20.0)),
    ("12345热线办理", ("12345热线办理", "", None)),
    ("2.公共文化", ("公共文化", "", None)),
])
def test_headings(text: str, expected: tuple[str, str, float | None]) -> None:
    assert split_heading(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("1.2.3", ("1.2.3", None)), ("5", ("", 5)), ("4.0", ("", 4)), ("A-1", ("A-1", None)),
    ("一、", ("", None)), ("", ("", None)),
])
def test_sequence_cells(text: str, expected: tuple[str, int | None]) -> None:
    assert code_from_cell(text) == expected


def test_units_split_on_every_separator() -> None:
    text = "区委宣传部、区文明办 ，团区委,区妇联；区民政局;区教育局/区卫健局\n区总工会 、区委宣传部"
    assert split_units(text) == ["区委宣传部", "区文明办", "团区委", "区妇联", "区民政局", "区教育局",
                                 "区卫健局", "区总工会"]


def test_codes_settled_unique_and_derived() -> None:
    a = IndicatorSpec(title="甲", code="1.1.1")
    b = IndicatorSpec(title="乙", code="1.1.1")
    c = IndicatorSpec(title="丙")
    roots = [IndicatorSpec(title="块", children=[IndicatorSpec(title="项", children=[a, b])]),
             IndicatorSpec(title="块二", children=[c])]
    warnings = settle_codes(roots, {id(b): "工作表“S”E7"})
    assert warnings == ["工作表“S”E7：编号“1.1.1”重复，这一条改记为“1.1.1-2”。"]
    assert [(n.code, n.title) for n in (roots[0], roots[0].children[0], a, b, roots[1], c)] == [
        ("1", "块"), ("1.1", "项"), ("1.1.1", "甲"), ("1.1.1-2", "乙"), ("2", "块二"),
        ("2.1", "丙")]
