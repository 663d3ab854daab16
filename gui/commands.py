"""``gui [--screenshot FILE.png]``: open the application on ``--library``, or render it to a PNG."""

from __future__ import annotations

import argparse
from pathlib import Path

from archive.cli import CommandContext
from gui.screenshot import VIEWS


def cmd_gui(args: argparse.Namespace, ctx: CommandContext) -> int:
    if args.screenshot:
        from gui.screenshot import render

        width, _, height = args.size.partition("x")
        info = render(ctx.library_dir, Path(args.screenshot), view=args.view, query=args.query,
                      size=(int(width), int(height or 900)),
                      file=Path(args.file) if args.file else None)
        ctx.emit(info, f"已保存截图：{info['screenshot']}（{info['width']}×{info['height']}，"
                       f"列出 {info['documents']} 件资料）")
        return 0
    from gui.app import run_app

    return run_app(library=str(ctx.library_dir))


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("gui", parents=[common], help="打开桌面程序；或生成界面截图")
    p.add_argument("--screenshot", metavar="FILE.png",
                   help="不显示窗口：选中一条测评标准并列出资料，把窗口保存为 PNG 后退出")
    p.add_argument("--view", choices=VIEWS, default="ledger",
                   help="截图的界面（默认 ledger：台账）")
    p.add_argument("--query", default="", help="search 截图使用的检索词")
    p.add_argument("--file", help="framework 截图读取的任务分解表；export 截图的导出文件夹")
    p.add_argument("--size", default="1440x900", help="窗口大小，例如 1440x900")
    p.set_defaults(handler=cmd_gui)
