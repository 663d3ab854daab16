"""Next year's workbook imported over this year's framework: evidence stays linked, removed
standards' evidence becomes unassigned and is listed, every change is reported and audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from archive import documents as docs
from archive.framework_io import read_workbook
from archive.framework_update import import_framework
from archive.importer import import_paths
from archive.library import Library
from archive.models import (
    AuditEntry,
    Conclusion,
    DocumentRequirement,
    DocumentStandard,
    Indicator,
    Period,
    Requirement,
)
from tests.factories import make_docx, make_pdf
from tests.unit.archive import framework_fixtures as ff


def ids_by_title(lib: Library) -> dict[str, int]:
    with lib.session() as s:
        return dict(s.execute(select(Indicator.title, Indicator.id)).all())


@pytest.fixture
def filed(tmp_path: Path, any_library: Library) -> dict[str, Any]:
    """This year's framework with evidence filed under four standards (SQLite and PostgreSQL)."""
    library = any_library
    import_framework(library, read_workbook(ff.merged_county(tmp_path / "2023.xlsx")))
    files = {
        "plan": make_docx(tmp_path / "in" / "学习计划.docx", title="理论学习计划"),
        "ads": make_pdf(tmp_path / "in" / "公益广告点位.pdf", ["公益广告点位清单"]),
        "shared": make_pdf(tmp_path / "in" / "志愿广告.pdf", ["志愿服务公益广告"]),
        "volunteers": make_docx(tmp_path / "in" / "志愿者统计.docx", title="志愿者注册统计表"),
    }
    out: dict[str, Any] = {}
    for key, code in (("plan", "1.1.1.1"), ("ads", "1.1.2.1"), ("shared", "1.1.2.1"),
                      ("volunteers", "1.2.1.1")):
        result = import_paths(library, [files[key]], "2023", standard=code)
        out[key] = result.filed[0]["document_id"]
    with library.session() as s:
        docs.link_standard(s, out["shared"], docs.standard_by_code(s, "1.2.1.1").id)
        req = s.scalar(select(Requirement).where(Requirement.label == "志愿者注册统计表"))
        assert req is not None
        docs.link_requirement(s, out["volunteers"], req.id)
        out["requirement_id"] = req.id
        period_id = s.scalar(select(Period.id).where(Period.label == "2023"))
        s.add(Conclusion(indicator_id=docs.standard_by_code(s, "1.1.2.1").id,
                         period_id=period_id, text="已设置公益广告 120 处"))
    out["ids"] = ids_by_title(library)
    out["next"] = ff.flat_table(tmp_path / "2024任务分解表.xlsx", ff.NEXT_YEAR_ROWS)
    return out


def links(lib: Library) -> set[tuple[int, int]]:
    with lib.session() as s:
        return {tuple(r) for r in s.execute(
            select(DocumentStandard.document_id, DocumentStandard.indicator_id))}


def test_update_keeps_evidence_and_reports_changes(any_library: Library,
                                                   filed: dict[str, Any]) -> None:
    library = any_library
    ids = filed["ids"]
    report = import_framework(library, read_workbook(filed["next"]))
    assert not report.created
    assert [(a["code"], a["title"]) for a in report.added] == [("1.1.1.1", "学习贯彻新思想新理论")]
    assert [(r["code"], r["title"], r["documents"]) for r in report.removed] == [
        ("1.1.2", "加强社会主义核心价值观建设", 0), ("1.1.2.1", "公共场所设置公益广告", 2)]
    assert [(c["old_code"], c["code"], c["fields"]) for c in report.changed] == [
        ("1.1.1.1", "1.1.1.2", ["code"]),
        ("1.1.1.2", "1.1.1.3", ["code", "title"]),
        ("1.2.1.1", "1.2.1.1", ["requirement_text", "units", "requirements"]),
    ]
    assert report.changed[1]["changes"]["title"] == {"before": "组织理论宣讲进基层",
                                                     "after": "组织理论宣讲进基层一线"}
    assert report.unchanged == 9  # 13 indicators: 1 added, 3 changed
    assert report.unassigned_documents == [{
        "id": filed["ads"], "title": "公益广告点位", "period": "2023", "former_code": "1.1.2.1",
        "former_title": "公共场所设置公益广告", "in_trash": False}]
    assert [d["id"] for d in report.unlinked_documents] == [filed["shared"]]

    # Matched standards kept their ids, so evidence filed under them is still there.
    after = ids_by_title(library)
    assert after["制定理论学习计划及实施方案"] == ids["制定理论学习计划及实施方案"]
    assert after["组织理论宣讲进基层一线"] == ids["组织理论宣讲进基层"]
    assert after["注册志愿者占城区常住人口13%"] == ids["注册志愿者占城区常住人口13%"]
    assert "公共场所设置公益广告" not in after
    volunteers_std = ids["注册志愿者占城区常住人口13%"]
    assert links(library) == {(filed["plan"], ids["制定理论学习计划及实施方案"]),
                              (filed["shared"], volunteers_std),
                              (filed["volunteers"], volunteers_std)}
    with library.session() as s:
        listed = docs.list_documents(s, standard="1.1.1.2")
        assert [d["id"] for d in listed] == [filed["plan"]]
        # The requirement kept its label, so the clerk's explicit link survives.
        assert s.scalar(select(func.count()).select_from(DocumentRequirement)) == 1
        assert s.get(Requirement, filed["requirement_id"]) is not None
        lead = s.execute(select(Indicator.code).where(Indicator.title == "注册志愿者占城区常住人口13%")
                         ).scalar_one()
        assert lead == "1.2.1.1"
        # Unassigned documents are still in the library, just without a standard.
        assert [d["standards"] for d in docs.list_documents(s) if d["id"] == filed["ads"]] == [[]]
        audit = s.execute(select(AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id,
                                 AuditEntry.before).order_by(AuditEntry.id)).all()
    unlinks = [(e.entity_id, e.before["standard_code"]) for e in audit
               if e.action == "unlink" and e.before and "standard_code" in e.before]
    assert sorted(unlinks) == sorted([(filed["ads"], "1.1.2.1"), (filed["shared"], "1.1.2.1")])
    deleted = [e.before["code"] for e in audit if (e.action, e.entity) == ("delete", "indicator")]
    assert deleted == ["1.1.2.1", "1.1.2"]
    assert any((e.action, e.entity) == ("delete", "conclusion")
               and e.before["text"] == "已设置公益广告 120 处" for e in audit)
    updated = {e.entity_id for e in audit if (e.action, e.entity) == ("update", "indicator")}
    assert updated == {ids["制定理论学习计划及实施方案"], ids["组织理论宣讲进基层"], volunteers_std}
    assert ("update", "framework") in {(e.action, e.entity) for e in audit}


