"""Reading a task-decomposition workbook (任务分解表) into an ``IndicatorSpec`` tree.

Two entry points serve the command line and the desktop wizard alike:

* ``inspect_workbook(path)`` looks without judging: which sheets were considered, where the header
  is, which column was recognised as which field, a few sample rows and the problems found. The
  wizard shows this and lets the clerk correct the mapping.
* ``read_workbook(path, mapping, sheet)`` builds the tree or raises ``WorkbookError`` naming the
  file, sheet and cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.framework_io import columns as F
from archive.framework_io.cells import SheetGrid, WorkbookGrid, load_grid
from archive.framework_io.columns import HeaderInfo, apply_mapping, find_header
from archive.framework_io.errors import WorkbookError, cell_name, column_letter
from archive.framework_io.tree import SheetTree, TreeBuilder
from archive.frameworks import IndicatorSpec
from archive.progress import CancelToken, ProgressCallback, ProgressEvent, no_progress

NOTE_SHEET_WORDS = ("说明", "填表", "注意事项", "目录", "封面", "示例", "模板说明", "联系")
SAMPLE_ROWS = 5
_VERSION = re.compile(r"版本[:：]\s*([^\s　]+)")
_YEAR = re.compile(r"(20\d\d)\s*(?:年|版|年度)?")


@dataclass
class SheetPreview:
    name: str
    hidden: bool
    rows: int
    used: bool
    reason: str  # why it was or was not taken ("任务分解表", "填表说明", "没有表头" …)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "hidden": self.hidden, "rows": self.rows, "used": self.used,
                "reason": self.reason}


@dataclass
class WorkbookPreview:
    """What the reader sees in a workbook, for the import wizard to show and correct."""

    path: Path
    sheets: list[SheetPreview]
    sheet: str | None  # the chosen (first) table sheet
    header_rows: list[int]  # 1-based, as Excel numbers rows
    mapping: dict[str, str]  # field → column letter, recognised or given
    headers: dict[str, str]  # column letter → header text seen
    samples: list[dict[str, str]]  # first data rows, field → text
    problems: list[str]
    fields: tuple[str, ...] = F.FIELDS
    columns: list[str] = field(default_factory=list)  # every column letter of the chosen sheet

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "sheets": [s.as_json() for s in self.sheets],
                "sheet": self.sheet, "header_rows": self.header_rows, "mapping": self.mapping,
                "headers": self.headers, "samples": self.samples, "problems": self.problems,
                "fields": list(self.fields), "columns": self.columns}


@dataclass
class ParsedFramework:
    """The tree read from a workbook, ready for ``import_framework``."""

    path: Path
    name: str
    version: str
    roots: list[IndicatorSpec]
    warnings: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet → field → letter

    @property
    def standards(self) -> int:
        return sum(1 for s in iter_specs(self.roots) if not s.children)

    @property
    def indicators(self) -> int:
        return sum(1 for _ in iter_specs(self.roots))

    @property
    def unit_names(self) -> list[str]:
        names: dict[str, None] = {}
        for s in iter_specs(self.roots):
            for u, _role in s.unit_roles():
                names.setdefault(u, None)
        return list(names)


def iter_specs(roots: list[IndicatorSpec]) -> list[IndicatorSpec]:
    out: list[IndicatorSpec] = []
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.children))
    return out


@dataclass
class _SheetPlan:
    grid: SheetGrid
    header: HeaderInfo | None
    preview: SheetPreview


def _plan_sheets(book: WorkbookGrid, mapping: dict[str, str] | None,
                 sheet: str | None) -> list[_SheetPlan]:
    path = book.path
    if sheet is not None and sheet not in [g.name for g in book.sheets]:
        raise WorkbookError(f"没有名为“{sheet}”的工作表。工作簿中的工作表："
                            f"{'、'.join(g.name for g in book.sheets)}", path)
    plans: list[_SheetPlan] = []
    for grid in book.sheets:
        prev = SheetPreview(grid.name, grid.hidden, grid.n_rows, False, "")
        plan = _SheetPlan(grid, None, prev)
        plans.append(plan)
        if sheet is not None and grid.name != sheet:
            prev.reason = "未选择"
            continue
        if grid.is_empty():
            prev.reason = "空白工作表"
            continue
        if sheet is None and any(w in grid.name for w in NOTE_SHEET_WORDS):
            prev.reason = "说明页，已跳过"
            continue
        if sheet is None and grid.hidden:
            prev.reason = "隐藏的工作表，已跳过"
            continue
        plan.header = find_header(grid)
        if plan.header is None:
            prev.reason = "没有可识别的表头"
        elif F.STANDARD not in plan.header.columns:
            prev.reason = "表头中没有“测评标准”列"
        else:
            prev.used = True
            prev.reason = "任务分解表"
    if mapping:
        chosen = [p for p in plans if p.preview.used]
        if not chosen:
            chosen = [p for p in plans if p.preview.reason in (
                "没有可识别的表头", "表头中没有“测评标准”列")][:1]
        for p in chosen:
            p.header = apply_mapping(p.grid, p.header, mapping, str(path))
            if F.STANDARD in p.header.columns:
                p.preview.used = True
                p.preview.reason = "任务分解表（按指定的列对应）"
    return plans


def _problem_for(plans: list[_SheetPlan], path: Path) -> WorkbookError:
    """The clearest single reason no sheet could be read as a table."""
    candidates = [p for p in plans if p.preview.reason in ("表头中没有“测评标准”列",
                                                           "没有可识别的表头")]
    if not any(not p.grid.is_empty() for p in plans):
        return WorkbookError("工作簿中没有任何内容（所有工作表都是空的）。", path)
    with_header = [p for p in candidates if p.header is not None]
    if with_header:
        p = with_header[0]
        h = p.header
        assert h is not None
        synonyms = "、".join(F.SYNONYMS[F.STANDARD][1:6])
        return WorkbookError(
            f"找不到“测评标准”列（也认：{synonyms}）。第 {h.first_row + 1} 行的表头中看到："
            f"{'、'.join(h.headers_seen()) or '（空）'}。请用 --map 测评标准=列号（例如 --map "
            "测评标准=D）指定哪一列是测评标准。",
            path, p.grid.name, cell_name(h.first_row, min(h.headers, default=0)))
    if candidates:
        p = candidates[0]
        last = cell_name(min(p.grid.n_rows, 30) - 1, max(p.grid.n_cols - 1, 0))
        seen = [t for r in range(min(p.grid.n_rows, 5)) for c in range(p.grid.n_cols)
                if (t := p.grid.text(r, c))][:8]
        return WorkbookError(
            f"在 A1:{last} 范围内找不到表头（需要“测评标准”“牵头单位”等列名中的至少两个）。"
            f"前几行的内容：{'、'.join(t[:15] for t in seen) or '（空）'}。"
            "如果表头用了其他名称，请用 --map 测评标准=D --map 牵头单位=G 这样指定列。",
            path, p.grid.name, "A1")
    skipped = "；".join(f"“{p.grid.name}”{p.preview.reason}" for p in plans)
    return WorkbookError(f"没有找到任务分解表所在的工作表（{skipped}）。", path)


def inspect_workbook(path: Path | str, mapping: dict[str, str] | None = None,
                     sheet: str | None = None) -> WorkbookPreview:
    """Look at a workbook as the importer would; problems are listed rather than raised
    (only an unreadable file raises ``WorkbookError``)."""
    path = Path(path)
    book = load_grid(path)
    problems: list[str] = []
    try:
        plans = _plan_sheets(book, mapping, sheet)
    except WorkbookError as exc:
        plans = [_SheetPlan(g, None, SheetPreview(g.name, g.hidden, g.n_rows, False, ""))
                 for g in book.sheets]
        problems.append(str(exc))
    used = [p for p in plans if p.preview.used]
    if not used and not problems:
        problems.append(str(_problem_for(plans, path)))
    chosen = used[0] if used else next((p for p in plans if p.header is not None), None)
    header_rows: list[int] = []
    mapping_out: dict[str, str] = {}
    headers: dict[str, str] = {}
    samples: list[dict[str, str]] = []
    if chosen is not None and chosen.header is not None:
        h = chosen.header
        header_rows = list(range(h.first_row + 1, h.last_row + 2))
        mapping_out = h.mapping_letters()
        headers = {column_letter(c): t for c, t in sorted(h.headers.items())}
        for r in range(h.data_start, chosen.grid.n_rows):
            row = {f: chosen.grid.text(r, c) for f, c in h.columns.items()}
            if any(row.values()):
                samples.append(row)
            if len(samples) >= SAMPLE_ROWS:
                break
    problems.extend(book.warnings)
    columns = [column_letter(c) for c in range(chosen.grid.n_cols)] if chosen else []
    return WorkbookPreview(path=path, sheets=[p.preview for p in plans],
                           sheet=chosen.grid.name if chosen else None, header_rows=header_rows,
                           mapping=mapping_out, headers=headers, samples=samples,
                           problems=problems, columns=columns)


def read_workbook(path: Path | str, mapping: dict[str, str] | None = None,
                  sheet: str | None = None, progress: ProgressCallback = no_progress,
                  cancel: CancelToken | None = None) -> ParsedFramework:
    """The framework tree of a workbook; ``mapping`` ({"测评标准": "D"}) overrides recognition,
    ``sheet`` reads only that sheet. Raises ``WorkbookError`` with file, sheet and cell."""
    path = Path(path)
    progress(ProgressEvent(0, 0, f"读取 {path.name}", "sheets"))
    book = load_grid(path)
    plans = _plan_sheets(book, mapping, sheet)
    used = [p for p in plans if p.preview.used]
    if not used:
        raise _problem_for(plans, path)
    trees: list[tuple[_SheetPlan, SheetTree, TreeBuilder]] = []
    warnings = list(book.warnings)
    for done, p in enumerate(used):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(ProgressEvent(done, len(used), f"识别工作表“{p.grid.name}”", "sheets"))
        assert p.header is not None
        builder = TreeBuilder(p.grid, p.header)
        tree = builder.build()
        warnings.extend(tree.warnings)
        if tree.standards == 0:
            if len(used) == 1:
                h = p.header
                raise WorkbookError(
                    f"表头下面没有任何测评标准（“测评标准”列为第 {column_letter(h.columns[F.STANDARD])}"
                    " 列，其下各行都是空的）。", path, p.grid.name,
                    cell_name(h.last_row, h.columns[F.STANDARD]))
            warnings.append(f"工作表“{p.grid.name}”中没有测评标准，已跳过。")
            continue
        trees.append((p, tree, builder))
    if not trees:
        raise WorkbookError("各工作表中都没有测评标准。", path)
    roots: list[IndicatorSpec] = []
    several = len(trees) > 1 and not any(t.has_blocks for _, t, _ in trees)
    for p, tree, _ in trees:
        specs = [n.spec for n in tree.roots]
        if several:
            roots.append(IndicatorSpec(title=p.grid.name, level_name=F.BLOCK, children=specs))
        else:
            roots.extend(specs)
    places: dict[int, str] = {}
    for p, _tree, builder in trees:
        for key, node in builder.registry.items():
            places[key] = f"工作表“{p.grid.name}”{node.cell}"
    warnings.extend(settle_codes(roots, places))
    first = trees[0][0]
    name, version = _guess_name(first.grid, first.header, path)
    progress(ProgressEvent(len(used), len(used), "任务分解表已读取", "sheets"))
    return ParsedFramework(
        path=path, name=name, version=version, roots=roots, warnings=warnings,
        sheets=[p.grid.name for p, _, _ in trees],
        mapping={p.grid.name: p.header.mapping_letters() for p, _, _ in trees if p.header},
    )


def settle_codes(roots: list[IndicatorSpec], places: dict[int, str] | None = None) -> list[str]:
    """Give every node a unique, stable code.

    Explicit codes are kept; a parent without one takes its children's common prefix ("1.2"
    over "1.2.1", "1.2.2"); the rest are derived from position ("2.3.1"), as ``assign_codes``
    does. A code written twice is kept on its first node and made unique on the others
    ("1.2-2"), with a warning naming the cell.
    """
    places = places or {}
    warnings: list[str] = []
    used: set[str] = set()
    for spec in iter_specs(roots):
        if not spec.code:
            continue
        if spec.code in used:
            k = 2
            while f"{spec.code}-{k}" in used:
                k += 1
            new = f"{spec.code}-{k}"
            where = places.get(id(spec), "")
            warnings.append(f"{where}：编号“{spec.code}”重复，这一条改记为“{new}”。")
            spec.code = new
        used.add(spec.code)

    def derive_parent(node: IndicatorSpec) -> None:
        for child in node.children:
            derive_parent(child)
        if node.code or not node.children:
            return
        codes = [c.code for c in node.children]
        if not all(codes):
            return
        prefixes = {c.rpartition(".")[0] for c in codes if "." in c}
        if len(prefixes) == 1 and all("." in c for c in codes):
            prefix = prefixes.pop()
            if prefix and prefix not in used:
                node.code = prefix
                used.add(prefix)

    for root in roots:
        derive_parent(root)

    def walk(nodes: list[IndicatorSpec], prefix: str) -> None:
        for i, node in enumerate(nodes, start=1):
            if not node.code:
                code = f"{prefix}{i}"
                k = 2
                while code in used:
                    code = f"{prefix}{i}-{k}"
                    k += 1
                node.code = code
                used.add(code)
            walk(node.children, f"{node.code}.")

    walk(roots, "")
    return warnings


def _guess_name(grid: SheetGrid, header: HeaderInfo | None, path: Path) -> tuple[str, str]:
    """The framework's name from the title row above the header, else the file name."""
    name = ""
    limit = header.first_row if header is not None else 0
    for r in range(limit):
        for c in range(grid.n_cols):
            text = grid.text(r, c)
            if (text and len(text) >= 2
                    and not re.match(r"^(填报|填表|制表|更新|日期|单位|联系|版本|导出)", text)):
                name = text.replace("\n", " ")
                break
        if name:
            break
    name = (name or path.stem)[:200]
    for r in range(limit):
        for c in range(grid.n_cols):
            v = _VERSION.search(grid.text(r, c))
            if v:
                return name, v.group(1)[:50]
    m = _YEAR.search(name) or _YEAR.search(path.stem)
    return name, m.group(1) if m else ""
