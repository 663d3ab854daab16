"""The export runs with the cyclic garbage collector paused (its selection and layout are many
objects without cycles) and gives it back as it found it — after success, after an error, and
when the caller had paused it already; the package is the same either way."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.errors import CivLedgerError
from archive.library import Library
from archive.progress import ProgressEvent
from exporters.package import export_package, verify_package
from exporters.package import generation as gen

DAY = dt.date(2023, 11, 20)


@pytest.fixture
def gc_restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.parametrize("child", [False, True], ids=["thread", "process"])
def test_gc_paused_during_export_and_restored(lib: Library, tmp_path: Path, gc_restored: None,
                                              monkeypatch: pytest.MonkeyPatch,
                                              child: bool) -> None:
    if child:
        monkeypatch.setattr(gen, "PROCESS_MIN_PLACEMENTS", 0)
    gc.enable()
    seen: list[bool] = []

    def progress(_event: ProgressEvent) -> None:
        seen.append(gc.isenabled())

    report = export_package(lib, "2023", tmp_path / "pkg", progress=progress, today=DAY)
    assert report.ok, report.error
    assert seen and not any(seen)
    assert gc.isenabled()
    assert verify_package(tmp_path / "pkg")["ok"]


def test_gc_restored_after_a_failed_export(lib: Library, tmp_path: Path,
                                           gc_restored: None) -> None:
    gc.enable()
    with pytest.raises(CivLedgerError):
        export_package(lib, "1999", tmp_path / "pkg", today=DAY)
    assert gc.isenabled()


def test_gc_left_paused_when_the_caller_paused_it(lib: Library, tmp_path: Path,
                                                  gc_restored: None) -> None:
    gc.disable()
    report = export_package(lib, "2023", tmp_path / "pkg", today=DAY)
    assert report.ok, report.error
    assert not gc.isenabled()