def test_dry_run_writes_nothing(any_library: Library, filed: dict[str, Any]) -> None:
    library = any_library
    before_links = links(library)
    with library.session() as s:
        audit_count = s.scalar(select(func.count()).select_from(AuditEntry))
    report = import_framework(library, read_workbook(filed["next"]), dry_run=True)
    assert report.dry_run and len(report.added) == 1 and len(report.removed) == 2
    assert not report.needs_force  # four of five standards found again
    assert [d["id"] for d in report.unassigned_documents] == [filed["ads"]]
    assert ids_by_title(library) == filed["ids"]
    assert links(library) == before_links
    with library.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == audit_count
    assert report.summary().startswith("将更新测评体系")


def test_round_trip_to_next_year_and_back_keeps_surviving_ids(
        any_library: Library, filed: dict[str, Any], tmp_path: Path) -> None:
    library = any_library
    import_framework(library, read_workbook(filed["next"]))
    back = import_framework(library, read_workbook(ff.merged_county(tmp_path / "again.xlsx")))
    assert [(a["code"], a["title"]) for a in back.added] == [
        ("1.1.2", "加强社会主义核心价值观建设"), ("1.1.2.1", "公共场所设置公益广告")]
    assert [r["title"] for r in back.removed] == ["学习贯彻新思想新理论"]
    after = ids_by_title(library)
    for title in ("制定理论学习计划及实施方案", "注册志愿者占城区常住人口13%", "政府网站公开信息及时"):
        assert after[title] == filed["ids"][title]


def test_cli_update_json(tmp_path: Path, filed: dict[str, Any], any_library: Library,
                         capsys: pytest.CaptureFixture[str]) -> None:
    library = any_library
    import json

    from main import main

    rc = main(["--library", str(library.root), "framework", "import", str(filed["next"]),
               "--json"])
    assert rc == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"framework", "standards", "indicators", "units", "warnings", "update"}
    assert (data["standards"], data["indicators"]) == (5, 13)
    assert [d["id"] for d in data["update"]["unassigned_documents"]] == [filed["ads"]]


def test_a_different_workbook_is_refused_unless_forced(library: Library, tmp_path: Path) -> None:
    from archive.framework_update import UpdateRefused

    import_framework(library, read_workbook(ff.merged_county(tmp_path / "2023.xlsx")))
    doc = import_paths(library, [make_pdf(tmp_path / "in" / "计划.pdf")], "2023",
                       standard="1.1.1.1").filed[0]["document_id"]
    other = read_workbook(ff.two_row_blank(tmp_path / "另一个体系.xlsx"))
    with pytest.raises(UpdateRefused) as err:
        import_framework(library, other)
    msg = str(err.value)
    assert "另一个体系.xlsx" in msg and "5 条测评标准中只有 0 条" in msg and "--dry-run" in msg
    assert [d["id"] for d in err.value.report.unassigned_documents] == [doc]
    assert len(ids_by_title(library)) == 14  # nothing changed
    assert err.value.report.needs_force
    assert import_framework(library, other, dry_run=True).needs_force
    report = import_framework(library, other, force=True)
    assert [d["id"] for d in report.unassigned_documents] == [doc]
    assert "开展“八五”普法" in ids_by_title(library)
