"""The clerk's main workflows, driven through the window with qtbot."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from sqlalchemy import select

from archive.documents import standard_by_code
from archive.models import AuditEntry, Document, DocumentStandard, File
from gui.itemmodels.document_table import COL_TITLE, DocumentIdRole
from gui.itemmodels.indicator_tree import COL_COUNT, NODE_UNASSIGNED
from tests.factories import make_docx, make_pdf


def _indicator_id(window, code: str) -> int:  # noqa: ANN001
    with window.state.session() as s:
        return standard_by_code(s, code).id


def _listed_titles(window) -> list[str]:  # noqa: ANN001
    model = window.ledger.documents.model
    return [model.index(r, COL_TITLE).data() for r in range(model.rowCount())]


def _count(window, code: str) -> int:  # noqa: ANN001
    tree = window.ledger.tree.model
    index = tree.index_for_indicator(_indicator_id(window, code))
    return int(index.siblingAtColumn(COL_COUNT).data())


def _mime(paths: list[Path]) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def test_selecting_a_node_lists_its_documents(window) -> None:  # noqa: ANN001
    assert window.windowTitle().endswith("创文台账")
    assert window.toolbar.period.currentText() == "2023 年度"
    assert len(_listed_titles(window)) == 5  # 全部资料 is selected first
    window.ledger.tree.select_indicator(_indicator_id(window, "1.1.1.1"))
    assert sorted(_listed_titles(window)) == ["2023年理论学习计划", "中心组学习会议记录", "学习现场"]
    assert window.ledger.documents.count.text() == "共 3 件"
    window.ledger.tree.select_kind(NODE_UNASSIGNED)
    assert _listed_titles(window) == ["会议通知"]


def test_the_filter_box_narrows_the_list(window, qtbot) -> None:  # noqa: ANN001
    window.ledger.documents.filter.setText("学习")
    qtbot.waitUntil(lambda: len(_listed_titles(window)) == 3, timeout=3000)
    window.ledger.documents.filter.setText("区委宣〔2023〕")  # the 文号 is not set yet
    qtbot.waitUntil(lambda: _listed_titles(window) == [], timeout=3000)


def test_editing_metadata_saves_through_the_archive_and_is_audited(window) -> None:  # noqa: ANN001
    window.ledger.tree.select_indicator(_indicator_id(window, "1.1.1.1"))
    docs = window.ledger.documents
    row = _listed_titles(window).index("2023年理论学习计划")
    doc_id = docs.model.index(row, 0).data(DocumentIdRole)
    docs.table.selectRow(row)
    editor = window.ledger.detail.editor
    assert editor.detail.id == doc_id and not editor.dirty
    editor.title.setText("2023年度理论学习中心组学习计划")
    editor.title.textEdited.emit(editor.title.text())
    editor.doc_number.setText("区委宣〔2023〕3号")
    editor.doc_number.textEdited.emit(editor.doc_number.text())
    editor.doc_date.setText("2023-03-01")
    editor.doc_date.textEdited.emit(editor.doc_date.text())
    editor.classification.setCurrentText("内部")
    assert editor.dirty
    editor.save_button.click()
    with window.state.session() as s:
        doc = s.get(Document, doc_id)
        assert (doc.title, doc.doc_number, doc.doc_date.isoformat(), doc.classification) == (
            "2023年度理论学习中心组学习计划", "区委宣〔2023〕3号", "2023-03-01", "内部")
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == doc_id,
                                                   AuditEntry.action == "update")).all()
        assert audit[-1].after["title"] == "2023年度理论学习中心组学习计划"
    assert "2023年度理论学习中心组学习计划" in _listed_titles(window)
    assert not editor.dirty
    assert window.ledger.detail.title.text() == "2023年度理论学习中心组学习计划"


def test_a_bad_date_is_refused_with_a_message_and_nothing_is_saved(window, no_dialogs) -> None:  # noqa: ANN001
    docs = window.ledger.documents
    docs.table.selectRow(0)
    doc_id = docs.selected_ids()[0]
    editor = window.ledger.detail.editor
    editor.title.setText("新题名")
    editor.title.textEdited.emit("新题名")
    editor.doc_date.setText("2023年13月45日")
    editor.doc_date.textEdited.emit(editor.doc_date.text())
    editor.save()
    assert no_dialogs["errors"] and "日期" in str(no_dialogs["errors"][0][1])
    with window.state.session() as s:
        assert s.get(Document, doc_id).title != "新题名"
    assert editor.dirty  # what was typed stays for correcting


def test_linking_a_standard_in_the_editor_updates_the_tree(window) -> None:  # noqa: ANN001
    target = _indicator_id(window, "1.1.2.1")
    assert _count(window, "1.1.2.1") == 0
    window.ledger.tree.select_kind(NODE_UNASSIGNED)
    window.ledger.documents.table.selectRow(0)
    doc_id = window.ledger.documents.selected_ids()[0]
    editor = window.ledger.detail.editor
    editor.add_standard(target)
    assert editor.dirty
    editor.save()
    with window.state.session() as s:
        links = s.scalars(select(DocumentStandard.indicator_id).where(
            DocumentStandard.document_id == doc_id)).all()
    assert links == [target]
    assert _count(window, "1.1.2.1") == 1
    assert _listed_titles(window) == []  # no longer unassigned


def test_dropping_files_on_a_standard_files_them_there(window, qtbot, tmp_path) -> None:  # noqa: ANN001
    files = [make_docx(tmp_path / "拖入" / "宣传专栏方案.docx", title="宣传专栏方案"),
             make_pdf(tmp_path / "拖入" / "宣传报道清单.pdf", pages=["宣传报道清单"])]
    code = "1.1.2.1"
    target = _indicator_id(window, code)
    tree = window.ledger.tree
    index = tree.model.index_for_indicator(target)
    tree.view.scrollTo(index)
    rect = tree.view.visualRect(index)
    mime = _mime(files)  # the event does not own its data: keep it alive
    event = QDropEvent(QPointF(rect.center()), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.imports.finished, timeout=10000) as blocker:
        tree.view.dropEvent(event)
    result = blocker.args[0].result
    assert [e["standards"] for e in result.filed] == [[code], [code]]
    assert _count(window, code) == 2


def test_a_folder_dropped_on_the_window_is_reviewed_and_reassigned(window, qtbot, tmp_path) -> None:  # noqa: ANN001
    folder = tmp_path / "第二批"
    make_docx(folder / "1.1.3.1 公益广告" / "公益广告点位清单.docx", title="公益广告点位清单")
    make_docx(folder / "杂项" / "道德讲堂活动记录.docx", title="道德讲堂活动记录")
    mime = _mime([folder])
    window.dropEvent(QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    qtbot.waitUntil(lambda: window.imports.review is not None, timeout=10000)
    dialog = window.imports.review
    model = dialog.model
    assert model.count("filed") == 1 and model.count("unassigned") == 1
    target = _indicator_id(window, "1.1.4.1")
    dialog.bulk.setCurrentIndex(dialog.bulk.findData(target))
    dialog._assign_all()
    with qtbot.waitSignal(window.imports.finished, timeout=5000):
        dialog.confirm_button.click()
    assert _count(window, "1.1.4.1") == 1
    assert _count(window, "1.1.3.1") == 1
    with window.state.session() as s:
        doc_id = s.scalar(select(Document.id).where(Document.title == "道德讲堂活动记录"))
        assert s.scalars(select(DocumentStandard.indicator_id).where(
            DocumentStandard.document_id == doc_id)).all() == [target]


def test_an_import_can_be_taken_back_from_the_review(window, qtbot, tmp_path, no_dialogs) -> None:  # noqa: ANN001
    folder = tmp_path / "错的文件夹"
    make_docx(folder / "1.1.3.1 公益广告" / "公益广告点位清单.docx", title="公益广告点位清单")
    window.imports.import_folder([folder])
    qtbot.waitUntil(lambda: window.imports.review is not None, timeout=10000)
    with qtbot.waitSignal(window.imports.finished, timeout=5000):
        window.imports.review.undo_button.click()
    assert no_dialogs["confirms"] == ["撤销本次导入？"]
    assert _count(window, "1.1.3.1") == 0
    with window.state.session() as s:
        doc = s.scalar(select(Document).where(Document.title == "公益广告点位清单"))
        assert doc.deleted_at is not None  # in the trash, restorable


def test_delete_asks_first_and_the_trash_restores(window, no_dialogs) -> None:  # noqa: ANN001
    docs = window.ledger.documents
    docs.table.selectRow(0)
    doc_id = docs.selected_ids()[0]
    docs.delete_action.trigger()
    assert no_dialogs["confirms"] == ["将选中的 1 件资料移入回收站？"]
    assert len(_listed_titles(window)) == 4
    dialog = window.libraries.show_trash()
    assert dialog.model.rowCount() == 1
    dialog.table.selectRow(0)
    dialog.restore_selected()
    assert dialog.model.rowCount() == 0
    assert len(_listed_titles(window)) == 5
    with window.state.session() as s:
        assert s.get(Document, doc_id).deleted_at is None
    dialog.close()


def test_opening_a_document_copies_it_under_its_original_name(window, monkeypatch) -> None:  # noqa: ANN001
    from gui.views import main_window

    opened: list[QUrl] = []
    monkeypatch.setattr(main_window.QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url) or True))
    window.ledger.tree.select_indicator(_indicator_id(window, "1.1.1.1"))
    row = _listed_titles(window).index("中心组学习会议记录")
    doc_id = window.ledger.documents.model.index(row, 0).data(DocumentIdRole)
    window.ledger.documents.documentActivated.emit(doc_id)
    path = Path(opened[0].toLocalFile())
    assert path.name == "中心组学习会议记录.pdf"
    with window.state.session() as s:
        f = s.get(Document, doc_id).file
        stored = window.state.library().store.path_for(f.sha256, f.ext)
    assert path.read_bytes() == stored.read_bytes() and path != stored


def test_the_preview_renders_pdf_pages_images_and_text(window) -> None:  # noqa: ANN001
    window.ledger.tree.select_indicator(_indicator_id(window, "1.1.1.1"))
    docs, preview = window.ledger.documents, window.ledger.detail.preview
    titles = _listed_titles(window)
    docs.table.selectRow(titles.index("中心组学习会议记录"))
    assert preview.stack.currentWidget() is preview.scroll
    assert preview.page_count == 2 and not preview.image.pixmap().isNull()
    preview.next_button.click()
    assert preview.page == 1 and preview.page_box.value() == 2
    docs.table.selectRow(titles.index("学习现场"))
    assert preview.stack.currentWidget() is preview.scroll and not preview.nav.isVisible()
    # A Word file shows its extracted text once extraction has filled it in.
    doc_id = docs.model.index(titles.index("2023年理论学习计划"), 0).data(DocumentIdRole)
    with window.state.library().session() as s:  # state.session() only reads
        s.get(Document, doc_id).file.text = "2023年理论学习计划\n垃圾分类专题学习"
    window.ledger.detail.show_document(doc_id, highlight=["垃圾分类"])
    assert preview.stack.currentWidget() is preview.text
    assert "垃圾分类专题学习" in preview.text.toPlainText()
    assert len(preview.text.extraSelections()) == 1


def test_the_unit_and_period_filters_narrow_tree_and_list(window, qtbot, tmp_path) -> None:  # noqa: ANN001
    from archive.importer import import_paths

    lib = window.state.library()
    make_docx(tmp_path / "2022" / "1.1.1.1 学习" / "2022年学习计划.docx", title="2022年学习计划")
    import_paths(lib, [tmp_path / "2022"], "2022", unit="区委宣传部")
    window.state.documents_changed([])
    combo = window.toolbar.period
    assert [combo.itemText(i) for i in range(combo.count())] == ["2022 年度", "2023 年度"]
    combo.setCurrentIndex(0)
    assert _listed_titles(window) == ["2022年学习计划"]
    unit = window.toolbar.unit
    unit.setCurrentIndex(unit.findText("区文明办"))
    assert _listed_titles(window) == []
    assert window.ledger.tree.model.index(0, COL_COUNT).data() == "0"
    unit.setCurrentIndex(unit.findText("区委宣传部"))
    assert _listed_titles(window) == ["2022年学习计划"]


def test_window_layout_is_remembered(qtbot, filed_library, no_dialogs) -> None:  # noqa: ANN001
    from gui.views.main_window import MainWindow

    first = MainWindow()
    qtbot.addWidget(first)
    first.state.background_indexing = False
    first.state.set_library(filed_library)
    first.resize(760, 560)  # the offscreen screen is 800×600
    first.show()
    first.ledger.splitter.setSizes([180, 300, 260])
    sizes = first.ledger.splitter.sizes()
    size = (first.width(), first.height())  # the toolbar may need a little more than 760
    first.ledger.documents.table.horizontalHeader().setSectionHidden(1, True)
    first.close()  # saves the layout
    second = MainWindow()
    qtbot.addWidget(second)
    second.restore_layout()
    second.show()
    assert (second.width(), second.height()) == size
    assert second.ledger.splitter.sizes() == sizes
    assert second.ledger.documents.table.horizontalHeader().isSectionHidden(1)


def test_stored_files_are_real(window) -> None:  # noqa: ANN001
    """The fixture library is made of real files: every stored file exists with its size."""
    lib = window.state.library()
    with window.state.session() as s:
        for f in s.scalars(select(File)):
            assert lib.store.path_for(f.sha256, f.ext).stat().st_size == f.size


def test_the_document_panel_lists_the_documents_findings(window, qtbot) -> None:  # noqa: ANN001
    window.ledger.tree.select_kind(NODE_UNASSIGNED)
    panel = window.ledger.detail
    with qtbot.waitSignal(panel.findingsShown, timeout=20000):
        window.ledger.documents.table.selectRow(0)
    texts = [panel.findings.item(i).text() for i in range(panel.findings.count())]
    assert any(t.startswith("【未归类】") for t in texts)
    assert panel.tabs.tabText(1).startswith("质量问题 (")


def test_a_finding_is_accepted_from_the_document_panel(window, qtbot) -> None:  # noqa: ANN001
    window.ledger.tree.select_kind(NODE_UNASSIGNED)
    panel = window.ledger.detail
    with qtbot.waitSignal(panel.findingsShown, timeout=20000):
        window.ledger.documents.table.selectRow(0)
    item = next(panel.findings.item(i) for i in range(panel.findings.count())
                if panel.findings.item(i).text().startswith("【未归类】"))
    finding = item.data(Qt.ItemDataRole.UserRole)
    with qtbot.waitSignal(panel.findingsShown, timeout=20000):
        assert panel.accept_finding(finding, reason="会议通知，不对应具体测评标准")
    texts = [panel.findings.item(i).text() for i in range(panel.findings.count())]
    assert any("已接受：会议通知，不对应具体测评标准" in t for t in texts)


def test_the_shortcut_list_names_the_main_keys(window) -> None:  # noqa: ANN001
    keys = dict((what, key) for key, what in window.shortcuts())
    assert keys["全文检索"] == "Ctrl+F" and keys["导入资料"] == "Ctrl+I"
    assert keys["保存著录信息"] == "Ctrl+S"
