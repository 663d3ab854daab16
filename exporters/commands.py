"""Subcommands of the evaluators' package: ``export`` and ``verify-package``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive.cli import CommandContext

if TYPE_CHECKING:
    from exporters.package import ExportReport

# exporters.package (the writer, office files, images) is imported by the two commands below
# when they run, not when every command of the program registers.

REASONS = {"forbidden_chars": "替换了 Windows 不允许的字符", "reserved": "避开了保留设备名",
           "trailing_dots": "去掉了结尾的句点或空格", "shortened": "缩短了名称",
           "deduplicated": "加了序号以免重名"}


def _export_text(report: ExportReport) -> str:
    from exporters.package.meter import human_bytes

    lines: list[str] = []
    if report.ok:
        how = "从U盘重新读出" if report.verified_from == "device" else "逐个读回"
        lines.append(f"已导出并{how}核对：{report.out_dir}")
    elif report.cancelled:
        lines.append(report.error)
    else:
        lines.append(f"导出未完成：{report.out_dir}")
        if report.error:
            lines.append("错误：" + report.error)
    lines.append(
        f"{report.standards} 条测评标准，{report.documents} 件资料，共 {report.files} 个文件、"
        f"{human_bytes(report.bytes)}；本次写入 {len(report.written)} 个，移动 "
        f"{len(report.moved)} 个，未变 {report.unchanged} 个，删除 {len(report.removed)} 个。")
    if report.held_back:
        lines.append(f"未导出 {len(report.held_back)} 件：")
        lines += [f"  [{h.document_id}] {h.title or h.source_path}：{h.reason}"
                  for h in report.held_back]
    if report.renamed:
        lines.append(f"改名 {len(report.renamed)} 件（U盘上的文件名与题名不同）：")
        for r in report.renamed[:30]:
            why = "、".join(REASONS.get(x, x) for x in r["reasons"])
            lines.append(f"  {r['path'].rsplit('/', 1)[-1]}：{why}")
        if len(report.renamed) > 30:
            lines.append(f"  …… 共 {len(report.renamed)} 件")
    for p in report.problems:
        lines.append(f"问题 [{p['kind']}] {p['message']}")
    lines += [f"说明：{n}" for n in report.notes]
    if report.zip_path:
        lines.append(f"压缩包：{report.zip_path}")
    if report.ok and report.verified_from != "device":
        lines.append("建议：安全弹出U盘、重新插上后运行 verify-package，从U盘本身再核对一遍。")
    return "\n".join(lines)


def cmd_export(args: argparse.Namespace, ctx: CommandContext) -> int:
    from exporters.package import export_package

    report = export_package(ctx.library(), str(args.period), Path(args.out), unit=args.unit,
                            standard=args.standard, make_zip=args.zip, progress=ctx.progress,
                            verify_device=args.verify_device)
    ctx.emit(report.as_json(), lambda: _export_text(report))
    return 0 if report.ok else 1


def _verify_text(result: dict[str, Any]) -> str:
    from exporters.package.meter import human_bytes

    if result["ok"]:
        return f"资料包完好：{result['checked']} 个文件与清单一致（{human_bytes(result['bytes'])}）。"
    lines = [f"资料包有 {len(result['problems'])} 个问题："]
    lines += [f"  [{p['kind']}] {p['message']}" for p in result["problems"]]
    return "\n".join(lines)


def cmd_verify_package(args: argparse.Namespace, ctx: CommandContext) -> int:
    from exporters.package import verify_package

    result = verify_package(Path(args.dir), progress=ctx.progress)
    ctx.emit(result, lambda: _verify_text(result))
    return 0 if result["ok"] else 1


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("export", parents=[common], help="导出迎检资料包（文件夹或U盘）")
    p.add_argument("--period", required=True, help="台账年度，例如 2023")
    p.add_argument("--out", required=True, metavar="DIR", help="导出到的文件夹，例如 E:\\迎检资料")
    p.add_argument("--unit", help="只导出此单位的资料")
    p.add_argument("--standard", metavar="CODE", help="只导出此指标（含其下级）的资料")
    p.add_argument("--zip", action="store_true", help="另外生成同名 .zip 压缩包")
    p.add_argument("--verify-device", action="store_true",
                   help="绕过系统缓存、从U盘重新读出每个文件核对（约慢一倍，可发现损坏或虚标容量的U盘）")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("verify-package", parents=[common], help="按清单核对资料包是否完好")
    p.add_argument("dir", help="资料包文件夹")
    p.set_defaults(handler=cmd_verify_package)
