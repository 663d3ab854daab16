"""The paths that make a large export fast, checked on a small ledger: generation in a child
process gives the same package as on a thread, and a child that dies or fails does not cost the
export its correctness; the writer's grouped read-back still catches each bad file; photo sheets
read only the head of a photo; store paths as strings are the store's own."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from pathlib import Path

import pytest

from archive.library import Library
from archive.progress import CancelToken, ProgressEvent
from exporters.package import export_package, verify_package
from exporters.package import generation as gen
from exporters.package.export import store_paths
from exporters.package.layout import plan_layout
from exporters.package.manifest import INCOMPLETE_MARKER, MANIFEST_TXT, read_manifest
from exporters.package.photos import HEAD_BYTES, RAW_MAX_BYTES, jpeg_stream, small_jpeg_stream
from exporters.package.selection import select_for_export
from exporters.package.writer import HANDOFF_FILES, Entry, PackageWriter
from tests.factories import jpeg_bytes

DAY = dt.date(2023, 11, 20)


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generate in a child process even for this small ledger."""
    monkeypatch.setattr(gen, "PROCESS_MIN_PLACEMENTS", 0)


def _contents(root: Path) -> dict[str, bytes]:
    return {p: (root / p).read_bytes() for p in read_manifest(root) or {}}


def test_child_process_makes_the_same_package_as_a_thread(lib: Library, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    on_thread = export_package(lib, "2023", tmp_path / "thread", today=DAY)
    monkeypatch.setattr(gen, "PROCESS_MIN_PLACEMENTS", 0)
    in_child = export_package(lib, "2023", tmp_path / "child", today=DAY)
    assert on_thread.ok and in_child.ok, in_child.as_json()
    assert in_child.notes == on_thread.notes
    thread_files = _contents(tmp_path / "thread")
    assert any(p.endswith("000-照片资料.docx") for p in thread_files)
    assert _contents(tmp_path / "child") == thread_files  # byte for byte, forms and index too
    assert verify_package(tmp_path / "child")["ok"]
    assert not multiprocessing.active_children()


def _selection(lib: Library) -> tuple[object, object]:
    sel = select_for_export(lib, "2023")
    return sel, plan_layout(sel)


def test_a_child_that_dies_leaves_the_work_to_the_thread(lib: Library) -> None:
    notes: list[str] = []
    work = gen.ProcessGeneration(lib, "2023", None, notes, CancelToken())
    work._process.kill()  # as if it could not start (no __main__ guard, no memory …)
    work._process.join()
    sel, layout = _selection(lib)
    work.provide(sel, layout, DAY)  # type: ignore[arg-type]
    files = work.result()
    work.close()
    expected = gen.generate_files(lib, sel, layout, DAY, CancelToken(), [])  # type: ignore[arg-type]
    assert [(e.path, e.sha256) for e in files] == [(e.path, e.sha256) for e in expected]


def test_an_error_in_the_child_reaches_the_export(lib: Library) -> None:
    work = gen.ProcessGeneration(lib, "2023", None, [], CancelToken())
    sel, layout = _selection(lib)
    sel.standards[0].score = "not a number"  # type: ignore[attr-defined]  # the form fails on it
    work.provide(sel, layout, DAY)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        work.result()
    work.close()
    assert not work._process.is_alive()


def test_cancel_stops_the_child_and_leaves_the_marker(lib: Library, tmp_path: Path,
                                                      in_process: None) -> None:
    token = CancelToken()

    def progress(event: ProgressEvent) -> None:
        if event.unit == "bytes" and event.done > 0:
            token.cancel()

    out = tmp_path / "pkg"
    report = export_package(lib, "2023", out, progress=progress, cancel=token, today=DAY)
    assert report.cancelled and not report.ok
    assert (out / INCOMPLETE_MARKER).exists() and not (out / MANIFEST_TXT).exists()
    assert not multiprocessing.active_children()


def test_grouped_read_back_reports_exactly_the_bad_files(tmp_path: Path) -> None:
    count = 3 * HANDOFF_FILES + 5  # several groups and a partial last one
    entries = [Entry.generated(f"d{i % 4}/f{i:03d}.txt", f"内容 {i}".encode() * (i + 1))
               for i in range(count)]
    bad = {7, HANDOFF_FILES, count - 1}
    for i in bad:
        entries[i].sha256 = "0" * 64  # the library's hash disagrees with the data
    events: list[ProgressEvent] = []
    writer = PackageWriter(tmp_path / "pkg", entries, progress=events.append)
    result = writer.run()
    assert sorted(p["path"] for p in result.problems) == sorted(entries[i].path for i in bad)
    assert {p["kind"] for p in result.problems} == {"write_failed"}
    assert sorted(result.written) == sorted(e.path for e in entries)  # bad ones rewritten once
    assert events[-1].done == events[-1].total


def test_photo_head_is_enough_for_a_small_jpeg(tmp_path: Path) -> None:
    image = jpeg_bytes()
    assert len(image) < HEAD_BYTES
    motion = tmp_path / "motion.jpg"
    motion.write_bytes(image + os.urandom(3 * RAW_MAX_BYTES))  # a phone's appended video
    assert jpeg_stream(image) == image
    assert small_jpeg_stream(motion) == image


def test_photo_stream_beyond_the_head_and_beyond_the_limit(tmp_path: Path) -> None:
    from PIL import Image

    def noisy_jpeg(side: int) -> bytes:
        import io

        img = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=95)
        return buf.getvalue()

    middle = noisy_jpeg(256)  # larger than the head, within the limit
    assert HEAD_BYTES < len(middle) <= RAW_MAX_BYTES
    path = tmp_path / "middle.jpg"
    path.write_bytes(middle + b"trailer")
    assert small_jpeg_stream(path) == middle
    big = noisy_jpeg(1000)  # a stream longer than the limit is not embedded as it is
    assert len(big) > RAW_MAX_BYTES
    path.write_bytes(big)
    assert small_jpeg_stream(path) is None


def test_store_paths_are_the_stores_own(lib: Library) -> None:
    path_of = store_paths(lib)
    for sha, ext in (("ab" * 32, "pdf"), ("0f" * 32, ""), ("c3" * 32, "docx")):
        assert path_of(sha, ext) == os.fspath(lib.store.path_for(sha, ext))


def test_a_failure_before_copying_ends_the_child(lib: Library, tmp_path: Path,
                                                 in_process: None) -> None:
    from archive.errors import CivLedgerError

    with pytest.raises(CivLedgerError):
        export_package(lib, "2023", tmp_path / "pkg", unit="没有这个单位", today=DAY)
    assert not multiprocessing.active_children()


def test_no_process_to_be_had_means_a_thread(lib: Library, tmp_path: Path, in_process: None,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("daemonic processes are not allowed to have children")

    monkeypatch.setattr(gen.ProcessGeneration, "__init__", refuse)
    report = export_package(lib, "2023", tmp_path / "pkg", today=DAY)
    assert report.ok and verify_package(tmp_path / "pkg")["ok"]
