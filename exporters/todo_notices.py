"""One 督办通知 (Word) per unit: what it must still supply for the period, and which of its files
must be fixed, ready to print, sign and send.

Reads the report's JSON form (``CheckReport.as_json()``). Units with nothing to do get no notice.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from archive.check.windows_names import safe_component
from archive.errors import CivLedgerError

NOTICE_TITLE = "关于补充报送创建文明城市测评佐证资料的督办通知"
BODY_FONT = "仿宋"
TITLE_FONT = "黑体"


def notice_file_name(unit_name: str, period: str) -> str:
    return f"督办通知_{safe_component(unit_name, 60)}_{safe_component(period, 20)}.docx"


def _font(run: Any, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(doc: Any, text: str, size: float = 14, bold: bool = False,
               align: int | None = None, indent: bool = False, font: str = BODY_FONT) -> Any:
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.space_after = Pt(4)
    _font(p.add_run(text), font, size, bold)
    return p


def _table(doc: Any, headers: list[str], rows: list[list[str]], widths: list[float]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), TITLE_FONT, 11, True)
        cell.width = Cm(width)
    for values in rows:
        cells = table.add_row().cells
        for cell, text, width in zip(cells, values, widths, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(str(text)), BODY_FONT, 11)
            cell.width = Cm(width)


def build_notice(report: dict[str, Any], unit: dict[str, Any], issuer: str = "",
                 date: dt.date | None = None) -> Any:
    """The notice for one unit as a python-docx Document."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(3.2), Cm(2.8)

    _paragraph(doc, NOTICE_TITLE, 20, True, WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT)
    _paragraph(doc, f"{unit['name']}：")
    open_standards = [s for s in unit["standards"] if s["status"] != "complete"]
    open_findings = [f for f in unit["findings"] if not f["accepted"]]
    _paragraph(doc, (
        f"根据 {report['period']} 年度创建文明城市测评佐证资料查漏补缺情况"
        f"（统计至 {report['generated_at'][:10]}），你单位牵头或承担的测评任务中，"
        f"尚有 {len(open_standards)} 项测评标准的佐证资料不齐全"
        + (f"，{len(open_findings)} 件已报送资料存在问题需要改正" if open_findings else "")
        + "。请对照下列清单，于____年__月__日前补充报送，并确保资料真实、完整、规范。"
    ), indent=True)
    number = 1
    if open_standards:
        _paragraph(doc, f"{'一二'[number - 1]}、需补充的佐证资料", bold=True, font=TITLE_FONT)
        _table(doc, ["序号", "测评标准", "职责", "缺少的资料"],
               [[str(i), f"{s['code']} {s['title']}", s["role"], s["missing_text"]]
                for i, s in enumerate(open_standards, start=1)],
               [1.3, 7.2, 1.5, 6.0])
        number += 1
    if open_findings:
        _paragraph(doc, f"{'一二'[number - 1]}、需改正的问题", bold=True, font=TITLE_FONT)
        _table(doc, ["序号", "文件", "问题", "说明"],
               [[str(i), f"{f['title']}（{f['source_path']}）", f["kind_label"], f["message"]]
                for i, f in enumerate(open_findings, start=1)],
               [1.3, 5.5, 2.5, 6.7])
    _paragraph(doc, "")
    _paragraph(doc, "资料报送要求：文件须有题名和成文日期，照片须注明时间、地点、人物、事由；"
                    "涉密资料不得报送；扫描件须清晰可辨。", indent=True)
    contact = "　".join(x for x in (unit.get("contact", ""), unit.get("phone", "")) if x)
    if contact:
        _paragraph(doc, f"你单位联络员：{contact}", indent=True)
    _paragraph(doc, "")
    if issuer:
        _paragraph(doc, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    day = date or dt.date.today()
    _paragraph(doc, f"{day.year}年{day.month}月{day.day}日", align=WD_ALIGN_PARAGRAPH.RIGHT)
    return doc


def write_notices(report: dict[str, Any], directory: Path, issuer: str = "",
                  date: dt.date | None = None) -> list[Path]:
    """One notice per unit with something to do, written into ``directory``; their paths."""
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CivLedgerError(f"无法创建文件夹 {directory}：{exc.strerror or exc}") from exc
    written: list[Path] = []
    used: set[str] = set()
    for unit in report["units"]:
        if not (unit["open_standards"] or unit["open_findings"]):
            continue
        name = notice_file_name(unit["name"], report["period"])
        n = 1
        while name.casefold() in used:
            n += 1
            name = notice_file_name(f"{unit['name']}({n})", report["period"])
        used.add(name.casefold())
        path = directory / name
        try:
            build_notice(report, unit, issuer, date).save(str(path))
        except PermissionError as exc:
            raise CivLedgerError(f"无法写入 {path}：文件可能正在 Word 中打开，请关闭后重试。"
                                 ) from exc
        except OSError as exc:
            raise CivLedgerError(f"无法写入 {path}：{exc.strerror or exc}") from exc
        written.append(path)
    return written
