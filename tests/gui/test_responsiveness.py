"""The window never freezes: the event loop keeps running while 2,000 files are filed."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from archive.documents import standard_by_code
from gui.itemmodels.indicator_tree import COL_COUNT

FILES = 2000


def test_the_event_loop_keeps_running_during_a_2000_file_import(window, qtbot, tmp_path) -> None:  # noqa: ANN001
    folder = tmp_path / "大批量" / "1.1.1.2 理论宣讲"
    folder.mkdir(parents=True)
    for i in range(FILES):
        (folder / f"宣讲记录{i:04d}.txt").write_text(f"第{i}场理论宣讲活动记录", "utf-8")
    with window.state.session() as s:
        target = standard_by_code(s, "1.1.1.2").id
    log: list[tuple[str, int]] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: log.append(("tick", 0)))
    handle = window.imports.import_to_standard(target, "1.1.1.2", [folder.parent])
    handle.progressed.connect(lambda event: log.append(("progress", event.done)))
    timer.start()
    with qtbot.waitSignal(handle.finished, timeout=120_000):
        pass
    timer.stop()
    progress = [i for i, (kind, _done) in enumerate(log) if kind == "progress"]
    assert len(progress) >= 2, "progress must reach the window while the import runs"
    ticks_during = [i for i, (kind, _d) in enumerate(log)
                    if kind == "tick" and progress[0] < i < progress[-1]]
    # The timer fired between progress reports: the UI thread was free the whole time.
    assert len(ticks_during) >= 3
    dones = [done for kind, done in log if kind == "progress"]
    assert dones == sorted(dones) and dones[-1] == FILES
    assert len(handle.result.result.filed) == FILES
    index = window.ledger.tree.model.index_for_indicator(target)
    assert index.siblingAtColumn(COL_COUNT).data() == str(FILES)
