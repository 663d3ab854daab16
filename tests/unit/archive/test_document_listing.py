"""``documents list``: the rows, the JSON the database writes, the text table — on both
databases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from archive import documents as docs
from archive import trash
from archive.cli import table
from archive.commands import wide_table
from archive.importer import import_paths
from archive.library import Library
from main import main
from tests.factories import make_docx, make_pdf, with_sample_framework

AWKWARD_TITLE = '引号"反斜杠\\制表\t换行\n😀 “全角”'


@pytest.fixture
def listed(any_library: Library, tmp_path: Path) -> dict[str, Any]:
    """Documents in two periods, one linked to two standards against code order, one with
    an awkward title and a date, one with a unit, one in the trash."""
    lib = any_library
    with_sample_framework(lib)
    src = tmp_path / "in"
    make_docx(src / "05 我们的节日" / "方案.docx", title="活动方案")
    make_pdf(src / "1.1.4.1 道德模范" / "通知.pdf", ["评选通知"])
    make_docx(src / "其他" / "说明.docx", title="说明")
    result = import_paths(lib, [src], "2023")
    ids = {e["source_path"].split("/")[-1]: e["document_id"]
           for e in result.filed + result.unassigned}
    other = import_paths(lib, [make_pdf(tmp_path / "x" / "总结.pdf", ["年度总结"])], "2024",
                         unit="团区委")
    ids["总结.pdf"] = other.unassigned[0]["document_id"]
    with lib.session() as s:
        # Linked later to a standard that comes earlier in the framework: link order wins.
        docs.link_standard(s, ids["通知.pdf"], docs.standard_by_code(s, "1.1.3.2").id)
        docs.update_document(s, ids["说明.docx"], title=AWKWARD_TITLE, doc_date="2023-05-12",
                             doc_number="区文明办〔2023〕5号")
    trash.delete_document(lib, ids["方案.docx"])
    return {"lib": lib, "ids": ids, "summary_size": (tmp_path / "x" / "总结.pdf").stat().st_size}


FILTERS: list[dict[str, Any]] = [
    {}, {"period": "2023"}, {"period": "2024"}, {"standard": "1"}, {"standard": "1.1.4.1"},
    {"unit": "团区委"}, {"deleted": True}, {"period": "2023", "standard": "1.1.3.2"},
]


@pytest.mark.parametrize("filters", FILTERS, ids=[json.dumps(f, ensure_ascii=False)
                                                  for f in FILTERS])
def test_database_written_json_is_the_listed_rows(listed: dict[str, Any],
                                                  filters: dict[str, Any]) -> None:
    with listed["lib"].read_session() as s:
        rows = docs.list_documents(s, **filters)
        text = docs.documents_json(s, **filters)
    assert json.loads(text) == {"documents": rows}


def test_listed_rows(listed: dict[str, Any]) -> None:
    ids = listed["ids"]
    with listed["lib"].read_session() as s:
        rows = {r["id"]: r for r in docs.list_documents(s)}
        assert [r["id"] for r in docs.list_documents(s, deleted=True)] == [ids["方案.docx"]]
        assert [r["id"] for r in docs.list_documents(s, standard="1.1.3.2")] == [ids["通知.pdf"]]
    assert sorted(rows) == sorted([ids["通知.pdf"], ids["说明.docx"], ids["总结.pdf"]])
    assert rows[ids["通知.pdf"]]["standards"] == ["1.1.4.1", "1.1.3.2"]
    awkward = rows[ids["说明.docx"]]
    assert awkward["title"] == AWKWARD_TITLE
    assert (awkward["doc_date"], awkward["doc_number"]) == ("2023-05-12", "区文明办〔2023〕5号")
    assert (awkward["standards"], awkward["unit"], awkward["period"]) == ([], None, "2023")
    summary = rows[ids["总结.pdf"]]
    assert (summary["unit"], summary["period"], summary["ext"]) == ("团区委", "2024", "pdf")
    assert summary["status"] == "pending" and summary["pages"] is None
    assert summary["size"] == listed["summary_size"] and summary["source_path"] == "总结.pdf"
    assert len(summary["sha256"]) == 64


def test_no_documents(any_library: Library) -> None:
    with any_library.read_session() as s:
        assert docs.list_documents(s) == []
        assert json.loads(docs.documents_json(s)) == {"documents": []}


def test_raw_rows_binds_expanded_parameters(listed: dict[str, Any]) -> None:
    from sqlalchemy import select

    from archive.models import Document

    ids = sorted(listed["ids"].values())
    with listed["lib"].read_session() as s:
        got = docs.raw_rows(s.connection(), select(Document.id, Document.title)
                            .where(Document.id.in_(ids[:2]), Document.period_id > 0)
                            .order_by(Document.id))
    assert [r[0] for r in got] == ids[:2] and all(isinstance(r, tuple) for r in got)


def test_command_line_json_and_text(listed: dict[str, Any], capsys: pytest.CaptureFixture[str]
                                    ) -> None:
    lib = listed["lib"]
    root = str(lib.root)  # its marker names the database (SQLite inside, or PostgreSQL)
    assert main(["--library", root, "documents", "list", "--json"]) == 0
    out = capsys.readouterr().out
    with lib.read_session() as s:
        rows = docs.list_documents(s)
    assert json.loads(out) == {"documents": rows}
    assert main(["--library", root, "documents", "list", "--period", "2024"]) == 0
    out = capsys.readouterr().out
    assert "总结" in out and "团区委" in out and out.rstrip().endswith("共 1 件")


def test_wide_table_lays_out_as_the_shared_table() -> None:
    headers = ["编号", "年度", "测评标准", "题名", "文号", "日期", "单位"]
    rows: list[list[Any]] = [
        [1, "2023", "1.1.3.2", "“我们的节日”活动方案", "区文明办〔2023〕5号", None, "区委宣传部"],
        [100000, "2024届", "未归类", "a" * 50, "", "2023-05-12", ""],
        [3, "x", "y", "𠀀扩展B⺀⺁", "—", "", None],
    ]
    assert wide_table(rows, headers) == table(rows, headers)
    assert wide_table([], headers) == table([], headers)


def test_json_goes_through_the_text_layer_where_output_is_not_utf8(
    listed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Windows console or pipe in code page 936 gets GBK, as from every other command."""
    import io
    import sys

    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="gbk"))
    assert main(["--library", str(listed["lib"].root), "documents", "list", "--period", "2024",
                 "--json"]) == 0
    sys.stdout.flush()
    rows = json.loads(raw.getvalue().decode("gbk"))["documents"]
    assert [r["title"] for r in rows] == ["总结"] and rows[0]["unit"] == "团区委"
