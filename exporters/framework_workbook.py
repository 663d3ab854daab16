"""Writing the framework back as the workbook offices use (任务分解表), and the contact list.

One row per standard; the levels above it (版块, 测评项目, 测评内容) as vertically merged cells;
units and evidence requirements in their own columns; wrapped text, frozen header, A4 landscape
with the header repeated on every printed page. ``archive.framework_io.read_workbook`` reads the
file back into the same framework (codes, titles, scores, methods, units and requirements).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.errors import CivLedgerError, NotFoundError
from archive.frameworks import current_framework
from archive.library import Library
from archive.models import (
    ROLE_LEAD,
    ROLE_RESPONSIBLE,
    ROLE_SUPPORT,
    Assignment,
    Framework,
    Indicator,
    Requirement,
    Unit,
)
from archive.progress import CancelToken, ProgressCallback, ProgressEvent, no_progress
from archive.requirement_text import parse_requirements

ANCESTOR_COLUMNS = ("版块", "测评项目", "测评内容")
TITLE_ROW, INFO_ROW, HEADER_ROW = 1, 2, 3
WIDTHS = {"序号": 10, "版块": 16, "测评项目": 18, "测评内容": 22, "测评标准": 46, "分值": 7,
          "测评方法": 11, "牵头单位": 14, "责任单位": 26, "配合单位": 20, "佐证资料": 42}


@dataclass
class _Node:
    id: int
    parent_id: int | None
    code: str
    title: str
    level_name: str
    score: float | None
    method: str
    requirement_text: str
    is_standard: bool
    children: list[_Node] = field(default_factory=list)
    units: dict[str, list[str]] = field(default_factory=dict)
    requirements: list[tuple[str, str, int]] = field(default_factory=list)


def _load_tree(session: Session, fw_id: int) -> list[_Node]:
    nodes: dict[int, _Node] = {}
    roots: list[_Node] = []
    for r in session.execute(
        select(Indicator.id, Indicator.parent_id, Indicator.code, Indicator.title,
               Indicator.level_name, Indicator.score, Indicator.method,
               Indicator.requirement_text, Indicator.is_standard)
        .where(Indicator.framework_id == fw_id).order_by(Indicator.position)
    ):
        nodes[r.id] = _Node(r.id, r.parent_id, r.code, r.title, r.level_name, r.score, r.method,
                            r.requirement_text, r.is_standard)
    for n in nodes.values():
        parent = nodes.get(n.parent_id) if n.parent_id else None
        (parent.children if parent else roots).append(n)
    for ind_id, uname, role in session.execute(
        select(Assignment.indicator_id, Unit.name, Assignment.role)
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(Indicator, Indicator.id == Assignment.indicator_id)
        .where(Indicator.framework_id == fw_id).order_by(Assignment.id)
    ):
        nodes[ind_id].units.setdefault(role, []).append(uname)
    for ind_id, label, kind, min_count in session.execute(
        select(Requirement.indicator_id, Requirement.label, Requirement.kind,
               Requirement.min_count)
        .join(Indicator, Indicator.id == Requirement.indicator_id)
        .where(Indicator.framework_id == fw_id).order_by(Requirement.position)
    ):
        nodes[ind_id].requirements.append((label, kind, min_count))
    return roots


def _rows(roots: list[_Node]) -> list[tuple[list[_Node], _Node]]:
    """(ancestors, standard) for every standard, in tree order."""
    out: list[tuple[list[_Node], _Node]] = []

    def walk(node: _Node, ancestors: list[_Node]) -> None:
        if not node.children:
            out.append((ancestors, node))
            return
        for child in node.children:
            walk(child, ancestors + [node])

    for root in roots:
        walk(root, [])
    return out


def _ancestor_names(rows: list[tuple[list[_Node], _Node]]) -> list[str]:
    """Column names for the ancestor depths: the level names the tree uses, where known."""
    depth = max((len(a) for a, _ in rows), default=0)
    if depth > len(ANCESTOR_COLUMNS):
        raise CivLedgerError(
            f"测评体系有 {depth + 1} 级，任务分解表只能写出 4 级（版块、测评项目、测评内容、测评标准）。")
    names: list[str] = []
    for d in range(depth):
        common = Counter(a[d].level_name for a, _ in rows if len(a) > d).most_common()
        name = next((n for n, _ in common if n in ANCESTOR_COLUMNS and n not in names), None)
        if name is None or (names and ANCESTOR_COLUMNS.index(name) <= ANCESTOR_COLUMNS.index(
                names[-1])):
            name = next(n for n in ANCESTOR_COLUMNS if n not in names
                        and (not names or ANCESTOR_COLUMNS.index(n)
                             > ANCESTOR_COLUMNS.index(names[-1])))
        names.append(name)
    return names


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def requirement_cell(node: _Node) -> str:
    """The sheet's wording when it still gives the stored requirements, else one built from
    them ("1.实施方案；2.活动照片不少于3张")."""
    parsed = [(r.label, r.kind, r.min_count) for r in parse_requirements(node.requirement_text)]
    if parsed == node.requirements:
        return node.requirement_text
    return "；".join(f"{i}.{label}" + (f"不少于{n}份" if n > 1 else "")
                    for i, (label, _kind, n) in enumerate(node.requirements, start=1))


def _heading(node: _Node) -> str:
    score = _number(node.score)
    return f"{node.title}（{score}分）" if score is not None else node.title


def _framework(session: Session, framework_id: int | None) -> Framework:
    fw = session.get(Framework, framework_id) if framework_id else current_framework(session)
    if fw is None:
        raise NotFoundError("资料库中还没有测评体系，无法导出。请先用 framework import 导入任务分解表。")
    return fw


def export_framework(
    lib_or_session: Library | Session,
    path: Path | str,
    framework_id: int | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> dict[str, Any]:
    """Write the framework to ``path`` (.xlsx); returns {"path", "framework", "standards", …}."""
    if isinstance(lib_or_session, Library):
        with lib_or_session.session() as session:
            return _export_framework(session, Path(path), framework_id, progress, cancel)
    return _export_framework(lib_or_session, Path(path), framework_id, progress, cancel)


def _export_framework(session: Session, path: Path, framework_id: int | None,
                      progress: ProgressCallback, cancel: CancelToken | None) -> dict[str, Any]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    fw = _framework(session, framework_id)
    rows = _rows(_load_tree(session, fw.id))
    ancestors = _ancestor_names(rows)
    has_support = any(s.units.get(ROLE_SUPPORT) for _, s in rows)
    columns = (["序号"] + ancestors + ["测评标准", "分值", "测评方法", "牵头单位", "责任单位"]
               + (["配合单位"] if has_support else []) + ["佐证资料"])
    col = {name: i + 1 for i, name in enumerate(columns)}
    wb = Workbook()
    ws = wb.active
    ws.title = "测评体系"
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    center = Alignment(wrap_text=True, vertical="center", horizontal="center")

    ws.cell(TITLE_ROW, 1, fw.name).font = Font(size=16, bold=True)
    ws.cell(TITLE_ROW, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW,
                   end_column=len(columns))
    ws.row_dimensions[TITLE_ROW].height = 30
    info = f"导出日期：{dt.date.today().isoformat()}　共 {len(rows)} 条测评标准"
    if fw.version:
        info = f"版本：{fw.version}　" + info
    ws.cell(INFO_ROW, 1, info)
    ws.merge_cells(start_row=INFO_ROW, start_column=1, end_row=INFO_ROW, end_column=len(columns))
    header_fill = PatternFill("solid", fgColor="D9E1F2")
    for name, c in col.items():
        cell = ws.cell(HEADER_ROW, c, name)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = center
        cell.border = border
    first = HEADER_ROW + 1
    for i, (anc, std) in enumerate(rows):
        if cancel is not None and i % 200 == 0:
            cancel.raise_if_cancelled()
        r = first + i
        code_cell = ws.cell(r, col["序号"], std.code)
        code_cell.number_format = "@"
        for d, node in enumerate(anc):
            ws.cell(r, col[ancestors[d]], _heading(node))
        ws.cell(r, col["测评标准"], std.title)
        ws.cell(r, col["分值"], _number(std.score))
        ws.cell(r, col["测评方法"], std.method or None)
        lead = std.units.get(ROLE_LEAD, [])
        ws.cell(r, col["牵头单位"], "、".join(lead) or None)
        ws.cell(r, col["责任单位"], "、".join(std.units.get(ROLE_RESPONSIBLE, [])) or None)
        if has_support:
            ws.cell(r, col["配合单位"], "、".join(std.units.get(ROLE_SUPPORT, [])) or None)
        ws.cell(r, col["佐证资料"], requirement_cell(std) or None)
        # A standard higher in the tree than its neighbours: its cell spans the unused levels.
        if len(anc) < len(ancestors):
            ws.merge_cells(start_row=r, start_column=col[ancestors[len(anc)]], end_row=r,
                           end_column=col["测评标准"])
            ws.cell(r, col[ancestors[len(anc)]], std.title)
        if i % 200 == 0:
            progress(ProgressEvent(i, len(rows), "导出测评体系", "standards"))
    last = first + len(rows) - 1
    _merge_runs(ws, rows, ancestors, col, first)
    for r in range(first, last + 1):
        for c in range(1, len(columns) + 1):
            cell = ws.cell(r, c)
            cell.border = border
            cell.alignment = center if columns[c - 1] in ("序号", "分值", "测评方法") else wrap
    for name, c in col.items():
        ws.column_dimensions[ws.cell(HEADER_ROW, c).column_letter].width = WIDTHS.get(name, 14)
    ws.freeze_panes = ws.cell(first, 1)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{ws.cell(HEADER_ROW, len(columns)).column_letter}{last}"
    save_workbook(wb, path)
    progress(ProgressEvent(len(rows), len(rows), "测评体系已导出", "standards"))
    return {"path": str(path), "framework": fw.name, "standards": len(rows),
            "columns": columns}


def _merge_runs(ws: Any, rows: list[tuple[list[_Node], _Node]], ancestors: list[str],
                col: dict[str, int], first: int) -> None:
    """Merge each ancestor's cells over the rows of its standards (they are contiguous)."""
    for d, name in enumerate(ancestors):
        start = 0
        for i in range(1, len(rows) + 1):
            prev = rows[start][0][d].id if len(rows[start][0]) > d else None
            cur = rows[i][0][d].id if i < len(rows) and len(rows[i][0]) > d else None
            if i < len(rows) and cur == prev and prev is not None:
                continue
            if prev is not None and i - 1 > start:
                ws.merge_cells(start_row=first + start, start_column=col[name],
                               end_row=first + i - 1, end_column=col[name])
            start = i


