"""The units' contact list: 单位, 联络员, 电话 in and out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from archive.framework_io import WorkbookError
from archive.framework_io.contacts import import_contacts, read_contacts
from archive.library import Library
from archive.models import AuditEntry, Unit
from main import main
from tests.unit.archive import framework_fixtures as ff


def _contacts(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["请填写各成员单位联络员"])
    ws = wb.create_sheet("通讯录")
    ws.append(["××区创文成员单位联络员名单"])
    ws.append(["序号", "单位名称", "简称", "联系人", "联系电话"])
    for row in rows:
        ws.append(row)
    wb.save(str(path))
    return path


def test_read_and_import_contacts(tmp_path: Path, sample_library: Library) -> None:
    path = _contacts(tmp_path / "联络员.xlsx", [
        [1, "区委宣传部", "宣传部", "李明", 13800138000],
        [2, "区新设单位", None, "赵六", "0710-1234567"],
        [3, "区委宣传部", None, "重复", None],
        [4, "团区委", None, None, None],
    ])
    contacts = read_contacts(path)
    assert contacts.sheet == "通讯录"
    assert [(r.name, r.short_name, r.contact, r.phone, r.cell) for r in contacts.rows] == [
        ("区委宣传部", "宣传部", "李明", "13800138000", "B3"),
        ("区新设单位", "", "赵六", "0710-1234567", "B4"),
        ("团区委", "", "", "", "B6"),
    ]
    assert contacts.warnings == ["工作表“通讯录”B5：单位“区委宣传部”重复出现，以第一次为准。"]
    report = import_contacts(sample_library, contacts)
    assert (report.created, report.updated, report.unchanged) == (
        ["区新设单位"], ["区委宣传部"], ["团区委"])
    with sample_library.session() as s:
        u = s.scalar(select(Unit).where(Unit.name == "区委宣传部"))
        assert u is not None and (u.short_name, u.contact, u.phone) == (
            "宣传部", "李明", "13800138000")
        audit = s.execute(select(AuditEntry.action, AuditEntry.entity, AuditEntry.before)
                          .where(AuditEntry.entity == "unit")).all()
    assert ("update", "unit", {"short_name": "", "contact": "王宣", "phone": "0710-3210001"}) \
        in [tuple(a) for a in audit]
    # Importing again changes nothing.
    again = import_contacts(sample_library, read_contacts(path))
    assert again.created == [] and again.updated == []


def test_contact_list_without_header(tmp_path: Path) -> None:
    path = tmp_path / "名单.xlsx"
    wb = Workbook()
    wb.active.append(["姓名", "年龄"])
    wb.save(str(path))
    with pytest.raises(WorkbookError, match="名单.xlsx.*找不到通讯录表头"):
        read_contacts(path)


def test_contacts_from_the_framework_workbook(tmp_path: Path) -> None:
    contacts = read_contacts(ff.fill_down(tmp_path / "测评体系.xlsx"))
    assert contacts.sheet == "联络员"
    assert [(r.name, r.contact, r.phone) for r in contacts.rows] == [
        ("区文旅局", "王芳", "13800138000")]


def test_units_import_and_export_round_trip_on_the_command_line(
        tmp_path: Path, sample_library: Library, capsys: pytest.CaptureFixture[str]) -> None:
    lib = str(sample_library.root)
    out = tmp_path / "通讯录.xlsx"
    assert main(["--library", lib, "units", "export", str(out), "--json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    with sample_library.session() as s:
        before = [(u.name, u.short_name, u.contact, u.phone)
                  for u in s.scalars(select(Unit).order_by(Unit.id))]
    assert exported["units"] == len(before)
    fresh = tmp_path / "fresh"
    assert main(["--library", str(fresh), "init"]) == 0
    assert main(["--library", str(fresh), "units", "import", str(out), "--json"]) == 0
    capsys.readouterr()
    assert main(["--library", str(fresh), "units", "list", "--json"]) == 0
    units = json.loads(capsys.readouterr().out)["units"]
    assert [(u["name"], u["short_name"], u["contact"], u["phone"]) for u in units] == before
