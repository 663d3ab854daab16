"""测评材料提交表: one Word form per standard, the cover sheet evaluators read first in each folder.

It names the standard (code, text, score, method, required evidence), who answers for it (lead and
responsible units), lists the evidence in the folder with 文号, date and pages, and carries the
clerk's 结论性说明 (``archive.models.Conclusion``) — the statement of how the standard is met.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from exporters.package.catalog import pages_of
from exporters.package.layout import StandardFolder
from exporters.package.office import add_table, save_docx, setup_document, usable_width_twips
from exporters.package.selection import Selection

EVIDENCE_HEADERS = ["序号", "题名", "文号", "日期", "页数", "文件名"]
_EVIDENCE_WEIGHTS = [6, 36, 16, 12, 6, 24]


def _field_table(doc: Any, rows: list[tuple[str, str]]) -> None:
    total = usable_width_twips(doc)
    add_table(doc, ["项目", "内容"], [list(r) for r in rows], [total * 2 // 9, total * 7 // 9])


def _heading(doc: Any, text: str, size: float = 1.0) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run(text)
    run.bold = True
    run.font.size = doc.styles["Normal"].font.size * size


def _sub(doc: Any, text: str) -> None:
    para = doc.add_paragraph()
    para.paragraph_format.space_before = doc.styles["Normal"].font.size
    para.add_run(text).bold = True


def submission_form(sel: Selection, folder: StandardFolder, day: dt.date) -> bytes:
    """The 测评材料提交表 of one standard folder, as .docx bytes."""
    from docx import Document

    std = folder.standard
    doc = Document()
    setup_document(doc)
    _heading(doc, "测评材料提交表", 1.6)
    sub = f"{sel.organisation}　{sel.period}年度" if sel.organisation else f"{sel.period}年度"
    _heading(doc, sub, 1.0)
    path = " ＞ ".join(f"{a.code} {a.title}" for a in std.ancestors)
    req = std.requirement_text or "；".join(
        f"{r['label']}（不少于{r['min_count']}件）" if r["min_count"] > 1 else r["label"]
        for r in std.requirements)
    rows = [
        ("所属指标", path),
        ("测评标准编号", std.code),
        ("测评标准", std.title),
        ("分值", "" if std.score is None else f"{std.score:g}"),
        ("测评方法", std.method),
        ("佐证资料要求", req),
        ("牵头单位", "、".join(std.lead_units)),
        ("责任单位", "、".join(std.responsible_units)),
    ]
    if std.support_units:
        rows.append(("配合单位", "、".join(std.support_units)))
    _field_table(doc, rows)

    _sub(doc, f"佐证材料清单（共 {len(folder.placements)} 件）")
    total = usable_width_twips(doc)
    weight = sum(_EVIDENCE_WEIGHTS)
    evidence = [
        [p.seq, p.doc.title, p.doc.doc_number,
         p.doc.doc_date.isoformat() if p.doc.doc_date else "",
         pages_of(p) or "", p.path.rsplit("/", 1)[-1]]
        for p in folder.placements
    ]
    if evidence:
        add_table(doc, EVIDENCE_HEADERS, evidence, [total * w // weight for w in
                                                    _EVIDENCE_WEIGHTS])
    else:
        doc.add_paragraph("（本测评标准暂无佐证材料）")

    _sub(doc, "结论性说明")
    conclusion = std.conclusion.strip() or "（未填写）"
    for line in conclusion.splitlines():
        doc.add_paragraph(line)

    doc.add_paragraph()
    doc.add_paragraph("填报单位（盖章）：　　　　　　　　　　　填报人：　　　　　　　　"
                      "填报日期：　　　年　　月　　日")
    return save_docx(doc, day)
