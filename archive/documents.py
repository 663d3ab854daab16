"""Reading and editing documents; every change to a document or its links is audited."""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Select, String, Text, cast, func, literal_column, select
from sqlalchemy.orm import Session

from archive import audit
from archive.errors import CivLedgerError, NotFoundError
from archive.frameworks import current_framework
from archive.models import (
    CLASSIFICATIONS,
    RETENTIONS,
    Document,
    DocumentRequirement,
    DocumentStandard,
    File,
    Indicator,
    Period,
    Requirement,
    Unit,
)

EDITABLE = ("title", "doc_number", "doc_date", "author", "retention", "classification",
            "remarks", "caption", "unit_id", "kind", "released")


def parse_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text if len(text) != 8 or "-" in text else
                                     f"{text[:4]}-{text[4:6]}-{text[6:]}")
    except ValueError:
        raise CivLedgerError(f"日期“{value}”无法识别，请写成 2023-05-12。") from None


def standard_by_code(session: Session, code: str) -> Indicator:
    fw = current_framework(session)
    ind = None
    if fw is not None:
        ind = session.scalar(
            select(Indicator).where(Indicator.framework_id == fw.id, Indicator.code == code)
        )
    if ind is None:
        raise NotFoundError(f"测评体系中没有编号为“{code}”的指标。可用 framework show 查看。")
    return ind


def subtree_ids(session: Session, indicator: Indicator) -> list[int]:
    """The indicator and all its descendants (filters by a block or item take its subtree)."""
    rows = session.execute(
        select(Indicator.id, Indicator.parent_id).where(
            Indicator.framework_id == indicator.framework_id
        )
    ).all()
    children: dict[int, list[int]] = {}
    for rid, parent in rows:
        if parent is not None:
            children.setdefault(parent, []).append(rid)
    out, stack = [], [indicator.id]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(children.get(node, []))
    return out


def unit_by_name(session: Session, name: str) -> Unit:
    unit = session.scalar(select(Unit).where((Unit.name == name) | (Unit.short_name == name)))
    if unit is None:
        raise NotFoundError(f"没有单位“{name}”。可用 units list 查看全部单位。")
    return unit


def _filters(
    session: Session,
    period: str | None,
    standard: str | None,
    unit: str | None,
    deleted: bool,
) -> list[Any]:
    """WHERE clauses on Document for the usual filters (a standard filter takes its subtree)."""
    clauses: list[Any] = [
        Document.deleted_at.is_not(None) if deleted else Document.deleted_at.is_(None)
    ]
    if period is not None:
        period_id = session.scalar(select(Period.id).where(Period.label == period))
        if period_id is None:
            raise NotFoundError(f"没有年度“{period}”。可用 periods list 查看全部年度。")
        clauses.append(Document.period_id == period_id)
    if unit is not None:
        clauses.append(Document.unit_id == unit_by_name(session, unit).id)
    if standard is not None:
        ids = subtree_ids(session, standard_by_code(session, standard))
        clauses.append(
            Document.id.in_(
                select(DocumentStandard.document_id).where(
                    DocumentStandard.indicator_id.in_(ids)
                )
            )
        )
    return clauses


def documents_query(
    session: Session,
    period: str | None = None,
    standard: str | None = None,
    unit: str | None = None,
    deleted: bool = False,
) -> Select[Any]:
    """Document ids matching the filters, in filing order; callers add their columns."""
    return select(Document.id).where(*_filters(session, period, standard, unit, deleted)).order_by(
        Document.id
    )


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many short-lived containers (row
    dicts, import results): each collection walks every live object and finds nothing, as
    these hold no cycles; reference counting frees them all the same."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def raw_rows(conn: Connection, stmt: Select[Any]) -> list[tuple[Any, ...]]:
    """The rows of ``stmt`` as plain tuples, straight from the DB-API cursor.

    At 100,000 rows SQLAlchemy's result processing and ``Row`` objects cost more than the query
    itself. Only for statements whose values need no type processing (numbers, text, and dates
    cast to text), and whose parameters are plain numbers or text.
    """
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    args: Any = (tuple(params[name] for name in compiled.positiontup or ())
                 if compiled.positional else params)
    cursor = conn.connection.cursor()
    try:
        cursor.execute(compiled.string, args)
        return cursor.fetchall()
    finally:
        cursor.close()


