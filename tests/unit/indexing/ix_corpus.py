"""A small filed and indexed ledger with known strings in known places (for search tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ix_factories import chinese_text

from archive.importer import import_paths
from archive.library import Library
from tests.factories import make_docx, make_jpg, make_pdf, make_xlsx, with_sample_framework


@dataclass
class Corpus:
    lib: Library
    ids: dict[str, int] = field(default_factory=dict)  # document key → document id
    texts: dict[str, str] = field(default_factory=dict)  # key → a text it contains


def _file(lib: Library, path: Path, period: str, standard: str | None, unit: str | None) -> int:
    result = import_paths(lib, [path], period, standard=standard, unit=unit)
    (entry,) = result.filed + result.unassigned
    return int(entry["document_id"])


def build_corpus(root: Path) -> Corpus:
    """A small ledger with known strings in known places (see test_indexing_search.py)."""
    lib = with_sample_framework(Library.create(root / "lib"))
    src = root / "src"
    c = Corpus(lib)
    c.ids["summary"] = _file(lib, make_docx(
        src / "志愿服务工作总结.docx", title="团区委志愿服务工作总结", doc_number="团区委〔2023〕12号",
        paragraphs=["东风社区组织志愿者开展垃圾分类宣传，发放资料<三百份>。",
                    "推进生活垃圾分类工作，建立红色物业联席会议制度。"],
        author="共青团东城区委员会", date_text="2023年11月20日"), "2023", "1.1.5.1", "团区委")
    c.ids["pdf"] = _file(lib, make_pdf(src / "学雷锋活动.pdf", [
        "学雷锋活动方案\n为弘扬雷锋精神，制定本方案。",
        "第二页：东风社区学雷锋志愿服务站常态开展活动。",
        "第三页：组织文明交通劝导，路口秩序明显改善。"]), "2023", "1.1.5.2", "团区委")
    c.ids["lecture"] = _file(lib, make_docx(
        src / "道德讲堂活动记录.docx", title="道德讲堂活动记录",
        paragraphs=["整理部分类别图书，开展厕所革命主题宣讲。"]), "2023", "1.1.4.1", "区文明办")
    c.ids["market"] = _file(lib, make_xlsx(src / "农贸市场检查记录表.xlsx", [
        ["市场", "检查日期", "问题"], ["城东农贸市场", "2023-04-02", "门前三包未落实"]]),
        "2023", "2.3.2.1", "区市场监管局")
    c.ids["old"] = _file(lib, make_docx(
        src / "2022年志愿服务总结.docx", title="2022年志愿服务总结",
        paragraphs=["西风社区开展垃圾分类入户宣传，厕所革命稳步推进。"]), "2022", "1.1.5.1", "团区委")
    c.ids["decoy"] = _file(lib, make_docx(
        src / "走访记录.docx", title="走访记录",
        paragraphs=["南山社区开展走访，前往园区服务中心座谈。"]), "2023", "1.1.4.1", "区文明办")
    c.ids["photo"] = _file(lib, make_jpg(src / "东风社区垃圾分类宣传照片.jpg",
                                         dt.datetime(2023, 5, 6, 10)), "2023", "1.1.5.1", None)
    for n in range(3):
        key = f"random{n}"
        text = chinese_text(100 + n, sentences=60)
        c.texts[key] = text
        c.ids[key] = _file(lib, make_docx(src / f"台账{n}.docx", title=f"创建工作台账第{n}册",
                                          paragraphs=text.split("\n")), "2023", None, None)
    from indexing.pipeline import extract_pending

    extract_pending(lib)
    return c
