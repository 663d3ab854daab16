"""测评材料提交表: one Word form per standard, the cover sheet evaluators read first in each folder.

It names the standard (code, text, score, method, required evidence), who answers for it (lead and
responsible units), lists the evidence in the folder with 文号, date and pages, and carries the
clerk's 结论性说明 (``archive.models.Conclusion``) — the statement of how the standard is met.
"""

from __future__ import annotations

import datetime as dt

from exporters.package.catalog import pages_of
from exporters.package.layout import StandardFolder
from exporters.package.office import WordDocument
from exporters.package.selection import Selection

EVIDENCE_HEADERS = ["序号", "题名", "文号", "日期", "页数", "文件名"]
_EVIDENCE_WEIGHTS = [6, 36, 16, 12, 6, 24]


def submission_form(sel: Selection, folder: StandardFolder, day: dt.date) -> bytes:
    """The 测评材料提交表 of one standard folder, as .docx bytes."""
    std = folder.standard
    doc = WordDocument()
    doc.paragraph("测评材料提交表", bold=True, size_pt=16, align="center")
    sub = f"{sel.organisation}　{sel.period}年度" if sel.organisation else f"{sel.period}年度"
    doc.paragraph(sub, align="center")
    path = " ＞ ".join(f"{a.code} {a.title}" for a in std.ancestors)
    req = std.requirement_text or "；".join(
        f"{r['label']}（不少于{r['min_count']}件）" if r["min_count"] > 1 else r["label"]
        for r in std.requirements)
    rows = [
        ["所属指标", path],
        ["测评标准编号", std.code],
        ["测评标准", std.title],
        ["分值", "" if std.score is None else f"{std.score:g}"],
        ["测评方法", std.method],
        ["佐证资料要求", req],
        ["牵头单位", "、".join(std.lead_units)],
        ["责任单位", "、".join(std.responsible_units)],
    ]
    if std.support_units:
        rows.append(["配合单位", "、".join(std.support_units)])
    total = doc.width_twips
    doc.table(["项目", "内容"], rows, [total * 2 // 9, total * 7 // 9])

    doc.paragraph(f"佐证材料清单（共 {len(folder.placements)} 件）", bold=True,
                  space_before_pt=10.5)
    if folder.placements:
        weight = sum(_EVIDENCE_WEIGHTS)
        evidence = [
            [p.seq, p.doc.title, p.doc.doc_number,
             p.doc.doc_date.isoformat() if p.doc.doc_date else "",
             pages_of(p) or "", p.path.rsplit("/", 1)[-1]]
            for p in folder.placements
        ]
        doc.table(EVIDENCE_HEADERS, evidence, [total * w // weight for w in _EVIDENCE_WEIGHTS])
    else:
        doc.paragraph("（本测评标准暂无佐证材料）")

    doc.paragraph("结论性说明", bold=True, space_before_pt=10.5)
    for line in (std.conclusion.strip() or "（未填写）").splitlines():
        doc.paragraph(line)
    doc.paragraph("")
    doc.paragraph("填报单位（盖章）：　　　　　　　　　　　填报人：　　　　　　　　"
                  "填报日期：　　　年　　月　　日")
    return doc.to_bytes(day)
