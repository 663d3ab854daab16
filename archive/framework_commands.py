"""Subcommands of the framework workbook import: ``framework import``, ``framework inspect``
and ``units import``. (``framework show`` and ``units list`` live in ``archive.commands``; the
exports in ``exporters.framework_commands``.)"""

from __future__ import annotations

import argparse
from pathlib import Path

from archive.cli import CommandContext, subgroup, table
from archive.framework_io import inspect_workbook, parse_mapping, read_workbook
from archive.framework_io.contacts import import_contacts, read_contacts
from archive.framework_update import import_framework


def cmd_framework_import(args: argparse.Namespace, ctx: CommandContext) -> int:
    mapping = parse_mapping(args.map)
    parsed = read_workbook(Path(args.file), mapping=mapping or None, sheet=args.sheet,
                           progress=ctx.progress)
    report = import_framework(ctx.library(), parsed, name=args.name, dry_run=args.dry_run,
                              force=args.force, progress=ctx.progress)
    ctx.emit(report.as_json(), report.summary)
    return 0


def cmd_framework_inspect(args: argparse.Namespace, ctx: CommandContext) -> int:
    preview = inspect_workbook(Path(args.file), mapping=parse_mapping(args.map) or None,
                               sheet=args.sheet)

    def text() -> str:
        lines = [f"文件：{preview.path.name}"]
        for s in preview.sheets:
            lines.append(f"  工作表“{s.name}”（{s.rows} 行）：{s.reason or '—'}")
        if preview.header_rows:
            lines.append(f"表头：工作表“{preview.sheet}”第 "
                         f"{'、'.join(str(r) for r in preview.header_rows)} 行")
            lines.append(table([[f, letter, preview.headers.get(letter, "").replace("\n", " ")]
                                for f, letter in preview.mapping.items()],
                               ["字段", "列", "表头"]))
            if preview.samples:
                lines.append("前几行：")
                for row in preview.samples:
                    lines.append("  " + " | ".join(f"{k}={v[:12]}".replace("\n", " ")
                                            for k, v in row.items() if v))
        lines += [f"问题：{p}" for p in preview.problems]
        return "\n".join(lines)

    ctx.emit(preview.as_json(), text)
    return 0 if preview.ok else 1


def cmd_units_import(args: argparse.Namespace, ctx: CommandContext) -> int:
    contacts = read_contacts(Path(args.file), sheet=args.sheet)
    report = import_contacts(ctx.library(), contacts)
    ctx.emit(report.as_json(), report.summary)
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    fw = subgroup(sub, "framework", "测评体系")
    map_help = "指定列对应，如 --map 测评标准=D --map 牵头单位=G（字段：序号 版块 测评项目 测评内容 " \
               "测评标准 分值 测评方法 牵头单位 责任单位 佐证资料 配合单位）"
    p = fw.add_parser("import", parents=[common], help="从任务分解表（.xlsx）导入或更新测评体系")
    p.add_argument("file", help="任务分解表 .xlsx（或旧版 .xls）")
    p.add_argument("--name", help="测评体系名称（默认取表格标题）")
    p.add_argument("--map", action="append", metavar="字段=列", help=map_help)
    p.add_argument("--sheet", help="只读这个工作表")
    p.add_argument("--dry-run", action="store_true", help="只列出将要发生的变化，不写入资料库")
    p.add_argument("--force", action="store_true",
                   help="新表格与现有测评体系差别很大、会使佐证资料变为未归类时，仍然导入")
    p.set_defaults(handler=cmd_framework_import)

    p = fw.add_parser("inspect", parents=[common], help="查看任务分解表的表头识别结果（不导入）")
    p.add_argument("file")
    p.add_argument("--map", action="append", metavar="字段=列", help=map_help)
    p.add_argument("--sheet")
    p.set_defaults(handler=cmd_framework_inspect)

    units = subgroup(sub, "units", "责任单位")
    p = units.add_parser("import", parents=[common], help="导入单位通讯录（单位、联络员、电话）")
    p.add_argument("file", help="通讯录 .xlsx")
    p.add_argument("--sheet", help="只读这个工作表")
    p.set_defaults(handler=cmd_units_import)
