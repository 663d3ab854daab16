"""One call that makes a demo library a new user can explore at once.

The library is built the way a clerk builds one: the sample framework, three ledger years, the
evidence folders filed with the ordinary importer (so folder mapping, the GBK zip, refusals and
duplicates all happen for real), then the catalogue data a clerk types in (题名, 文号, 日期,
责任者, photo captions) for most — not all — documents.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.demo import content as c
from archive.demo.plan import DEFAULT_PERIODS, DemoItem, DemoPlan, plan_demo
from archive.demo.sources import write_sources
from archive.documents import update_document
from archive.errors import Cancelled, CivLedgerError
from archive.frameworks import create_sample_framework, standards_overview
from archive.hooks import documents_changed
from archive.importer import ImportResult, import_paths
from archive.library import MARKER, Library
from archive.models import Document, Unit
from archive.periods import add_period, list_periods
from archive.progress import CancelToken, ProgressCallback, ProgressEvent, no_progress

DEFAULT_DOCUMENTS = 300


@dataclass
class DemoReport:
    """What was built, for the command line, the GUI's welcome screen and the tests."""

    root: Path
    seed: int
    documents: int  # live documents in the library
    files: int  # evidence files generated (zip entries counted one by one)
    periods: list[dict[str, Any]]  # label, start, end, documents
    standards: int
    filed: int = 0
    unassigned: int = 0
    duplicates: int = 0
    refused: int = 0
    defects: dict[str, list[str]] = field(default_factory=dict)
    document_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0
    sources: str = ""  # where the generated folders were kept ("" = a temporary folder)

    def as_json(self) -> dict[str, Any]:
        return {
            "library": str(self.root), "seed": self.seed, "documents": self.documents,
            "files": self.files, "periods": self.periods, "standards": self.standards,
            "filed": self.filed, "unassigned": self.unassigned, "duplicates": self.duplicates,
            "refused": self.refused, "defects": self.defects, "seconds": round(self.seconds, 2),
            "sources": self.sources,
        }


class _Steps:
    """One progress bar over the three stages: generate, file, catalogue."""

    def __init__(self, progress: ProgressCallback, total: int) -> None:
        self.progress = progress
        self.total = total
        self.offset = 0

    def stage(self, prefix: str) -> ProgressCallback:
        start = self.offset

        def report(event: ProgressEvent) -> None:
            self.offset = start + event.done
            self.progress(ProgressEvent(min(self.offset, self.total), self.total,
                                        f"{prefix}{event.message}"))

        return report


def _catalogue(lib: Library, plan: DemoPlan, ids: dict[tuple[str, str], int]) -> int:
    """Type in what a clerk types in: 题名, 文号, 日期, 责任者, 单位, 保管期限, photo captions."""
    done = 0
    with lib.session() as s:
        unit_ids = {name: uid for name, uid in s.execute(select(Unit.name, Unit.id))}
        for item in plan.items:
            if not (item.catalogue and item.document):
                continue
            doc_id = ids.get((item.period, item.path))
            if doc_id is None:
                continue
            changes: dict[str, Any] = {"retention": item.retention}
            if item.kind == "photo":  # dated by when it was taken
                changes.update(caption=item.caption, title=item.title, author=item.author,
                               doc_date=item.taken.date() if item.taken else item.doc_date)
            else:
                changes.update(title=item.title, doc_number=item.doc_number,
                               doc_date=item.doc_date, author=item.author)
            unit = item.unit or item.author
            if unit in unit_ids:
                changes["unit_id"] = unit_ids[unit]
            update_document(s, doc_id, **changes)
            done += 1
    return done


def _fill_contacts(session: Session, seed: int) -> None:
    """Every unit gets a 联络员 and a phone number, as a campaign office's contact list has."""
    rng = random.Random(f"civledger-demo/{seed}/contacts")
    for n, unit in enumerate(session.scalars(select(Unit).order_by(Unit.id)), start=1):
        if not unit.contact:
            unit.contact = rng.choice(c.PEOPLE)
            unit.phone = f"0710-32{100 + n:05d}"


def _ids_by_path(period: str, result: ImportResult) -> dict[tuple[str, str], int]:
    return {(period, e["source_path"]): e["document_id"]
            for e in result.filed + result.unassigned + result.duplicates}


