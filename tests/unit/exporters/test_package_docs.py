"""The Word and Excel writers of the package: valid files python-docx/openpyxl read back,
reproducible bytes (re-export compares by hash), text Office cannot hold, photos for the sheets."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docx import Document as Docx
from PIL import Image

from exporters.package.office import WordDocument, xml_safe
from exporters.package.photos import MAX_PIXELS, _scaled_jpeg, jpeg_stream
from tests.factories import jpeg_bytes

DAY = dt.date(2023, 11, 20)


def _jpeg(path: Path, size: tuple[int, int], orientation: int = 1, quality: int = 90) -> Path:
    img = Image.effect_noise(size, 60).convert("RGB")
    exif = Image.Exif()
    if orientation != 1:
        exif[0x0112] = orientation
    img.save(path, "JPEG", quality=quality, exif=exif)
    return path


def test_word_document_reads_back_with_python_docx() -> None:
    doc = WordDocument(landscape=True)
    doc.paragraph("标题", bold=True, size_pt=16, align="center")
    doc.table(["甲", "乙"], [["一行\n两行", 3], ["控制\x0b字符\x01", None]], [3000, 3000])
    doc.picture(jpeg_bytes(size=(40, 30)), 4.0, 3.0)
    doc.page_break()
    doc.runs([("粗", True), ("细", False)])
    data = doc.to_bytes(DAY)
    back = Docx(io.BytesIO(data))
    section = back.sections[0]
    assert section.page_width > section.page_height
    [table] = back.tables
    assert [c.text for c in table.rows[0].cells] == ["甲", "乙"]
    assert table.rows[1].cells[0].text == "一行\n两行"
    assert table.rows[1].cells[1].text == "3"
    assert table.rows[2].cells[0].text == "控制 字符 "
    assert len(back.inline_shapes) == 1
    assert back.paragraphs[0].runs[0].bold
    assert back.core_properties.created.date() == DAY


def test_word_output_is_reproducible() -> None:
    def build(day: dt.date) -> bytes:
        doc = WordDocument()
        doc.paragraph("同样的内容")
        return doc.to_bytes(day)

    assert build(DAY) == build(DAY)
    assert build(DAY) != build(DAY + dt.timedelta(days=1))


def test_xml_safe_keeps_text_and_drops_control_characters() -> None:
    assert xml_safe("正文\t第一行\n第二行\r") == "正文\t第一行\n第二行\r"
    assert xml_safe("a\x00b\x0cc\x1f") == "a b c "
    assert xml_safe(None) == ""


def test_large_photo_is_scaled_down(tmp_path: Path) -> None:
    scaled = _scaled_jpeg(_jpeg(tmp_path / "big.jpg", (3000, 2000)))
    assert scaled is not None
    data, w, h = scaled
    assert max(w, h) <= MAX_PIXELS and abs(w / h - 1.5) < 0.01
    assert Image.open(io.BytesIO(data)).size == (w, h)


def test_rotated_photo_is_turned_upright(tmp_path: Path) -> None:
    scaled = _scaled_jpeg(_jpeg(tmp_path / "turned.jpg", (400, 200), orientation=6))
    assert scaled is not None
    _data, w, h = scaled
    assert (w, h) == (200, 400)


def test_small_compact_photo_goes_in_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "small.jpg"
    path.write_bytes(jpeg_bytes(size=(320, 240)))
    scaled = _scaled_jpeg(path)
    assert scaled is not None and scaled[0] == path.read_bytes()


def test_what_follows_a_jpeg_is_left_out(tmp_path: Path) -> None:
    image = jpeg_bytes(taken=dt.datetime(2023, 5, 1, 9, 0), size=(32, 24))
    path = tmp_path / "motion.jpg"
    path.write_bytes(image + b"\0\0ftypmp42" + bytes(range(256)) * 200)  # a motion photo's video
    scaled = _scaled_jpeg(path)
    assert scaled is not None and scaled[0] == image
    assert jpeg_stream(image + b"\xff\xd9trailing") == image
    assert jpeg_stream(b"not a jpeg") is None
    assert jpeg_stream(image[: len(image) // 2]) is None  # truncated: no end marker


def test_progressive_jpeg_stream_is_whole(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.effect_noise((300, 200), 50).convert("RGB").save(buf, "JPEG", progressive=True)
    data = buf.getvalue()
    assert jpeg_stream(data + b"padding") == data


def test_not_a_picture_gives_none(tmp_path: Path) -> None:
    path = tmp_path / "fake.jpg"
    path.write_bytes(b"not a jpeg at all")
    assert _scaled_jpeg(path) is None
