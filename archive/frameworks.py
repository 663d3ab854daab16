"""Building a framework tree from a plain description, and reading it back.

Workbook importers and the sample framework both describe a tree as ``IndicatorSpec`` objects and
hand it to ``create_framework``; the database side lives only here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from archive.models import (
    ROLE_LEAD,
    ROLE_RESPONSIBLE,
    ROLE_SUPPORT,
    Assignment,
    Framework,
    Indicator,
    Requirement,
    Unit,
)
from archive.requirement_text import RequirementSpec, parse_requirements

LEVEL_NAMES = ("版块", "测评项目", "测评内容", "测评标准")
SAMPLE_PATH = Path(__file__).resolve().parent.parent / "resources" / "sample_framework.json"

_UNIT_SPLIT = re.compile(r"[、，,；;/／\n\r]+")


def split_units(text: str | None) -> list[str]:
    """"区委宣传部、区文明办 ; 团区委" → three names, stray spaces gone, order kept, no repeats."""
    if not text:
        return []
    names: list[str] = []
    for part in _UNIT_SPLIT.split(str(text)):
        name = re.sub(r"\s+", "", part).strip("。.：:")
        if name and name not in names:
            names.append(name)
    return names


@dataclass
class IndicatorSpec:
    title: str
    code: str = ""
    level_name: str = ""
    score: float | None = None
    method: str = ""
    requirement_text: str = ""
    lead_units: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    requirements: list[RequirementSpec] | None = None  # None: parse requirement_text
    seq: int | None = None
    children: list[IndicatorSpec] = field(default_factory=list)
    support_units: list[str] = field(default_factory=list)  # 配合单位

    def requirement_specs(self) -> list[RequirementSpec]:
        """The typed requirements: given ones, else parsed from the requirement text."""
        if self.requirements is not None:
            return list(self.requirements)
        return parse_requirements(self.requirement_text)

    def unit_roles(self) -> list[tuple[str, str]]:
        """(unit, role) pairs in sheet order; a lead unit is not listed again as responsible."""
        out: list[tuple[str, str]] = []
        taken: set[str] = set()
        for role, names in ((ROLE_LEAD, self.lead_units), (ROLE_RESPONSIBLE, self.units),
                            (ROLE_SUPPORT, self.support_units)):
            for uname in names:
                if uname in taken:
                    continue
                taken.add(uname)
                out.append((uname, role))
        return out


@dataclass(frozen=True)
class PlacedSpec:
    """A spec with where it sits in the tree (pre-order), as the database will store it."""

    spec: IndicatorSpec
    parent: IndicatorSpec | None
    depth: int
    position: int
    seq: int | None
    level_name: str
    is_standard: bool


def place_specs(roots: list[IndicatorSpec]) -> list[PlacedSpec]:
    """Pre-order walk giving positions 1…n, running numbers of standards and level names."""
    out: list[PlacedSpec] = []
    seq = 0
    stack: list[tuple[IndicatorSpec, IndicatorSpec | None, int]] = [
        (r, None, 0) for r in reversed(roots)]
    while stack:
        node, parent, depth = stack.pop()
        leaf = not node.children
        if leaf:
            seq += 1
        level_name = node.level_name or (
            LEVEL_NAMES[-1] if leaf else LEVEL_NAMES[min(depth, len(LEVEL_NAMES) - 2)]
        )
        out.append(PlacedSpec(
            spec=node, parent=parent, depth=depth, position=len(out) + 1,
            seq=(node.seq if node.seq is not None else seq) if leaf else node.seq,
            level_name=level_name, is_standard=leaf,
        ))
        stack.extend((c, node, depth + 1) for c in reversed(node.children))
    return out


def assign_codes(roots: list[IndicatorSpec]) -> None:
    """Give every node without a code one derived from its position ("2.3.1")."""

    def walk(nodes: list[IndicatorSpec], prefix: str) -> None:
        for i, node in enumerate(nodes, start=1):
            if not node.code:
                node.code = f"{prefix}{i}"
            walk(node.children, f"{node.code}.")

    walk(roots, "")


def get_or_create_unit(session: Session, name: str, cache: dict[str, Unit]) -> Unit:
    unit = cache.get(name)
    if unit is None:
        unit = session.scalar(select(Unit).where(Unit.name == name))
        if unit is None:
            unit = Unit(name=name)
            session.add(unit)
        cache[name] = unit
    return unit


def ensure_units(session: Session, names: list[str]) -> tuple[dict[str, int], list[str]]:
    """Ids of the named units, creating those that do not exist yet; also the created names.

    One query and one flush for the whole workbook (a unit named in 300 rows is one unit)."""
    wanted = list(dict.fromkeys(names))
    ids: dict[str, int] = {}
    for chunk_start in range(0, len(wanted), 500):
        chunk = wanted[chunk_start:chunk_start + 500]
        for uname, uid in session.execute(
                select(Unit.name, Unit.id).where(Unit.name.in_(chunk))):
            ids[uname] = uid
    created = [n for n in wanted if n not in ids]
    new_units = [Unit(name=n) for n in created]
    session.add_all(new_units)
    session.flush()
    ids.update({u.name: u.id for u in new_units})
    return ids, created


def create_framework(
    session: Session, name: str, roots: list[IndicatorSpec], version: str = "", source: str = ""
) -> Framework:
    """Insert a whole tree; leaves become standards, numbered 1…n in order when unnumbered.

    Rows go in with Core bulk inserts, one tree level at a time (ids come back in order through
    RETURNING), so a 1,000-standard workbook is stored in a fraction of a second.
    """
    assign_codes(roots)
    framework = Framework(name=name, version=version, source_path=source)
    session.add(framework)
    session.flush()
    placed = place_specs(roots)
    unit_ids, _created = ensure_units(
        session, [u for p in placed for u, _role in p.spec.unit_roles()])
    ids = insert_indicators(session, framework.id, placed)
    insert_details(session, [(ids[id(p.spec)], p.spec) for p in placed], unit_ids)
    return framework


def insert_indicators(session: Session, framework_id: int, placed: list[PlacedSpec],
                      known: dict[int, int] | None = None) -> dict[int, int]:
    """Insert the placed specs not in ``known`` (id(spec) → existing indicator id), parents
    before children; returns id(spec) → indicator id for all of them."""
    ids: dict[int, int] = dict(known or {})
    max_depth = max((p.depth for p in placed), default=-1)
    table = Indicator.__table__
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    conn = session.connection()  # plain Core executemany: no ORM bookkeeping per row
    for depth in range(max_depth + 1):
        level = [p for p in placed if p.depth == depth and id(p.spec) not in ids]
        if not level:
            continue
        rows = [{
            "framework_id": framework_id,
            "parent_id": ids[id(p.parent)] if p.parent is not None else None,
            "code": p.spec.code, "title": p.spec.title, "level": p.depth,
            "level_name": p.level_name, "seq": p.seq, "score": p.spec.score,
            "method": p.spec.method, "requirement_text": p.spec.requirement_text,
            "position": p.position, "is_standard": p.is_standard,
        } for p in level]
        new_ids = list(conn.execute(stmt, rows).scalars())
        for p, new_id in zip(level, new_ids, strict=True):
            ids[id(p.spec)] = new_id
    return ids


def insert_details(session: Session, nodes: list[tuple[int, IndicatorSpec]],
                   unit_ids: dict[str, int]) -> None:
    """Requirements and unit assignments of newly inserted indicators, in bulk."""
    reqs: list[dict[str, Any]] = []
    assignments: list[dict[str, Any]] = []
    for ind_id, spec in nodes:
        for i, r in enumerate(spec.requirement_specs()):
            reqs.append({"indicator_id": ind_id, "label": r.label, "kind": r.kind,
                         "min_count": r.min_count, "position": i})
        for uname, role in spec.unit_roles():
            assignments.append({"indicator_id": ind_id, "unit_id": unit_ids[uname], "role": role})
    conn = session.connection()
    if reqs:
        conn.execute(insert(Requirement.__table__), reqs)
    if assignments:
        conn.execute(insert(Assignment.__table__), assignments)


def load_sample_specs() -> tuple[str, str, list[IndicatorSpec], dict[str, list[str]]]:
    data = json.loads(SAMPLE_PATH.read_text("utf-8"))
    roots: list[IndicatorSpec] = []
    for block in data["blocks"]:
        b = IndicatorSpec(title=block["title"], score=block.get("score"), level_name="版块")
        for item in block["items"]:
            it = IndicatorSpec(title=item["title"], level_name="测评项目")
            for content in item["contents"]:
                lead = split_units(content.get("lead"))
                units = split_units(content.get("units"))
                c = IndicatorSpec(title=content["title"], level_name="测评内容")
                for std in content["standards"]:
                    c.children.append(
                        IndicatorSpec(
                            title=std["text"], level_name="测评标准", score=std.get("score"),
                            method=std.get("method", ""), requirement_text=std.get("req", ""),
                            lead_units=lead, units=units,
                        )
                    )
                it.children.append(c)
            b.children.append(it)
        roots.append(b)
    return data["name"], data.get("version", ""), roots, data.get("contacts", {})


def create_sample_framework(session: Session) -> Framework:
    name, version, roots, contacts = load_sample_specs()
    framework = create_framework(session, name, roots, version=version, source="sample")
    for uname, (contact, phone) in contacts.items():
        unit = session.scalar(select(Unit).where(Unit.name == uname))
        if unit is not None:
            unit.contact, unit.phone = contact, phone
    return framework


def current_framework(session: Session) -> Framework | None:
    """The framework evidence is filed against: the newest one."""
    return session.scalar(select(Framework).order_by(Framework.id.desc()).limit(1))


def standards_overview(session: Session, framework_id: int | None = None) -> list[dict[str, Any]]:
    """Every standard with code, title, ancestors' titles, score, method, units, requirements."""
    fw_id = framework_id
    if fw_id is None:
        fw = current_framework(session)
        if fw is None:
            return []
        fw_id = fw.id
    rows = session.execute(
        select(Indicator.id, Indicator.parent_id, Indicator.code, Indicator.title,
               Indicator.score, Indicator.method, Indicator.is_standard, Indicator.seq,
               Indicator.level_name)
        .where(Indicator.framework_id == fw_id)
        .order_by(Indicator.position)
    ).all()
    by_id = {r.id: r for r in rows}
    units: dict[int, dict[str, list[str]]] = {}
    for ind_id, uname, role in session.execute(
        select(Assignment.indicator_id, Unit.name, Assignment.role)
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(Indicator, Indicator.id == Assignment.indicator_id)
        .where(Indicator.framework_id == fw_id)
        .order_by(Assignment.id)
    ):
        units.setdefault(ind_id, {}).setdefault(role, []).append(uname)
    reqs: dict[int, list[dict[str, Any]]] = {}
    for ind_id, label, kind, min_count in session.execute(
        select(Requirement.indicator_id, Requirement.label, Requirement.kind,
               Requirement.min_count)
        .join(Indicator, Indicator.id == Requirement.indicator_id)
        .where(Indicator.framework_id == fw_id)
        .order_by(Requirement.indicator_id, Requirement.position)
    ):
        reqs.setdefault(ind_id, []).append({"label": label, "kind": kind, "min_count": min_count})
    out: list[dict[str, Any]] = []
    for r in rows:
        if not r.is_standard:
            continue
        path: list[str] = []
        parent = by_id.get(r.parent_id) if r.parent_id else None
        while parent is not None:
            path.insert(0, parent.title)
            parent = by_id.get(parent.parent_id) if parent.parent_id else None
        roles = units.get(r.id, {})
        lead = roles.get(ROLE_LEAD, [])
        out.append({
            "id": r.id,
            "code": r.code,
            "seq": r.seq,
            "title": r.title,
            "path": path,
            "score": r.score,
            "method": r.method,
            "lead_unit": "、".join(lead),
            "units": lead + [u for role, names in roles.items() if role != ROLE_LEAD
                             for u in names],
            "requirements": reqs.get(r.id, []),
        })
    return out
