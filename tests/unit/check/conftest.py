"""A ledger with every defect the check knows, built from real generated files.

Framework (codes given, scores chosen so the score preview is easy to reason about):

    1 思想道德 ─ 1.1 ─ 1.1.1 (牵头 区委宣传部, 责任 区文明办)
        1.1.1.1 制定学习计划及实施方案  3 分  学习计划；实施方案；中心组学习会议记录；活动照片≥3
        1.1.1.2 开展理论宣讲            2 分  宣讲工作方案；活动照片≥2
    2 城市管理 ─ 2.1 ─ 2.1.1 (牵头 区城管局, 责任 区住建局, 配合 区环卫所)
        2.1.1.1 背街小巷整治            4 分  整治方案；整治台账
        2.1.1.2 环境卫生保洁            1 分  (no typed requirements)
        2.1.1.3 垃圾分类                2 分  垃圾分类实施方案 (satisfied only by an explicit link)
        2.1.1.4 公厕管理                1 分  管理制度 (nothing filed)

The files are imported with ``archive.importer.import_paths`` from folders named by code, then
extracted by ``indexing.pipeline.extract_pending``, as a clerk's ``index`` run would.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.frameworks import IndicatorSpec, create_framework
from archive.library import Library
from archive.models import Document, Requirement
from archive.requirement_text import RequirementSpec
from tests.factories import (
    make_docx,
    make_encrypted_pdf,
    make_jpg,
    make_pdf,
    make_scanned_pdf,
    make_xlsx,
)

PERIOD = "2023"
PREVIOUS = "2022"
LEAD_1, RESP_1 = "区委宣传部", "区文明办"
LEAD_2, RESP_2, SUPPORT_2 = "区城管局", "区住建局", "区环卫所"
SCORES = {"1.1.1.1": 3.0, "1.1.1.2": 2.0, "2.1.1.1": 4.0, "2.1.1.2": 1.0, "2.1.1.3": 2.0,
          "2.1.1.4": 1.0}
BLOCK_OF = {code: code.split(".")[0] for code in SCORES}

LONG_TITLE = ("关于进一步加强和改进新时代区委理论学习中心组学习制度建设有关工作安排的补充说明"
              "及相关配套文件汇编（第二次征求意见修订稿·送审版）")
SPEECH_TEXT = ("为深入学习宣传贯彻党的创新理论，推动理论宣讲进基层、进社区、进企业、进校园，"
               "结合我区创建全国文明城市工作实际，区委宣传部会同区文明办组织开展百姓名嘴宣讲活动，"
               "全年开展宣讲不少于五十场次，覆盖全区各乡镇街道和重点行业单位。")

# source file name → what the ledger should find on it
EXPECTED_FINDINGS: dict[str, set[str]] = {
    "2023年理论学习计划.docx": {"classified"},  # registered 内部, released → accepted
    "创文工作实施方案.docx": set(),
    "中心组第一次学习会议纪要.docx": {"missing_metadata"},
    "学习现场1.jpg": set(),
    "学习现场2.jpg": set(),
    "学习现场3.jpg": set(),
    "理论学习参考资料.docx": {"classified", "out_of_period"},
    "NUL.docx": {"unsafe_name"},
    LONG_TITLE + ".docx": {"unsafe_name"},
    "宣讲工作方案.docx": set(),
    "宣讲工作方案（印发稿）.pdf": {"duplicate"},
    "宣讲照片.jpg": {"out_of_period", "photo_caption"},
    "整治方案.docx": {"empty"},
    "整治台账.xlsx": set(),
    "整治前后对比.pdf": {"corrupt"},
    "整治工作总结.pdf": {"encrypted"},
    "保洁检查记录.pdf": {"no_text"},
    "保洁制度.docx": {"reused"},
    "附件1.docx": set(),
    "会议通知.docx": {"unassigned", "missing_metadata"},
}
EXPECTED_STATUS = {"1.1.1.1": "complete", "1.1.1.2": "partial", "2.1.1.1": "partial",
                   "2.1.1.2": "complete", "2.1.1.3": "complete", "2.1.1.4": "missing"}


def _std(code: str, title: str, reqs: str | None,
         explicit: list[RequirementSpec] | None = None) -> IndicatorSpec:
    return IndicatorSpec(title=title, code=code, score=SCORES[code], requirement_text=reqs or "",
                         requirements=explicit if reqs is None else None)


def check_framework() -> list[IndicatorSpec]:
    c1 = IndicatorSpec(title="学习宣贯党的创新理论", code="1.1.1", children=[
        _std("1.1.1.1", "制定学习计划及实施方案",
             "学习计划；实施方案；中心组学习会议记录；活动照片不少于3张"),
        _std("1.1.1.2", "开展理论宣讲", "宣讲工作方案；活动照片不少于2张"),
    ])
    c2 = IndicatorSpec(title="市容环境整治", code="2.1.1", children=[
        _std("2.1.1.1", "背街小巷整治", "整治方案；整治台账"),
        _std("2.1.1.2", "环境卫生保洁", None, []),
        _std("2.1.1.3", "垃圾分类", "垃圾分类实施方案"),
        _std("2.1.1.4", "公厕管理", "管理制度"),
    ])
    for node in c1.children:
        node.lead_units, node.units = [LEAD_1], [RESP_1]
    for node in c2.children:
        node.lead_units, node.units, node.support_units = [LEAD_2], [RESP_2], [SUPPORT_2]
    return [
        IndicatorSpec(title="思想道德", code="1", score=10, children=[
            IndicatorSpec(title="思想道德建设", code="1.1", children=[c1])]),
        IndicatorSpec(title="城市管理", code="2", score=10, children=[
            IndicatorSpec(title="城市管理水平", code="2.1", children=[c2])]),
    ]


def build_sources(root: Path) -> Path:
    """The clerk's collection folders: <root>/2023/<code title>/files, <root>/2022/…"""
    y = root / PERIOD
    s1 = y / "1.1.1.1 制定学习计划及实施方案"
    make_docx(s1 / "2023年理论学习计划.docx", title="2023年理论学习计划",
              paragraphs=["全年安排十二次集中学习。"])
    make_docx(s1 / "创文工作实施方案.docx", title="创文工作实施方案")
    make_docx(s1 / "中心组第一次学习会议纪要.docx", title="中心组第一次学习会议纪要",
              paragraphs=["地点：区委常委会议室。参加人员：中心组全体成员。"])
    for i, color in enumerate(("#a33", "#3a3", "#33a"), start=1):
        make_jpg(s1 / f"学习现场{i}.jpg", dt.datetime(2023, 4, i, 9, 30), color=color)
    make_docx(s1 / "理论学习参考资料.docx", title="理论学习参考资料", header="秘密★1年",
              paragraphs=["仅供中心组成员学习参考。"])
    make_docx(s1 / "NUL.docx", title="学习心得", paragraphs=["学习体会。"])
    make_docx(s1 / (LONG_TITLE + ".docx"), title=LONG_TITLE, paragraphs=["汇编说明。"])
    s2 = y / "1.1.1.2 开展理论宣讲"
    make_docx(s2 / "宣讲工作方案.docx", title="宣讲工作方案", paragraphs=[SPEECH_TEXT])
    make_pdf(s2 / "宣讲工作方案（印发稿）.pdf", pages=["宣讲工作方案\n" + SPEECH_TEXT])
    make_jpg(s2 / "宣讲照片.jpg", dt.datetime(2021, 6, 1, 10, 0), color="#777")
    s3 = y / "2.1.1.1 背街小巷整治"
    s3.mkdir(parents=True)
    (s3 / "整治方案.docx").write_bytes(b"")
    make_xlsx(s3 / "整治台账.xlsx", [["背街小巷整治台账"], ["街巷", "整治内容"],
                                     ["东风巷", "路面硬化"]])
    whole = make_pdf(root / "whole.pdf", pages=["背街小巷整治前后对比说明" * 20, "第二页" * 40])
    (s3 / "整治前后对比.pdf").write_bytes(whole.read_bytes()[: int(whole.stat().st_size * 0.8)])
    whole.unlink()
    make_encrypted_pdf(s3 / "整治工作总结.pdf", text="背街小巷整治工作总结")
    s4 = y / "2.1.1.2 环境卫生保洁"
    make_scanned_pdf(s4 / "保洁检查记录.pdf")
    rules = make_docx(root / PREVIOUS / "2.1.1.2 环境卫生保洁" / "保洁制度.docx",
                      title="环境卫生保洁制度", paragraphs=["各责任单位每日清扫两次。"])
    s4.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(rules, s4 / "保洁制度.docx")  # the same bytes filed again this year
    s5 = y / "2.1.1.3 垃圾分类"
    make_docx(s5 / "附件1.docx", title="附件1", paragraphs=["垃圾分类投放点位设置要求。"])
    make_docx(y / "杂项" / "会议通知.docx", title="会议通知", paragraphs=["定于周五召开会议。"])
    return root


