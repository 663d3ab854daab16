"""Issue 5 (查漏补缺): a full check of one period of a 200-standard × 60-unit × 3-period library
holding 50,000 documents, against the issue's target of under 1 s; the GUI's tree badges
(``node_status``), one document's findings, and the Excel/Word reports for context.

The library is built with Core bulk inserts (fake File rows with statuses, short texts and EXIF
dates as extraction would leave them), with every kind of defect sprinkled in at realistic rates.
Baseline, measured in the same run: *read rows* — the bare queries that fetch the period's
documents, links and files the check needs, without judging anything. The ratio says how much the
judging itself costs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sqlalchemy import func, insert, select  # noqa: E402

from archive.check import findings_for_document, node_status, run_check  # noqa: E402
from archive.frameworks import SAMPLE_PATH, IndicatorSpec, create_framework  # noqa: E402
from archive.library import Library  # noqa: E402
from archive.models import (  # noqa: E402
    Document,
    DocumentRequirement,
    DocumentStandard,
    File,
    FindingAcceptance,
    Indicator,
    Period,
    Requirement,
    Unit,
)
from archive.periods import add_period  # noqa: E402

ISSUE = 5
YEARS = (2021, 2022, 2023)
FILLER = ("按照创建全国文明城市工作部署，我单位高度重视，成立工作专班，明确责任分工，"
          "细化工作措施，扎实推进各项任务落实，取得了阶段性成效。")
WORDS = ("创文", "志愿服务", "文明实践", "背街小巷", "垃圾分类", "道德讲堂", "理论宣讲", "公益广告",
         "农贸市场", "网格化", "未成年人", "诚信建设", "文明交通", "社区", "校园")


def _row(name: str, value: float | None, unit: str, target: str, ok: bool | None,
         notes: str = "") -> dict[str, Any]:
    return {"issue": ISSUE, "name": name, "value": value, "unit": unit, "target": target,
            "ok": ok, "notes": notes}


def _framework(standards: int, units: int) -> list[IndicatorSpec]:
    reqs = [s["req"] for b in json.loads(SAMPLE_PATH.read_text("utf-8"))["blocks"]
            for it in b["items"] for c in it["contents"] for s in c["standards"]]
    names = [f"区第{i + 1:02d}部门" for i in range(units)]
    shares = (0.3, 0.5, 0.2)
    blocks: list[IndicatorSpec] = []
    n = 0
    for b, share in enumerate(shares, start=1):
        block = IndicatorSpec(title=f"版块{b}", code=str(b), score=100 * share)
        item = IndicatorSpec(title=f"测评项目{b}.1", code=f"{b}.1")
        block.children.append(item)
        count = round(standards * share) if b < len(shares) else standards - n
        content: IndicatorSpec | None = None
        for k in range(count):
            if k % 5 == 0:
                c = k // 5 + 1
                content = IndicatorSpec(title=f"测评内容{b}.1.{c}", code=f"{b}.1.{c}")
                item.children.append(content)
            assert content is not None
            lead = names[n % units]
            content.children.append(IndicatorSpec(
                title=f"测评标准{n + 1}：{WORDS[n % len(WORDS)]}工作", code=f"{content.code}.{k % 5 + 1}",
                score=float(1 + n % 4), requirement_text=reqs[n % len(reqs)],
                lead_units=[lead], units=[names[(n + 7) % units], names[(n + 13) % units]],
                support_units=[names[(n + 29) % units]]))
            n += 1
        blocks.append(block)
    return blocks


def build_library(root: Path, standards: int, units: int, documents: int,
                  seed: int = 5) -> Library:
    """The benchmark ledger, with defects at rates a real ledger shows before an inspection."""
    lib = Library.create(root)
    with lib.session() as s:
        create_framework(s, "基准测评体系", _framework(standards, units))
        periods = [add_period(s, str(y)) for y in YEARS]
        period_rows = [(p.id, p.start, p.end) for p in periods]
        std_rows = s.execute(select(Indicator.id).where(Indicator.is_standard.is_(True))
                             .order_by(Indicator.position)).scalars().all()
        labels: dict[int, list[tuple[int, str]]] = {}
        for rid, ind, label in s.execute(select(Requirement.id, Requirement.indicator_id,
                                                Requirement.label)):
            labels.setdefault(ind, []).append((rid, label))
        unit_ids = s.execute(select(Unit.id)).scalars().all()
    rng = random.Random(seed)
    now = dt.datetime(2024, 5, 1, 9, 0)
    files: list[dict[str, Any]] = []
    docs: list[dict[str, Any]] = []
    links: list[dict[str, int]] = []
    explicit: list[dict[str, int]] = []
    earlier_files: list[int] = []  # files of earlier periods, for reuse
    # Evidence is uneven: some standards get plenty, some a few, some (15 %) none in a year.
    weights = [list(itertools.accumulate(0.0 if rng.random() < 0.15 else rng.random() ** 3
                                         for _ in std_rows)) for _ in YEARS]
    for i in range(1, documents + 1):
        p_index = (i - 1) * len(YEARS) // documents
        period_id, start, end = period_rows[p_index]
        sid = rng.choices(std_rows, cum_weights=weights[p_index])[0]
        reqs = labels.get(sid, [(0, "工作资料")])
        rid, label = reqs[rng.randrange(len(reqs))]
        roll = rng.random()
        kind = ("photo" if "照片" in label or roll < 0.3 else "table" if roll < 0.4
                else "video" if roll < 0.42 else "document")
        ext = {"photo": "jpg", "table": "xlsx", "video": "mp4", "document": "docx"}[kind]
        title = (f"IMG_{i:05d}" if kind == "photo" and rng.random() < 0.7
                 else f"{start.year}年{rng.choice(WORDS)}{label}" if rng.random() < 0.6
                 else f"{rng.choice(WORDS)}{rng.choice(WORDS)}情况")
        day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
        if rng.random() < 0.03:
            day = day.replace(year=day.year - 2)  # out_of_period
        status = rng.choices(("ok", "no_text", "empty", "corrupt", "encrypted", "pending"),
                             (0.9, 0.04, 0.01, 0.01, 0.01, 0.03))[0]
        file_id = i
        if p_index and earlier_files and rng.random() < 0.03:
            file_id = rng.choice(earlier_files)  # reused: last year's very file
        else:
            text = "" if kind != "document" else (
                ("秘密★1年\n" if rng.random() < 0.003 else "") + title + "\n" + FILLER * 2)
            info: dict[str, Any] = {}
            if kind == "photo":
                info["exif_date"] = day.isoformat()
            if status == "corrupt" and rng.random() < 0.5:
                info["repaired"] = True
            files.append({
                "id": i, "sha256": hashlib.sha256(b"bench-check-%d" % i).hexdigest(),
                "size": 0 if status == "empty" else rng.randint(20_000, 900_000),
                "original_name": f"{title}.{ext}", "ext": ext, "page_count": 1,
                "text": text if status in ("ok", "corrupt") else None,
                "status": status, "status_reason": "", "info": info, "created_at": now,
            })
            if p_index < len(YEARS) - 1:
                earlier_files.append(i)
        docs.append({
            "id": i, "period_id": period_id,
            "unit_id": rng.choice(unit_ids) if rng.random() < 0.6 else None,
            "file_id": file_id, "kind": kind,
            "title": title + ("（关于进一步加强新时代文明实践中心建设的实施意见及配套制度汇编）"
                              if rng.random() < 0.005 else ""),
            "doc_number": "", "doc_date": None if rng.random() < 0.1 else day,
            "author": "", "retention": "30年", "classification": "公开", "remarks": "",
            "caption": "" if kind == "photo" and rng.random() < 0.2 else "现场照片说明",
            "source_path": f"{sid}/{title}.{ext}", "released": False,
            "created_at": now, "updated_at": now,
        })
        if rng.random() > 0.02:  # 2 % unassigned
            links.append({"document_id": i, "indicator_id": sid})
            if rng.random() < 0.03:
                links.append({"document_id": i,
                              "indicator_id": std_rows[(std_rows.index(sid) + 1)
                                                       % len(std_rows)]})
        if rid and rng.random() < 0.02:
            explicit.append({"document_id": i, "requirement_id": rid})
    with lib.engine.begin() as conn:
        for table, rows in ((File, files), (Document, docs), (DocumentStandard, links),
                            (DocumentRequirement, explicit)):
            for at in range(0, len(rows), 20_000):
                conn.execute(insert(table), rows[at:at + 20_000])
        conn.execute(insert(FindingAcceptance), [
            {"kind": "photo_caption", "subject": f"doc:{i}", "reason": "说明见活动总结",
             "actor": "bench", "at": now} for i in range(1, documents, max(1, documents // 200))
        ])
    return lib


CPU: dict[int, list[float]] = {}  # id(list of wall times) → CPU times of the same runs


def _times(fn: Callable[[], Any], runs: int) -> list[float]:
    """Wall-clock times of ``runs`` calls; the CPU times go to ``CPU`` (on a shared, loaded
    machine the two differ, and the CPU time says what the code itself costs)."""
    out, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        out.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU[id(out)] = cpu
    return out


def _cpu(times: list[float]) -> str:
    return f"CPU time median {statistics.median(CPU[id(times)]):.2f} s"


def _load() -> str:
    try:
        return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    except OSError:
        return ""


def read_rows(lib: Library, period: str) -> int:
    """Baseline: the bare reads a check needs (documents with files, links), no judging."""
    from archive.markings import FIRST_CHARS

    with lib.session() as s:
        pid = s.scalar(select(Period.id).where(Period.label == period))
        rows = s.execute(
            select(Document.id, Document.unit_id, Document.file_id, Document.kind,
                   Document.title, Document.doc_number, Document.doc_date, Document.caption,
                   Document.classification, Document.released, Document.source_path,
                   File.sha256, File.size, File.original_name, File.ext, File.status,
                   File.status_reason, File.info, func.substr(File.text, 1, FIRST_CHARS))
            .join(File, File.id == Document.file_id)
            .where(Document.period_id == pid, Document.deleted_at.is_(None))
        ).all()
        links = s.execute(
            select(DocumentStandard.document_id, DocumentStandard.indicator_id)
            .join(Document, Document.id == DocumentStandard.document_id)
            .where(Document.period_id == pid, Document.deleted_at.is_(None))
        ).all()
    return len(rows) + len(links)


def run(quick: bool, workdir: Path) -> list[dict[str, Any]]:
    standards, units, documents = (50, 20, 5_000) if quick else (200, 60, 50_000)
    scale = f"{standards} standards × {units} units × {len(YEARS)} periods, {documents:,} documents"
    full = not quick
    root = workdir / "check-lib"
    shutil.rmtree(root, ignore_errors=True)
    t0 = time.perf_counter()
    lib = build_library(root, standards, units, documents)
    built = time.perf_counter() - t0
    period = str(YEARS[-1])
    rows: list[dict[str, Any]] = []
    try:
        run_check(lib, period)  # warm the page cache and the matcher cache, as a GUI session
        check = _times(lambda: run_check(lib, period), 5)
        base = _times(lambda: read_rows(lib, period), 5)
        report = run_check(lib, period)
        summary = report.summary
        every = _times(lambda: [run_check(lib, str(y)) for y in YEARS], 1)[0]
        with lib.session() as s:
            badges = _times(lambda: node_status(s, period), 5)
            doc_id = report.findings[len(report.findings) // 2].document_id
            one = _times(lambda: findings_for_document(s, doc_id), 5)
        data = report.as_json()
        as_json = _times(lambda: json.dumps(report.as_json(), ensure_ascii=False), 1)[0]
        from exporters.todo_notices import write_notices
        from exporters.todo_workbook import write_todo_workbook

        xlsx = _times(lambda: write_todo_workbook(data, workdir / "督办表.xlsx",
                                                  lib.store.root), 1)[0]
        docx = _times(lambda: write_notices(data, workdir / "通知"), 1)[0]
    finally:
        lib.close()
        shutil.rmtree(root, ignore_errors=True)
    med, med_base = statistics.median(check), statistics.median(base)
    load = _load()
    rows.append(_row(
        f"Full check of one period ({scale})", med, "s", "< 1 s", med < 1.0 if full else None,
        f"run_check('{period}') with all units: median of {len(check)} "
        f"({', '.join(f'{t:.2f}' for t in check)} s), {_cpu(check)}, {load}; "
        f"{summary['documents']:,} documents, "
        f"{summary['findings']:,} open findings, {summary['complete']}/{summary['standards']} "
        f"standards complete; library built in {built:.1f} s"))
    rows.append(_row(
        "Full check ÷ baseline (bare reads of the rows it needs)", med / med_base, "×",
        "(context)", None, f"baseline read_rows: median {med_base:.3f} s; the rest is judging "
                           "(matching, findings, units, score)"))
    rows.append(_row(f"Full check of all {len(YEARS)} periods", every, "s", "(context)", None,
                     "three run_check calls in sequence"))
    med_badges = statistics.median(badges)
    rows.append(_row("Tree badges (node_status) for one period", med_badges, "s", "< 0.5 s",
                     med_badges < 0.5 if full else None,
                     f"refreshed by the GUI after every change; no text is read; {_cpu(badges)}"))
    rows.append(_row("One document's findings (findings_for_document)", statistics.median(one),
                     "s", "< 0.05 s", statistics.median(one) < 0.05 if full else None,
                     "the document panel; reads the neighbours under its standards only; "
                     f"{_cpu(one)}"))
    rows.append(_row("Report to JSON", as_json, "s", "(context)", None,
                     f"{len(data['findings']):,} findings"))
    rows.append(_row("Excel 督办表 (xlsx)", xlsx, "s", "(context)", None,
                     f"{3 + len(data['units'])} sheets, {len(data['findings']):,} findings"))
    rows.append(_row("Word 督办通知 (docx, one per unit)", docx, "s", "(context)", None,
                     f"{sum(1 for u in data['units'] if u['open_standards'] or u['open_findings'])}"
                     " notices"))
    return rows


if __name__ == "__main__":
    for r in run("--quick" in sys.argv, REPO / "bench" / "work" / "check"):
        print(r)
