"""Every item model passes Qt's model tester, and the document list really loads lazily."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from archive.importer import import_paths
from archive.library import Library
from gui.itemmodels import document_table
from gui.itemmodels.document_table import (
    COL_DATE,
    COL_STANDARDS,
    COL_TITLE,
    DocumentIdRole,
    DocumentTableModel,
)
from gui.itemmodels.import_review import (
    COL_STANDARD,
    UNASSIGNED,
    CategoryRole,
    ImportReviewModel,
)
from gui.itemmodels.indicator_tree import (
    COL_COUNT,
    NODE_ALL,
    NODE_UNASSIGNED,
    CodeRole,
    IndicatorTreeModel,
    IsStandardRole,
    NodeKindRole,
)
from gui.itemmodels.trash import TrashModel
from gui.queries.documents import DocumentScope, document_ids, period_choices
from gui.queries.status import node_statuses
from gui.queries.tree import document_counts, indicator_nodes
from tests.factories import with_sample_framework


def _period_id(lib: Library, label: str = "2023") -> int:
    with lib.read_session() as s:
        return next(pid for pid, lb, _s, _e in period_choices(s) if lb == label)


def _tree(lib: Library) -> IndicatorTreeModel:
    model = IndicatorTreeModel()
    with lib.read_session() as s:
        nodes = indicator_nodes(s)
        model.load(nodes, document_counts(s, nodes, _period_id(lib)), node_statuses(s, "2023"))
    return model


def _find(model: IndicatorTreeModel, code: str, parent: QModelIndex | None = None
          ) -> QModelIndex:
    parent = parent or QModelIndex()
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if index.data(CodeRole) == code:
            return index
        found = _find(model, code, index)
        if found.isValid():
            return found
    return QModelIndex()


def test_indicator_tree_model_passes_the_model_tester(qtmodeltester, filed_library: Library
                                                      ) -> None:
    qtmodeltester.check(_tree(filed_library))


def test_tree_counts_documents_per_subtree_with_badges(filed_library: Library) -> None:
    model = _tree(filed_library)
    top = [model.index(r, 0).data(NodeKindRole) for r in range(2)]
    assert top == [NODE_ALL, NODE_UNASSIGNED]
    assert model.index(0, COL_COUNT).data() == "5"
    assert model.index(1, COL_COUNT).data() == "1"
    leaf = _find(model, "1.1.1.1")
    assert leaf.data(IsStandardRole) is True
    assert leaf.siblingAtColumn(COL_COUNT).data() == "3"
    block = _find(model, "1")
    assert block.siblingAtColumn(COL_COUNT).data() == "4"  # 3 under 1.1.1.1, 1 under 1.1.5.1
    # The check decides the badge: three documents do not satisfy all of 1.1.1.1's items.
    assert leaf.siblingAtColumn(2).data() in ("不全", "缺失")
    assert _find(model, "1.1.1.2").siblingAtColumn(2).data() == "缺失"


def test_document_counts_count_a_document_once_per_subtree(filed_library: Library) -> None:
    """A document filed under two standards of one block counts once for the block."""
    from archive.documents import link_standard, standard_by_code

    with filed_library.session() as s:
        doc_id = document_ids(s, DocumentScope(unassigned=True))[0]
        link_standard(s, doc_id, standard_by_code(s, "1.1.1.2").id)
        link_standard(s, doc_id, standard_by_code(s, "1.1.1.1").id)
    with filed_library.session() as s:
        nodes = indicator_nodes(s)
        counts = document_counts(s, nodes, _period_id(filed_library))
        ids = {n.code: n.id for n in nodes}
    assert counts.per_node[ids["1.1.1.1"]] == 4
    assert counts.per_node[ids["1.1.1.2"]] == 1
    assert counts.per_node[ids["1.1.1"]] == 4
    assert counts.unassigned == 0 and counts.total == 5


@pytest.fixture(scope="module")
def many_documents(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """Enough documents to need several pages and fetches (batch sizes are lowered); read only."""
    root = tmp_path_factory.mktemp("many")
    lib = with_sample_framework(Library.create(root / "lib"))
    folder = root / "多" / "1.1.1.1 学习"
    folder.mkdir(parents=True)
    for i in range(60):
        (folder / f"学习记录{i:03d}.txt").write_text(f"第{i}次学习记录", "utf-8")
    import_paths(lib, [folder.parent], "2023")
    yield lib
    lib.close()


def test_document_table_model_passes_the_model_tester(qtmodeltester, many_documents: Library,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document_table, "FETCH_BATCH", 25)
    monkeypatch.setattr(document_table, "PAGE", 10)
    model = DocumentTableModel(many_documents.session)
    model.set_scope(DocumentScope(period_id=_period_id(many_documents)))
    qtmodeltester.check(model)


def test_document_rows_are_offered_in_batches_and_read_by_pages(
        many_documents: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document_table, "FETCH_BATCH", 25)
    monkeypatch.setattr(document_table, "PAGE", 10)
    reads: list[int] = []
    real_rows = document_table.document_rows
    monkeypatch.setattr(document_table, "document_rows",
                        lambda s, ids: reads.append(len(ids)) or real_rows(s, ids))
    model = DocumentTableModel(many_documents.session)
    model.set_scope(DocumentScope(period_id=_period_id(many_documents)))
    assert model.total == 60
    assert model.rowCount() == 25 and model.canFetchMore(QModelIndex())
    assert reads == []  # nothing read until a row is shown
    assert model.index(12, COL_TITLE).data()
    assert reads == [10]  # one page
    model.index(13, COL_TITLE).data()
    assert reads == [10]  # same page, from memory
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 60 and not model.canFetchMore(QModelIndex())
    assert model.index(59, COL_STANDARDS).data() == "1.1.1.1"


def test_document_table_sorts_and_filters_in_the_database(many_documents: Library) -> None:
    model = DocumentTableModel(many_documents.session)
    model.set_scope(DocumentScope(period_id=_period_id(many_documents)))
    model.sort(COL_TITLE, Qt.SortOrder.DescendingOrder)
    titles = [model.index(r, COL_TITLE).data() for r in range(model.rowCount())]
    assert titles == sorted(titles, reverse=True)
    model.set_text_filter("记录05")  # titles are the file names: 学习记录000 … 学习记录059
    titles = {model.index(r, COL_TITLE).data() for r in range(model.rowCount())}
    assert titles == {f"学习记录{i:03d}" for i in range(50, 60)}
    model.sort(COL_DATE, Qt.SortOrder.AscendingOrder)  # no dates: order by id
    ids = [model.index(r, 0).data(DocumentIdRole) for r in range(model.rowCount())]
    assert ids == sorted(ids)


def test_row_of_offers_rows_down_to_a_far_document(many_documents: Library,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document_table, "FETCH_BATCH", 10)
    model = DocumentTableModel(many_documents.session)
    model.set_scope(DocumentScope(period_id=_period_id(many_documents)))
    last = model._ids[-1]
    assert model.rowCount() == 10
    row = model.row_of(last)
    assert row == 59 and model.rowCount() == 60
    assert model.index(row, 0).data(DocumentIdRole) == last


def test_import_review_model_passes_the_tester_and_collects_reassignments(
        qtmodeltester, sample_library: Library, tmp_path: Path) -> None:
    from tests.gui.conftest import evidence_folder

    folder = evidence_folder(tmp_path / "in")
    result = import_paths(sample_library, [folder], "2023")
    result2 = import_paths(sample_library, [folder], "2023")
    with sample_library.session() as s:
        nodes = indicator_nodes(s)
    standards = {n.id: f"{n.code} {n.title}" for n in nodes if n.is_standard}
    code_ids = {n.code: n.id for n in nodes}
    for res in (result, result2):
        qtmodeltester.check(ImportReviewModel(res, standards, code_ids))
    model = ImportReviewModel(result, standards, code_ids)
    row = next(r for r in range(model.rowCount())
               if model.index(r, 0).data(CategoryRole) == UNASSIGNED)
    target = code_ids["1.1.2.1"]
    assert model.setData(model.index(row, COL_STANDARD), target)
    assert not model.setData(model.index(row, COL_STANDARD), 999_999)  # not a standard
    doc_id = result.unassigned[0]["document_id"]
    assert model.changes() == {doc_id: ([], [target])}
    assert "1.1.2.1" in model.index(row, COL_STANDARD).data()
    # Duplicates cannot be edited.
    dup = ImportReviewModel(result2, standards, code_ids)
    assert dup.count("duplicate") == 5
    assert not dup.setData(dup.index(0, COL_STANDARD), target)


def test_trash_model_passes_the_model_tester(qtmodeltester) -> None:
    model = TrashModel()
    model.load([{"id": 3, "title": "旧方案", "deleted_at": "2024-01-02T10:11:12"},
                {"id": 4, "title": "旧照片", "deleted_at": "2024-01-03T08:00:00"}])
    qtmodeltester.check(model)
    assert model.index(0, 1).data() == "2024-01-02 10:11:12"
