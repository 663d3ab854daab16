"""The archive's subcommands as a clerk or a script runs them (``python main.py …``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from main import main
from tests.factories import make_docx, make_jpg

ROOT = Path(__file__).resolve().parents[3]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_sample_import_list_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    lib = str(tmp_path / "lib")
    code, out, _ = run(capsys, "--library", lib, "init", "--sample", "--json")
    assert code == 0 and json.loads(out)["standards"] == 37

    code, out, _ = run(capsys, "--library", lib, "framework", "show", "--json")
    shown = json.loads(out)
    std = next(s for s in shown["standards"] if s["code"] == "1.1.3.2")
    assert std["title"] == "开展“我们的节日”主题活动"
    assert std["path"] == ["牢固的思想道德基础", "建立牢固的思想道德基础",
                           "加强社会主义核心价值观建设"]
    assert std["score"] == 2 and std["method"] == "网上申报"
    assert std["lead_unit"] == "区文明办"
    assert std["units"][0] == "区文明办" and "团区委" in std["units"]
    assert {"label": "活动照片", "kind": "photo", "min_count": 3} in std["requirements"]

    src = tmp_path / "收集"
    make_docx(src / "05 我们的节日" / "方案.docx")
    make_jpg(src / "杂项" / "合影.jpg")
    code, out, _ = run(capsys, "--library", lib, "import", str(src), "--period", "2023",
                       "--json")
    result = json.loads(out)
    assert code == 0
    assert result["filed"] == [{"source_path": "05 我们的节日/方案.docx", "document_id": 1,
                                "standards": ["1.1.3.2"]}]
    assert [u["source_path"] for u in result["unassigned"]] == ["杂项/合影.jpg"]
    assert result["duplicates"] == [] and result["refused"] == []

    code, out, _ = run(capsys, "--library", lib, "documents", "list", "--period", "2023",
                       "--standard", "1.1.3.2", "--json")
    rows = json.loads(out)["documents"]
    assert [r["source_path"] for r in rows] == ["05 我们的节日/方案.docx"]

    code, out, _ = run(capsys, "--library", lib, "documents", "edit", "1",
                       "--set", "doc_number=区文明办〔2023〕5号", "--set", "doc_date=2023-05-12",
                       "--link", "1.1.4.1", "--json")
    assert code == 0 and json.loads(out)["doc_number"] == "区文明办〔2023〕5号"

    code, out, _ = run(capsys, "--library", lib, "periods", "add", "2024届",
                       "--start", "2023-08-01", "--end", "2024-07-31", "--json")
    assert json.loads(out) == {"label": "2024届", "start": "2023-08-01", "end": "2024-07-31"}
    code, out, _ = run(capsys, "--library", lib, "periods", "list", "--json")
    assert [p["label"] for p in json.loads(out)["periods"]] == ["2023", "2024届"]

    code, out, _ = run(capsys, "--library", lib, "units", "list", "--json")
    assert any(u["name"] == "区文明办" and u["contact"] == "李明"
               for u in json.loads(out)["units"])

    code, out, _ = run(capsys, "--library", lib, "verify", "--json")
    assert code == 0 and json.loads(out) == {"ok": True, "checked": 2, "problems": []}

    code, out, _ = run(capsys, "--library", lib, "documents", "delete", "2")
    assert code == 0 and "回收站" in out
    code, out, _ = run(capsys, "--library", lib, "trash", "list", "--json")
    assert [t["id"] for t in json.loads(out)["trash"]] == [2]
    code, out, _ = run(capsys, "--library", lib, "documents", "restore", "2")
    assert code == 0


def test_errors_name_the_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "plain").mkdir()
    code, _, err = run(capsys, "--library", str(tmp_path / "plain"), "documents", "list")
    assert code == 2 and "不是创文台账资料库" in err and str(tmp_path / "plain") in err
    lib = str(tmp_path / "lib")
    run(capsys, "--library", lib, "init", "--sample")
    code, _, err = run(capsys, "--library", lib, "import", str(tmp_path), "--period", "2023",
                       "--standard", "7.7")
    assert code == 2 and "7.7" in err
    code, _, err = run(capsys, "--library", lib, "periods", "add", "第三年")
    assert code == 2 and "--start" in err


def test_verify_exit_code_reports_damage(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    lib = tmp_path / "lib"
    run(capsys, "--library", str(lib), "init")
    make_docx(tmp_path / "a.docx")
    run(capsys, "--library", str(lib), "import", str(tmp_path / "a.docx"), "--period", "2023")
    stored = next(p for p in (lib / "files").rglob("*.docx"))
    stored.write_bytes(stored.read_bytes() + b"x")
    code, out, _ = run(capsys, "--library", str(lib), "verify")
    assert code == 1 and "altered" in out


def test_core_packages_never_load_qt() -> None:
    """archive/, indexing/, exporters/ (and the command line) work without Qt."""
    code = (
        "import sys, pkgutil, importlib\n"
        "for pkg in ('archive', 'indexing', 'exporters'):\n"
        "    mod = importlib.import_module(pkg)\n"
        "    for info in pkgutil.walk_packages(mod.__path__, pkg + '.'):\n"
        "        if '.migrations.' in info.name: continue\n"
        "        importlib.import_module(info.name)\n"
        "import main; main.build_parser()\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
