"""The library's entities (SQLAlchemy 2, typed). No Qt, no index, no export here.

The schema is what migrations create; this module is the ORM view of it. Any change here needs a
new Alembic revision in ``archive/migrations/versions`` (``tests/unit/archive/test_migrations.py``
fails when models and migrations disagree).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# A naming convention makes constraint names identical on SQLite and PostgreSQL, which Alembic
# batch migrations on SQLite need to find constraints again.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Roles of a unit in an assignment.
ROLE_LEAD = "牵头"
ROLE_RESPONSIBLE = "责任"
ROLE_SUPPORT = "配合"
ROLES = (ROLE_LEAD, ROLE_RESPONSIBLE, ROLE_SUPPORT)

RETENTIONS = ("永久", "30年", "10年")
CLASSIFICATIONS = ("公开", "内部", "秘密", "机密", "绝密")

# Extraction statuses of a stored file (the search issue fills them; filing leaves "pending").
STATUS_PENDING = "pending"
FILE_STATUSES = ("pending", "ok", "empty", "corrupt", "encrypted", "no_text", "unsupported")


class Framework(Base):
    __tablename__ = "framework"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(50), default="")
    source_path: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="framework", cascade="all, delete-orphan"
    )


class Indicator(Base):
    """A node of the evaluation tree: 版块 → 测评项目 → 测评内容 → 测评标准 (any depth).

    Leaves are the *standards* evidence is filed under (``is_standard``); ``seq`` is the running
    number (序号) offices give standards, which folder names often carry ("05 建设道德讲堂").
    """

    __tablename__ = "indicator"
    __table_args__ = (
        UniqueConstraint("framework_id", "code"),
        Index("ix_indicator_parent", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), nullable=True
    )
    code: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(Text)
    level: Mapped[int] = mapped_column(Integer, default=0)
    level_name: Mapped[str] = mapped_column(String(20), default="")
    seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    method: Mapped[str] = mapped_column(String(50), default="")
    requirement_text: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_standard: Mapped[bool] = mapped_column(Boolean, default=False)

    framework: Mapped[Framework] = relationship(back_populates="indicators")
    requirements: Mapped[list[Requirement]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="Requirement.position"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan"
    )


class Unit(Base):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(100), default="")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id", ondelete="SET NULL"), nullable=True
    )
    contact: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(100), default="")


class Assignment(Base):
    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("indicator_id", "unit_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10))

    indicator: Mapped[Indicator] = relationship(back_populates="assignments")
    unit: Mapped[Unit] = relationship()


class Requirement(Base):
    """A typed evidence item of a standard: "活动照片不少于3张" → kind photo, min_count 3."""

    __tablename__ = "requirement"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="document")
    min_count: Mapped[int] = mapped_column(Integer, default=1)
    position: Mapped[int] = mapped_column(Integer, default=0)

    indicator: Mapped[Indicator] = relationship(back_populates="requirements")


class Period(Base):
    """A ledger year. Campaign years need not be calendar years (2022-08-01 … 2023-07-31)."""

    __tablename__ = "period"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50), unique=True)
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)


class File(Base):
    """Stored content, once per SHA-256; several documents may point at the same file."""

    __tablename__ = "file"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    original_name: Mapped[str] = mapped_column(Text)
    ext: Mapped[str] = mapped_column(String(20), default="")
    page_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Extracted text; pages are separated by form feeds ("\f") so search can name the page.
    text: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
    status: Mapped[str] = mapped_column(String(20), default=STATUS_PENDING, index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    # What extraction learnt besides text: EXIF date, dimensions, proposed 题名/文号/日期/责任者.
    info: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    extracted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Document(Base):
    """One 件 of evidence in a period's ledger."""

    __tablename__ = "document"
    __table_args__ = (
        Index("ix_document_period_deleted", "period_id", "deleted_at"),
        Index("ix_document_file", "file_id"),
        Index("ix_document_unit", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id", ondelete="RESTRICT"))
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id", ondelete="SET NULL"), nullable=True
    )
    file_id: Mapped[int] = mapped_column(ForeignKey("file.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(20), default="document")
    title: Mapped[str] = mapped_column(Text, default="")  # 题名
    doc_number: Mapped[str] = mapped_column(String(100), default="")  # 文号
    doc_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # 成文日期
    author: Mapped[str] = mapped_column(String(200), default="")  # 责任者
    retention: Mapped[str] = mapped_column(String(10), default="30年")  # 保管期限
    classification: Mapped[str] = mapped_column(String(10), default="公开")  # 密级
    remarks: Mapped[str] = mapped_column(Text, default="")
    caption: Mapped[str] = mapped_column(Text, default="")  # photos: 时间、地点、人物、事由
    source_path: Mapped[str] = mapped_column(Text, default="")
    # A classified document goes onto a stick only when the clerk released it explicitly.
    released: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    file: Mapped[File] = relationship()
    period: Mapped[Period] = relationship()
    unit: Mapped[Unit | None] = relationship()
    standard_links: Mapped[list[DocumentStandard]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )


class DocumentStandard(Base):
    __tablename__ = "document_standard"
    __table_args__ = (UniqueConstraint("document_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )

    document: Mapped[Document] = relationship(back_populates="standard_links")


class DocumentRequirement(Base):
    """The clerk's explicit statement "this document satisfies that requirement" (always wins)."""

    __tablename__ = "document_requirement"
    __table_args__ = (UniqueConstraint("document_id", "requirement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("requirement.id", ondelete="CASCADE"), index=True
    )


class Conclusion(Base):
    """The clerk's 结论性说明 for a standard in a period (printed on the 测评材料提交表)."""

    __tablename__ = "conclusion"
    __table_args__ = (UniqueConstraint("indicator_id", "period_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")


class FindingAcceptance(Base):
    """A quality finding the clerk accepted, with the reason; it stays visible but does not count.

    ``subject`` identifies what the finding is about (a document id, or "std:<id>" and the like),
    so that acceptances survive re-running the check.
    """

    __tablename__ = "finding_acceptance"
    __table_args__ = (UniqueConstraint("kind", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(30))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class Setting(Base):
    """Domain settings that travel with the library (organisation, stage targets, …)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
