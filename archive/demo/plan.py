"""What the demo library holds: every file to generate, where a clerk would have put it, and
which defects it carries — decided before a single byte is written.

The plan is a pure function of the framework's standards, the units, the periods, the number of
documents and the seed. Folder names follow the habits seen in real ledgers ("1.1.4.1 …",
"06 …", a bare title, block folders, unit folders, a GBK zip from a unit, a 待整理 folder), and
each one is checked with the importer's own matcher so the plan knows where every file will land.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field
from typing import Any

from archive.demo import content as c
from archive.folder_mapping import StandardKey, StandardMatcher, UnitMatcher

# Defects a new user should meet in the demo (keys of ``DemoPlan.defects``).
DEFECT_KINDS = (
    "missing_standard",  # a standard with no evidence at all in a period
    "partial_standard",  # fewer photos than required, a required item left out
    "scanned_pdf",  # image-only PDF, no text layer
    "reused_last_year",  # byte-identical to a file of the previous period
    "out_of_period",  # dated (or photographed) outside the period
    "classified",  # 秘密★1年 in the header, recorded as 公开
    "long_name",  # a title far longer than any stick's folder can hold
    "trailing_dot",  # "….docx" with a dot ending the title (Windows drops it)
    "reserved_name",  # CON.docx: a device name on Windows
    "empty_file",  # 0 bytes
    "corrupt_pdf",  # truncated in transfer
    "encrypted_pdf",  # password protected
    "uncaptioned_photo",  # photo without 时间、地点、人物、事由
    "unassigned",  # in a folder that names no standard
    "duplicate_link",  # the same file put under two standards
    "junk",  # Thumbs.db, ~$ Office lock files: refused on import
)
# Files that carry a fixed defect and are documents of their own.
FIXED_DEFECT_DOCUMENTS = 15
MIN_DOCUMENTS = FIXED_DEFECT_DOCUMENTS + 15

_FORBIDDEN = re.compile(r'[\\/:*?"<>|\r\n\t]')


@dataclass(frozen=True)
class PeriodSpec:
    label: str
    start: dt.date
    end: dt.date
    folder: str  # the period's top folder, as the clerk named it


DEFAULT_PERIODS = (
    PeriodSpec("2022", dt.date(2022, 1, 1), dt.date(2022, 12, 31), "2022年创文资料"),
    # The office moved to the evaluators' campaign year in mid-2023: a short 2023 ledger …
    PeriodSpec("2023", dt.date(2023, 1, 1), dt.date(2023, 7, 31), "2023年创文资料（1-7月）"),
    # … and then the campaign year 2023-08-01 … 2024-07-31, labelled by the evaluation year.
    PeriodSpec("2024", dt.date(2023, 8, 1), dt.date(2024, 7, 31), "2024测评年度资料"),
)


@dataclass
class DemoItem:
    """One file of the generated tree."""

    period: str
    path: str  # as the importer reports it: relative to the period folder, "/"-separated
    kind: str  # docx pdf scan xlsx photo png empty corrupt encrypted junk
    genre: str  # what the text is: plan record report table photo note
    standard: str | None  # the code the folders map to; None: unassigned or refused
    title: str  # the real title (what a clerk catalogues)
    requirement: str = ""  # the requirement label it answers
    standard_title: str = ""
    doc_number: str = ""
    doc_date: dt.date | None = None
    author: str = ""
    unit: str | None = None  # unit recorded for the document
    caption: str = ""
    retention: str = "30年"
    catalogue: bool = True  # the clerk filled in 题名/文号/日期/责任者 (and caption) after filing
    header: str = ""
    taken: dt.datetime | None = None  # photos: EXIF DateTimeOriginal
    copy_of: int | None = None  # index of the item whose bytes this one repeats
    document: bool = True  # becomes a document of its own (False: link or refused)
    zip_path: str = ""  # the zip holding it ("各单位报送/团区委.zip"), else ""
    defects: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass
class DemoPlan:
    seed: int
    periods: list[PeriodSpec]
    items: list[DemoItem]
    standards: list[str]  # codes, framework order
    partial: list[str] = field(default_factory=list)  # "period code" left deliberately partial

    @property
    def documents(self) -> int:
        return sum(1 for i in self.items if i.document)

    def defects(self) -> dict[str, list[str]]:
        """Defect kind → "period path" (or "period code" for standards), for the report."""
        out: dict[str, list[str]] = {k: [] for k in DEFECT_KINDS}
        for item in self.items:
            for d in item.defects:
                out[d].append(f"{item.period} {item.path}")
        for p in self.periods:
            filed = {i.standard for i in self.items if i.period == p.label and i.standard}
            out["missing_standard"] += [f"{p.label} {code}" for code in self.standards
                                        if code not in filed]
        out["partial_standard"] = list(self.partial)
        return out


def safe_name(text: str, limit: int = 60) -> str:
    """A file or folder name Windows accepts: no \\ / : * ? " < > |, no trailing dot/space."""
    name = _FORBIDDEN.sub("", text)[:limit]
    return name.rstrip(". ")


