"""``civledger --self-test``: run every part of the product once, on a temporary library.

Meant for the built executable above all: PyInstaller leaves out what it cannot see imported
(a module loaded by name, a Qt plugin, Alembic's revision files read from disk), and such a gap
shows up only when the frozen program reaches that code. The self-test reaches all of it — the
migrations, filing, extraction in worker processes, the search index, the check, the export and
its verification, the main window — on small documents it writes itself with the same libraries
the product reads them with (python-docx, PyMuPDF, openpyxl).

Each step prints one line, ``ok`` or ``FAILED`` with the reason, to the console when there is one
and to the log (the windowed Windows build has no console: see ``gui.logging_setup``). A step
whose module is not in the build fails loudly; nothing is skipped. Exit status 0 only if every
step passed. On failure the temporary folder is kept and named, for a closer look.
"""

from __future__ import annotations

import importlib
import logging
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("civledger.self_test")

PERIOD = "2024"
STANDARD = "1.1.1.1"  # sample framework: 学习计划；实施方案；中心组学习会议记录；活动照片×3
# A phrase in every generated document, and one only in the PDF, for the search step.
TOKEN = "垃圾分类"
PDF_ONLY = "志愿服务站"
FILES = {
    "学习计划.docx": "docx",
    "实施方案.pdf": "pdf",
    "中心组学习会议记录.xlsx": "xlsx",
}


class StepFailed(Exception):
    """A step ran but its result was wrong; the message says what was expected."""


@dataclass
class StepResult:
    name: str
    ok: bool
    detail: str
    seconds: float

    def line(self) -> str:
        status = "ok" if self.ok else "FAILED"
        return f"{status:<6} {_pad(self.name, 10)} {self.detail} ({self.seconds:.1f} s)"