def save_workbook(wb: Any, path: Path) -> None:
    """Save next to the target and rename, so a failed save never leaves half a file."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise CivLedgerError(f"导出文件名“{path.name}”应以 .xlsx 结尾。")
    folder = path.parent
    if not folder.is_dir():
        raise CivLedgerError(f"文件夹 {folder} 不存在，无法导出“{path.name}”。")
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".xlsx", dir=folder)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except PermissionError as exc:
        raise CivLedgerError(f"无法写入“{path.name}”：文件可能正在 Excel 或 WPS 中打开，"
                             "请关闭后重试。") from exc
    except OSError as exc:
        raise CivLedgerError(f"无法写入“{path.name}”：{exc.strerror or exc}") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def export_units(lib_or_session: Library | Session, path: Path | str) -> dict[str, Any]:
    """The contact list: 序号, 单位, 简称, 联络员, 电话, and how many standards each unit
    leads and shares. ``units import`` reads it back."""
    if isinstance(lib_or_session, Library):
        with lib_or_session.session() as session:
            return _export_units(session, Path(path))
    return _export_units(lib_or_session, Path(path))


def _export_units(session: Session, path: Path) -> dict[str, Any]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    fw = current_framework(session)
    counts: dict[int, Counter[str]] = {}
    if fw is not None:
        for unit_id, role in session.execute(
            select(Assignment.unit_id, Assignment.role)
            .join(Indicator, Indicator.id == Assignment.indicator_id)
            .where(Indicator.framework_id == fw.id, Indicator.is_standard.is_(True))
        ):
            counts.setdefault(unit_id, Counter())[role] += 1
    units = list(session.execute(
        select(Unit.id, Unit.name, Unit.short_name, Unit.contact, Unit.phone).order_by(Unit.id)))
    wb = Workbook()
    ws = wb.active
    ws.title = "单位通讯录"
    headers = ["序号", "单位", "简称", "联络员", "电话", "牵头标准数", "承担标准数"]
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for c, name in enumerate(headers, start=1):
        cell = ws.cell(1, c, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = border
    for i, u in enumerate(units, start=1):
        c = counts.get(u.id, Counter())
        values = [i, u.name, u.short_name or None, u.contact or None, u.phone or None,
                  c[ROLE_LEAD], sum(c.values())]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(i + 1, col, value)
            cell.border = border
            if col == 5:
                cell.number_format = "@"
    for letter, width in zip("ABCDEFG", (6, 30, 14, 12, 18, 11, 11), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    save_workbook(wb, path)
    return {"path": str(path), "units": len(units)}
