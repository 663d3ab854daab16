"""The export wizard: scope, target with a free-space check, progress, cancel, verification."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QByteArray

from exporters.package import ExportReport, verify_package
from gui.views import export_wizard, volumes


def _to_target(window, qtbot, folder: Path):  # noqa: ANN001, ANN202
    wizard = window.open_export_wizard()
    assert wizard.scope_page.period.currentData() == "2023"
    wizard.next()
    page = wizard.target_page
    qtbot.waitUntil(lambda: wizard.estimate is not None, timeout=20000)
    page.folder.setText(str(folder))
    return wizard, page


def test_export_to_a_folder_is_verified(window, qtbot, tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "迎检资料"
    wizard, page = _to_target(window, qtbot, out)
    files, size = wizard.estimate
    assert files > 4 and size > 0
    assert page.isComplete() and "空间足够" in page.space.text()
    with qtbot.waitSignal(wizard.exported, timeout=60000) as blocker:
        wizard.next()
    report = blocker.args[0]
    assert report.ok and report.verified
    assert report.documents == 4  # the unassigned document is not in the package
    assert "导出完成" in wizard.run_page.result.text()
    assert "未导出 1 件" in wizard.run_page.details.toPlainText()
    assert verify_package(out)["ok"]
    assert wizard.run_page.isComplete() and not wizard.run_page.cancel_button.isEnabled()
    wizard.close()


def test_too_little_free_space_blocks_the_export(window, qtbot, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(export_wizard, "free_space", lambda _path: 1024)
    wizard, page = _to_target(window, qtbot, tmp_path / "小U盘")
    assert not page.isComplete()
    assert "空间不足" in page.space.text()
    wizard.close()


def test_cancel_stops_the_export_and_says_the_package_is_incomplete(window, qtbot, tmp_path,
                                                                     monkeypatch) -> None:  # noqa: ANN001
    started = threading.Event()

    def slow_export(lib, request, progress, cancel):  # noqa: ANN001, ANN202
        started.set()
        while not cancel.cancelled:
            threading.Event().wait(0.01)
        report = ExportReport(request.out_dir, request.period, cancelled=True)
        report.error = "导出已取消。资料包不完整，请勿使用。"
        return report

    monkeypatch.setattr(export_wizard, "run_export", slow_export)
    wizard, _page = _to_target(window, qtbot, tmp_path / "取消")
    wizard.next()
    assert started.wait(10)
    assert not wizard.run_page.isComplete()
    with qtbot.waitSignal(wizard.exported, timeout=20000) as blocker:
        wizard.run_page.cancel_button.click()
    assert blocker.args[0].cancelled
    assert "资料包不完整" in wizard.run_page.result.text()
    wizard.close()


class _FakeVolume:
    def __init__(self, root: str, fs: bytes, free: int) -> None:
        self._root, self._fs, self._free = root, fs, free

    def isValid(self) -> bool:  # noqa: N802
        return True

    def isReady(self) -> bool:  # noqa: N802
        return True

    def isReadOnly(self) -> bool:  # noqa: N802
        return False

    def fileSystemType(self) -> QByteArray:  # noqa: N802
        return QByteArray(self._fs)

    def rootPath(self) -> str:  # noqa: N802
        return self._root

    def name(self) -> str:
        return "KINGSTON" if self._fs == b"vfat" else ""

    def bytesAvailable(self) -> int:  # noqa: N802
        return self._free

    def bytesTotal(self) -> int:  # noqa: N802
        return self._free * 2


def test_usb_sticks_are_listed_first(monkeypatch) -> None:  # noqa: ANN001
    fakes = [_FakeVolume("/", b"ext4", 50 << 30), _FakeVolume("/proc", b"proc", 0),
             _FakeVolume("/media/clerk/KINGSTON", b"vfat", 7 << 30)]
    monkeypatch.setattr(volumes.QStorageInfo, "mountedVolumes", staticmethod(lambda: fakes))
    found = volumes.mounted_volumes()
    assert [str(v.root) for v in found] == ["/media/clerk/KINGSTON", "/"]
    assert found[0].removable and not found[1].removable
    assert "U盘" in found[0].label and "VFAT" in found[0].label
