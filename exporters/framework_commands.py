"""``framework export FILE.xlsx`` and ``units export FILE.xlsx``."""

from __future__ import annotations

import argparse
from pathlib import Path

from archive.cli import CommandContext, subgroup
from exporters.framework_workbook import export_framework, export_units


def cmd_framework_export(args: argparse.Namespace, ctx: CommandContext) -> int:
    result = export_framework(ctx.library(), Path(args.file), progress=ctx.progress)
    ctx.emit(result, f"已导出测评体系“{result['framework']}”：{result['standards']} 条测评标准 → "
                     f"{result['path']}")
    return 0


def cmd_units_export(args: argparse.Namespace, ctx: CommandContext) -> int:
    result = export_units(ctx.library(), Path(args.file))
    ctx.emit(result, f"已导出单位通讯录：{result['units']} 个单位 → {result['path']}")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    fw = subgroup(sub, "framework", "测评体系")
    p = fw.add_parser("export", parents=[common], help="把测评体系导出为任务分解表（.xlsx）")
    p.add_argument("file", help="导出的 .xlsx 文件")
    p.set_defaults(handler=cmd_framework_export)
    units = subgroup(sub, "units", "责任单位")
    p = units.add_parser("export", parents=[common], help="导出单位通讯录（.xlsx）")
    p.add_argument("file", help="导出的 .xlsx 文件")
    p.set_defaults(handler=cmd_units_export)
