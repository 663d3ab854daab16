"""``demo``: create a realistic demo library in one command.

The search index follows through the ``documents_changed`` hook that ``build_demo`` fires: when
main.py has loaded ``indexing.commands`` its ``register()`` subscribed the index, so the demo
comes out extracted and searchable without the archive knowing an index exists.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from archive.cli import CommandContext
from archive.demo import DEFAULT_DOCUMENTS, DemoReport, build_demo

DEFECT_NAMES = {
    "missing_standard": "整条测评标准没有资料",
    "partial_standard": "资料不全（照片不够、缺少某项）",
    "scanned_pdf": "扫描件（无文字层）",
    "reused_last_year": "沿用上一年度的文件",
    "out_of_period": "日期不在本年度内",
    "classified": "含密级标志（秘密★1年）却登记为公开",
    "long_name": "题名过长",
    "trailing_dot": "题名以句点结尾",
    "reserved_name": "Windows 保留文件名（CON）",
    "empty_file": "空文件（0 字节）",
    "corrupt_pdf": "损坏的 PDF",
    "encrypted_pdf": "加密的 PDF",
    "uncaptioned_photo": "照片缺少说明",
    "unassigned": "未能对应到测评标准",
    "duplicate_link": "同一文件归入两条测评标准",
    "junk": "系统垃圾文件（已拒收）",
}


def _text(report: DemoReport) -> str:
    lines = [
        f"已生成示例资料库：{report.root}",
        f"测评标准 {report.standards} 条；文件 {report.documents} 件"
        f"（归档 {report.filed}，未归类 {report.unassigned}，重复 {report.duplicates}，"
        f"拒收 {report.refused}），用时 {report.seconds:.1f} 秒。",
        "年度：" + "；".join(f"{p['label']}（{p['start']} 至 {p['end']}，{p['documents']} 件）"
                          for p in report.periods),
        "其中包含的典型问题（供体验查漏补缺）：",
    ]
    for kind, places in report.defects.items():
        if places:
            lines.append(f"  {DEFECT_NAMES.get(kind, kind)}：{len(places)} 处，"
                         f"如 {places[0]}")
    if report.sources:
        lines.append(f"生成的原始资料文件夹保留在：{report.sources}")
    lib = f'--library "{report.root}"'
    last = report.periods[-1]["label"] if report.periods else "2024"
    lines.append(f"试试：python main.py {lib} documents list --period {last}")
    return "\n".join(lines)


def cmd_demo(args: argparse.Namespace, ctx: CommandContext) -> int:
    report = build_demo(
        ctx.library_dir,
        documents=args.documents,
        seed=args.seed,
        progress=ctx.progress,
        sources=Path(args.sources) if args.sources else None,
    )
    ctx.emit(report.as_json(), lambda: _text(report))
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "demo", parents=[common],
        help="生成示例资料库：示例测评体系、三个年度的佐证资料及常见问题，供新用户体验",
    )
    p.add_argument("--documents", type=int, default=DEFAULT_DOCUMENTS, metavar="N",
                   help=f"文件件数（默认 {DEFAULT_DOCUMENTS}）")
    p.add_argument("--seed", type=int, default=1, metavar="S",
                   help="随机种子：相同种子生成完全相同的文件（默认 1）")
    p.add_argument("--sources", metavar="DIR",
                   help="把生成的原始资料文件夹保留在此（须为新文件夹），可用来练习 import")
    p.set_defaults(handler=cmd_demo)