@dataclass
class SelfTest:
    """The steps and what they share; each step returns a one-line description of its result."""

    workdir: Path
    emit: Callable[[str], None]
    results: list[StepResult] = field(default_factory=list)
    lib: Any = None
    document_ids: list[int] = field(default_factory=list)
    package_dir: Path | None = None

    @property
    def library_dir(self) -> Path:
        return self.workdir / "自检资料库"

    @property
    def sources_dir(self) -> Path:
        return self.workdir / "待导入"

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        return [
            ("环境", self.environment),
            ("资料库", self.library),
            ("生成文件", self.make_files),
            ("导入", self.import_files),
            ("提取", self.extract),
            ("检索", self.search),
            ("查漏补缺", self.check),
            ("导出", self.export),
            ("校验", self.verify),
            ("主窗口", self.window),
        ]

    def run(self) -> bool:
        for name, step in self.steps():
            started = time.monotonic()
            try:
                detail, ok = step(), True
            except StepFailed as exc:
                detail, ok = str(exc), False
            except Exception as exc:  # noqa: BLE001 - every failure is a result to report
                detail, ok = f"{type(exc).__name__}: {exc}", False
                log.error("自检步骤“%s”出错：\n%s", name, traceback.format_exc().rstrip())
            result = StepResult(name, ok, detail, time.monotonic() - started)
            self.results.append(result)
            self.emit(result.line())
        self.close()
        return all(r.ok for r in self.results)

    def close(self) -> None:
        if self.lib is not None:
            self.lib.close()
            self.lib = None

    def _library(self) -> Any:
        if self.lib is None:
            raise StepFailed("前面的步骤没有建立资料库")
        return self.lib

    # -- the steps ------------------------------------------------------------------------
    def environment(self) -> str:
        from gui.logging_setup import environment_text

        return environment_text()

    def library(self) -> str:
        from archive import schema
        from archive.frameworks import create_sample_framework, standards_overview
        from archive.library import Library

        self.lib = Library.create(self.library_dir)
        with self.lib.session() as s:
            create_sample_framework(s)
            count = len(standards_overview(s))
        if count == 0:
            raise StepFailed("示例测评体系没有测评标准")
        return (f"{self.library_dir}：数据库版本 {schema.head_revision()}，"
                f"示例测评体系 {count} 条测评标准")

    def make_files(self) -> str:
        folder = self.sources_dir
        folder.mkdir(parents=True, exist_ok=True)
        _make_docx(folder / "学习计划.docx")
        _make_pdf(folder / "实施方案.pdf")
        _make_xlsx(folder / "中心组学习会议记录.xlsx")
        sizes = ", ".join(f"{p.name} {p.stat().st_size // 1024} KB"
                          for p in sorted(folder.iterdir()))
        return sizes

    def import_files(self) -> str:
        from archive.importer import import_paths

        lib = self._library()
        result = import_paths(lib, [self.sources_dir], PERIOD, standard=STANDARD)
        if result.error or result.refused or len(result.filed) != len(FILES):
            raise StepFailed(f"应归档 {len(FILES)} 件，实际归档 {len(result.filed)} 件；"
                             f"拒收 {result.refused}；错误 {result.error or '无'}")
        self.document_ids = result.new_document_ids
        return f"归档 {len(result.filed)} 件到 {PERIOD} 年度 {STANDARD}"

    def extract(self) -> str:
        """As the GUI does after an import: announce the new documents; the indexing hook
        extracts them (in worker processes) and indexes them. Then nothing may be pending."""
        from sqlalchemy import select

        from archive.hooks import documents_changed
        from archive.models import Document, File

        pipeline = _require("indexing.pipeline", "文本提取")
        importlib.import_module("indexing").install_hooks()
        lib = self._library()
        documents_changed(lib, self.document_ids)
        leftover = pipeline.extract_pending(lib)
        with lib.session() as s:
            rows = s.execute(
                select(File.original_name, File.status, File.status_reason)
                .join(Document, Document.file_id == File.id)
                .where(Document.id.in_(self.document_ids))).all()
        bad = [f"{name}：{status} {reason or ''}".strip()
               for name, status, reason in rows if status != "ok"]
        if bad or len(rows) != len(FILES):
            raise StepFailed("提取失败：" + "；".join(bad or [f"只找到 {len(rows)} 个文件"]))
        if leftover.get("extracted"):
            raise StepFailed(f"导入后的索引钩子漏掉了 {leftover['extracted']} 个文件")
        return f"{len(rows)} 个文件提取正文并编入索引（工作进程）"

    def search(self) -> str:
        search_mod = _require("indexing.search", "全文检索")
        lib = self._library()
        everywhere = _hit_ids(search_mod.search(lib, TOKEN))
        if set(everywhere) != set(self.document_ids):
            raise StepFailed(f"检索“{TOKEN}”应命中 {len(self.document_ids)} 件，"
                             f"实际命中 {len(everywhere)} 件")
        pdf_only = _hit_ids(search_mod.search(lib, PDF_ONLY))
        if len(pdf_only) != 1:
            raise StepFailed(f"检索“{PDF_ONLY}”应只命中 PDF 1 件，实际命中 {len(pdf_only)} 件")
        return f"“{TOKEN}”命中 {len(everywhere)} 件，“{PDF_ONLY}”命中 {len(pdf_only)} 件"

    def check(self) -> str:
        from archive.check import MISSING, run_check

        report = run_check(self._library(), PERIOD)
        std = next((s for s in report.standards if s.code == STANDARD), None)
        if std is None:
            raise StepFailed(f"查漏补缺结果中没有测评标准 {STANDARD}")
        if len(std.documents) != len(FILES) or std.status == MISSING:
            raise StepFailed(f"{STANDARD} 应有 {len(FILES)} 件资料，实际 {len(std.documents)} 件，"
                             f"状态 {std.status_label}")
        satisfied = sum(1 for r in std.requirements if r.satisfied)
        return (f"{len(report.standards)} 条测评标准；{STANDARD} {std.status_label}，"
                f"{satisfied}/{len(std.requirements)} 项佐证要求已满足，"
                f"发现问题 {len(report.findings)} 个")

    def export(self) -> str:
        from exporters.package import export_package

        out = self.workdir / "迎检资料包"
        report = export_package(self._library(), PERIOD, out)
        if not report.ok:
            raise StepFailed(f"导出未成功：{report.error or report.problems[:3]}")
        if report.documents != len(FILES):
            raise StepFailed(f"应导出 {len(FILES)} 件资料，实际 {report.documents} 件")
        self.package_dir = out
        return f"{report.files} 个文件，{report.bytes // 1024} KB，导出时已校验"

    def verify(self) -> str:
        from exporters.package import verify_package

        if self.package_dir is None:
            raise StepFailed("没有导出的资料包可校验")
        result = verify_package(self.package_dir)
        if not result["ok"]:
            raise StepFailed(f"资料包校验失败：{result['problems'][:3]}")
        # A verifier that passes everything proves nothing: alter one copied document.
        victim = next(p for p in sorted(self.package_dir.rglob("*.docx"))
                      if p.name.endswith("学习计划.docx"))
        original = victim.read_bytes()
        victim.write_bytes(original + b"\0")
        try:
            tampered = verify_package(self.package_dir)
        finally:
            victim.write_bytes(original)
        if tampered["ok"]:
            raise StepFailed("改动过的资料包仍被判为完好")
        return f"{result['checked']} 个文件哈希一致；改动一个文件后校验报错"

    def window(self) -> str:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtCore import QSettings

        from gui.app import create_application
        from gui.logging_setup import route_qt_messages
        from gui.screenshot import render

        self.close()  # the window opens the library itself
        route_qt_messages()
        create_application()
        # Never touch the clerk's own window layout or recent-library list.
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                          str(self.workdir / "qsettings"))
        png = self.workdir / "主窗口.png"
        info = render(self.library_dir, png, size=(1280, 800))
        if not png.exists() or png.stat().st_size < 10_000:
            raise StepFailed(f"主窗口截图 {png} 没有写出或是空白")
        if info["documents"] != len(FILES):
            raise StepFailed(f"主窗口应列出 {len(FILES)} 件资料，实际 {info['documents']} 件")
        from PySide6.QtGui import QGuiApplication

        platform_name = QGuiApplication.platformName()
        return (f"{info['width']}×{info['height']} 截图 {png.stat().st_size // 1024} KB，"
                f"列出 {info['documents']} 件资料（Qt 平台 {platform_name}）")