# -- extraction -------------------------------------------------------------------------------
def extract_all(lib: Library) -> None:
    """Real extraction (statuses, EXIF dates, repaired PDFs, text) by the indexing pipeline."""
    from indexing.pipeline import extract_pending

    result = extract_pending(lib, index=False)
    assert not result["remaining"], result


# -- the ledger -------------------------------------------------------------------------------
@dataclass
class Ledger:
    lib: Library
    ids: dict[str, int]  # source file name → document id (2023)

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


def _doc_ids(lib: Library, period_label: str) -> dict[str, int]:
    from archive.models import Period

    with lib.session() as s:
        rows = s.execute(select(Document.id, Document.source_path)
                         .join(Period, Period.id == Document.period_id)
                         .where(Period.label == period_label)).all()
    return {Path(src).name: doc_id for doc_id, src in rows}


def build_ledger(lib: Library, sources: Path) -> Ledger:
    from archive.documents import link_requirement, unit_by_name, update_document

    with lib.session() as s:
        create_framework(s, "查漏补缺测试体系", check_framework())
    result_2022 = import_paths_checked(lib, sources / PREVIOUS, PREVIOUS)
    assert result_2022 == 1
    import_paths_checked(lib, sources / PERIOD, PERIOD)
    extract_all(lib)
    ids = _doc_ids(lib, PERIOD)
    dated = dt.date(2023, 3, 1)
    with lib.session() as s:
        for name in ("2023年理论学习计划.docx", "创文工作实施方案.docx", "NUL.docx",
                     LONG_TITLE + ".docx", "宣讲工作方案.docx", "宣讲工作方案（印发稿）.pdf",
                     "整治前后对比.pdf", "整治工作总结.pdf", "保洁检查记录.pdf", "保洁制度.docx",
                     "附件1.docx"):
            update_document(s, ids[name], doc_date=dated)
        update_document(s, ids["理论学习参考资料.docx"], doc_date=dt.date(2021, 12, 1))
        update_document(s, ids["2023年理论学习计划.docx"], classification="内部", released=True)
        for i in (1, 2, 3):
            update_document(s, ids[f"学习现场{i}.jpg"], caption=f"2023年4月{i}日 区委常委会议室 "
                                                              "中心组成员 集体学习")
        unit = unit_by_name(s, RESP_1).id
        for name in ("宣讲工作方案.docx", "宣讲工作方案（印发稿）.pdf", "宣讲照片.jpg"):
            update_document(s, ids[name], unit_id=unit)
        req = s.scalar(select(Requirement.id).where(Requirement.label == "垃圾分类实施方案"))
        link_requirement(s, ids["附件1.docx"], req)
    return Ledger(lib, ids)


