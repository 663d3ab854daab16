"""Library life cycle from the window: create, open, recent list, backup, settings, trash, and
the first-start choice."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QDialog, QPushButton

from archive.check.score import PERIOD_STAGES_KEY, STAGE_TARGETS_KEY
from archive.library import Library
from archive.models import Period
from gui import settings
from gui.views.library_dialogs import NewLibraryDialog, WelcomeDialog
from gui.views.main_window import MainWindow
from gui.views.settings_dialog import SettingsDialog


def _empty_window(qtbot) -> MainWindow:  # noqa: ANN001
    win = MainWindow()
    qtbot.addWidget(win)
    win.state.background_indexing = False
    return win


def test_without_a_library_the_library_actions_are_disabled(qtbot) -> None:  # noqa: ANN001
    win = _empty_window(qtbot)
    assert not win.act_import.isEnabled() and not win.act_export.isEnabled()
    assert win.act_new.isEnabled() and win.act_open.isEnabled()
    assert win.toolbar.library_label.text() == "未打开资料库"
    assert win.ledger.documents.model.rowCount() == 0


def test_create_a_library_with_the_sample_framework(qtbot, tmp_path, no_dialogs) -> None:  # noqa: ANN001
    win = _empty_window(qtbot)
    dialog = NewLibraryDialog(win, name="东城区创文资料库", location=tmp_path)
    assert dialog.target == tmp_path / "东城区创文资料库"
    assert win.libraries.create_at(dialog.target, sample=dialog.sample.isChecked())
    assert win.state.lib is not None and win.state.lib.root == dialog.target
    assert win.windowTitle() == "东城区创文资料库 - 创文台账"
    assert win.ledger.tree.model.rowCount() == 2 + 3  # 全部资料, 未归类, three blocks
    assert settings.recent_libraries() == [str(dialog.target)]
    assert settings.last_library() == str(dialog.target)
    # Creating into the same folder again is refused with the library's message.
    assert not win.libraries.create_at(dialog.target, sample=False)
    assert "已经是一个资料库" in str(no_dialogs["errors"][0][1])
    win.close()


def test_open_a_folder_that_is_not_a_library_says_what_to_do(qtbot, tmp_path, no_dialogs) -> None:  # noqa: ANN001
    win = _empty_window(qtbot)
    (tmp_path / "随便一个文件夹").mkdir()
    assert not win.libraries.open_path(tmp_path / "随便一个文件夹")
    what, error = no_dialogs["errors"][0]
    assert "无法打开资料库" in what and "不是创文台账资料库" in str(error)
    assert win.state.lib is None


def test_recent_libraries_reopen(qtbot, filed_library, no_dialogs) -> None:  # noqa: ANN001
    root = filed_library.root
    filed_library.close()
    win = _empty_window(qtbot)
    assert win.libraries.open_path(root)
    win.libraries._fill_recent()
    actions = win.libraries.recent_menu.actions()
    assert [a.text() for a in actions] == [str(root)]
    win.state.close_library()
    actions[0].trigger()
    assert win.state.lib is not None and win.state.lib.root == root
    assert win.ledger.documents.model.total == 5
    win.close()


def test_backup_now_writes_a_consistent_copy(window, qtbot, no_dialogs) -> None:  # noqa: ANN001
    window.libraries.backup()
    qtbot.waitUntil(lambda: bool(no_dialogs["infos"]), timeout=20000)
    title, _text, informative, _d = no_dialogs["infos"][0]
    assert title == "备份完成"
    backup = Path(informative.split("：", 1)[1].split("\n", 1)[0])
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT count(*) FROM document").fetchone()[0] == 5


def test_settings_are_saved_in_the_library(window, no_dialogs) -> None:  # noqa: ANN001
    dialog = SettingsDialog(window.state, window)
    dialog.organisation.setText("东城区文明办")
    dialog.targets["第一年"].setValue(75)
    (pid, (start, end)), = dialog.period_edits.items()
    start.setDate(dt.date(2022, 8, 1))
    end.setDate(dt.date(2023, 7, 31))
    dialog.stage_boxes["2023"].setCurrentIndex(dialog.stage_boxes["2023"].findData("第二年"))
    label, new_start, new_end, _stage = dialog.add_period_row()
    label.setText("2024")
    new_start.setDate(dt.date(2023, 8, 1))
    new_end.setDate(dt.date(2024, 7, 31))
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    lib = window.state.library()
    assert lib.get_setting("organisation") == "东城区文明办"
    assert lib.get_setting(STAGE_TARGETS_KEY)["第一年"] == 0.75
    assert lib.get_setting(PERIOD_STAGES_KEY) == {"2023": "第二年"}
    with lib.session() as s:
        p = s.get(Period, pid)
        assert (p.start, p.end) == (dt.date(2022, 8, 1), dt.date(2023, 7, 31))
    assert [label for _pid, label in window.state.periods] == ["2023", "2024"]
    assert window.toolbar.period.count() == 2


def test_a_period_ending_before_it_starts_is_refused(window, no_dialogs) -> None:  # noqa: ANN001
    dialog = SettingsDialog(window.state, window)
    (pid, (start, end)), = dialog.period_edits.items()
    end.setDate(dt.date(2022, 1, 1))
    dialog.organisation.setText("不应保存")
    dialog.save()
    assert "早于开始日期" in str(no_dialogs["errors"][0][1])
    assert window.state.library().get_setting("organisation") in (None, "")


def test_emptying_the_trash_asks_first(window, no_dialogs) -> None:  # noqa: ANN001
    docs = window.ledger.documents
    docs.table.selectRow(0)
    docs.delete_action.trigger()
    dialog = window.libraries.show_trash()
    assert dialog.model.rowCount() == 1
    dialog.empty()
    assert no_dialogs["confirms"][-1] == "彻底删除回收站中的 1 件资料？"
    assert dialog.model.rowCount() == 0
    dialog.close()


def test_the_welcome_dialog_offers_three_ways_to_start(qtbot, tmp_path) -> None:  # noqa: ANN001
    settings.remember_library(tmp_path / "旧资料库")
    dialog = WelcomeDialog(None, "资料库 D:/创文 无法打开。")
    qtbot.addWidget(dialog)
    buttons = dialog.findChildren(QPushButton)
    assert [b.text() for b in buttons][:3] == ["新建空资料库", "打开已有资料库", "试用示例资料库"]
    assert all(b.isEnabled() for b in buttons[:3])  # the demo module is installed
    buttons[0].click()
    assert dialog.choice == WelcomeDialog.CREATE
    assert dialog.recent.count() == 1
    dialog.recent.itemActivated.emit(dialog.recent.item(0))
    assert dialog.choice == WelcomeDialog.RECENT
    assert dialog.recent_path == str(tmp_path / "旧资料库")


def test_the_demo_library_is_generated_in_a_worker_and_opened(qtbot, tmp_path, no_dialogs,
                                                             monkeypatch) -> None:  # noqa: ANN001
    import archive.demo

    calls = []
    real = archive.demo.build_demo

    def small_demo(root, progress=None, cancel=None, **kw):  # noqa: ANN001, ANN202
        calls.append(root)
        return real(root, documents=30, progress=progress, cancel=cancel, notify=False)

    monkeypatch.setattr(archive.demo, "build_demo", small_demo)
    win = _empty_window(qtbot)
    win.libraries.demo_library(tmp_path / "示例")
    qtbot.waitUntil(lambda: win.state.lib is not None, timeout=120000)
    assert calls == [tmp_path / "示例"]
    assert win.ledger.documents.model.total > 0
    assert len(win.state.periods) == 3
    with Library.open(tmp_path / "示例") as lib, lib.session() as s:
        assert s.query(Period).count() == 3
    win.close()