def _short(title: str, n: int = 14) -> str:
    """The first clause of a title, cut where a clerk would cut it (not inside “…”)."""
    text = re.split(r"[，；。]", title)[0]
    if len(text) > n:
        cut = max(text.rfind(sep, 0, n + 1) for sep in ("、", "和", "及", "“"))
        text = text[:cut] if cut >= 6 else text[:n]
    if text.count("“") > text.count("”"):
        text = text[: text.rfind("“")] if text.rfind("“") >= 4 else text.replace("“", "")
    return safe_name(text.rstrip("、和及"), n)


class _Namer:
    """Names of the standards' folders in one period, checked against the importer's matcher."""

    def __init__(self, standards: list[dict[str, Any]], matcher: StandardMatcher,
                 rng: random.Random, style: str, blocks: bool) -> None:
        self.by_code = {s["code"]: s for s in standards}
        self.matcher = matcher
        self.rng = rng
        self.style = style
        self.blocks = blocks
        self.cache: dict[str, tuple[str, ...]] = {}

    def _candidates(self, std: dict[str, Any]) -> list[str]:
        short = _short(std["title"])
        names = {
            "code": f"{std['code']} {short}",
            "seq": f"{std['seq']:02d} {short}" if std.get("seq") else "",
            "title": short,
        }
        order = [self.style] + [k for k in ("code", "seq", "title") if k != self.style]
        if self.rng.random() < 0.2:  # clerks are not consistent
            self.rng.shuffle(order)
        return [names[k] for k in order if names[k]]

    def folders(self, code: str) -> tuple[str, ...]:
        if code in self.cache:
            return self.cache[code]
        std = self.by_code[code]
        sid = std["id"]
        chosen: tuple[str, ...] = (f"{code} {_short(std['title'])}",)
        for name in self._candidates(std):
            if self.matcher.match_folder(name) == sid:
                chosen = (name,)
                break
        if self.blocks and std.get("path"):
            block = f"{code.split('.')[0]} {safe_name(std['path'][0], 30)}"
            if self.matcher.match((block, *chosen)) == sid and self.matcher.match_folder(
                    block) is None:
                chosen = (block, *chosen)
        self.cache[code] = chosen
        return chosen


@dataclass
class _Ctx:
    rng: random.Random
    period: PeriodSpec
    namer: _Namer
    counters: dict[tuple[str, int], int] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.period.end.year

    def number(self, unit: str, day: dt.date) -> str:
        key = (unit, day.year)
        self.counters[key] = self.counters.get(key, 0) + self.rng.randint(1, 4)
        return c.doc_number(unit, day.year, self.counters[key])


_GENRES = {"plan": "plan", "document": "plan", "record": "record", "report": "report",
           "table": "table", "photo": "photo"}
_EXTRA_KINDS = ("photo", "report", "record", "photo", "table", "photo", "plan")


