"""Spreadsheets, text in Chinese encodings, HTML, images, zips, slides, OFD, legacy, others."""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
from pathlib import Path

import pytest
from ix_factories import make_ofd, make_pptx, set_encrypted_flag, truncate

from indexing.extract import extract_file, extract_task
from tests.factories import jpeg_bytes, make_docx, make_jpg, make_pdf, make_xlsx, make_zip


# -- spreadsheets ------------------------------------------------------------------------------
def test_xlsx_cells_by_sheet(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "t.xlsx", [["单位", "志愿者人数", "日期"],
                                          ["东城街道", 1200, dt.datetime(2023, 5, 12)],
                                          ["西城街道", 980.5, None]], title="志愿者统计")
    r = extract_file(path, "xlsx")
    assert r.status == "ok"
    lines = r.text.split("\n")
    assert lines[0] == "工作表：志愿者统计"
    assert "东城街道\t1200\t2023-05-12" in lines
    assert "西城街道\t980.5" in lines


def test_xlsx_without_values_is_empty(tmp_path: Path) -> None:
    r = extract_file(make_xlsx(tmp_path / "e.xlsx", [[None, None]]), "xlsx")
    assert r.status == "empty"


def test_truncated_xlsx_is_corrupt(tmp_path: Path) -> None:
    path = truncate(make_xlsx(tmp_path / "c.xlsx", [[f"第{i}行", i] for i in range(2000)]))
    assert extract_file(path, "xlsx").status == "corrupt"


# -- text files --------------------------------------------------------------------------------
TEXT = "关于开展垃圾分类志愿服务的通知\n东城街道,1200人次\n2023年5月12日"


