"""CivLedger (创文台账): ``python main.py`` opens the desktop application;
``python main.py [--library DIR] SUBCOMMAND …`` runs the same actions from the command line."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

# Each package registers its own subcommands; a package that is not there yet is skipped.
COMMAND_MODULES = (
    "archive.commands",  # init, periods, import, documents, trash, verify, backup
    "archive.framework_commands",  # framework import, units import
    "archive.demo_commands",  # demo
    "indexing.commands",  # index, search
    "exporters.framework_commands",  # framework export, units export
    "exporters.check_commands",  # check
    "exporters.commands",  # export, verify-package
    "gui.commands",  # gui --screenshot
)


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def build_parser() -> argparse.ArgumentParser:
    from archive.cli import common_parser

    parser = argparse.ArgumentParser(
        prog="civledger",
        description="创文台账：创建文明城市佐证资料的归档、检索、查漏补缺与迎检导出。",
    )
    parser.add_argument("--library", metavar="DIR",
                        help="资料库文件夹（默认：用户数据目录下的“默认资料库”）")
    parser.add_argument("--self-test", action="store_true",
                        help="在临时资料库上自检全部功能后退出")
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND")
    common = common_parser()
    for name in COMMAND_MODULES:
        if _module_exists(name):
            importlib.import_module(name).register(sub, common)
    return parser


def _configure_streams() -> None:
    # Windows consoles may not be UTF-8; never crash on a Chinese file name.
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def main(argv: list[str] | None = None) -> int:
    if sys.stdout is None or sys.stderr is None:
        # The windowed Windows build has no console: log to a file instead of crashing on
        # the first print, and keep tracebacks of crashes where a clerk can find them.
        from gui.logging_setup import setup_logging

        setup_logging(windowed=True)
    _configure_streams()
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        from gui.self_test import run_self_test

        return run_self_test()
    if args.command is None:
        from gui.app import run_app

        return run_app(library=args.library)

    from archive.cli import CommandContext
    from archive.errors import CivLedgerError

    ctx = CommandContext(args)
    try:
        return int(args.handler(args, ctx) or 0)
    except CivLedgerError as exc:
        sys.stderr.write(f"错误：{exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        return 130
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
