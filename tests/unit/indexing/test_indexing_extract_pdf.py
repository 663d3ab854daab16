"""PDF extraction: pages, wrapped Chinese lines, headings, and every PDF status."""

from __future__ import annotations

from pathlib import Path

import pymupdf
from ix_factories import truncate

from indexing.extract import extract_file
from tests.factories import make_encrypted_pdf, make_pdf, make_scanned_pdf


def test_pages_are_separated_by_form_feeds(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "p.pdf", ["第一页：垃圾分类宣传", "第二页：志愿服务记录", "第三页：总结"])
    r = extract_file(path, "pdf")
    assert r.status == "ok"
    assert r.page_count == 3
    pages = r.text.split("\f")
    assert [p.split("：")[0] for p in pages] == ["第一页", "第二页", "第三页"]
    assert "志愿服务记录" in pages[1]


def _wrapped_pdf(path: Path, lines: list[str], title: str = "", size: float = 12) -> Path:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 80.0
    if title:
        page.insert_text((72, y), title, fontname="china-s", fontsize=22)
        y += 40
    page.insert_text((72, y), lines, fontname="china-s", fontsize=size, lineheight=1.4)
    doc.save(str(path))
    doc.close()
    return path


def test_layout_line_breaks_inside_chinese_are_joined(tmp_path: Path) -> None:
    full = "为深入推进全国文明城市创建工作，东城街道组织社区"  # a full line that wraps
    path = _wrapped_pdf(tmp_path / "w.pdf", [full, "工作者开展入户宣传。", "第二段。"])
    r = extract_file(path, "pdf")
    assert "组织社区工作者开展入户宣传。" in r.text  # 社区/工作者 joined again
    assert "入户宣传。\n第二段。" in r.text  # a short line keeps its break


def test_heading_is_the_largest_text_on_page_one(tmp_path: Path) -> None:
    path = _wrapped_pdf(tmp_path / "t.pdf", ["正文第一行", "正文第二行"], title="文明交通劝导工作总结")
    r = extract_file(path, "pdf")
    assert r.info["heading"] == "文明交通劝导工作总结"


def test_uniform_text_has_no_heading(tmp_path: Path) -> None:
    r = extract_file(_wrapped_pdf(tmp_path / "u.pdf", ["甲行文字", "乙行文字"]), "pdf")
    assert "heading" not in r.info


def test_truncated_pdf_is_corrupt_and_keeps_what_it_could_read(tmp_path: Path) -> None:
    pages = [f"第{i}页 东城街道文明创建台账内容" for i in range(1, 9)]
    path = make_pdf(tmp_path / "cut.pdf", pages)
    truncate(path, 0.8)
    r = extract_file(path, "pdf")
    assert r.status == "corrupt"
    assert r.info.get("repaired") is True
    assert "不完整" in r.reason


def test_garbage_named_pdf_is_corrupt(tmp_path: Path) -> None:
    (tmp_path / "x.pdf").write_bytes(b"<html>not a pdf</html>" * 10)
    r = extract_file(tmp_path / "x.pdf", "pdf")
    assert r.status == "corrupt"


def test_password_pdf_is_encrypted(tmp_path: Path) -> None:
    r = extract_file(make_encrypted_pdf(tmp_path / "e.pdf"), "pdf")
    assert r.status == "encrypted"
    assert "内部资料" not in r.text


def test_scanned_pdf_has_no_text(tmp_path: Path) -> None:
    r = extract_file(make_scanned_pdf(tmp_path / "s.pdf"), "pdf")
    assert r.status == "no_text"
    assert r.page_count == 1
    assert "扫描件" in r.reason


def test_partly_scanned_pdf_is_ok_and_counts_pages_without_text(tmp_path: Path) -> None:
    path = make_scanned_pdf(tmp_path / "mixed.pdf")
    doc = pymupdf.open(str(path))
    page = doc.new_page()
    page.insert_text((72, 72), "第二页有文字", fontname="china-s")
    doc.saveIncr()
    doc.close()
    r = extract_file(path, "pdf")
    assert r.status == "ok"
    assert r.info["pages_without_text"] == 1
    assert r.text.split("\f")[1] == "第二页有文字"


def test_short_lines_keep_their_breaks(tmp_path: Path) -> None:
    # A page of short lines only: the longest of them is not a full line.
    path = make_pdf(tmp_path / "s.pdf", ["春节主题活动总结\n东城区文明办\n二〇二三年一月"])
    assert extract_file(path, "pdf").text == "春节主题活动总结\n东城区文明办\n二〇二三年一月"
