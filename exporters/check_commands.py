"""``check``: the completeness and quality check (查漏补缺) from the command line, with the Excel
督办表 and the Word 督办通知; ``check accept|unaccept|accepted`` for the clerk's acceptances."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from archive.check import (
    FINDING_KINDS,
    KIND_LABELS,
    accept_finding,
    list_acceptances,
    run_check,
    unaccept_finding,
)
from archive.check.report import status_summary_text
from archive.check.score import percent
from archive.cli import CommandContext, table
from archive.errors import CivLedgerError

SHOWN_PER_KIND = 20


def _organisation(ctx: CommandContext) -> str:
    value = ctx.library().get_setting("organisation", "") or ""
    if isinstance(value, dict):
        value = value.get("name", "")
    return str(value)


def _human(data: dict[str, Any], report_text: str, show_all: bool) -> str:
    lines = [report_text]
    if not data["standards"]:
        lines.append("尚未导入测评体系（或该单位没有承担测评标准），只检查了资料质量。"
                     "可用 framework import 导入任务分解表。")
        return "\n".join(lines + _findings_text(data, show_all))
    score = data["score"]
    stage = f"（{score['stage']}目标 {percent(score['target'])}，" \
            f"{'已达到' if score['met'] else '未达到'}）" if score.get("target") is not None else ""
    lines.append(f"得分预估：按分值计完成率 {percent(score['weighted_ratio'])}，"
                 f"{score['points']:g} / {score['max_points']:g} 分{stage}")
    for t in score["targets"]:
        lines.append(f"  {t['stage']}目标 {percent(t['target'])}："
                     + ("已达到" if t["met"] else f"未达到，还需完成 {t['needed']} 条测评标准"))
    open_standards = [s for s in data["standards"] if s["status"] != "complete"]
    if open_standards:
        if data["unit"] and data["units"]:  # one unit: its role, not the lead
            roles = {s["code"]: s["role"] for s in data["units"][0]["standards"]}
            who, header = [roles.get(s["code"], "") for s in open_standards], "本单位职责"
        else:
            who, header = ["、".join(s["lead_units"])[:16] for s in open_standards], "牵头单位"
        lines += ["", "资料不全或缺失的测评标准：", table(
            [[s["code"], s["title"][:30], s["status_label"], w, s["lacking_text"]]
             for s, w in zip(open_standards, who, strict=True)],
            ["编号", "测评标准", "状态", header, "缺少的资料"])]
    lines += _findings_text(data, show_all)
    todo = [u for u in data["units"] if u["open_standards"] or u["open_findings"]]
    if todo:
        lines += ["", "各单位待办：", table(
            [[u["name"], u["open_standards"], u["open_findings"]] for u in todo],
            ["单位", "资料未齐全的测评标准", "待改正问题"])]
    return "\n".join(lines)


def _findings_text(data: dict[str, Any], show_all: bool) -> list[str]:
    lines: list[str] = []
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for f in data["findings"]:
        by_kind.setdefault(f["kind"], []).append(f)
    if data["findings"]:
        lines += ["", "质量问题："]
    for kind in FINDING_KINDS:
        rows = by_kind.get(kind, [])
        if not rows:
            continue
        open_count = sum(not f["accepted"] for f in rows)
        lines.append(f"【{KIND_LABELS[kind]}】{open_count} 件待处理"
                     + (f"，{len(rows) - open_count} 件已接受" if open_count < len(rows) else ""))
        shown = rows if show_all else rows[:SHOWN_PER_KIND]
        for f in shown:
            mark = f"（已接受：{f['reason']}）" if f["accepted"] else ""
            lines.append(f"  #{f['document_id']} {f['source_path']}：{f['message']}{mark}")
        if len(shown) < len(rows):
            lines.append(f"  …… 共 {len(rows)} 件，用 --all 或 --xlsx 查看全部")
    return lines


def cmd_check(args: argparse.Namespace, ctx: CommandContext) -> int:
    if not args.period:
        raise CivLedgerError("请用 --period 指定要检查的年度，例如 check --period 2023。")
    lib = ctx.library()
    report = run_check(lib, str(args.period), unit=args.unit, progress=ctx.progress)
    data = report.as_json()
    written: list[str] = []
    # The writers (openpyxl, python-docx: ~0.17 s to import) load only when asked for, not
    # with every command of the program.
    if args.xlsx:
        from exporters.todo_workbook import write_todo_workbook

        path = write_todo_workbook(data, Path(args.xlsx), files_root=lib.store.root)
        written.append(f"已生成督办表：{path}")
        data["xlsx"] = str(path)
    if args.docx:
        from exporters.todo_notices import write_notices

        paths = write_notices(data, Path(args.docx), issuer=_organisation(ctx))
        written.append(f"已生成 {len(paths)} 份督办通知：{Path(args.docx)}")
        data["docx"] = [str(p) for p in paths]
    text = status_summary_text(report)
    ctx.emit(data, lambda: _human(data, text, args.all) + ("\n\n" + "\n".join(written)
                                                           if written else ""))
    return 0


def cmd_accept(args: argparse.Namespace, ctx: CommandContext) -> int:
    with ctx.library().session() as s:
        row = accept_finding(s, args.kind, args.subject, args.reason)
        data = {"kind": row.kind, "subject": row.subject, "reason": row.reason}
    ctx.emit(data, f"已接受问题【{KIND_LABELS[data['kind']]}】{data['subject']}："
                   f"{data['reason']}（仍会列出，但不再计入）")
    return 0


def cmd_unaccept(args: argparse.Namespace, ctx: CommandContext) -> int:
    with ctx.library().session() as s:
        removed = unaccept_finding(s, args.kind, args.subject)
    label = KIND_LABELS[args.kind]
    ctx.emit({"kind": args.kind, "subject": args.subject, "removed": removed},
             f"已撤销对问题【{label}】{args.subject} 的接受。" if removed
             else f"问题【{label}】{args.subject} 本来就没有被接受。")
    return 0


def cmd_accepted(args: argparse.Namespace, ctx: CommandContext) -> int:
    with ctx.library().session() as s:
        rows = list_acceptances(s)
    ctx.emit({"accepted": rows}, lambda: table(
        [[KIND_LABELS.get(r["kind"], r["kind"]), r["subject"], r["reason"], r["actor"], r["at"]]
         for r in rows], ["问题类型", "对象", "理由", "接受人", "时间"]) if rows
        else "没有已接受的问题。")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    kinds = "、".join(f"{k}（{KIND_LABELS[k]}）" for k in FINDING_KINDS)
    p = sub.add_parser(
        "check", parents=[common], help="查漏补缺：资料是否齐全、质量问题、各单位督办清单",
        description="检查一个年度的佐证资料是否齐全、有无质量问题，并生成各单位的督办清单。")
    p.add_argument("--period", help="台账年度，例如 2023")
    p.add_argument("--unit", help="只看这个单位承担的测评标准和它的文件")
    p.add_argument("--xlsx", metavar="FILE", help="生成 Excel 督办表（汇总、每个单位一张督办单）")
    p.add_argument("--docx", metavar="DIR", help="在此文件夹为每个有待办的单位生成 Word 督办通知")
    p.add_argument("--all", action="store_true", help=f"列出全部问题（默认每类 {SHOWN_PER_KIND} 条）")
    p.set_defaults(handler=cmd_check)
    actions = p.add_subparsers(dest="check_cmd", metavar="accept|unaccept|accepted")
    a = actions.add_parser("accept", parents=[common], help="接受一个问题（仍列出，但不再计入）")
    a.add_argument("kind", metavar="KIND", help=f"问题类型：{kinds}")
    a.add_argument("subject", help="文件记录编号，例如 doc:12 或 12")
    a.add_argument("--reason", required=True, help="接受的理由")
    a.set_defaults(handler=cmd_accept)
    u = actions.add_parser("unaccept", parents=[common], help="撤销对一个问题的接受")
    u.add_argument("kind", metavar="KIND", help="问题类型（同 accept）")
    u.add_argument("subject")
    u.set_defaults(handler=cmd_unaccept)
    listing = actions.add_parser("accepted", parents=[common], help="列出已接受的问题")
    listing.set_defaults(handler=cmd_accepted)