def import_paths_checked(lib: Library, folder: Path, period: str) -> int:
    from archive.importer import import_paths

    result = import_paths(lib, [folder], period)
    assert not result.refused and not result.error, result.as_json()
    return len(result.filed) + len(result.unassigned)


@pytest.fixture(scope="session")
def check_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sources(tmp_path_factory.mktemp("check_sources"))


@pytest.fixture(scope="session")
def ledger_template(check_sources: Path, tmp_path_factory: pytest.TempPathFactory
                    ) -> tuple[Path, dict[str, int]]:
    """The defect ledger built once (migrations, import, extraction); tests get copies."""
    root = tmp_path_factory.mktemp("check_template") / "lib"
    lib = Library.create(root)
    try:
        ids = build_ledger(lib, check_sources).ids
    finally:
        lib.close()
    return root, ids


def _copy(template: tuple[Path, dict[str, int]], target: Path) -> Ledger:
    shutil.copytree(template[0], target)
    return Ledger(Library.open(target), dict(template[1]))


@pytest.fixture(scope="module")
def ledger(ledger_template: tuple[Path, dict[str, int]],
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    """The defect ledger, shared read-only by a module's tests."""
    copy = _copy(ledger_template, tmp_path_factory.mktemp("check_ledger") / "lib")
    yield copy
    copy.lib.close()


@pytest.fixture
def fresh_ledger(ledger_template: tuple[Path, dict[str, int]], tmp_path: Path
                 ) -> Iterator[Ledger]:
    """A copy of the ledger for a test that changes it (acceptances, links, settings)."""
    copy = _copy(ledger_template, tmp_path / "lib")
    yield copy
    copy.lib.close()