def list_documents(
    session: Session,
    period: str | None = None,
    standard: str | None = None,
    unit: str | None = None,
    deleted: bool = False,
) -> list[dict[str, Any]]:
    """Rows for listing, fast at 100k: one two-table query read through the raw cursor, the
    small tables (periods, units, indicator codes) mapped through dicts instead of joins, GC
    paused while the row dicts are built."""
    where = _filters(session, period, standard, unit, deleted)
    conn = session.connection()
    periods = dict(raw_rows(conn, select(Period.id, Period.label)))
    units = dict(raw_rows(conn, select(Unit.id, Unit.name)))
    codes = dict(raw_rows(conn, select(Indicator.id, Indicator.code)))
    with paused_gc():
        links: dict[int, list[str]] = {}
        for doc_id, ind_id in raw_rows(conn,
            select(DocumentStandard.document_id, DocumentStandard.indicator_id)
            .join(Document, Document.id == DocumentStandard.document_id)
            .where(*where)
            .order_by(DocumentStandard.document_id, DocumentStandard.id)
        ):
            if doc_id in links:
                links[doc_id].append(codes[ind_id])
            else:
                links[doc_id] = [codes[ind_id]]
        rows = raw_rows(conn,
            select(
                Document.id, Document.title, Document.doc_number,
                cast(Document.doc_date, String),  # ISO text on both databases
                Document.author, Document.classification, Document.kind,
                Document.source_path, Document.period_id, Document.unit_id, File.sha256,
                File.size, File.ext, File.status, File.page_count,
            )
            .join(File, File.id == Document.file_id)
            .where(*where)
            .order_by(Document.id)
        )
        get_unit, get_links = units.get, links.get
        return [
            {
                "id": i, "title": title, "doc_number": number, "doc_date": date,
                "author": author, "classification": classification, "kind": kind,
                "source_path": source, "period": periods[period_id], "unit": get_unit(unit_id),
                "sha256": sha, "size": size, "ext": ext, "status": status, "pages": pages,
                "standards": get_links(i, []),
            }
            for (i, title, number, date, author, classification, kind, source, period_id,
                 unit_id, sha, size, ext, status, pages) in rows
        ]


# The fields of a listed document, in output order, as the database holds them.
_JSON_FIELDS: tuple[tuple[str, Any], ...] = (
    ("id", Document.id), ("title", Document.title), ("doc_number", Document.doc_number),
    ("doc_date", Document.doc_date), ("author", Document.author),
    ("classification", Document.classification), ("kind", Document.kind),
    ("source_path", Document.source_path), ("period", Period.label), ("unit", Unit.name),
    ("sha256", File.sha256), ("size", File.size), ("ext", File.ext), ("status", File.status),
    ("pages", File.page_count),
)
# A document's standards in the order they were linked (as ``list_documents`` gives them).
# SQLite before 3.44 has no ORDER BY inside an aggregate; it aggregates an ordered subquery
# in that order (the subquery is a co-routine read in order; ``tests`` pin it).
_STANDARDS_SQL = {
    "sqlite": "json((SELECT json_group_array(code) FROM (SELECT indicator.code AS code "
              "FROM document_standard JOIN indicator "
              "ON indicator.id = document_standard.indicator_id "
              "WHERE document_standard.document_id = document.id "
              "ORDER BY document_standard.id)))",
    "postgresql": "(SELECT coalesce(json_agg(indicator.code ORDER BY document_standard.id), "
                  "'[]'::json) FROM document_standard JOIN indicator "
                  "ON indicator.id = document_standard.indicator_id "
                  "WHERE document_standard.document_id = document.id)",
}


def documents_json(
    session: Session,
    period: str | None = None,
    standard: str | None = None,
    unit: str | None = None,
    deleted: bool = False,
) -> bytes:
    """``{"documents": [...]}`` as UTF-8 JSON, each entry what ``list_documents`` gives.

    What ``documents list --json`` prints. The database writes each document's JSON object
    (SQLite's ``json_object``, PostgreSQL's ``json_build_object``, both in C), and on SQLite the
    driver hands them over as bytes, so Python joins 100,000 byte strings instead of building
    and encoding 1.6 million values (or even decoding and re-encoding the text): several times
    faster than ``json.dumps(list_documents(...))``. Other databases take that slower way.
    """
    where = _filters(session, period, standard, unit, deleted)
    conn = session.connection()
    dialect = conn.dialect.name
    if dialect not in _STANDARDS_SQL:
        rows = list_documents(session, period, standard, unit, deleted)
        return json.dumps({"documents": rows}, ensure_ascii=False, default=str).encode()
    args: list[Any] = []
    for key, column in _JSON_FIELDS:
        args += [literal_column(f"'{key}'"), column]
    args += [literal_column("'standards'"), literal_column(_STANDARDS_SQL[dialect])]
    if dialect == "sqlite":
        doc = func.json_object(*args)
    else:
        doc = cast(func.json_build_object(*args), Text)
    stmt = (select(doc)
            .select_from(Document)
            .join(File, File.id == Document.file_id)
            .join(Period, Period.id == Document.period_id)
            .outerjoin(Unit, Unit.id == Document.unit_id)
            .where(*where)
            .order_by(Document.id))
    with paused_gc():  # 100,000 one-element rows
        if dialect != "sqlite":
            texts = raw_rows(conn, stmt)
            return ('{"documents": [' + ", ".join([t for (t,) in texts]) + "]}").encode()
        driver = conn.connection.driver_connection
        previous = driver.text_factory
        driver.text_factory = bytes
        try:
            rows_utf8 = raw_rows(conn, stmt)
        finally:
            driver.text_factory = previous
        return b'{"documents": [' + b", ".join([t for (t,) in rows_utf8]) + b"]}"


