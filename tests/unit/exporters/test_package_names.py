"""Windows-safe names for the evaluators' package: forbidden characters, device names, trailing
dots, shortening by UTF-16 units, uniqueness as Windows compares names, the FAT32 size limit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporters.package.names import (
    FAT32_MAX_FILE,
    NameSpace,
    clean_component,
    file_name,
    fits_filesystem,
    folder_name,
    is_reserved,
    shorten,
    too_large_message,
    utf16_len,
    windows_problem,
)


@pytest.mark.parametrize("name", ["CON", "con.txt", "Nul.docx", "COM1", "lpt9.pdf", "AUX .txt",
                                  "COM¹"])
def test_device_names_are_reserved(name: str) -> None:
    assert is_reserved(name)
    assert windows_problem(name) is not None


@pytest.mark.parametrize("name", ["CONTROL.txt", "会议记录.docx", "COM10", "LPT", "NULL"])
def test_ordinary_names_are_not_reserved(name: str) -> None:
    assert not is_reserved(name)


def test_forbidden_characters_become_full_width_twins() -> None:
    cleaned = clean_component('关于"学习计划"的通知：2023*第1号?<a>|b\\c/d')
    assert windows_problem(cleaned) is None
    assert cleaned == "关于＂学习计划＂的通知：2023＊第1号？＜a＞｜b＼c／d"


def test_trailing_dots_spaces_and_control_characters_go() -> None:
    assert clean_component("工作总结. . ") == "工作总结"
    assert clean_component("a\tb\x00c") == "a b c"
    assert clean_component("...") == "未命名"
    assert clean_component("CON") == "_CON"


def test_shorten_counts_utf16_units_and_marks_the_cut() -> None:
    assert shorten("短名称", 10) == "短名称"
    cut = shorten("一二三四五六七八九十", 6)
    assert cut == "一二三四五…" and utf16_len(cut) == 6
    emoji = shorten("😀😀😀😀", 5)  # two units each
    assert utf16_len(emoji) <= 5 and emoji.endswith("…")


def test_file_name_reports_what_it_changed() -> None:
    name, reasons = file_name("001-", 'a:b*c?"d"', ".pdf", 100)
    assert name == "001-a：b＊c？＂d＂.pdf"
    assert reasons == ["forbidden_chars"]
    name, reasons = file_name("002-", "工作总结..", ".pdf", 100)
    assert name == "002-工作总结.pdf" and reasons == ["trailing_dots"]
    name, reasons = file_name("003-", "CON", ".docx", 100)
    assert name == "003-CON.docx" and reasons == []  # the number keeps it from being a device
    name, reasons = file_name("", "CON", ".docx", 100)
    assert name == "_CON.docx" and reasons == ["reserved"]
    name, reasons = file_name("004-", "很长的题名" * 30, ".docx", 60)
    assert utf16_len(name) == 60 and name.endswith("….docx") and reasons == ["shortened"]


def test_folder_name_keeps_the_code_whole() -> None:
    name = folder_name("1.1.2.3", "组织干部、专家学者到基层一线开展理论宣讲" * 3, 36)
    assert name.startswith("1.1.2.3 ") and utf16_len(name) == 36 and name.endswith("…")


def test_namespace_compares_as_windows_does_and_never_overwrites() -> None:
    space = NameSpace()
    assert space.claim("Report.pdf", 50) == ("Report.pdf", False)
    assert space.claim("report.PDF", 50) == ("report (2).PDF", True)
    assert space.claim("REPORT.pdf", 50) == ("REPORT (3).pdf", True)
    # NFC and NFD spellings of the same name clash too
    assert space.claim("Cafe\u0301.txt", 50) == ("Cafe\u0301.txt", False)
    assert space.claim("Caf\u00e9.txt", 50)[1] is True
    long_name = "很" * 40 + ".docx"
    first, _ = space.claim(long_name, 45)
    second, changed = space.claim(long_name, 45)
    assert changed and second != first and utf16_len(second) <= 45


def test_fat32_refuses_files_of_4_gib() -> None:
    assert fits_filesystem(FAT32_MAX_FILE, "vfat")
    assert not fits_filesystem(FAT32_MAX_FILE + 1, "vfat")
    assert not fits_filesystem(5 * 1024**3, "FAT32")
    assert fits_filesystem(5 * 1024**3, "exfat")
    assert fits_filesystem(5 * 1024**3, "NTFS")
    assert fits_filesystem(5 * 1024**3, None)
    message = too_large_message("宣传片.mp4", 5 * 1024**3)
    assert "宣传片.mp4" in message and "FAT32" in message and "exFAT" in message


@given(st.text(min_size=0, max_size=300))
def test_any_title_becomes_a_storable_name_within_budget(title: str) -> None:
    name, _ = file_name("001-", title, ".pdf", 80)
    assert windows_problem(name) is None
    assert utf16_len(name) <= 80
    assert name.startswith("001-") and name.endswith(".pdf")
