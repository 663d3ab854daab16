"""``index`` and ``search`` as a clerk or a script runs them; import re-indexes by itself."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.library import Library
from indexing import index as search_index
from indexing import uninstall_hooks
from main import main
from tests.factories import make_docx, make_pdf


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def lib_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[str]:
    d = str(tmp_path / "lib")
    assert run(capsys, "--library", d, "init", "--sample")[0] == 0
    src = tmp_path / "收集"
    make_docx(src / "05 我们的节日" / "春节活动方案.docx", title="“我们的节日·春节”活动方案",
              doc_number="区文明办〔2023〕4号", paragraphs=["组织开展写春联送福字活动。"])
    make_pdf(src / "05 我们的节日" / "活动总结.pdf", ["活动总结", "第二页：写春联送福字活动参与群众300人次。"])
    make_docx(src / "其他" / "说明.docx", title="情况说明", paragraphs=["与春节无关的说明。"])
    code, out, _ = run(capsys, "--library", d, "import", str(src), "--period", "2023", "--json")
    assert code == 0
    yield d
    uninstall_hooks()
    with Library.open(Path(d)) as lib:
        search_index.close(lib)


def test_import_indexes_and_search_prints_json(lib_dir: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--library", lib_dir, "search", "写春联", "--json")
    assert code == 0
    hits = json.loads(out)["hits"]
    assert {h["source_path"] for h in hits} == {"05 我们的节日/春节活动方案.docx",
                                                "05 我们的节日/活动总结.pdf"}
    for h in hits:
        assert set(h) == {"document_id", "title", "source_path", "standards", "period", "page",
                          "snippet"}
        assert h["standards"] == ["1.1.3.2"] and h["period"] == "2023"
        assert "写春联" in h["snippet"]
    pdf = next(h for h in hits if h["source_path"].endswith(".pdf"))
    assert pdf["page"] == 2


def test_search_filters_and_human_output(lib_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--library", lib_dir, "search", "春节", "--type", "docx",
                       "--standard", "1.1.3.2", "--limit", "5")
    assert code == 0
    assert out.startswith("找到 1 件：")
    assert "“我们的节日·春节”活动方案" in out
    assert "05 我们的节日/春节活动方案.docx" in out
    code, out, _ = run(capsys, "--library", lib_dir, "search", "端午节")
    assert out.strip() == "没有找到包含“端午节”的文件。"


def test_unknown_period_is_an_error_message(lib_dir: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "--library", lib_dir, "search", "春节", "--period", "1999")
    assert code == 2
    assert err.startswith("错误：没有年度“1999”")


def test_index_rebuild_after_the_index_is_lost(lib_dir: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    with Library.open(Path(lib_dir)) as lib:
        search_index.close(lib)
        shutil.rmtree(lib.index_dir)
    code, out, _ = run(capsys, "--library", lib_dir, "index", "--rebuild", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["rebuild"]["indexed"] == 3
    assert data["extracted"] == 0
    code, out, _ = run(capsys, "--library", lib_dir, "search", "写春联", "--json")
    assert len(json.loads(out)["hits"]) == 2


def test_index_reports_statuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = str(tmp_path / "lib")
    run(capsys, "--library", d, "init")
    (tmp_path / "空.docx").write_bytes(b"")
    make_docx(tmp_path / "好.docx", title="文明单位创建")
    with Library.open(Path(d)) as lib:  # filed without the CLI: nothing extracted yet
        from archive.importer import import_paths

        import_paths(lib, [tmp_path / "空.docx", tmp_path / "好.docx"], "2023")
    code, out, _ = run(capsys, "--library", d, "index")
    assert code == 0
    assert out.strip() == "提取文字 2 个文件（正常 1，空文件 1），更新索引 2 件。"
    uninstall_hooks()
    with Library.open(Path(d)) as lib:
        search_index.close(lib)
