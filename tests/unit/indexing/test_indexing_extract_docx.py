"""Word .docx extraction: parts in order, tables, text boxes once, statuses, hostile files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from ix_factories import (
    make_encrypted_office,
    make_ole_doc,
    make_rich_docx,
    truncate,
)

from archive.markings import classified_marking
from indexing.extract import docx as docx_extract
from indexing.extract import extract_file, limits
from tests.factories import make_docx


def test_python_docx_file_body_table_header_footer(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "a.docx", title="东城街道垃圾分类工作方案",
                     paragraphs=["第一段：组织志愿者开展入户宣传。", "第二段：设置分类投放点。"],
                     header="秘密★1年", footer="第1页 共1页", table=[["单位", "人数"],
                                                                  ["东城街道", "1200"]])
    r = extract_file(path, "docx")
    assert r.status == "ok", r.reason
    lines = r.text.split("\n")
    assert lines[0] == "秘密★1年"  # the header comes first
    assert lines[-1] == "第1页 共1页"  # the footer last
    body = r.text.index("东城街道垃圾分类工作方案")
    assert body < r.text.index("第二段") < r.text.index("东城街道\n1200") < r.text.index("第1页")
    assert classified_marking(r.text) == "秘密"


def test_all_header_and_footer_kinds_and_text_box_once(tmp_path: Path) -> None:
    path = make_rich_docx(
        tmp_path / "kinds.docx", body=["正文内容"],
        headers={"default": "默认页眉", "first": "首页页眉", "even": "偶数页页眉"},
        footers={"default": "默认页脚", "first": "首页页脚", "even": "偶数页页脚"},
        textbox=("锚定段落", "文本框里的文字"),
    )
    r = extract_file(path, "docx")
    assert r.status == "ok"
    for text in ("默认页眉", "首页页眉", "偶数页页眉", "默认页脚", "首页页脚", "偶数页页脚"):
        assert text in r.text
    assert max(r.text.index(h) for h in ("默认页眉", "首页页眉", "偶数页页眉")) < r.text.index(
        "正文内容") < min(r.text.index(f) for f in ("默认页脚", "首页页脚", "偶数页页脚"))
    # The VML fallback copy of the text box is skipped: the box's text appears exactly once,
    # on its own line, not glued to the anchoring paragraph.
    assert r.text.count("文本框里的文字") == 1
    assert "文本框里的文字" in r.text.split("\n")
    assert "锚定段落" in r.text.split("\n")


def test_heading_is_the_largest_text(tmp_path: Path) -> None:
    path = make_rich_docx(tmp_path / "t.docx", title="关于开展文明餐桌行动的通知",
                          body=["区文明办〔2023〕7号", "各街道："])
    r = extract_file(path, "docx")
    assert r.info["heading"] == "关于开展文明餐桌行动的通知"


def test_heading_style_from_python_docx(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "h.docx", title="新时代文明实践站建设方案", doc_number="区文明办〔2023〕3号")
    assert extract_file(path, "docx").info["heading"] == "新时代文明实践站建设方案"


def test_truncated_docx_is_corrupt(tmp_path: Path) -> None:
    path = truncate(make_docx(tmp_path / "cut.docx", paragraphs=["内容" * 500]))
    r = extract_file(path, "docx")
    assert r.status == "corrupt"
    assert "损坏" in r.reason


def test_docx_without_body_part_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "nobody.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/styles.xml", "<styles/>")
    r = extract_file(path, "docx")
    assert r.status == "corrupt"
    assert "word/document.xml" in r.reason


def test_password_protected_docx_is_encrypted(tmp_path: Path) -> None:
    r = extract_file(make_encrypted_office(tmp_path / "locked.docx"), "docx")
    assert r.status == "encrypted"
    assert "密码" in r.reason


def test_renamed_old_doc_goes_the_legacy_way(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIVLEDGER_SOFFICE", str(tmp_path / "no-such-soffice"))
    r = extract_file(make_ole_doc(tmp_path / "old.docx"), "docx")
    assert r.status == "unsupported"
    assert r.reason.startswith("未提取文字：")


def test_empty_document_is_empty(tmp_path: Path) -> None:
    r = extract_file(make_rich_docx(tmp_path / "e.docx", body=[]), "docx")
    assert r.status == "empty"


def test_zero_byte_file_is_empty(tmp_path: Path) -> None:
    (tmp_path / "z.docx").write_bytes(b"")
    r = extract_file(tmp_path / "z.docx", "docx")
    assert (r.status, r.reason) == ("empty", "文件为空（0 字节）")


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>")
    path = make_rich_docx(tmp_path / "bomb.docx", body=[], document_xml=bomb)
    r = extract_file(path, "docx")
    assert r.status == "corrupt"
    assert "DTD" in r.reason
    assert "lol" not in r.text


def test_external_entity_is_refused(tmp_path: Path) -> None:
    xxe = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           b"<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>")
    r = extract_file(make_rich_docx(tmp_path / "xxe.docx", body=[], document_xml=xxe), "docx")
    assert r.status == "corrupt"
    assert "root:" not in r.text


def test_zip_bomb_member_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Real limits are hundreds of MB; scale them down instead of writing a real bomb.
    monkeypatch.setattr(limits, "RATIO_FLOOR", 64 * 1024)
    zeros = b"<!-- " + b"0" * (4 * 1024 * 1024) + b" -->"
    path = make_rich_docx(tmp_path / "zipbomb.docx", body=["正文"],
                          extra_parts={"word/header9.xml": zeros})
    r = extract_file(path, "docx")
    assert r.status == "corrupt"
    assert "压缩炸弹" in r.reason


def test_oversized_member_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_MEMBER_BYTES", 1024 * 1024)
    big = "".join(f"<w:p><w:r><w:t>第{i}段文字内容</w:t></w:r></w:p>" for i in range(60_000))
    xml = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           f"<w:body>{big}</w:body></w:document>").encode()
    r = extract_file(make_rich_docx(tmp_path / "big.docx", body=[], document_xml=xml), "docx")
    assert r.status == "corrupt"
    assert "过大" in r.reason


def test_text_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 1000)
    path = make_rich_docx(tmp_path / "long.docx", body=["文明创建" * 100] * 10)
    r = extract_file(path, "docx")
    assert r.status == "ok"
    assert len(r.text) == 1000
    assert r.info["truncated"] is True


def test_part_order_ranks_headers_before_body(tmp_path: Path) -> None:
    ranks = sorted(filter(None, map(docx_extract._part_rank, [
        "word/footer2.xml", "word/document.xml", "word/header10.xml", "word/header2.xml",
        "word/footnotes.xml", "word/styles.xml"])))
    assert [name for *_r, name in ranks] == [
        "word/header2.xml", "word/header10.xml", "word/document.xml", "word/footnotes.xml",
        "word/footer2.xml"]
