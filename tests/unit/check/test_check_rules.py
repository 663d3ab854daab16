"""The pure rules: requirement matching, Windows names, duplicates, titles, dates."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.check.ledger import DocFacts
from archive.check.matching import matcher_for, matches
from archive.check.quality import (
    find_duplicates,
    is_default_title,
    parse_exif_date,
)
from archive.check.windows_names import MAX_TITLE_CHARS, name_problems, safe_component
from archive.requirement_text import kind_of


@pytest.mark.parametrize(("label", "doc_kind", "title"), [
    ("会议记录", "document", "创文推进会会议纪要"),
    ("中心组学习会议记录", "document", "区委理论学习中心组第三次集体学习会议纪要"),
    ("方案", "document", "创建全国文明城市实施方案"),
    ("实施方案", "document", "2023年创文工作方案"),
    ("学习计划", "document", "2023年理论学习中心组学习计划"),
    ("活动照片", "photo", "IMG_2031"),
    ("整治前后照片", "photo", "微信图片_20230501"),
    ("活动照片", "document", "志愿服务活动照片汇编"),
    ("志愿者注册统计表", "table", "注册志愿者统计"),
    ("站点清单", "table", "志愿服务站点一览"),
    ("推进会会议纪要", "document", "第二次创文推进会议纪要"),
    ("评选结果公示", "document", "2023年度身边好人评选结果的公示"),
    ("成立领导小组的通知", "document", "关于成立创建文明城市工作领导小组的通知"),
    ("考核结果通报", "document", "关于2023年度创文考核结果的通报"),
    ("宣传资料", "document", "文明旅游宣传折页"),
    ("专栏截图", "photo", "屏幕快照"),
    ("网格员名册", "document", "社区网格员名单"),
    ("应急预案", "document", "安全生产事故应急预案"),
    ("宣讲活动视频", "video", "VID_0001"),
])
def test_labels_match_documents_a_clerk_would_accept(label: str, doc_kind: str,
                                                     title: str) -> None:
    assert matches(label, kind_of(label), doc_kind, title, f"{title}.bin")


@pytest.mark.parametrize(("label", "doc_kind", "title"), [
    ("实施方案", "document", "理论学习计划"),
    ("学习计划", "document", "创文工作实施方案"),
    ("活动照片", "document", "活动总结"),
    ("活动照片", "video", "活动视频"),
    ("会议记录", "photo", "IMG_0001"),
    ("志愿者注册统计表", "table", "附件1"),
    ("评选结果公示", "document", "好人榜公示"),
    ("宣讲工作方案", "document", "垃圾分类工作方案"),
    ("整治台账", "document", "整治方案"),
    ("成立领导小组的通知", "document", "关于召开推进会的通知"),
])
def test_labels_do_not_match_other_documents(label: str, doc_kind: str, title: str) -> None:
    assert not matches(label, kind_of(label), doc_kind, title, f"{title}.bin")


def test_file_name_counts_when_the_title_says_nothing() -> None:
    assert matches("整治台账", "table", "document", "附件2", "背街小巷整治台账.pdf")
    assert not matches("整治台账", "table", "document", "附件2", "附件2.pdf")


def test_matchers_explain_themselves() -> None:
    m = matcher_for("中心组学习会议记录", "record")
    assert m.family is not None and "纪要" in m.family.doc_words
    assert "中心" in m.keys and "记录" not in "".join(m.keys)
    assert not matcher_for("实施方案", "plan").keys  # 实施 is a generic word


@pytest.mark.parametrize(("name", "problem"), [
    ("方案:定稿", ":"), ("a|b", "|"), ('说"明"', '"'), ("问题?", "?"), ("a*b", "*"),
    ("a<b>", "<"), ("上/下", "/"), ("报告.", "句点"), ("报告 ", "空格"), ("CON", "CON"),
    ("nul.docx", "NUL"), ("COM3.txt", "COM3"), ("LPT9", "LPT9"), ("制表\t符", "\\x09"),
    ("字" * (MAX_TITLE_CHARS + 1), str(MAX_TITLE_CHARS)),
])
def test_names_windows_cannot_store(name: str, problem: str) -> None:
    problems = name_problems(name, MAX_TITLE_CHARS)
    assert problems and problem in "；".join(problems)


@pytest.mark.parametrize("name", ["关于印发《实施方案》的通知：2023", "字" * MAX_TITLE_CHARS,
                                  "CONSOLE", "COM10", "报告.docx", "ＣＯＮ"])
def test_names_windows_can_store(name: str) -> None:
    assert name_problems(name, MAX_TITLE_CHARS) == []


def test_safe_component_is_storable() -> None:
    for name in ("区委:宣传部", "CON", "  ...", "a" * 200, "团区委."):
        safe = safe_component(name, 80)
        assert safe and name_problems(safe, 80) == []


def _doc(doc_id: int, file_id: int, standards: list[int], number: str = "", head: str = "",
         kind: str = "document") -> DocFacts:
    return DocFacts(doc_id, None, file_id, kind, f"文件{doc_id}", number, None, "", "公开", False,
                    "", "", 1, "a.docx", "docx", "ok", "", None, False, None, head, standards)


def test_duplicates_by_file_number_and_text_under_one_standard() -> None:
    text = "为深入推进全国文明城市创建工作，结合我区实际，制定本方案。" * 4
    docs = [
        _doc(1, 1, [10], number="区文明办〔2023〕5号"),
        _doc(2, 2, [10], number="区文明办[2023]5号"),  # same 文号, other brackets
        _doc(3, 3, [11], number="区文明办〔2023〕5号"),  # same 文号 under another standard
        _doc(4, 4, [10], head=text),
        _doc(5, 5, [10], head=text.replace("。", "。\n ")),  # same text, other line breaks
        _doc(6, 6, [10], head="签到表"),  # too short to judge
        _doc(7, 7, [10], head="签到表"),
        _doc(8, 1, [10, 11]),  # the very same file again (e.g. restored from the trash)
        _doc(9, 9, [12], head=text),  # not one of the framework's standards
    ]
    found = find_duplicates(docs, {10: "1.1", 11: "1.2"})
    assert found == {2: (1, "1.1", "文号"), 5: (4, "1.1", "内容"), 8: (1, "1.1", "文件")}


@pytest.mark.parametrize(("title", "default"), [
    ("新建 Microsoft Word 文档", True), ("文档1", True), ("IMG_2031", True), ("DSC-0042", True),
    ("微信图片_20230501", True), ("12345", True), ("扫描件3", True),
    ("2023年理论学习计划", False), ("附件1", False), ("关于扫描仪采购的请示", False),
    ("扫描仪采购请示", False), ("Scan_0003", True),
])
def test_default_titles_are_not_titles(title: str, default: bool) -> None:
    assert is_default_title(title) is default


@pytest.mark.parametrize(("value", "date"), [
    ("2023-05-12", dt.date(2023, 5, 12)), ("2023:05:12 10:00:00", dt.date(2023, 5, 12)),
    ("2023-05-12T10:00:00", dt.date(2023, 5, 12)), ("", None), (None, None), ("昨天", None),
])
def test_exif_dates_in_either_form(value: object, date: dt.date | None) -> None:
    assert parse_exif_date(value) == date
