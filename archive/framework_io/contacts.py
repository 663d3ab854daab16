"""The units' contact list (单位, 联络员, 电话): reading it and storing it on the units.

Offices keep the list of liaison officers as a small workbook; the archive keeps contact and phone
on each ``Unit`` so that the check can say whom to call about a missing piece of evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.framework_io.cells import SheetGrid, load_grid
from archive.framework_io.columns import header_key
from archive.framework_io.errors import WorkbookError, cell_name
from archive.library import Library
from archive.models import Unit

NAME = "单位"
SHORT = "简称"
CONTACT = "联络员"
PHONE = "电话"
CONTACT_FIELDS = (NAME, SHORT, CONTACT, PHONE)
CONTACT_SYNONYMS: dict[str, tuple[str, ...]] = {
    NAME: ("单位", "单位名称", "责任单位", "部门", "部门名称", "成员单位", "单位全称"),
    SHORT: ("简称", "单位简称"),
    CONTACT: ("联络员", "联系人", "联络人", "姓名", "联络员姓名"),
    PHONE: ("电话", "联系电话", "手机", "手机号码", "手机号", "办公电话", "联系方式", "电话号码"),
}


@dataclass
class ContactRow:
    name: str
    short_name: str
    contact: str
    phone: str
    cell: str


@dataclass
class ContactList:
    path: Path
    sheet: str
    rows: list[ContactRow]
    warnings: list[str] = field(default_factory=list)


@dataclass
class ContactsReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "units": len(self.created) + len(self.updated) + len(self.unchanged),
                "warnings": self.warnings}

    def summary(self) -> str:
        lines = [f"单位通讯录：新建 {len(self.created)} 个，更新 {len(self.updated)} 个，"
                 f"未变 {len(self.unchanged)} 个。"]
        lines += [f"  提示：{w}" for w in self.warnings[:50]]
        return "\n".join(lines)


def _match(text: str) -> str | None:
    key = header_key(text)
    for fname, words in CONTACT_SYNONYMS.items():
        if key in words:
            return fname
    return None


def _find_header(grid: SheetGrid) -> tuple[int, dict[str, int]] | None:
    for r in range(min(grid.n_rows, 20)):
        cols: dict[str, int] = {}
        for c in range(grid.n_cols):
            fname = _match(grid.text(r, c))
            if fname and fname not in cols:
                cols[fname] = c
        if NAME in cols and (CONTACT in cols or PHONE in cols):
            return r, cols
    return None


def _get(grid: SheetGrid, cols: dict[str, int], r: int, fname: str) -> str:
    c = cols.get(fname)
    return grid.text(r, c).replace("\n", " ") if c is not None else ""


def read_contacts(path: Path | str, sheet: str | None = None) -> ContactList:
    """The contact rows of the first sheet with 单位 and 联络员/电话 columns."""
    path = Path(path)
    book = load_grid(path)
    grids = [g for g in book.sheets if sheet is None or g.name == sheet]
    if sheet is not None and not grids:
        raise WorkbookError(f"没有名为“{sheet}”的工作表。工作簿中的工作表："
                            f"{'、'.join(g.name for g in book.sheets)}", path)
    for grid in grids:
        found = _find_header(grid)
        if found is None:
            continue
        header_row, cols = found
        out = ContactList(path=path, sheet=grid.name, rows=[], warnings=list(book.warnings))
        seen: set[str] = set()
        for r in range(header_row + 1, grid.n_rows):
            name = grid.text(r, cols[NAME]).replace("\n", "")
            if not name:
                continue
            if name in seen:
                out.warnings.append(f"工作表“{grid.name}”{cell_name(r, cols[NAME])}：单位“{name}”"
                                    "重复出现，以第一次为准。")
                continue
            seen.add(name)
            out.rows.append(ContactRow(
                name=name[:200], short_name=_get(grid, cols, r, SHORT)[:100],
                contact=_get(grid, cols, r, CONTACT)[:100], phone=_get(grid, cols, r, PHONE)[:100],
                cell=cell_name(r, cols[NAME])))
        return out
    if book.sheets and all(g.is_empty() for g in book.sheets):
        raise WorkbookError("工作簿中没有任何内容（所有工作表都是空的）。", path)
    first = grids[0] if grids else None
    raise WorkbookError(
        "找不到通讯录表头：需要“单位”列以及“联络员”或“电话”列（也认：单位名称、联系人、联系电话、手机）。",
        path, first.name if first else None, "A1")


def import_contacts(lib_or_session: Library | Session, contacts: ContactList) -> ContactsReport:
    """Create missing units and set contact person and phone; audited. Blank cells in the list
    leave what the library has (a list without phones must not erase them)."""
    if isinstance(lib_or_session, Library):
        with lib_or_session.session() as session:
            return _import(session, contacts)
    return _import(lib_or_session, contacts)


def _import(session: Session, contacts: ContactList) -> ContactsReport:
    report = ContactsReport(warnings=list(contacts.warnings))
    units = {u.name: u for u in session.scalars(select(Unit))}
    for row in contacts.rows:
        unit = units.get(row.name)
        values = {"short_name": row.short_name, "contact": row.contact, "phone": row.phone}
        if unit is None:
            unit = Unit(name=row.name, **values)
            session.add(unit)
            session.flush()
            units[row.name] = unit
            audit.record(session, "create", "unit", unit.id, None, {"name": row.name, **values})
            report.created.append(row.name)
            continue
        before = {k: getattr(unit, k) for k, v in values.items() if v and getattr(unit, k) != v}
        if not before:
            report.unchanged.append(row.name)
            continue
        for k in before:
            setattr(unit, k, values[k])
        audit.record(session, "update", "unit", unit.id, before, {k: values[k] for k in before})
        report.updated.append(row.name)
    session.flush()
    return report
