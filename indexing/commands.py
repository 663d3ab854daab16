"""Subcommands of the indexing stage: ``index`` and ``search``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from archive.cli import CommandContext
from archive.models import FILE_STATUSES

STATUS_NAMES = {"ok": "正常", "empty": "空文件", "corrupt": "已损坏", "encrypted": "已加密",
                "no_text": "无文字层", "unsupported": "未提取", "pending": "待处理"}


def cmd_index(args: argparse.Namespace, ctx: CommandContext) -> int:
    from indexing import index, pipeline

    lib = ctx.library()
    data: dict[str, Any] = {}
    if args.reextract:
        data["reset"] = pipeline.reset_files(lib, args.reextract)
    if args.rebuild:
        data["rebuild"] = index.rebuild(lib, progress=ctx.progress)
    data.update(pipeline.extract_pending(lib, progress=ctx.progress))

    def text() -> str:
        lines = []
        if "reset" in data:
            lines.append(f"重新提取 {data['reset']} 个文件。")
        if "rebuild" in data:
            lines.append(f"已重建检索索引：{data['rebuild']['indexed']} 件，"
                         f"用时 {data['rebuild']['seconds']:.1f} 秒。")
        statuses = "，".join(f"{STATUS_NAMES.get(k, k)} {v}"
                            for k, v in sorted(data["statuses"].items(),
                                               key=lambda kv: FILE_STATUSES.index(kv[0])))
        lines.append(f"提取文字 {data['extracted']} 个文件" + (f"（{statuses}）" if statuses else "")
                     + f"，更新索引 {data['indexed']} 件。")
        return "\n".join(lines)

    ctx.emit(data, text)
    return 0


def _bold(text: str, spans: list[tuple[int, int]]) -> str:
    if not sys.stdout.isatty():
        return text
    out, pos = [], 0
    for start, end in spans:
        out += [text[pos:start], "\033[1m", text[start:end], "\033[0m"]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def cmd_search(args: argparse.Namespace, ctx: CommandContext) -> int:
    from indexing.search import search

    hits = search(ctx.library(), args.query, period=args.period, standard=args.standard,
                  unit=args.unit, file_type=args.type, limit=args.limit)

    def text() -> str:
        if not hits:
            return f"没有找到包含“{args.query}”的文件。"
        lines = [f"找到 {len(hits)} 件" + ("（已达显示上限，可用 --limit 显示更多）"
                                          if len(hits) >= args.limit else "") + "："]
        for h in hits:
            where = "、".join(h.standards) or "未归类"
            page = f"  第{h.page}页" if h.page else ""
            lines.append(f"[{h.document_id}] {h.title}  （{h.period}年度，{where}{page}）")
            lines.append(f"    {_bold(h.snippet, h.highlights)}")
            lines.append(f"    {h.source_path}")
        return "\n".join(lines)

    ctx.emit({"hits": [h.as_json() for h in hits]}, text)
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from indexing import install_hooks

    install_hooks()
    p = sub.add_parser("index", parents=[common], help="提取文字并更新检索索引")
    p.add_argument("--rebuild", action="store_true", help="从数据库重建检索索引")
    p.add_argument("--reextract", nargs="+", metavar="状态",
                   choices=[s for s in FILE_STATUSES if s != "pending"],
                   help="重新提取这些状态的文件，例如安装 LibreOffice 后：--reextract unsupported")
    p.set_defaults(handler=cmd_index)

    p = sub.add_parser("search", parents=[common], help="全文检索")
    p.add_argument("query", help='检索词：词语、"短语"、AND/OR/NOT、括号')
    p.add_argument("--period", help="台账年度")
    p.add_argument("--standard", help="测评标准或上级指标的编号（含其下级）")
    p.add_argument("--unit", help="单位")
    p.add_argument("--type", help="文件类型，例如 pdf 或 docx,doc")
    p.add_argument("--limit", type=int, default=50, help="最多显示几件（默认 50）")
    p.set_defaults(handler=cmd_search)
