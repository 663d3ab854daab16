"""Writing the planned evidence tree to disk: one folder per period, as a clerk hands it over.

Each file's bytes depend only on the seed and the file's place in the plan (its own
``random.Random``), never on the clock, so a seed always gives the same files.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from archive.demo import content as c
from archive.demo import files
from archive.demo.plan import DemoItem, DemoPlan
from archive.progress import CancelToken, ProgressCallback, ProgressEvent, no_progress

CAMERAS = (("HUAWEI", "ELS-AN00"), ("Xiaomi", "M2102K1C"), ("Canon", "Canon EOS 80D"),
           ("OPPO", "PEGM00"), ("vivo", "V2055A"))


@dataclass
class WrittenSources:
    root: Path
    folders: dict[str, Path]  # period label → its folder
    files: int = 0  # files on disk (a zip counts once)
    bytes: int = 0
    sizes: dict[int, int] = field(default_factory=dict)  # item index → size


def _when(item: DemoItem, rng: random.Random) -> dt.datetime:
    if item.taken is not None:
        return item.taken
    day = item.doc_date or dt.date(2023, 1, 1)
    return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)))


def _signature(item: DemoItem, day: dt.date) -> list[str]:
    return [item.author or "区文明办", c.cn_date(day)]


def _docx(item: DemoItem, rng: random.Random, when: dt.datetime) -> bytes:
    day = when.date()
    std = item.standard_title or "文明城市创建"
    header = item.header or (f"{c.DISTRICT}创建全国文明城市工作资料" if rng.random() < 0.3 else "")
    title = item.title
    table: list[list[str]] | None = None
    number = ""
    if item.genre == "record":
        paras = c.record_paragraphs(rng, std, item.author, day)
        people = rng.sample(c.PEOPLE, rng.randint(5, 10))
        table = [["序号", "姓名", "单位", "职务", "签到"]] + [
            [str(i), name, rng.choice((item.author, *c.STREETS)), rng.choice(("科长", "主任",
             "副主任", "干事", "联络员")), "✓"] for i, name in enumerate(people, 1)]
        signature = [f"记录人：{rng.choice(c.PEOPLE)}", c.cn_date(day)]
    elif item.genre == "report":
        paras = "\n".join(c.report_pages(rng, std, item.author, day.year, 2)).split("\n")[2:]
        signature = _signature(item, day)
    elif item.genre == "table":
        header_row, rows = c.stats_rows(rng, item.requirement or "工作台账")
        table = [header_row] + [[str(v) for v in row] for row in rows]
        paras = [f"填报单位：{item.author}    填报日期：{c.cn_date(day)}"]
        signature = []
    elif item.genre == "note":
        paras = ["情况说明", rng.choice(c.GENERIC_SENTENCES)]
        signature = []
        title = "情况说明"
    else:  # plan, notice, system (制度)
        number = item.doc_number
        paras = c.body_paragraphs(rng, std, item.author, day.year, rng.randint(3, 7))
        if rng.random() < 0.5:
            table = [["序号", "工作任务", "牵头单位", "完成时限"]] + [
                [str(i), rng.choice(c.ACTIVITIES), rng.choice((item.author, "区文明办",
                 "团区委")), f"{day.year}年{rng.randint(max(day.month, 1), 12)}月底前"]
                for i in range(1, rng.randint(4, 8))]
        signature = _signature(item, day)
    return files.docx_bytes(title, paras, when, number=number, signature=signature,
                            header=header, table=table, author=item.author)


def _pdf_pages(item: DemoItem, rng: random.Random, when: dt.datetime) -> list[str]:
    day = when.date()
    std = item.standard_title or "文明城市创建"
    if item.genre == "report":
        return c.report_pages(rng, std, item.author, day.year, rng.randint(1, 3))
    if item.genre == "record":
        lines = [item.title, ""] + c.record_paragraphs(rng, std, item.author, day)
    else:
        lines = ([item.doc_number] if item.doc_number else []) + [item.title, ""]
        lines += c.body_paragraphs(rng, std, item.author, day.year, rng.randint(3, 6))
    lines += ["", *_signature(item, day)]
    return ["\n".join(lines[i:i + 28]) for i in range(0, len(lines), 28)]


def item_bytes(item: DemoItem, seed: int, index: int) -> bytes:
    """The content of planned file ``index`` (copies are resolved by the caller)."""
    rng = random.Random(f"civledger-demo/{seed}/item/{index}")
    when = _when(item, rng)
    kind = item.kind
    if kind == "docx":
        return _docx(item, rng, when)
    if kind == "pdf":
        return files.pdf_bytes(_pdf_pages(item, rng, when), when, item.title, item.author)
    if kind == "xlsx":
        header, rows = c.stats_rows(rng, item.requirement or "工作台账")
        return files.xlsx_bytes(item.title, header, rows, when, item.author)
    if kind == "photo":
        return files.photo_bytes(rng, item.taken, rng.choice(CAMERAS))
    if kind == "png":
        return files.screenshot_bytes(rng)
    if kind == "scan":
        return files.scanned_pdf_bytes(rng, when, pages=rng.randint(1, 2))
    if kind == "encrypted":
        return files.encrypted_pdf_bytes([item.title, rng.choice(c.GENERIC_SENTENCES)[:30]],
                                         "123456", rng.randbytes(16))
    if kind == "corrupt":
        whole = files.pdf_bytes(_pdf_pages(item, rng, when), when, item.title, item.author)
        return whole[: len(whole) * 3 // 5]  # cut off in transfer: no xref, no trailer
    if kind == "empty":
        return b""
    if kind == "junk":
        if item.name.startswith("~$"):  # Word's owner file: the user name, padded
            return b"\x0cqingyuan-pc" + b"\x00" * 150
        return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(4088)  # an OLE thumbnail cache
    raise ValueError(f"unknown demo file kind {kind!r}")


def write_sources(
    plan: DemoPlan,
    dest: Path,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> WrittenSources:
    """Write every planned file under ``dest/<period folder>/…``; zips are assembled last."""
    dest = Path(dest)
    folders = {p.label: dest / p.folder for p in plan.periods}
    out = WrittenSources(dest, folders)
    copied = {i.copy_of for i in plan.items if i.copy_of is not None}
    cache: dict[int, bytes] = {}
    zips: dict[tuple[str, str], list[tuple[str, bytes]]] = {}
    total = len(plan.items)
    for index, item in enumerate(plan.items):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(ProgressEvent(index, total, item.name))
        data = cache[item.copy_of] if item.copy_of is not None else item_bytes(
            item, plan.seed, index)
        if index in copied:
            cache[index] = data
        out.sizes[index] = len(data)
        out.bytes += len(data)
        if item.zip_path:
            inner = item.path[len(item.zip_path) + 1:]
            zips.setdefault((item.period, item.zip_path), []).append((inner, data))
            continue
        target = folders[item.period] / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        out.files += 1
    ends = {p.label: p.end for p in plan.periods}
    for (period, zip_path), entries in zips.items():
        target = folders[period] / zip_path
        target.parent.mkdir(parents=True, exist_ok=True)
        when = dt.datetime.combine(ends[period], dt.time(17, 30))
        target.write_bytes(files.gbk_zip_bytes(entries, when))
        out.files += 1
    progress(ProgressEvent(total, total, "示例文件已生成"))
    return out