def get_document(session: Session, doc_id: int) -> Document:
    doc = session.get(Document, doc_id)
    if doc is None:
        raise NotFoundError(f"没有编号为 {doc_id} 的文件记录。")
    return doc


def snapshot(doc: Document) -> dict[str, Any]:
    return {f: getattr(doc, f) for f in EDITABLE}


def update_document(session: Session, doc_id: int, **changes: Any) -> Document:
    """Change metadata fields; values are checked, and the before/after goes to the audit."""
    doc = get_document(session, doc_id)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise CivLedgerError(f"不能修改字段：{'、'.join(sorted(unknown))}")
    if "doc_date" in changes:
        changes["doc_date"] = parse_date(changes["doc_date"])
    if "classification" in changes and changes["classification"] not in CLASSIFICATIONS:
        raise CivLedgerError(f"密级只能是：{'、'.join(CLASSIFICATIONS)}")
    if "retention" in changes and changes["retention"] not in RETENTIONS:
        raise CivLedgerError(f"保管期限只能是：{'、'.join(RETENTIONS)}")
    before = snapshot(doc)
    for key, value in changes.items():
        setattr(doc, key, value)
    after = snapshot(doc)
    diff_before = {k: v for k, v in before.items() if after[k] != v}
    if diff_before:
        audit.record(session, "update", "document", doc.id, diff_before,
                     {k: after[k] for k in diff_before})
    session.flush()
    return doc


def link_standard(session: Session, doc_id: int, indicator_id: int) -> bool:
    """File a document under one more standard; False when it was already there."""
    doc = get_document(session, doc_id)
    ind = session.get(Indicator, indicator_id)
    if ind is None or not ind.is_standard:
        raise CivLedgerError("文件只能归到测评标准（最末一级指标）下。")
    exists = session.scalar(
        select(func.count()).select_from(DocumentStandard).where(
            DocumentStandard.document_id == doc.id, DocumentStandard.indicator_id == indicator_id
        )
    )
    if exists:
        return False
    session.add(DocumentStandard(document_id=doc.id, indicator_id=indicator_id))
    audit.record(session, "link", "document", doc.id, None, {"standard": ind.code})
    session.flush()
    return True


def unlink_standard(session: Session, doc_id: int, indicator_id: int) -> bool:
    link = session.scalar(
        select(DocumentStandard).where(
            DocumentStandard.document_id == doc_id, DocumentStandard.indicator_id == indicator_id
        )
    )
    if link is None:
        return False
    ind = session.get(Indicator, indicator_id)
    session.delete(link)
    audit.record(session, "unlink", "document", doc_id,
                 {"standard": ind.code if ind else indicator_id}, None)
    session.flush()
    return True


def link_requirement(session: Session, doc_id: int, requirement_id: int) -> bool:
    """The clerk's explicit "this document satisfies that requirement" (it always wins)."""
    get_document(session, doc_id)
    req = session.get(Requirement, requirement_id)
    if req is None:
        raise NotFoundError(f"没有编号为 {requirement_id} 的资料要求。")
    exists = session.scalar(
        select(DocumentRequirement).where(
            DocumentRequirement.document_id == doc_id,
            DocumentRequirement.requirement_id == requirement_id,
        )
    )
    if exists is not None:
        return False
    session.add(DocumentRequirement(document_id=doc_id, requirement_id=requirement_id))
    audit.record(session, "link", "document", doc_id, None, {"requirement": req.label})
    session.flush()
    return True


def unlink_requirement(session: Session, doc_id: int, requirement_id: int) -> bool:
    """Take back an explicit "satisfies" link; False when there was none."""
    link = session.scalar(
        select(DocumentRequirement).where(
            DocumentRequirement.document_id == doc_id,
            DocumentRequirement.requirement_id == requirement_id,
        )
    )
    if link is None:
        return False
    req = session.get(Requirement, requirement_id)
    session.delete(link)
    audit.record(session, "unlink", "document", doc_id,
                 {"requirement": req.label if req else requirement_id}, None)
    session.flush()
    return True