def build_demo(
    root: Path,
    documents: int = DEFAULT_DOCUMENTS,
    seed: int = 1,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    sources: Path | None = None,
    notify: bool = True,
) -> DemoReport:
    """Create a demo library at ``root`` (a new or empty folder) with ``documents`` documents.

    The same ``seed`` gives byte-identical evidence files. ``sources`` keeps the generated
    evidence folders there (to try ``import`` by hand); otherwise they live in a temporary folder.
    With ``notify`` the ``documents_changed`` hook is fired for every new document, so the search
    index (subscribed when loaded) extracts and indexes them before this returns.
    If building fails or is cancelled, the half-built library folder is removed again; a
    failure of a hook's subscriber (the index) leaves the finished library in place.
    """
    started = time.perf_counter()
    root = Path(root)
    existed = root.exists()
    lib = Library.create(root)
    try:
        report = _build(lib, root, documents, seed, progress, cancel, sources)
    except BaseException:
        lib.close()
        _remove_library(root, existed)
        raise
    try:
        if notify and report.document_ids:
            total = len(report.document_ids)
            progress(ProgressEvent(total, total, "正在提取文字、建立检索索引……"))
            documents_changed(lib, report.document_ids)
    finally:
        lib.close()
    report.seconds = time.perf_counter() - started
    return report


def _remove_library(root: Path, existed: bool) -> None:
    """Undo ``Library.create`` (which only accepts a new or empty folder)."""
    if not (root / MARKER).exists():
        return
    if existed:
        for child in root.iterdir():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
    else:
        shutil.rmtree(root, ignore_errors=True)


def _build(lib: Library, root: Path, documents: int, seed: int, progress: ProgressCallback,
           cancel: CancelToken | None, sources: Path | None) -> DemoReport:
    with lib.session() as s:
        create_sample_framework(s)
        _fill_contacts(s, seed)
        for p in DEFAULT_PERIODS:
            add_period(s, p.label, p.start, p.end)
        standards = standards_overview(s)
        units = list(s.scalars(select(Unit.name).order_by(Unit.id)))
    plan = plan_demo(standards, units, documents, seed, DEFAULT_PERIODS)
    if sources is not None and Path(sources).exists() and any(Path(sources).iterdir()):
        raise CivLedgerError(f"保存示例文件的文件夹 {sources} 不是空文件夹。")
    catalogued = sum(1 for i in plan.items if i.catalogue and i.document)
    steps = _Steps(progress, 2 * len(plan.items) + catalogued)
    with tempfile.TemporaryDirectory(prefix="civledger-demo-") as tmp:
        where = Path(sources) if sources is not None else Path(tmp)
        written = write_sources(plan, where, steps.stage("生成示例文件："), cancel)
        ids: dict[tuple[str, str], int] = {}
        totals = {"filed": 0, "unassigned": 0, "duplicates": 0, "refused": 0}
        new_ids: list[int] = []
        for period in plan.periods:
            result = import_paths(lib, [written.folders[period.label]], period.label,
                                  progress=steps.stage(f"归档 {period.label}："), cancel=cancel)
            if result.error:
                if cancel is not None and cancel.cancelled:
                    raise Cancelled()
                raise CivLedgerError(f"示例资料归档失败：{result.error}")
            ids.update(_ids_by_path(period.label, result))
            new_ids += result.new_document_ids
            for key in totals:
                totals[key] += len(getattr(result, key))
    if cancel is not None:
        cancel.raise_if_cancelled()
    catalogue_step = steps.stage("著录：")
    _catalogue(lib, plan, ids)
    catalogue_step(ProgressEvent(catalogued, catalogued, "完成"))
    with lib.session() as s:
        per_period = dict(s.execute(
            select(Document.period_id, func.count()).where(Document.deleted_at.is_(None))
            .group_by(Document.period_id)).all())
        periods = [{"label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat(),
                    "documents": per_period.get(p.id, 0)} for p in list_periods(s)]
    return DemoReport(
        root=root, seed=seed, documents=sum(p["documents"] for p in periods),
        files=len(plan.items), periods=periods, standards=len(standards),
        defects=plan.defects(), document_ids=sorted(new_ids),
        sources=str(Path(sources).resolve()) if sources is not None else "", **totals,
    )


__all__ = ["DemoItem", "DemoPlan", "DemoReport", "build_demo"]
