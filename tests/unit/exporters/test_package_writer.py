"""Re-export, cancel, failure and the target-folder rules of the package writer, on a small
ledger of real files: re-export copies only what changed, moves what was renamed, removes what is
gone and repairs what was altered; an interrupted export is visibly incomplete."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import update

from archive.documents import update_document
from archive.errors import CivLedgerError
from archive.importer import import_paths
from archive.library import Library
from archive.models import Document, File
from archive.progress import CancelToken, ProgressEvent
from archive.trash import delete_document
from exporters.package import estimate, export_package, verify_package
from exporters.package.manifest import INCOMPLETE_MARKER, MANIFEST_TXT, read_manifest
from exporters.package.writer import Entry, PackageWriter
from tests.factories import make_docx, make_jpg, make_pdf

DAY = dt.date(2023, 11, 20)


def small_ledger(lib: Library, root: Path) -> dict[str, int]:
    src = root / "src"
    make_docx(src / "a" / "学习计划.docx", title="学习计划")
    make_pdf(src / "a" / "实施方案.pdf", pages=["实施方案"] * 3)
    make_jpg(src / "a" / "活动照片.jpg", taken=dt.datetime(2023, 4, 1, 10, 0))
    make_pdf(src / "b" / "宣讲活动记录.pdf", pages=["宣讲活动记录"])
    ids: dict[str, int] = {}
    for folder, code in (("a", "1.1.1.1"), ("b", "1.1.1.2")):
        result = import_paths(lib, [src / folder], "2023", standard=code)
        for entry in result.filed:
            ids[entry["source_path"]] = entry["document_id"]
    return ids


@pytest.fixture
def ledger(sample_library: Library, tmp_path: Path) -> tuple[Library, dict[str, int]]:
    return sample_library, small_ledger(sample_library, tmp_path)


def payload(paths: list[str]) -> list[str]:
    """Only the evidence files (generated forms, catalogue and index are rewritten as needed)."""
    return sorted(p for p in paths if p.startswith("2023/") and not p.rsplit("/", 1)[1]
                  .startswith("000-"))


def test_reexport_copies_only_what_changed(ledger: tuple[Library, dict[str, int]],
                                           tmp_path: Path) -> None:
    lib, ids = ledger
    out = tmp_path / "pkg"
    first = export_package(lib, "2023", out, today=DAY)
    assert first.ok and len(payload(first.written)) == 4

    again = export_package(lib, "2023", out, today=DAY)
    assert again.ok
    assert again.written == [] and again.moved == [] and again.removed == []
    assert again.unchanged == first.files

    old = read_manifest(out) or {}
    [old_plan] = [p for p in old if p.endswith("-实施方案.pdf")]
    [old_record] = [p for p in old if p.endswith("-宣讲活动记录.pdf")]
    with lib.session() as s:
        update_document(s, ids["实施方案.pdf"], title="区委理论学习实施方案")
    delete_document(lib, ids["宣讲活动记录.pdf"])
    new_file = make_pdf(tmp_path / "new" / "宣讲工作方案.pdf", pages=["宣讲工作方案"])
    import_paths(lib, [new_file], "2023", standard="1.1.1.2")

    third = export_package(lib, "2023", out, today=DAY)
    assert third.ok, third.as_json()
    assert [p.rsplit("/", 1)[1] for p in payload(third.written)] == ["001-宣讲工作方案.pdf"]
    assert [p.rsplit("/", 1)[1] for p in third.moved] == ["002-区委理论学习实施方案.pdf"]
    assert third.removed == [old_record]  # the retitled one was moved, not removed
    assert not (out / old_plan).exists() and not (out / old_record).exists()
    assert verify_package(out)["ok"]


def test_reexport_repairs_a_tampered_file(ledger: tuple[Library, dict[str, int]],
                                          tmp_path: Path) -> None:
    lib, _ids = ledger
    out = tmp_path / "pkg"
    export_package(lib, "2023", out, today=DAY)
    victim = next(p for p in read_manifest(out) or {} if p.endswith(".pdf"))
    data = bytearray((out / victim).read_bytes())
    data[100] ^= 0xFF  # same size, so only the read-back can notice
    (out / victim).write_bytes(bytes(data))
    assert not verify_package(out)["ok"]

    report = export_package(lib, "2023", out, today=DAY)
    assert report.ok and report.written == [victim]
    assert verify_package(out)["ok"]


def test_cancel_leaves_a_marker_and_no_manifest(ledger: tuple[Library, dict[str, int]],
                                                tmp_path: Path) -> None:
    lib, _ids = ledger
    out = tmp_path / "pkg"
    token = CancelToken()
    events: list[ProgressEvent] = []

    def progress(event: ProgressEvent) -> None:
        events.append(event)
        if event.unit == "bytes" and event.done > 0:
            token.cancel()

    report = export_package(lib, "2023", out, progress=progress, cancel=token, today=DAY)
    assert report.cancelled and not report.ok and "取消" in report.error
    assert (out / INCOMPLETE_MARKER).exists()
    assert "已取消" in (out / INCOMPLETE_MARKER).read_text("utf-8")
    assert not (out / MANIFEST_TXT).exists()
    result = verify_package(out)
    assert not result["ok"]
    assert {p["kind"] for p in result["problems"]} == {"incomplete"}
    assert any(e.unit == "bytes" and e.total > 0 for e in events)

    done = export_package(lib, "2023", out, today=DAY)  # the next export completes it
    assert done.ok and not (out / INCOMPLETE_MARKER).exists()
    assert verify_package(out)["ok"]


def test_progress_counts_bytes_up_to_the_total(ledger: tuple[Library, dict[str, int]],
                                               tmp_path: Path) -> None:
    lib, _ids = ledger
    events: list[ProgressEvent] = []
    report = export_package(lib, "2023", tmp_path / "pkg", progress=events.append, today=DAY)
    assert report.ok
    byte_events = [e for e in events if e.unit == "bytes"]
    assert byte_events[-1].done == byte_events[-1].total > report.bytes  # copy + read-back
    assert all(e.done <= e.total for e in byte_events)


def test_a_failed_read_back_is_reported_and_leaves_no_manifest(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    entry = Entry.generated("a/b.txt", b"content")
    entry.sha256 = "0" * 64  # what the library claims; the data disagrees (a corrupt source)
    writer = PackageWriter(root, [entry])
    result = writer.run()
    assert not result.verified
    assert [p["kind"] for p in result.problems] == ["write_failed"]
    writer.fail("1 个问题")
    assert (root / INCOMPLETE_MARKER).exists() and not (root / MANIFEST_TXT).exists()


def test_refuses_a_folder_that_is_not_a_package(ledger: tuple[Library, dict[str, int]],
                                                tmp_path: Path) -> None:
    lib, _ids = ledger
    out = tmp_path / "我的文档"
    (out / "工作").mkdir(parents=True)
    mine = out / "工作" / "重要.txt"
    mine.write_text("不能被删", "utf-8")
    with pytest.raises(CivLedgerError, match="不是创文台账导出的资料包"):
        export_package(lib, "2023", out, today=DAY)
    assert mine.read_text("utf-8") == "不能被删"
    with pytest.raises(CivLedgerError, match="资料库"):
        export_package(lib, "2023", lib.root / "导出", today=DAY)


def test_fat32_holds_back_files_of_4_gib(ledger: tuple[Library, dict[str, int]],
                                         tmp_path: Path) -> None:
    lib, ids = ledger
    with lib.session() as s:
        file_id = s.get(Document, ids["活动照片.jpg"]).file_id
        real = s.get(File, file_id).size
        # Pretend the photo were a 5 GiB video: the rule looks at the recorded size only.
        s.execute(update(File).where(File.id == file_id).values(size=5 * 1024**3))
    report = export_package(lib, "2023", tmp_path / "stick", filesystem="vfat", today=DAY)
    [held] = report.held_back
    assert held.kind == "too_large" and "FAT32" in held.reason and "exFAT" in held.reason
    assert report.ok and report.placements == 3
    with lib.session() as s:
        s.execute(update(File).where(File.id == file_id).values(size=real))
    report = export_package(lib, "2023", tmp_path / "ntfs", filesystem="ntfs", today=DAY)
    assert report.held_back == [] and report.placements == 4


def test_standard_and_unit_filters(ledger: tuple[Library, dict[str, int]],
                                   tmp_path: Path) -> None:
    lib, ids = ledger
    report = export_package(lib, "2023", tmp_path / "one", standard="1.1.1.2", today=DAY)
    assert report.ok and report.standards == 1 and report.placements == 1
    with lib.session() as s:
        update_document(s, ids["学习计划.docx"], unit_id=_unit_id(s, "区委宣传部"))
    report = export_package(lib, "2023", tmp_path / "unit", unit="区委宣传部", today=DAY)
    assert report.ok and report.documents == 1
    assert report.standards >= 1


def _unit_id(session: object, name: str) -> int:
    from archive.documents import unit_by_name

    return unit_by_name(session, name).id  # type: ignore[arg-type]


def test_zip_holds_the_package(ledger: tuple[Library, dict[str, int]], tmp_path: Path) -> None:
    lib, _ids = ledger
    out = tmp_path / "迎检资料"
    report = export_package(lib, "2023", out, make_zip=True, today=DAY)
    assert report.ok and report.zip_path == str(tmp_path / "迎检资料.zip")
    with zipfile.ZipFile(report.zip_path) as zf:
        assert zf.testzip() is None
        names = {n.split("/", 1)[1] for n in zf.namelist()}
    manifest = read_manifest(out) or {}
    assert set(manifest) <= names and "manifest-sha256.txt" in names


def test_estimate_matches_the_export(ledger: tuple[Library, dict[str, int]],
                                     tmp_path: Path) -> None:
    lib, _ids = ledger
    files, size = estimate(lib, "2023")
    report = export_package(lib, "2023", tmp_path / "pkg", today=DAY)
    assert files >= report.placements + report.standards
    payload_bytes = sum((tmp_path / "pkg" / p).stat().st_size for p in payload(report.written))
    assert size >= payload_bytes


def test_exporting_another_period_into_a_package_replaces_it(
        ledger: tuple[Library, dict[str, int]], tmp_path: Path) -> None:
    lib, _ids = ledger
    out = tmp_path / "pkg"
    assert export_package(lib, "2023", out, today=DAY).ok
    import_paths(lib, [make_pdf(tmp_path / "n" / "2024年工作方案.pdf")], "2024",
                 standard="1.1.1.1")
    report = export_package(lib, "2024", out, today=DAY)
    assert report.ok and any("2023" in n and "2024" in n for n in report.notes)
    assert not (out / "2023").exists()
    assert [p.rsplit("/", 1)[1] for p in payload(read_manifest(out) or {})] == []
    assert any(p.endswith("-2024年工作方案.pdf") for p in read_manifest(out) or {})


def test_device_read_back(ledger: tuple[Library, dict[str, int]], tmp_path: Path) -> None:
    lib, _ids = ledger
    report = export_package(lib, "2023", tmp_path / "pkg", verify_device=True, today=DAY)
    assert report.ok and report.verified and report.as_json()["verified_from"] == "device"
    assert verify_package(tmp_path / "pkg")["ok"]


def test_a_file_missing_from_the_library_fails_the_export(
        ledger: tuple[Library, dict[str, int]], tmp_path: Path) -> None:
    lib, ids = ledger
    with lib.session() as s:
        f = s.get(File, s.get(Document, ids["实施方案.pdf"]).file_id)
        stored = lib.store.path_for(f.sha256, f.ext)
    stored.unlink()
    out = tmp_path / "pkg"
    report = export_package(lib, "2023", out, today=DAY)
    assert not report.ok
    [problem] = report.problems
    assert problem["kind"] == "source_missing" and "实施方案" in problem["message"]
    assert (out / INCOMPLETE_MARKER).exists() and not (out / MANIFEST_TXT).exists()
    assert not verify_package(out)["ok"]
