"""Proposed 题名/文号/成文日期/责任者, and the rule that typed values are never overwritten."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from archive.library import Library
from archive.models import AuditEntry, Document, File, Period
from indexing.proposals import apply_proposals, propose

OFFICIAL = """中共东城区委宣传部文件
区文明办〔2023〕12号
关于开展垃圾分类志愿服务活动的通知
各街道、社区：
根据《关于印发创建方案的通知》（市文明办〔2022〕3号）要求，现将有关事项通知如下。
一、活动时间：2023年6月1日至6月30日
东城区文明办
二〇二三年五月十二日"""


def test_official_document() -> None:
    assert propose(OFFICIAL) == {
        "doc_number": "区文明办〔2023〕12号",  # not the one cited in the body
        "doc_date": "2023-05-12",  # the signature date, not the activity date
        "author": "中共东城区委宣传部",  # the red header
        "title": "关于开展垃圾分类志愿服务活动的通知",
    }


@pytest.mark.parametrize(("line", "expected"), [
    ("区文明办〔2023〕12号", "区文明办〔2023〕12号"),
    ("东城街办[2022]5号", "东城街办〔2022〕5号"),
    ("区城管局（2021）第08号", "区城管局〔2021〕8号"),
    ("团区委(2024)101号", "团区委〔2024〕101号"),
])
def test_doc_number_forms(line: str, expected: str) -> None:
    assert propose(f"{line}\n关于表彰先进的决定\n正文。")["doc_number"] == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("2023年5月12日", "2023-05-12"),
    ("二〇二三年五月十二日", "2023-05-12"),
    ("二〇二三年十二月三十一日", "2023-12-31"),
    ("2023.5.12", "2023-05-12"),
    ("2023-05-12", "2023-05-12"),
    ("2023/5/2", "2023-05-02"),
])
def test_date_forms(line: str, expected: str) -> None:
    assert propose(f"工作总结\n正文内容很多。\n东城街道办事处\n{line}")["doc_date"] == expected


def test_invalid_dates_are_ignored() -> None:
    assert "doc_date" not in propose("总结\n正文。\n2023年2月30日")


def test_signature_author() -> None:
    got = propose("志愿服务工作总结\n今年共开展活动12场。\n西湖社区居委会\n2023年12月20日")
    assert got["author"] == "西湖社区居委会"
    assert got["title"] == "志愿服务工作总结"


def test_unit_field_author() -> None:
    assert propose("填报单位：区城管局\n2023年门前三包统计表\n单位\t数量")["author"] == "区城管局"


def test_layout_heading_wins() -> None:
    got = propose("秘密★1年\n区文明办〔2023〕1号\n正文", heading="文明城市创建工作要点")
    assert got["title"] == "文明城市创建工作要点"


def test_nothing_to_propose() -> None:
    assert propose("") == {}
    assert propose("   \n\f  ") == {}


# -- applying to documents ---------------------------------------------------------------------
@pytest.fixture
def doc_ids(library: Library) -> tuple[int, int, int]:
    with library.session() as s:
        period = Period(label="2023", start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))
        f = File(sha256="a" * 64, size=1, original_name="通知.docx", ext="docx")
        s.add_all([period, f])
        s.flush()
        placeholder = Document(period_id=period.id, file_id=f.id, title="通知",
                               source_path="收集/通知.docx")
        typed = Document(period_id=period.id, file_id=f.id, title="区里发的通知（手填）",
                         doc_number="手填文号", doc_date=dt.date(2020, 1, 1), author="手填单位",
                         source_path="别处/通知.docx")
        deleted = Document(period_id=period.id, file_id=f.id, title="通知",
                           source_path="通知.docx", deleted_at=dt.datetime(2024, 1, 1))
        s.add_all([placeholder, typed, deleted])
        s.flush()
        return placeholder.id, typed.id, deleted.id


PROPOSED = {"title": "关于开展垃圾分类的通知", "doc_number": "区文明办〔2023〕12号",
            "doc_date": "2023-05-12", "author": "东城区文明办"}


def test_proposals_fill_empty_fields_and_replace_the_file_name_title(
        library: Library, doc_ids: tuple[int, int, int]) -> None:
    placeholder, typed, deleted = doc_ids
    with library.session() as s:
        file_id = s.get(Document, placeholder).file_id
        changed = apply_proposals(s, file_id, PROPOSED)
    assert changed == [placeholder]
    with library.session() as s:
        p = s.get(Document, placeholder)
        assert (p.title, p.doc_number, p.doc_date, p.author) == (
            "关于开展垃圾分类的通知", "区文明办〔2023〕12号", dt.date(2023, 5, 12), "东城区文明办")
        t = s.get(Document, typed)
        assert (t.title, t.doc_number, t.doc_date, t.author) == (
            "区里发的通知（手填）", "手填文号", dt.date(2020, 1, 1), "手填单位")
        assert s.get(Document, deleted).title == "通知"
        audits = s.scalars(select(AuditEntry).where(AuditEntry.action == "propose")).all()
    assert [(a.entity_id, a.actor) for a in audits] == [(placeholder, "自动提取")]
    assert audits[0].before == {"title": "通知", "doc_number": "", "doc_date": None, "author": ""}
    assert audits[0].after["doc_date"] == "2023-05-12"


def test_partial_typing_is_kept(library: Library, doc_ids: tuple[int, int, int]) -> None:
    placeholder, _typed, _deleted = doc_ids
    with library.session() as s:
        doc = s.get(Document, placeholder)
        doc.author = "clerk typed this"
        file_id = doc.file_id
    with library.session() as s:
        apply_proposals(s, file_id, PROPOSED)
    with library.session() as s:
        doc = s.get(Document, placeholder)
        assert doc.author == "clerk typed this"
        assert doc.doc_number == "区文明办〔2023〕12号"


def test_a_table_header_row_is_not_a_title() -> None:
    got = propose("工作表：统计表\n社区\t注册志愿者\t服务时长\n东风社区\t320\t1500")
    assert "title" not in got