# -- helpers ------------------------------------------------------------------------------------
def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    columns = sum(2 if ord(c) >= 0x2E80 else 1 for c in text)
    return text + " " * max(0, width - columns)


def _require(module: str, what: str) -> Any:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise StepFailed(f"{what}模块 {module} 不在本程序中（{exc}）") from exc


def _hit_ids(result: Any) -> list[int]:
    """Document ids from a search result: a list of hits, or an object/dict holding ``hits``."""
    hits = result.get("hits") if isinstance(result, dict) else getattr(result, "hits", result)
    ids = []
    for hit in hits:
        value = hit.get("document_id") if isinstance(hit, dict) else hit.document_id
        ids.append(int(value))
    return ids


def _make_docx(path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("2024年区委理论学习中心组学习计划", level=1)
    doc.add_paragraph(f"为推进{TOKEN}和文明城市创建，区委理论学习中心组全年安排专题学习十二次。")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "月份", "专题"
    table.cell(1, 0).text, table.cell(1, 1).text = "三月", "新时代文明实践"
    doc.save(str(path))


def _make_pdf(path: Path) -> None:
    import pymupdf

    doc = pymupdf.open()
    for text in (f"关于印发{TOKEN}工作实施方案的通知", f"各街道建设{PDF_ONLY}，常态化开展活动。"):
        page = doc.new_page(width=595, height=842)
        page.insert_textbox(pymupdf.Rect(50, 50, 545, 800), text, fontname="china-s",
                            fontsize=12)
    doc.save(str(path))
    doc.close()


def _make_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "会议记录"
    ws.append(["日期", "议题"])
    ws.append(["2024-03-12", f"{TOKEN}专题学习"])
    wb.save(str(path))


def _emitter() -> Callable[[str], None]:
    def emit(line: str) -> None:
        log.info("%s", line)
        out = sys.stdout
        if out is not None and not _stdout_is_log(out):
            print(line, file=out, flush=True)

    return emit


def _stdout_is_log(stream: Any) -> bool:
    from gui.logging_setup import _LogStream

    return isinstance(stream, _LogStream)


def run_self_test(workdir: Path | None = None, configure_logging: bool = True) -> int:
    """Run every step; 0 if all passed, 1 otherwise. ``workdir`` defaults to a new temp folder
    (removed after success); ``configure_logging`` sets up the log file first (the executable)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    log_path: Path | None = None
    if configure_logging:
        from gui.logging_setup import setup_logging

        log_path = setup_logging(windowed=sys.stdout is None)
    emit = _emitter()
    own_dir = workdir is None
    base = Path(tempfile.mkdtemp(prefix="civledger-selftest-")) if own_dir else Path(workdir)
    base.mkdir(parents=True, exist_ok=True)
    emit(f"创文台账自检：临时目录 {base}" + (f"，日志 {log_path}" if log_path else ""))
    test = SelfTest(base, emit)
    started = time.monotonic()
    passed = test.run()
    failed = [r.name for r in test.results if not r.ok]
    seconds = time.monotonic() - started
    if passed:
        emit(f"自检通过：{len(test.results)} 步全部 ok（{seconds:.1f} 秒）")
        if own_dir:
            shutil.rmtree(base, ignore_errors=True)
        return 0
    emit(f"自检失败：{len(failed)}/{len(test.results)} 步 FAILED（{'、'.join(failed)}）；"
         f"临时目录已保留：{base}")
    return 1
