"""Building the indicator tree from a sheet's rows.

The hierarchy shows in four ways, often mixed in one table: vertically merged cells, blank cells
meaning "same as above", full-width block rows ("第一版块 牢固的思想道德基础（权重30%）") and explicit
codes ("1.2.3"). The rules, in the order they apply to each row:

* an empty row, a repeated header (page breaks) or a note row ("注：…") is skipped;
* a row whose only text spans the table is a block row: a new top-level node;
* a level cell with new text opens a node at that level, and levels below it start afresh;
  blank or merged level cells keep the node above;
* a row with 测评标准 text is a standard; a row whose 测评标准 cell continues a merge, or is blank
  while nothing else opens a node, adds its evidence and units to the standard above;
* units or evidence written on a heading row belong to every standard under it that has none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archive.framework_io import columns as F
from archive.framework_io.cells import Merge, SheetGrid, number_of, text_of
from archive.framework_io.columns import HeaderInfo, header_key, match_header
from archive.framework_io.errors import cell_name
from archive.framework_io.titles import code_from_cell, split_code, split_heading
from archive.frameworks import IndicatorSpec, split_units

_NOTE_PREFIXES = ("注", "备注", "说明", "填表说明", "制表", "填表人", "审核人", "联系人", "附")
# A 合计 row at the end sums the scores; it is not a standard.
_TOTAL_WORDS = ("合计", "总计", "小计", "总分", "合计分值")
MAX_TITLE = 2000
MAX_METHOD = 50
MAX_UNIT = 200


@dataclass
class Node:
    """A node while the sheet is read; ``cell`` names where it came from, for warnings."""

    spec: IndicatorSpec
    parent: Node | None
    field: str
    cell: str
    children_by_title: dict[str, Node] = field(default_factory=dict)
    explicit_code: bool = False

    def add_child(self, child: Node) -> None:
        self.spec.children.append(child.spec)
        if child.field != F.STANDARD:
            self.children_by_title.setdefault(child.spec.title, child)


@dataclass
class SheetTree:
    """What one sheet gave: its top-level nodes and the warnings met on the way."""

    roots: list[Node]
    warnings: list[str]
    standards: int
    has_blocks: bool


class TreeBuilder:
    """Walks a sheet's data rows once, keeping the current node of each level."""

    def __init__(self, grid: SheetGrid, header: HeaderInfo) -> None:
        self.grid = grid
        self.header = header
        self.cols = dict(header.columns)
        self.level_fields = [f for f in (F.BLOCK, F.ITEM, F.CONTENT) if f in self.cols]
        table_cols = sorted(set(self.cols.values()))
        self.first_col = table_cols[0]
        self.last_col = max(table_cols[-1], max(header.headers, default=0))
        self.roots: list[Node] = []
        self.root_by_title: dict[str, Node] = {}
        self.current: dict[str, Node | None] = {f: None for f in self.level_fields}
        self.block: Node | None = None  # from block rows, when there is no 版块 column
        self.last_standard: Node | None = None
        self.last_standard_merge: Merge | None = None
        self.warnings: list[str] = []
        self.leaves: list[Node] = []
        self.seq_values: dict[int, list[Node]] = {}
        self.score_merges: dict[Merge, list[Node]] = {}
        self.header_keys = {header_key(t) for t in header.headers.values()}
        self.skipped_notes: list[str] = []
        self.unplaced: list[str] = []
        self.registry: dict[int, Node] = {}  # id(spec) → its node

    # -- helpers ---------------------------------------------------------------------------
    def warn(self, row: int, col: int | None, text: str) -> None:
        place = cell_name(row, col) if col is not None else f"第{row + 1}行"
        self.warnings.append(f"工作表“{self.grid.name}”{place}：{text}")

    def val(self, r: int, fname: str) -> str:
        c = self.cols.get(fname)
        return self.grid.text(r, c) if c is not None else ""

    def raw(self, r: int, fname: str) -> Any:
        c = self.cols.get(fname)
        return self.grid.raw(r, c) if c is not None else None

    def row_texts(self, r: int) -> list[tuple[int, str]]:
        out = []
        for c in range(self.first_col, self.last_col + 1):
            t = self.grid.text(r, c)
            if t:
                out.append((c, t))
        return out

    # -- row kinds ---------------------------------------------------------------------------
    def is_repeated_header(self, texts: list[tuple[int, str]]) -> bool:
        keys = [header_key(t) for _, t in texts]
        hits = sum(1 for k in keys if k in self.header_keys and match_header(k))
        return hits >= 2 and hits * 2 >= len(keys)

    def full_width_text(self, r: int, texts: list[tuple[int, str]]) -> str | None:
        """The text of a block row: one text that spans the table (merged across, or alone in
        a row whose 测评标准 cell is empty and which sits in the first column)."""
        seq_col = self.cols.get(F.SEQ)
        for c, text in texts:
            m = self.grid.merge(r, c)
            if m is None or m[0] != m[2] or (m[0], m[1]) != (r, c):
                continue
            spans = sum(1 for col in set(self.cols.values()) if m[1] <= col <= m[3])
            others = [t for c2, t in texts if not (m[1] <= c2 <= m[3])]
            # "一、" in the 序号 column beside a block title merged across the rest of the row.
            if (spans >= max(3, len(self.cols) // 2) and others
                    and all(c2 == seq_col for c2, _t in texts if not (m[1] <= c2 <= m[3]))):
                return text
        distinct = {t for _, t in texts}
        if len(distinct) != 1:
            return None
        c, text = texts[0]
        m = self.grid.merge(r, c)
        std_col = self.cols[F.STANDARD]
        if m is not None and m[3] > m[1]:
            spans = sum(1 for col in set(self.cols.values()) if m[1] <= col <= m[3])
            if spans >= max(2, (len(self.cols) + 1) // 2) or (m[1] <= std_col <= m[3]
                                                                and spans >= 2):
                return text
        if (c == self.first_col and c not in self.cols.values()
                and not self.grid.text(r, std_col)):
            return text
        if (c == self.first_col and self.cols.get(F.SEQ) == c and len(self.cols) > 2
                and not code_from_cell(text)[0] and code_from_cell(text)[1] is None):
            return text
        return None

    # -- nodes -------------------------------------------------------------------------------
    def child(self, parent: Node | None, title: str, fname: str, r: int, c: int,
              level_name: str) -> Node:
        siblings = parent.children_by_title if parent else self.root_by_title
        node = siblings.get(title)
        if node is not None and node.field == fname:
            return node
        spec = IndicatorSpec(title=title[:MAX_TITLE], level_name=level_name)
        node = Node(spec=spec, parent=parent, field=fname, cell=cell_name(r, c))
        self.registry[id(spec)] = node
        if parent is None:
            self.roots.append(node)
            self.root_by_title.setdefault(title, node)
        else:
            parent.add_child(node)
        return node

    # -- the walk ------------------------------------------------------------------------
    def build(self) -> SheetTree:
        grid = self.grid
        for r in range(self.header.data_start, grid.n_rows):
            texts = self.row_texts(r)
            if not texts:
                continue
            if self.is_repeated_header(texts):
                continue
            if any(t.replace(" ", "") in _TOTAL_WORDS for _, t in texts):
                self.skipped_notes.append(cell_name(r, texts[0][0]))
                continue
            block = self.full_width_text(r, texts)
            if block is not None:
                if block.lstrip("*＊ ").startswith(_NOTE_PREFIXES):
                    self.skipped_notes.append(cell_name(r, texts[0][0]))
                    continue
                self.open_block(r, texts[0][0], block)
                continue
            self.read_row(r)
        self.finish()
        if self.skipped_notes:
            self.warnings.append(
                f"工作表“{grid.name}”：已跳过说明或合计行 {'、'.join(self.skipped_notes[:5])}"
                + (f" 等 {len(self.skipped_notes)} 行" if len(self.skipped_notes) > 5 else ""))
        return SheetTree(self.roots, self.warnings, len(self.leaves),
                         has_blocks=F.BLOCK in self.cols or self.block is not None)

    def open_block(self, r: int, c: int, text: str) -> None:
        title, code, score = split_heading(text)
        if F.BLOCK in self.cols:
            node = self.child(None, title, F.BLOCK, r, c, F.BLOCK)
            self.current[F.BLOCK] = node
            for f in self.level_fields[1:]:
                self.current[f] = None
        else:
            node = self.child(None, title, "block", r, c, F.BLOCK)
            self.block = node
            for f in self.level_fields:
                self.current[f] = None
        self.set_code(node, code, r, c)
        if score is not None and node.spec.score is None:
            node.spec.score = score
        self.last_standard = None

    def read_row(self, r: int) -> None:
        parent: Node | None = self.block
        opened: Node | None = None
        reset = False
        std_col = self.cols[F.STANDARD]
        for fname in self.level_fields:
            c = self.cols[fname]
            text = self.grid.text(r, c)
            continuation = self.grid.is_continuation(r, c)
            node = self.current[fname]
            m = self.grid.merge(r, c)
            if m is not None and m[0] == m[2] and m[1] <= std_col <= m[3] and m[1] != m[3]:
                # The standard's cell spans this level: the standard sits higher in the tree.
                self.current[fname] = None
                reset = True
                continue
            if text and not continuation:
                title, code, score = split_heading(text)
                if node is None or node.spec.title != title or node.parent is not parent:
                    node = self.child(parent, title, fname, r, c, fname)
                    opened = node
                    reset = True
                    self.set_code(node, code, r, c)
                if score is not None and node.spec.score is None:
                    node.spec.score = score
            elif text and continuation:
                if node is None or node.parent is not parent:
                    title, code, score = split_heading(text)
                    node = self.child(parent, title, fname, r, c, fname)
                    opened = node
            elif reset:
                node = None
            self.current[fname] = node
            if node is not None:
                parent = node
        self.read_standard(r, parent, opened)

    def read_standard(self, r: int, parent: Node | None, opened: Node | None) -> None:
        std_col = self.cols[F.STANDARD]
        text = self.grid.text(r, std_col)
        merge = self.grid.merge(r, std_col)
        continuing = (self.grid.is_continuation(r, std_col) and self.last_standard is not None
                      and merge == self.last_standard_merge)
        if continuing or (not text and opened is None):
            target = self.last_standard
            if target is None:
                if opened is None and parent is not None:
                    self.attach_details(parent, r, heading=True)
                elif parent is None:
                    self.unplaced.append(cell_name(r, std_col))
                return
            self.attach_details(target, r, extra=True)
            return
        if not text:
            # A heading row: units, evidence or a score written here belong to the heading.
            assert opened is not None
            if not opened.explicit_code:
                self.set_code(opened, "", r, self.cols[opened.field], own_row=True)
            self.attach_details(opened, r, heading=True)
            self.last_standard = None
            return
        code, title = split_code(text)
        node = Node(spec=IndicatorSpec(title=title[:MAX_TITLE], level_name=F.STANDARD),
                    parent=parent, field=F.STANDARD, cell=cell_name(r, std_col))
        self.registry[id(node.spec)] = node
        if parent is None:
            self.roots.append(node)
        else:
            parent.add_child(node)
        self.leaves.append(node)
        self.set_code(node, code, r, std_col, own_row=True)
        self.attach_details(node, r)
        self.last_standard = node
        self.last_standard_merge = merge

    def set_code(self, node: Node, code: str, r: int, c: int, own_row: bool = False) -> None:
        """A code from the title ("1.2.3 …"), else from the 序号 cell when the node is the one
        its row is about (the standard, or the deepest heading a heading row opens)."""
        if own_row and F.SEQ in self.cols and not self.grid.is_continuation(r, self.cols[F.SEQ]):
            seq_code, number = code_from_cell(self.val(r, F.SEQ))
            if number is not None and node.field == F.STANDARD:
                self.seq_values.setdefault(number, []).append(node)
            code = code or seq_code
        if code:
            node.spec.code = code[:50]
            node.explicit_code = True

    def attach_details(self, node: Node, r: int, extra: bool = False,
                       heading: bool = False) -> None:
        spec = node.spec
        lead_text = self.val(r, F.LEAD)
        units_text = self.val(r, F.UNITS)
        lead = self.units_of(lead_text, r, F.LEAD)
        units = self.units_of(units_text, r, F.UNITS)
        # "区委宣传部（牵头）、区文明办" in the 责任单位 column names the lead unit inline.
        marked = [u for u in units if u.endswith(("(牵头)", "（牵头）"))]
        if marked:
            units = [u for u in units if u not in marked]
            lead += [u.removesuffix("(牵头)").removesuffix("（牵头）") for u in marked]
        support = self.units_of(self.val(r, F.SUPPORT), r, F.SUPPORT)
        for target, names in ((spec.lead_units, lead), (spec.units, units),
                              (spec.support_units, support)):
            for name in names:
                if name not in target:
                    target.append(name)
        evidence = self.val(r, F.EVIDENCE)
        ev_col = self.cols.get(F.EVIDENCE)
        if evidence and not (extra and ev_col is not None
                             and self.grid.is_continuation(r, ev_col)
                             ) and evidence not in spec.requirement_text:
            spec.requirement_text = (spec.requirement_text + "\n" + evidence).strip()
        method = self.val(r, F.METHOD)
        if method and not spec.method:
            spec.method = method.replace("\n", "、")[:MAX_METHOD]
        if not extra or heading:
            self.read_score(node, r)

    def read_score(self, node: Node, r: int) -> None:
        c = self.cols.get(F.SCORE)
        if c is None:
            return
        raw = self.grid.raw(r, c)
        if raw is None or raw == "":
            return
        score = number_of(raw)
        if score is None:
            self.warn(r, c, f"分值“{text_of(raw)[:20]}”不是数字，已忽略。")
            return
        m = self.grid.merge(r, c)
        if m is not None and m[2] > m[0] and node.field == F.STANDARD:
            self.score_merges.setdefault(m, []).append(node)
        if node.spec.score is None:
            node.spec.score = score

    def units_of(self, text: str, r: int, fname: str) -> list[str]:
        names = split_units(text)
        out = []
        for name in names:
            # "各街道、各乡镇等" / "…等单位": the list's closing 等 is not part of a name.
            for tail in ("等单位", "等部门", "等"):
                if name.endswith(tail) and len(name) > len(tail) + 2:
                    name = name[: -len(tail)]
                    break
            if len(name) > MAX_UNIT:
                self.warn(r, self.cols.get(fname), f"单位名称过长（{len(name)} 字），已截断。")
                name = name[:MAX_UNIT]
            out.append(name)
        return out

    # -- after the walk ----------------------------------------------------------------------
    def finish(self) -> None:
        self.share_merged_scores()
        for root in self.roots:
            self.push_down(root)
        self.settle_numbers()
        if self.unplaced:
            self.warnings.append(
                f"工作表“{self.grid.name}”：{'、'.join(self.unplaced[:5])} 等 {len(self.unplaced)}"
                " 处有内容但上方没有测评标准，已忽略。")

    def share_merged_scores(self) -> None:
        """A score merged over several standards is their parent's score when they are exactly
        the parent's standards; otherwise it stays with the first and the clerk is told."""
        for m, leaves in self.score_merges.items():
            if len(leaves) < 2:
                continue
            parent = leaves[0].parent
            same_parent = parent is not None and all(n.parent is parent for n in leaves)
            if same_parent and parent is not None and len(parent.spec.children) == len(leaves):
                if parent.spec.score is None:
                    parent.spec.score = leaves[0].spec.score
                for n in leaves:
                    n.spec.score = None
            else:
                for n in leaves[1:]:
                    n.spec.score = None
                self.warn(m[0], m[1], "分值单元格合并跨越多条测评标准，已记在第一条上。")

    def push_down(self, node: Node) -> None:
        """Units and evidence written on a heading row go to its standards that have none."""
        spec = node.spec
        if not spec.children:
            return
        for child_spec in spec.children:
            if spec.lead_units and not child_spec.lead_units:
                child_spec.lead_units = list(spec.lead_units)
            if spec.units and not child_spec.units:
                child_spec.units = list(spec.units)
            if spec.support_units and not child_spec.support_units:
                child_spec.support_units = list(spec.support_units)
            if spec.requirement_text and not child_spec.requirement_text:
                child_spec.requirement_text = spec.requirement_text
            if spec.method and not child_spec.method:
                child_spec.method = spec.method
            child = self.registry.get(id(child_spec))
            if child is not None:
                self.push_down(child)
        spec.lead_units, spec.units, spec.support_units = [], [], []
        spec.requirement_text = ""
        spec.method = ""

    def settle_numbers(self) -> None:
        """A running 序号 becomes the standards' number when it identifies them uniquely."""
        if not self.seq_values:
            return
        if all(len(nodes) == 1 for nodes in self.seq_values.values()):
            for number, nodes in self.seq_values.items():
                nodes[0].spec.seq = number


def build_tree(grid: SheetGrid, header: HeaderInfo) -> SheetTree:
    return TreeBuilder(grid, header).build()

