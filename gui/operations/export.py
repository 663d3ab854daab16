"""The evaluators' package from the window: estimate, export, verify, and a summary to show."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.library import Library
from archive.progress import CancelToken, ProgressCallback
from exporters.package import ExportReport, estimate, export_package, verify_package
from exporters.package.meter import human_bytes


@dataclass(frozen=True)
class ExportRequest:
    period: str
    out_dir: Path
    unit: str | None = None
    standard: str | None = None  # code: that indicator's subtree
    make_zip: bool = False


def estimate_size(lib: Library, period: str, unit: str | None, standard: str | None
                  ) -> tuple[int, int]:
    """(files, bytes) the package will hold."""
    return estimate(lib, period, unit, standard)


def run_export(lib: Library, request: ExportRequest, progress: ProgressCallback,
               cancel: CancelToken) -> ExportReport:
    return export_package(lib, request.period, request.out_dir, unit=request.unit,
                          standard=request.standard, make_zip=request.make_zip,
                          progress=progress, cancel=cancel)


def verify(path: Path, progress: ProgressCallback, cancel: CancelToken) -> dict[str, Any]:
    return verify_package(path, progress, cancel)


def export_summary(report: ExportReport) -> tuple[str, str]:
    """(headline, details) of an export for the wizard's last page."""
    if report.ok:
        head = f"导出完成，已逐个读回核对无误：{report.out_dir}"
    elif report.cancelled:
        head = report.error or "导出已取消。"
    else:
        head = f"导出未完成：{report.error or '有文件未通过核对'}"
    lines = [
        f"{report.standards} 条测评标准，{report.documents} 件资料，共 {report.files} 个文件、"
        f"{human_bytes(report.bytes)}；本次写入 {len(report.written)} 个，未变 {report.unchanged}"
        f" 个，删除 {len(report.removed)} 个，用时 {report.seconds:.1f} 秒。"]
    if report.held_back:
        lines.append(f"未导出 {len(report.held_back)} 件（请核实）：")
        lines += [f"  {h.title or h.source_path}：{h.reason}" for h in report.held_back]
    if report.renamed:
        lines.append(f"{len(report.renamed)} 件在U盘上改了文件名（Windows 不允许的字符、过长等）。")
    lines += [f"问题：{p.get('message', p.get('kind'))}（{p.get('path', '')}）"
              for p in report.problems]
    lines += [f"说明：{n}" for n in report.notes]
    if report.zip_path:
        lines.append(f"压缩包：{report.zip_path}")
    return head, "\n".join(lines)