@pytest.mark.parametrize(("encoding", "data", "expected"), [
    ("utf-8", TEXT.encode("utf-8"), "utf-8"),
    ("utf-8-sig", TEXT.encode("utf-8-sig"), "utf-8"),
    ("gbk", TEXT.encode("gbk"), "gb18030"),
    ("gb18030", (TEXT + "𠀀").encode("gb18030"), "gb18030"),
    ("utf-16", TEXT.encode("utf-16"), "utf-16"),
    ("utf-16-be-bom", b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16"),
])
def test_text_encodings(tmp_path: Path, encoding: str, data: bytes, expected: str) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(data.replace(b"\n", b"\r\n") if encoding == "gbk" else data)
    r = extract_file(path, "txt")
    assert r.status == "ok"
    assert r.info["encoding"] == expected
    assert r.text.startswith("关于开展垃圾分类志愿服务的通知\n东城街道,1200人次")


def test_csv_in_gbk(tmp_path: Path) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes("姓名,社区\r\n张三,西湖社区\r\n".encode("gbk"))
    r = extract_file(path, "csv")
    assert r.text == "姓名,社区\n张三,西湖社区\n"


def test_whitespace_only_text_is_empty(tmp_path: Path) -> None:
    (tmp_path / "w.txt").write_bytes(b" \r\n\t ")
    assert extract_file(tmp_path / "w.txt", "txt").status == "empty"


def test_html_text_without_markup(tmp_path: Path) -> None:
    page = ("<html><head><style>p{color:red}</style><script>var x='脚本';</script></head>"
            "<body><h1>文明交通劝导</h1><p>志愿者在路口劝导</p></body></html>")
    (tmp_path / "n.html").write_text(page, "utf-8")
    r = extract_file(tmp_path / "n.html", "html")
    assert r.text == "文明交通劝导\n志愿者在路口劝导"


# -- images ------------------------------------------------------------------------------------
def test_photo_exif_date_and_size(tmp_path: Path) -> None:
    path = make_jpg(tmp_path / "p.jpg", dt.datetime(2023, 3, 5, 9, 30))
    r = extract_file(path, "jpg")
    assert r.status == "ok"
    assert r.info == {"exif_date": "2023-03-05", "width": 64, "height": 48}
    assert r.text == ""


def test_photo_without_exif(tmp_path: Path) -> None:
    r = extract_file(make_jpg(tmp_path / "p.jpg"), "jpg")
    assert r.status == "ok"
    assert "exif_date" not in r.info
    assert (r.info["width"], r.info["height"]) == (64, 48)


def test_truncated_photo_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "cut.jpg"
    path.write_bytes(jpeg_bytes(size=(400, 300))[:-200])
    r = extract_file(path, "jpg")
    assert r.status == "corrupt"


def test_not_an_image_is_unsupported(tmp_path: Path) -> None:
    (tmp_path / "x.heic").write_bytes(b"\x00\x00\x00\x18ftypheic" + b"\0" * 100)
    r = extract_file(tmp_path / "x.heic", "heic")
    assert r.status == "unsupported"
    assert r.reason.startswith("未提取文字：")


def test_ocr_hook_makes_photos_searchable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from indexing.extract import images

    monkeypatch.setattr(images, "OCR", lambda path: "宣传栏：垃圾分类")
    r = extract_file(make_jpg(tmp_path / "p.jpg"), "jpg")
    assert r.text == "宣传栏：垃圾分类"


# -- zips --------------------------------------------------------------------------------------
def test_zip_members_with_gbk_names(tmp_path: Path) -> None:
    docx = make_docx(tmp_path / "src" / "方案.docx", title="垃圾分类实施方案").read_bytes()
    pdf = make_pdf(tmp_path / "src" / "总结.pdf", ["志愿服务总结"]).read_bytes()
    path = make_zip(tmp_path / "资料.zip", {"活动/方案.docx": docx, "活动/总结.pdf": pdf,
                                          "照片.jpg": jpeg_bytes(), "说明.txt": "压缩包说明".encode("gbk")},
                    gbk=True)
    r = extract_file(path, "zip")
    assert r.status == "ok"
    assert "【压缩包内：活动/方案.docx】\n" in r.text
    assert "垃圾分类实施方案" in r.text
    assert "【压缩包内：活动/总结.pdf】\n志愿服务总结" in r.text
    assert "压缩包说明" in r.text
    assert r.info["members"] == 4


def test_zip_with_only_encrypted_members(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "locked.zip", {"a.txt": "机密内容".encode()})
    set_encrypted_flag(path, "a.txt")
    r = extract_file(path, "zip")
    assert r.status == "encrypted"
    assert "a.txt" in r.reason


def test_zip_of_unreadable_kinds_is_unsupported(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "v.zip", {"录像.mp4": b"\0" * 100})
    assert extract_file(path, "zip").status == "unsupported"


def test_zip_nesting_is_bounded(tmp_path: Path) -> None:
    inner = make_zip(tmp_path / "l2.zip", {"深层.txt": "第三层文字".encode()}).read_bytes()
    middle = make_zip(tmp_path / "l1.zip", {"l2.zip": inner, "浅层.txt": "第二层文字".encode()})
    outer = make_zip(tmp_path / "l0.zip", {"l1.zip": middle.read_bytes()})
    r = extract_file(outer, "zip")
    assert "第二层文字" in r.text
    assert "第三层文字" not in r.text


def test_broken_zip_is_corrupt(tmp_path: Path) -> None:
    (tmp_path / "b.zip").write_bytes(b"PK\x03\x04garbage")
    assert extract_file(tmp_path / "b.zip", "zip").status == "corrupt"


# -- slides and OFD ----------------------------------------------------------------------------
def test_pptx_slides_as_pages(tmp_path: Path) -> None:
    r = extract_file(make_pptx(tmp_path / "s.pptx", ["创文工作汇报", "一、垃圾分类\n二、志愿服务"]),
                     "pptx")
    assert r.status == "ok"
    assert r.page_count == 2
    assert r.text == "创文工作汇报\f一、垃圾分类\n二、志愿服务"


def test_ofd_pages(tmp_path: Path) -> None:
    r = extract_file(make_ofd(tmp_path / "d.ofd", ["区文明办〔2023〕5号\n关于表彰的决定", "第二页"]), "ofd")
    assert r.status == "ok"
    assert r.page_count == 2
    assert r.text == "区文明办〔2023〕5号\n关于表彰的决定\f第二页"


# -- legacy formats ----------------------------------------------------------------------------
def test_legacy_doc_without_libreoffice_is_unsupported(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIVLEDGER_SOFFICE", str(tmp_path / "missing"))
    (tmp_path / "old.wps").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    r = extract_file(tmp_path / "old.wps", "wps")
    assert r.status == "unsupported"
    assert r.reason.startswith("未提取文字：")
    assert "LibreOffice" in r.reason


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in converter is a POSIX script")
def test_legacy_doc_converted_by_libreoffice(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in for soffice that honours its command line: --convert-to docx --outdir DIR."""
    converted = make_docx(tmp_path / "converted.docx", title="旧版文档里的文明创建总结")
    fake = tmp_path / "soffice"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import shutil, sys\n"
        "args = sys.argv[1:]\n"
        "assert '--headless' in args and args[args.index('--convert-to') + 1] == 'docx'\n"
        "outdir = args[args.index('--outdir') + 1]\n"
        "src = args[-1]\n"
        "stem = src.rsplit('/', 1)[-1].rsplit('.', 1)[0]\n"
        f"shutil.copy({str(converted)!r}, outdir + '/' + stem + '.docx')\n", "utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("CIVLEDGER_SOFFICE", str(fake))
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    r = extract_file(tmp_path / "old.doc", "doc")
    assert r.status == "ok", r.reason
    assert "旧版文档里的文明创建总结" in r.text
    assert r.info["converted_from"] == "doc"


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in converter is a POSIX script")
def test_legacy_conversion_failure_is_corrupt(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "soffice"
    fake.write_text(f"#!{sys.executable}\nimport sys\nsys.exit(1)\n", "utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("CIVLEDGER_SOFFICE", str(fake))
    (tmp_path / "bad.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    assert extract_file(tmp_path / "bad.doc", "doc").status == "corrupt"


# -- everything else ---------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "expected"), [("录像.mp4", "视频"), ("图纸.dwg", ".dwg"),
                                                ("README", "无扩展名")])
def test_other_types_are_unsupported_with_reason(tmp_path: Path, name: str, expected: str) -> None:
    (tmp_path / name).write_bytes(b"\1" * 10)
    ext = name.rsplit(".", 1)[1] if "." in name else ""
    r = extract_file(tmp_path / name, ext)
    assert r.status == "unsupported"
    assert r.reason.startswith("未提取文字：") and expected in r.reason


def test_missing_content_is_reported(tmp_path: Path) -> None:
    r = extract_file(tmp_path / "gone.pdf", "pdf")
    assert r.status == "corrupt"
    assert "找不到" in r.reason


def test_task_returns_proposals_and_drops_the_heading(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "n.docx", title="关于开展文明餐桌行动的通知",
                     doc_number="区文明办〔2023〕7号", author="东城区文明办", date_text="2023年6月1日")
    out = extract_task(str(path), "docx")
    assert out["status"] == "ok"
    assert "heading" not in out["info"]
    assert out["info"]["proposed"] == {"title": "关于开展文明餐桌行动的通知",
                                       "doc_number": "区文明办〔2023〕7号",
                                       "doc_date": "2023-06-01", "author": "东城区文明办"}


def test_environment_is_untouched() -> None:
    # The legacy tests set CIVLEDGER_SOFFICE through monkeypatch only.
    assert "CIVLEDGER_SOFFICE" not in os.environ