def _candidate(ctx: _Ctx, std: dict[str, Any], req: dict[str, Any] | None, round_no: int,
               unit_pool: list[str]) -> DemoItem:
    """The next piece of evidence for a standard: answers ``req`` or is an extra."""
    rng = ctx.rng
    label = req["label"] if req else ""
    kind = req["kind"] if req else _EXTRA_KINDS[round_no % len(_EXTRA_KINDS)]
    lead = std["lead_unit"].split("、")[0] if std["lead_unit"] else "区文明办"
    unit = lead if rng.random() < 0.7 or not unit_pool else rng.choice(unit_pool)
    day = c.random_day(rng, ctx.period.start, ctx.period.end)
    topic = c.topic_of(std["title"])
    folders = ctx.namer.folders(std["code"])
    sub: tuple[str, ...] = (unit,) if unit != lead else ()
    item = DemoItem(ctx.period.label, "", "docx", _GENRES.get(kind, "plan"), std["code"], "",
                    requirement=label,
                    standard_title=std["title"], doc_date=day, author=unit, unit=unit)
    if kind == "photo":
        activity = rng.choice(c.ACTIVITIES)
        taken = dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59),
                                                 rng.randint(0, 59)))
        item.kind, item.taken, item.retention = "photo", taken, "10年"
        item.caption = c.caption(rng, day, unit, activity)
        item.title = item.caption.rstrip("。")[:40]
        name = rng.choice((
            taken.strftime("IMG_%Y%m%d_%H%M%S.jpg"),
            taken.strftime("微信图片_%Y%m%d%H%M%S.jpg"),
            f"{day.month}.{day.day} {rng.choice(c.COMMUNITIES)}{activity}（{round_no + 1}）.jpg",
            f"DSC{rng.randint(1000, 9999):05d}.JPG",
        ))
        # Not "5月12日活动照片": a leading number reads as a standard's sequence number.
        sub = (*sub, rng.choice(("活动照片", "照片", f"活动照片（{day.month}月{day.day}日）")))
        item.catalogue = rng.random() < 0.85
        if not item.catalogue:
            item.defects.append("uncaptioned_photo")
    elif "截图" in label:
        item.kind, item.title, item.retention = "png", f"{topic}{label}", "10年"
        name = f"{label}{round_no + 1}.png"
    elif kind == "table":
        item.kind = rng.choice(("xlsx", "xlsx", "xlsx", "docx"))
        label = label or rng.choice(("工作台账", "活动统计表", "参与人员名册"))
        item.title = f"{c.DISTRICT}{ctx.year}年{label}"
        item.retention = "10年"
        name = f"{label}.{'xlsx' if item.kind == 'xlsx' else 'docx'}"
    elif kind == "record":
        label = label or "活动记录"
        item.title = f"{topic}{label}（{c.cn_date(day)}）"
        name = f"{label}（{day.month}月{day.day}日）.docx"
        if rng.random() < 0.25:
            item.kind = "pdf"
            name = name.replace(".docx", ".pdf")
    elif kind == "report":
        label = label or rng.choice(("工作信息", "工作简报", "工作总结"))
        item.kind = rng.choice(("pdf", "pdf", "docx"))
        item.title = f"{unit}{ctx.year}年{topic}{label}"
        name = f"{item.title}.{'pdf' if item.kind == 'pdf' else 'docx'}"
    else:  # plan, document (制度、通知、公示 …)
        label = label or "实施方案"
        item.title = c.plan_title(rng, label, topic, ctx.year)
        item.doc_number = ctx.number(unit, day)
        item.retention = "永久" if kind == "plan" else "30年"
        name = rng.choice((f"{item.title}.docx", f"{round_no + 1}.{label}.docx",
                           f"{label}.docx"))
        if rng.random() < 0.15:
            item.kind = "pdf"
            name = name[:-5] + ".pdf"
    stem, _, ext = name.rpartition(".")
    item.path = "/".join((*folders, *sub, f"{safe_name(stem, 80)}.{ext}"))
    if item.kind != "photo":
        item.catalogue = rng.random() < 0.7
    return item


def _standard_stream(ctx: _Ctx, std: dict[str, Any], partial: bool, units: list[str]):  # noqa: ANN202
    """Evidence for one standard in the order a clerk collects it: one of each required item,
    then the rest of each minimum count, then extras for ever (photos, briefings, records)."""
    reqs = list(std["requirements"])
    unit_pool = [u for u in std["units"] if u in units]
    if partial and reqs:
        reqs = reqs[:-1] if len(reqs) > 1 else reqs
    for req in reqs:
        yield _candidate(ctx, std, req, 0, unit_pool)
    for req in reqs:
        wanted = req["min_count"] - 1
        if partial and req["kind"] == "photo":
            wanted = max(0, req["min_count"] - 2)
        for k in range(wanted):
            yield _candidate(ctx, std, req, k + 1, unit_pool)
    if partial:
        return
    n = 0
    while True:
        n += 1
        yield _candidate(ctx, std, None, n, unit_pool)


