"""The clerk's path on the command line: init, import, export, verify-package (JSON and text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from main import main
from tests.factories import make_docx, make_jpg, make_pdf


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


@pytest.fixture
def lib_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    lib = tmp_path / "资料库"
    src = tmp_path / "收集" / "1.1.1.1 理论学习"
    make_docx(src / "学习计划.docx", title="学习计划")
    make_pdf(src / "CON.pdf", pages=["会议记录"])
    make_jpg(src / "活动照片.jpg")
    make_pdf(src / "秘密★1年 情况通报.pdf", pages=["情况通报"])
    assert run(capsys, "--library", str(lib), "init", "--sample")[0] == 0
    code, _ = run(capsys, "--library", str(lib), "import", str(tmp_path / "收集"),
                  "--period", "2023")
    assert code == 0
    return lib


def test_export_and_verify_as_json(lib_dir: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "U盘" / "迎检资料"
    code, text = run(capsys, "--library", str(lib_dir), "export", "--period", "2023",
                     "--out", str(out), "--json")
    assert code == 0
    report = json.loads(text)
    assert report["ok"] and report["verified"] and report["placements"] == 3
    [held] = report["held_back"]
    assert held["kind"] == "classified" and "情况通报" in held["title"]
    assert "秘密" in held["reason"]
    assert (out / "index.html").exists() and (out / "manifest-sha256.txt").exists()

    code, text = run(capsys, "verify-package", str(out), "--json")
    assert code == 0 and json.loads(text) == {**json.loads(text), "ok": True, "problems": []}

    [victim] = out.rglob("2023/*/*/*/*.pdf")
    victim.write_bytes(victim.read_bytes() + b"x")
    code, text = run(capsys, "verify-package", str(out), "--json")
    result = json.loads(text)
    assert code == 1 and not result["ok"]
    assert [p["kind"] for p in result["problems"]] == ["altered"]
    assert out / result["problems"][0]["path"] == victim


def test_export_text_names_what_was_held_back(lib_dir: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pkg"
    code, text = run(capsys, "--library", str(lib_dir), "export", "--period", "2023",
                     "--out", str(out), "--standard", "1.1.1.1", "--zip")
    assert code == 0
    assert "已导出并逐个读回核对" in text
    assert "压缩包" in text and (tmp_path / "pkg.zip").exists()
    code, text = run(capsys, "verify-package", str(out))
    assert code == 0 and "资料包完好" in text


def test_wrong_period_is_a_clear_error(lib_dir: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--library", str(lib_dir), "export", "--period", "1999", "--out",
                 str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2 and "1999" in err and err.startswith("错误：")
    assert not (tmp_path / "x").exists()
