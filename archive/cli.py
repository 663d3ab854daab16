"""What every command-line module shares: the library it works on, JSON or text output,
a progress printer. Each package registers its own subcommands (``register(subparsers, common)``)
so the command line follows the same layering as the code.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from archive.library import Library, default_library_dir
from archive.progress import ProgressEvent

Handler = Callable[[argparse.Namespace, "CommandContext"], int]


class CommandContext:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.library_dir = Path(args.library) if args.library else default_library_dir()
        self.json = bool(getattr(args, "json", False))
        self._library: Library | None = None

    def library(self) -> Library:
        if self._library is None:
            self._library = Library.open(self.library_dir)
        return self._library

    def close(self) -> None:
        if self._library is not None:
            self._library.close()

    def emit(self, data: Any, text: str | Callable[[], str] = "") -> None:
        """Print ``data`` as JSON with ``--json``, else the human text (built lazily)."""
        if self.json:
            # No indent: json's C encoder only runs without it (100,000 rows in a fraction of
            # a second instead of seconds).
            import gc

            gc.disable()  # a large result is one tree of fresh objects: nothing to collect
            try:
                sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
            finally:
                gc.enable()
        else:
            body = text() if callable(text) else text
            if body:
                sys.stdout.write(body.rstrip("\n") + "\n")

    def progress(self, event: ProgressEvent) -> None:
        """A one-line progress display on a terminal; silent when output is piped or JSON."""
        if self.json or not sys.stderr.isatty():
            return
        if event.total:
            pct = event.done * 100 // max(event.total, 1)
            sys.stderr.write(f"\r{pct:3d}% {event.done}/{event.total} {event.message[:50]:<50}")
        if event.done >= event.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def subgroup(sub: argparse._SubParsersAction, name: str, help: str) -> argparse._SubParsersAction:
    """The subcommand group ``name`` ("framework", "units", …), created on first use, so that
    several packages can add commands to one group (``framework show`` from the archive,
    ``framework export`` from the exporters)."""
    groups: dict[str, argparse._SubParsersAction] = sub.__dict__.setdefault("_civ_groups", {})
    if name not in groups:
        parser = sub.add_parser(name, help=help)
        groups[name] = parser.add_subparsers(dest=f"{name}_cmd", required=True,
                                             metavar="COMMAND")
    return groups[name]


def common_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="以 JSON 输出，供脚本使用")
    return common


def table(rows: list[list[Any]], headers: list[str]) -> str:
    """A plain text table (CJK characters count double in width)."""

    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    cells = [[str(c) if c is not None else "" for c in row] for row in rows]
    widths = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(row: list[str]) -> str:
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths, strict=True))

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in cells])