def _dedupe_paths(items: list[DemoItem]) -> None:
    seen: set[tuple[str, str]] = set()
    for item in items:
        path = item.path
        stem, dot, ext = path.rpartition(".")
        k = 2
        while (item.period, path.lower()) in seen:
            path = f"{stem}({k}).{ext}" if dot else f"{item.path}({k})"
            k += 1
        item.path = path
        seen.add((item.period, path.lower()))


def plan_demo(
    standards: list[dict[str, Any]],
    units: list[str],
    documents: int = 300,
    seed: int = 1,
    periods: tuple[PeriodSpec, ...] = DEFAULT_PERIODS,
) -> DemoPlan:
    """Decide every file of the demo; ``standards`` as ``archive.frameworks.standards_overview``
    gives them, ``units`` the names of the library's units."""
    from archive.errors import CivLedgerError

    if documents < MIN_DOCUMENTS:
        raise CivLedgerError(f"示例资料库至少需要 {MIN_DOCUMENTS} 件文件（为了包含各类典型问题）。")
    if not standards:
        raise CivLedgerError("资料库中还没有测评体系，无法生成示例资料。")
    rng = random.Random(f"civledger-demo/{seed}")
    matcher = StandardMatcher([StandardKey(s["id"], s["code"], s["seq"], s["title"])
                               for s in standards])
    codes = [s["code"] for s in standards]
    never = rng.choice(codes)  # a standard nobody ever collected anything for
    regular = documents - FIXED_DEFECT_DOCUMENTS
    budgets = [regular // len(periods)] * len(periods)
    for i in range(regular % len(periods)):
        budgets[-1 - i] += 1
    styles = ("code", "seq", "title")
    items: list[DemoItem] = []
    contexts: dict[str, _Ctx] = {}
    partial_of: dict[str, set[str]] = {}
    for p_no, (period, budget) in enumerate(zip(periods, budgets, strict=True)):
        prng = random.Random(f"civledger-demo/{seed}/{period.label}")
        namer = _Namer(standards, matcher, prng, styles[p_no % 3], blocks=p_no == 2)
        ctx = _Ctx(prng, period, namer)
        contexts[period.label] = ctx
        others = [code for code in codes if code != never]
        missing = set(prng.sample(others, max(1, len(codes) // 12)))
        live = [s for s in standards if s["code"] != never and s["code"] not in missing]
        partial = {s["code"] for s in prng.sample(live, max(1, len(live) // 8))}
        streams = [(s["code"], _standard_stream(ctx, s, s["code"] in partial, units))
                   for s in live]
        prng.shuffle(streams)
        taken: list[DemoItem] = []
        while len(taken) < budget and streams:
            for code, stream in list(streams):
                if len(taken) >= budget:
                    break
                item = next(stream, None)
                if item is None:
                    streams.remove((code, stream))
                    continue
                taken.append(item)
        items += taken
        partial_of[period.label] = partial
    _add_defects(items, contexts, standards, rng)
    _route_unit_zips(items, contexts, standards, units, rng)
    _dedupe_paths(items)
    _check_mapping(items, matcher, units, {p.label: p.folder for p in periods})
    if sum(1 for i in items if i.document) != documents:
        raise AssertionError("demo plan miscounted its documents")
    plan = DemoPlan(seed, list(periods), items, codes)
    plan.partial = [f"{label} {code}" for label, partial in partial_of.items()
                    for code in codes if code in partial
                    and any(i.period == label and i.standard == code for i in items)]
    return plan


def _pick(items: list[DemoItem], rng: random.Random, period: str,
          kinds: tuple[str, ...]) -> DemoItem | None:
    """A plain item of ``period`` that no other item copies yet."""
    sources = {i.copy_of for i in items}
    pool = [i for n, i in enumerate(items) if i.period == period and i.kind in kinds
            and not i.defects and i.copy_of is None and i.document and n not in sources]
    return rng.choice(pool) if pool else None


def _add_defects(items: list[DemoItem], contexts: dict[str, _Ctx],
                 standards: list[dict[str, Any]], rng: random.Random) -> None:
    """The fixed set of troublesome files (``FIXED_DEFECT_DOCUMENTS`` of them are documents)."""
    labels = list(contexts)
    first, second, last = labels[0], labels[1], labels[-1]
    by_code = {s["code"]: s for s in standards}

    def new(period: str, kind: str, base: DemoItem | None, name: str, title: str,
            defect: str, folders: tuple[str, ...] | None = None,
            genre: str = "plan") -> DemoItem:
        ctx = contexts[period]
        std = by_code[base.standard] if base and base.standard else rng.choice(standards)
        if folders is None:
            folders = ctx.namer.folders(std["code"])
        day = c.random_day(ctx.rng, ctx.period.start, ctx.period.end)
        unit = std["lead_unit"].split("、")[0] or "区文明办"
        item = DemoItem(period, "/".join((*folders, name)), kind, genre,
                        std["code"] if folders else None, title, standard_title=std["title"],
                        doc_date=day, author=unit, unit=unit, defects=[defect])
        items.append(item)
        return item

    # Last year's files handed in again: the same bytes in two periods.
    for kinds in (("docx", "pdf"), ("photo",)):
        old = _pick(items, rng, first, kinds) or _pick(items, rng, first,
                                                       ("docx", "pdf", "xlsx", "photo"))
        assert old is not None
        again = new(second, old.kind, old, old.name, old.title, "reused_last_year",
                    genre=old.genre)
        again.copy_of = items.index(old)
        again.doc_number, again.doc_date, again.caption = (old.doc_number, old.doc_date,
                                                           old.caption)
        again.taken, again.requirement, again.catalogue = old.taken, old.requirement, True
    # The same file put under a second standard in the same period: one document, two links.
    base = _pick(items, rng, last, ("docx", "pdf", "xlsx"))
    if base is not None:
        other = rng.choice([s for s in standards if s["code"] != base.standard])
        twin = new(last, base.kind, None, base.name, base.title, "duplicate_link",
                   contexts[last].namer.folders(other["code"]), genre=base.genre)
        twin.standard, twin.copy_of, twin.document = other["code"], items.index(base), False
        twin.catalogue = False
    # Dated before the period began: a notice from last year, a photo from last autumn.
    ctx = contexts[second]
    early = ctx.period.start - dt.timedelta(days=rng.randint(20, 90))
    item = new(second, "docx", None, "关于开展文明创建集中攻坚行动的通知.docx",
               "关于开展文明创建集中攻坚行动的通知", "out_of_period")
    item.doc_date, item.doc_number = early, ctx.number(item.author, early)
    ctx = contexts[last]
    early = ctx.period.start - dt.timedelta(days=rng.randint(30, 120))
    item = new(last, "photo", None, early.strftime("IMG_%Y%m%d_101500.jpg"), "", "out_of_period",
               genre="photo")
    item.taken = dt.datetime.combine(early, dt.time(10, 15))
    item.doc_date = early
    item.caption = c.caption(ctx.rng, early, item.author, rng.choice(c.ACTIVITIES))
    item.title, item.retention = item.caption.rstrip("。")[:40], "10年"
    # A secret document that nobody marked as such.
    item = new(last, "docx", None, "创建工作督查情况通报.docx", "创建工作督查情况通报",
               "classified")
    item.header, item.doc_number = "秘密★1年", ctx.number("区文明办", item.doc_date or early)
    item.author = item.unit = "区文明办"
    # Scans: one filed under a standard, one lying in the 待整理 folder.
    new(first, "scan", None, "会议记录（扫描件）.pdf", "创建工作推进会会议记录（扫描件）",
        "scanned_pdf").catalogue = False
    new(second, "scan", None, "扫描件0012.pdf", "扫描件0012", "scanned_pdf",
        ("待整理",)).defects.append("unassigned")
    new(second, "docx", None, "新建 Microsoft Word 文档.docx", "新建 Microsoft Word 文档",
        "unassigned", ("待整理",), genre="note").catalogue = False
    for item in items[-2:]:
        item.catalogue = False
    # Awkward names and broken files.
    long_title = ("关于印发《清源区深化全国文明城市创建工作暨“我们的节日”主题活动、"
                  "新时代文明实践志愿服务、背街小巷环境综合整治和农贸市场规范化管理"
                  "三年行动计划（2023—2025年）》及相关配套制度、考核细则、责任分工清单的通知")
    new(last, "docx", None, f"{long_title}.docx", long_title, "long_name")
    new(first, "docx", None, "关于开展志愿服务活动的通知..docx", "关于开展志愿服务活动的通知",
        "trailing_dot")
    new(last, "docx", None, "CON.docx", "创建工作推进会议纪要", "reserved_name", genre="record")
    new(second, "empty", None, "会议签到表.docx", "会议签到表", "empty_file").catalogue = False
    new(first, "corrupt", None, "工作总结.pdf", "工作总结", "corrupt_pdf").catalogue = False
    new(last, "encrypted", None, "考核结果（加密）.pdf", "创建工作考核结果", "encrypted_pdf"
        ).catalogue = False
    # A photo nobody captioned (at least this one, whatever the seed and size).
    ctx = contexts[second]
    day = c.random_day(ctx.rng, ctx.period.start, ctx.period.end)
    taken = dt.datetime.combine(day, dt.time(15, 42, 7))
    photo = new(second, "photo", None, taken.strftime("微信图片_%Y%m%d%H%M%S.jpg"), "",
                "uncaptioned_photo", genre="photo")
    photo.taken, photo.doc_date, photo.catalogue = taken, day, False
    # Litter from Windows and Office, refused on import (not documents).
    for period, name in ((first, "Thumbs.db"), (last, "~$工作总结.docx")):
        junk = new(period, "junk", None, name, name, "junk")
        junk.standard, junk.document = None, False


def _route_unit_zips(items: list[DemoItem], contexts: dict[str, _Ctx],
                     standards: list[dict[str, Any]], units: list[str],
                     rng: random.Random) -> None:
    """A unit sends in its material as a zip made on Windows (GBK names): one per period.

    The awkward names that Windows cannot hold on disk (CON.docx, the very long title) travel
    inside the zip, so the demo can also be generated on Windows.
    """
    by_code = {s["code"]: s for s in standards}
    for label in contexts:
        leads = sorted({by_code[i.standard]["lead_unit"].split("、")[0] for i in items
                        if i.period == label and i.standard and i.document and not i.zip_path
                        and by_code[i.standard]["lead_unit"]} & set(units))
        if not leads:
            continue
        unit = rng.choice(leads)
        zip_path = f"各单位报送/{unit}.zip"
        namer = contexts[label].namer
        for item in items:
            if item.period != label or item.kind == "junk" or not item.standard:
                continue
            awkward = {"reserved_name", "long_name"} & set(item.defects)
            ours = by_code[item.standard]["lead_unit"].startswith(unit)
            if awkward or (ours and not item.defects and item.copy_of is None):
                # Inside the zip the unit keeps the standard's folder, not the block above it.
                parts = item.path.split("/")
                inner = parts[len(namer.folders(item.standard)) - 1:]
                item.path = "/".join((zip_path, *inner))
                item.zip_path = zip_path


def _check_mapping(items: list[DemoItem], matcher: StandardMatcher, units: list[str],
                   roots: dict[str, str]) -> None:
    """Re-derive each item's standard with the importer's matcher: the plan must not lie."""
    code_of = {sid: code for code, sid in matcher.by_code.items()}
    unit_matcher = UnitMatcher([(i, u, "") for i, u in enumerate(units)])
    for item in items:
        if item.kind == "junk":
            continue
        parts = item.path.split("/")[:-1]
        folders = [p.removesuffix(".zip") for p in parts]
        sid = matcher.match((roots[item.period], *folders))
        item.standard = code_of.get(sid) if sid is not None else None
        if item.standard is None and "unassigned" not in item.defects:
            item.defects.append("unassigned")
        uid = unit_matcher.match((roots[item.period], *folders))
        if uid is not None:
            item.unit = units[uid]
