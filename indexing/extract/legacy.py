"""Legacy binary Office and WPS files (.doc, .wps, .rtf, .et, .ppt, .dps) through LibreOffice.

When LibreOffice is installed, ``soffice --headless --convert-to`` turns the file into its
OOXML form in a private temporary folder (with its own user profile, so that conversions can run
beside an open LibreOffice) and that is read like any .docx/.xlsx/.pptx. Without it the file keeps
the status ``unsupported`` and a reason telling the clerk what to do. (.xls is read by xlrd
directly and only comes here when xlrd cannot read it.)

``CIVLEDGER_SOFFICE`` names the program explicitly (a portable LibreOffice, or a test double).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from indexing.extract.result import CORRUPT, UNSUPPORTED, Extraction

TARGET = {"doc": "docx", "wps": "docx", "rtf": "docx", "xls": "xlsx", "et": "xlsx",
          "ppt": "pptx", "dps": "pptx"}
# Seconds one conversion may take; the extraction worker's own limit is longer.
CONVERT_TIMEOUT = 90


def find_soffice() -> str | None:
    explicit = os.environ.get("CIVLEDGER_SOFFICE")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    if sys.platform == "win32":
        for base in (os.environ.get("PROGRAMFILES", ""), os.environ.get("PROGRAMFILES(X86)", "")):
            candidate = Path(base) / "LibreOffice" / "program" / "soffice.exe"
            if base and candidate.exists():
                return str(candidate)
    return None


def extract(path: Path, ext: str) -> Extraction:
    target = TARGET.get(ext)
    soffice = find_soffice()
    if target is None or soffice is None:
        return Extraction(
            UNSUPPORTED,
            f"未提取文字：旧版 .{ext} 文件需要 LibreOffice 才能读取，本机未安装。"
            "可用 WPS 或 Word 另存为 .docx/.xlsx 后重新导入，或安装 LibreOffice 后重建索引",
        )
    with tempfile.TemporaryDirectory(prefix="civledger-convert-") as tmp:
        work = Path(tmp)
        source = work / f"input.{ext}"
        shutil.copyfile(path, source)
        profile = (work / "profile").as_uri()
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", target, "--outdir", str(work), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT, check=False,
                           stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return Extraction(CORRUPT, f"LibreOffice 转换 .{ext} 文件超时（{CONVERT_TIMEOUT} 秒）")
        except OSError as exc:
            return Extraction(UNSUPPORTED, f"未提取文字：无法启动 LibreOffice：{exc}")
        converted = work / f"input.{target}"
        if not converted.exists():
            return Extraction(CORRUPT, f"LibreOffice 无法转换此 .{ext} 文件（可能已损坏或设有密码）")
        from indexing.extract import extract_file

        result = extract_file(converted, target)
        result.info["converted_from"] = ext
        return result
