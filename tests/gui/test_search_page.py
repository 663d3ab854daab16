"""Full-text search in the window: highlighted snippets, filters, preview at the hit's page,
and documents imported while the window is open become searchable in the background."""

from __future__ import annotations

from archive.documents import standard_by_code
from gui.itemmodels.search_results import HtmlRole, PageRole, SearchResultModel, hit_html
from tests.factories import make_docx


def _search(window, qtbot, text: str):  # noqa: ANN001, ANN202
    page = window.search_page
    with qtbot.waitSignal(page.searched, timeout=20000) as blocker:
        window.toolbar.search.setText(text)
        window.toolbar.search.returnPressed.emit()
    assert window.tabs.currentWidget() is page
    return page, blocker.args[0]


def test_a_search_lists_hits_with_highlights_and_previews_the_page(indexed_window, qtbot,
                                                                    qtmodeltester) -> None:  # noqa: ANN001
    page, result = _search(indexed_window, qtbot, "垃圾分类")
    assert len(result.hits) == 1
    hit = result.hits[0]
    assert hit.page == 2  # the words are on the PDF's second page
    assert page.model.rowCount() == 1 and page.model.index(0).data(PageRole) == 2
    html = page.model.index(0).data(HtmlRole)
    assert "垃圾分类</span>" in html and "第 2 页" in html
    qtmodeltester.check(page.model)
    # The first hit is selected and previewed at its page.
    assert page.preview.page == 1 and page.preview.page_count == 2
    assert "找到 1 件" in page.info.text()


def test_filters_narrow_the_hits(indexed_window, qtbot) -> None:  # noqa: ANN001
    page, result = _search(indexed_window, qtbot, "文明城市")
    all_ids = {h.document_id for h in result.hits}
    assert len(all_ids) >= 2
    with qtbot.waitSignal(page.searched, timeout=20000) as blocker:
        page.standard.setCurrentIndex(page.standard.findData("1.1.5"))
    narrowed = blocker.args[0]
    assert narrowed.request.standard == "1.1.5"
    assert {h.document_id for h in narrowed.hits} < all_ids
    assert all("1.1.5.1" in h.standards for h in narrowed.hits)
    page.standard.setCurrentIndex(0)
    page, result = _search(indexed_window, qtbot, "学习")
    assert {h.source_path.rsplit(".", 1)[1] for h in result.hits} >= {"pdf", "docx"}
    with qtbot.waitSignal(page.searched, timeout=20000) as blocker:
        page.file_type.setCurrentIndex(page.file_type.findText("PDF"))
    pdfs = blocker.args[0].hits
    assert pdfs and all(h.source_path.endswith(".pdf") for h in pdfs)


def test_show_in_ledger_selects_the_document(indexed_window, qtbot) -> None:  # noqa: ANN001
    page, result = _search(indexed_window, qtbot, "垃圾分类")
    page.ledger_button.click()
    win = indexed_window
    assert win.tabs.currentWidget() is win.ledger
    assert win.ledger.detail.doc_id == result.hits[0].document_id
    assert win.ledger.detail.preview.page == 1


def test_a_file_filed_in_the_window_becomes_searchable(indexed_window, qtbot, tmp_path) -> None:  # noqa: ANN001
    win = indexed_window
    path = make_docx(tmp_path / "新资料" / "文明餐桌倡议书.docx", title="文明餐桌倡议书",
                     paragraphs=["倡导光盘行动，拒绝舌尖上的浪费。"])
    with win.state.session() as s:
        target = standard_by_code(s, "2.4.3.1").id
    with qtbot.waitSignal(win.state.documentsProcessed, timeout=60000):
        win.imports.import_to_standard(target, "2.4.3.1", [path])
    page, result = _search(win, qtbot, "光盘行动")
    assert [h.standards for h in result.hits] == [["2.4.3.1"]]


def test_hit_html_escapes_titles() -> None:
    class FakeHit:
        title = "<script>方案</script>"
        source_path = "a.docx"
        period = "2023"
        standards: list[str] = []
        page = None

        @staticmethod
        def snippet_html() -> str:
            return "开展<b>志愿</b>服务"

    html = hit_html(FakeHit())
    assert "&lt;script&gt;" in html and "未归类" in html and "志愿</span>" in html
    model = SearchResultModel()
    model.load([FakeHit()], ["志愿"])
    assert model.rowCount() == 1 and model.words == ["志愿"]
