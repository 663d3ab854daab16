"""The lean paths the export takes for speed give the same results as the plain ones:
read-back hashing on a bare descriptor (and the file-object path Windows takes), the copy that
stops at the recorded size, and progress messages built only when they are shown."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from archive.progress import ProgressEvent
from exporters.package import meter as meter_module
from exporters.package import writer
from exporters.package.meter import ByteMeter
from exporters.package.writer import Entry, PackageWriter, copy_file, hash_path


@pytest.fixture(params=[True, False], ids=["readv", "file-object"])
def read_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(writer, "_READV", request.param and hasattr(os, "readv"))
    return bool(request.param)


@pytest.mark.parametrize("size", [0, 1, 4095, 4096 * 3 + 7])
def test_hash_path_matches_hashlib(tmp_path: Path, read_path: bool, size: int) -> None:
    data = os.urandom(size)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    # A buffer smaller than the file: the digest is built from several reads.
    assert hash_path(path, bytearray(4096), settle_first=False) == hashlib.sha256(data).hexdigest()
    assert hash_path(path) == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("size", [0, 10, 3 * 1024 * 1024 + 5])
def test_copy_file_copies_exactly(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    src, dst = tmp_path / "src.bin", tmp_path / "dst.bin"
    src.write_bytes(data)
    dst.write_bytes(b"older and longer content " * 100)  # truncated by the copy
    copy_file(src, dst, size)
    assert dst.read_bytes() == data


def test_source_longer_than_recorded_fails_the_read_back(tmp_path: Path) -> None:
    """The copy goes to the end of the source, whatever size the library recorded: a store
    file that grew is exported as it is, and the read-back finds and reports it."""
    data = b"evidence " * 1000
    src = tmp_path / "store.pdf"
    src.write_bytes(data + b"tampered tail")
    entry = Entry("2023/a.pdf", len(data), hashlib.sha256(data).hexdigest(), source=src,
                  label="a.pdf")
    result = PackageWriter(tmp_path / "pkg", [entry]).run()
    assert not result.verified
    assert [p["kind"] for p in result.problems] == ["write_failed"]


def test_meter_due_follows_the_report_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    monkeypatch.setattr(meter_module.time, "monotonic", lambda: now[0])
    events: list[ProgressEvent] = []
    m = ByteMeter(events.append, 10)
    assert m.due()
    m.report("a")
    assert not m.due()
    m.report("b")  # throttled: not due, not reported
    now[0] += 2 * meter_module.MIN_INTERVAL
    assert m.due()
    m.report("c")
    assert [e.message.split("（")[0] for e in events] == ["a", "c"]


def test_copy_progress_names_files_only_when_reported(tmp_path: Path) -> None:
    """Every progress event of the copy names a file of the package, and events come."""
    entries = []
    for n in range(40):
        data = f"file {n} ".encode() * 50
        src = tmp_path / "src" / f"{n}.txt"
        src.parent.mkdir(exist_ok=True)
        src.write_bytes(data)
        entries.append(Entry(f"2023/{n:03d}.txt", len(data), hashlib.sha256(data).hexdigest(),
                             source=src, label=f"文件{n}.txt"))
    events: list[ProgressEvent] = []
    result = PackageWriter(tmp_path / "pkg", entries, events.append).run()
    assert result.verified and len(result.written) == 40
    assert events and events[-1].done == events[-1].total
    copying = [e.message for e in events if e.message.startswith("正在复制")]
    assert all(any(f"文件{n}.txt" in msg for n in range(40)) for msg in copying)
