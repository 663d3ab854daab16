"""Subcommands of the archive core: init, framework show, units, periods, import, documents,
trash, verify, backup."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from archive import documents as docs
from archive import trash
from archive.cli import CommandContext, subgroup, table
from archive.documents import documents_json, list_documents, parse_date
from archive.fixity import verify_library
from archive.frameworks import create_sample_framework, current_framework, standards_overview
from archive.hooks import documents_changed
from archive.importer import import_paths
from archive.library import Library
from archive.models import Unit
from archive.periods import add_period, list_periods


def cmd_init(args: argparse.Namespace, ctx: CommandContext) -> int:
    lib = Library.create(ctx.library_dir, db_url=args.db)
    try:
        standards = 0
        if args.sample:
            with lib.session() as s:
                create_sample_framework(s)
                standards = len(standards_overview(s))
    finally:
        lib.close()
    ctx.emit({"library": str(ctx.library_dir), "sample": bool(args.sample),
              "standards": standards},
             f"已创建资料库：{ctx.library_dir}" + (f"（示例测评体系，{standards} 条测评标准）"
                                                  if args.sample else ""))
    return 0


def cmd_framework_show(args: argparse.Namespace, ctx: CommandContext) -> int:
    with ctx.library().session() as s:
        fw = current_framework(s)
        rows = standards_overview(s)
        name = fw.name if fw else None
    data = {"framework": name, "standards": [{k: v for k, v in r.items() if k != "id"}
                                             for r in rows]}
    ctx.emit(data, lambda: (f"测评体系：{name}\n" if name else "尚未导入测评体系。\n") + table(
        [[r["code"], r["title"][:40], r["score"] or "", r["method"], r["lead_unit"],
          "；".join(f"{q['label']}×{q['min_count']}" for q in r["requirements"])[:40]]
         for r in rows],
        ["编号", "测评标准", "分值", "测评方法", "牵头单位", "佐证资料"]))
    return 0


def cmd_units_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    from sqlalchemy import func, select

    from archive.models import Assignment

    with ctx.library().session() as s:
        counts = dict(s.execute(select(Assignment.unit_id, func.count()).group_by(
            Assignment.unit_id)).all())
        units = [{"name": u.name, "short_name": u.short_name, "contact": u.contact,
                  "phone": u.phone, "standards": counts.get(u.id, 0)}
                 for u in s.scalars(select(Unit).order_by(Unit.id))]
    ctx.emit({"units": units}, lambda: table(
        [[u["name"], u["contact"], u["phone"], u["standards"]] for u in units],
        ["单位", "联络员", "电话", "承担标准数"]))
    return 0


def _period_json(p: Any) -> dict[str, str]:
    return {"label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat()}


def cmd_periods_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    with ctx.library().session() as s:
        periods = [_period_json(p) for p in list_periods(s)]
    ctx.emit({"periods": periods}, lambda: table(
        [[p["label"], p["start"], p["end"]] for p in periods], ["年度", "开始", "结束"])
        if periods else "还没有年度。")
    return 0


def cmd_periods_add(args: argparse.Namespace, ctx: CommandContext) -> int:
    with ctx.library().session() as s:
        p = add_period(s, args.label, parse_date(args.start), parse_date(args.end))
        data = _period_json(p)
    ctx.emit(data, f"已添加年度 {data['label']}：{data['start']} 至 {data['end']}")
    return 0


def cmd_import(args: argparse.Namespace, ctx: CommandContext) -> int:
    result = import_paths(ctx.library(), [Path(p) for p in args.paths], str(args.period),
                          standard=args.standard, unit=args.unit, progress=ctx.progress)
    _after_import(ctx, result.changed_document_ids)

    def text() -> str:
        lines = [f"归档 {len(result.filed)} 件，未归类 {len(result.unassigned)} 件，"
                 f"重复 {len(result.duplicates)} 件，拒收 {len(result.refused)} 件。"]
        if result.created_period:
            lines.append(f"已新建年度 {result.created_period}。")
        for title, rows in (("未归类（未能对应到测评标准）", result.unassigned),
                            ("重复", result.duplicates)):
            if rows:
                lines.append(f"{title}：")
                lines += [f"  {r['source_path']}" for r in rows[:50]]
                if len(rows) > 50:
                    lines.append(f"  …… 共 {len(rows)} 件")
        if result.refused:
            lines.append("拒收：")
            lines += [f"  {r['source_path']}：{r['reason']}" for r in result.refused]
        if result.error:
            lines.append("错误：" + result.error)
        return "\n".join(lines)

    ctx.emit(result.as_json(), text)
    return 1 if result.error else 0


def _after_import(ctx: CommandContext, document_ids: list[int]) -> None:
    """Tell whoever follows changes (the search index, when loaded) what changed."""
    if document_ids:
        documents_changed(ctx.library(), document_ids)


def cmd_documents_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    filters = {"period": args.period, "standard": args.standard, "unit": args.unit,
               "deleted": args.trash}
    if ctx.json:
        # The database writes the JSON (see documents_json): no row dicts to build and encode.
        with ctx.library().read_session() as s:
            data = documents_json(s, **filters)
        _write_utf8(data + b"\n")
        return 0
    with ctx.library().read_session() as s:
        rows = list_documents(s, **filters)
    ctx.emit(None, lambda: wide_table(
        [[r["id"], r["period"], ",".join(r["standards"]) or "未归类", r["title"][:40],
          r["doc_number"], r["doc_date"] or "", r["unit"] or ""] for r in rows],
        ["编号", "年度", "测评标准", "题名", "文号", "日期", "单位"]) + f"\n共 {len(rows)} 件")
    return 0


def _write_utf8(data: bytes) -> None:
    """Print UTF-8 text as it is where the output is UTF-8; elsewhere (a Windows console or
    pipe in its code page) through the text layer, as every other command prints."""
    out = sys.stdout
    encoding = (getattr(out, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if encoding == "utf8" and hasattr(out, "buffer"):
        out.flush()
        out.buffer.write(data)
        out.buffer.flush()
    else:
        out.write(data.decode("utf-8"))


_WIDE = re.compile("[\u2e81-\U0010ffff]")  # characters a terminal shows two columns wide


def wide_table(rows: list[list[Any]], headers: list[str]) -> str:
    """``archive.cli.table``'s layout for tables of 100,000 rows: the display width of a cell
    is counted by one regular-expression scan (in C) instead of a Python step per character,
    which made ``documents list`` spend seconds on column widths."""

    def width(text: str) -> int:
        return len(text) if text.isascii() else len(text) + len(_WIDE.findall(text))

    cells = [[str(c) if c is not None else "" for c in row] for row in [headers, *rows]]
    sizes = [[width(c) for c in row] for row in cells]
    widths = [max(column) for column in zip(*sizes, strict=True)]
    cells.insert(1, ["-" * w for w in widths])
    sizes.insert(1, widths)
    return "\n".join(
        "  ".join(c + " " * (w - n) for c, n, w in zip(row, row_sizes, widths, strict=True))
        for row, row_sizes in zip(cells, sizes, strict=True))


def cmd_documents_edit(args: argparse.Namespace, ctx: CommandContext) -> int:
    changes: dict[str, Any] = {}
    for pair in args.set:
        key, sep, value = pair.partition("=")
        if not sep:
            from archive.errors import CivLedgerError

            raise CivLedgerError(f"“{pair}”应写成 字段=值，例如 title=实施方案")
        changes[key.strip()] = value
    with ctx.library().session() as s:
        if "unit" in changes:
            changes["unit_id"] = docs.unit_by_name(s, changes.pop("unit")).id
        if "released" in changes:
            changes["released"] = str(changes["released"]).lower() in ("1", "true", "yes", "是")
        doc = docs.update_document(s, args.id, **changes)
        for code in args.link or []:
            docs.link_standard(s, doc.id, docs.standard_by_code(s, code).id)
        for code in args.unlink or []:
            docs.unlink_standard(s, doc.id, docs.standard_by_code(s, code).id)
        data = {"id": doc.id, **{k: v for k, v in docs.snapshot(doc).items()}}
    _after_import(ctx, [args.id])
    ctx.emit(data, f"已更新文件记录 {args.id}")
    return 0


def cmd_documents_delete(args: argparse.Namespace, ctx: CommandContext) -> int:
    for doc_id in args.ids:
        trash.delete_document(ctx.library(), doc_id)
    _after_import(ctx, list(args.ids))
    ctx.emit({"deleted": args.ids}, f"已移入回收站：{len(args.ids)} 件")
    return 0


def cmd_documents_restore(args: argparse.Namespace, ctx: CommandContext) -> int:
    for doc_id in args.ids:
        trash.restore_document(ctx.library(), doc_id)
    _after_import(ctx, list(args.ids))
    ctx.emit({"restored": args.ids}, f"已从回收站恢复：{len(args.ids)} 件")
    return 0


def cmd_trash_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    rows = trash.list_trash(ctx.library())
    ctx.emit({"trash": rows}, lambda: table(
        [[r["id"], r["title"], r["deleted_at"]] for r in rows], ["编号", "题名", "删除时间"]))
    return 0


def cmd_trash_empty(args: argparse.Namespace, ctx: CommandContext) -> int:
    n = trash.empty_trash(ctx.library())
    ctx.emit({"purged": n}, f"已彻底删除回收站中的 {n} 件")
    return 0


def cmd_verify(args: argparse.Namespace, ctx: CommandContext) -> int:
    report = verify_library(ctx.library(), progress=ctx.progress)
    ctx.emit(report, lambda: (f"已校验 {report['checked']} 个文件，" +
                              ("全部完好。" if report["ok"] else
                               f"发现 {len(report['problems'])} 个问题：\n" + "\n".join(
                                   f"  [{p['kind']}] {p['message']}"
                                   for p in report["problems"]))))
    return 0 if report["ok"] else 1


def cmd_backup(args: argparse.Namespace, ctx: CommandContext) -> int:
    path = ctx.library().backup()
    ctx.emit({"backup": str(path)}, f"已备份数据库到 {path}")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("init", parents=[common], help="新建资料库")
    p.add_argument("--sample", action="store_true", help="附带示例测评体系")
    p.add_argument("--db", help="数据库地址，例如 postgresql+psycopg://user:pw@host/db")
    p.set_defaults(handler=cmd_init)

    fw = subgroup(sub, "framework", "测评体系")
    p = fw.add_parser("show", parents=[common], help="列出全部测评标准")
    p.set_defaults(handler=cmd_framework_show)

    units = subgroup(sub, "units", "责任单位")
    p = units.add_parser("list", parents=[common], help="列出单位")
    p.set_defaults(handler=cmd_units_list)

    periods = subgroup(sub, "periods", "台账年度")
    p = periods.add_parser("list", parents=[common], help="列出年度")
    p.set_defaults(handler=cmd_periods_list)
    p = periods.add_parser("add", parents=[common], help="添加年度")
    p.add_argument("label", help="年度名称，例如 2023")
    p.add_argument("--start", help="开始日期（默认该年 1 月 1 日）")
    p.add_argument("--end", help="结束日期（默认该年 12 月 31 日）")
    p.set_defaults(handler=cmd_periods_add)

    p = sub.add_parser("import", parents=[common], help="导入佐证资料（文件、文件夹、zip）")
    p.add_argument("paths", nargs="+", help="文件、文件夹或 zip 压缩包")
    p.add_argument("--period", required=True, help="台账年度，例如 2023")
    p.add_argument("--standard", help="全部归到此测评标准（编号）；不给则按文件夹名自动对应")
    p.add_argument("--unit", help="资料所属单位")
    p.set_defaults(handler=cmd_import)

    d = subgroup(sub, "documents", "文件记录")
    p = d.add_parser("list", parents=[common], help="列出文件记录")
    p.add_argument("--period")
    p.add_argument("--standard", help="测评标准或上级指标的编号（含其下级）")
    p.add_argument("--unit")
    p.add_argument("--trash", action="store_true", help="列出回收站中的记录")
    p.set_defaults(handler=cmd_documents_list)
    p = d.add_parser("edit", parents=[common], help="修改题名、文号、日期等")
    p.add_argument("id", type=int)
    p.add_argument("--set", action="append", default=[], metavar="字段=值",
                   help="title, doc_number, doc_date, author, retention, classification, "
                        "remarks, caption, unit, released")
    p.add_argument("--link", action="append", metavar="编号", help="再归到此测评标准")
    p.add_argument("--unlink", action="append", metavar="编号", help="从此测评标准下移除")
    p.set_defaults(handler=cmd_documents_edit)
    p = d.add_parser("delete", parents=[common], help="移入回收站")
    p.add_argument("ids", type=int, nargs="+")
    p.set_defaults(handler=cmd_documents_delete)
    p = d.add_parser("restore", parents=[common], help="从回收站恢复")
    p.add_argument("ids", type=int, nargs="+")
    p.set_defaults(handler=cmd_documents_restore)

    t = subgroup(sub, "trash", "回收站")
    p = t.add_parser("list", parents=[common])
    p.set_defaults(handler=cmd_trash_list)
    p = t.add_parser("empty", parents=[common], help="彻底删除回收站中的记录")
    p.set_defaults(handler=cmd_trash_empty)

    p = sub.add_parser("verify", parents=[common], help="校验资料库中每个文件的完整性")
    p.set_defaults(handler=cmd_verify)
    p = sub.add_parser("backup", parents=[common], help="备份数据库")
    p.set_defaults(handler=cmd_backup)
