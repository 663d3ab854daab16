"""Ledger periods (台账年度)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.errors import CivLedgerError, NotFoundError
from archive.models import Period

_YEAR = re.compile(r"^(19|20)\d\d$")


def default_dates(label: str) -> tuple[dt.date, dt.date]:
    """A label that is a year means that calendar year; anything else needs explicit dates."""
    if not _YEAR.match(label):
        raise CivLedgerError(f"年度“{label}”不是年份，请用 --start 和 --end 给出起止日期。")
    year = int(label)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def add_period(
    session: Session, label: str, start: dt.date | None = None, end: dt.date | None = None
) -> Period:
    label = label.strip()
    if session.scalar(select(Period).where(Period.label == label)) is not None:
        raise CivLedgerError(f"年度“{label}”已经存在。")
    if start is None or end is None:
        d_start, d_end = default_dates(label)
        start, end = start or d_start, end or d_end
    if end < start:
        raise CivLedgerError(f"年度“{label}”的结束日期 {end} 早于开始日期 {start}。")
    period = Period(label=label, start=start, end=end)
    session.add(period)
    session.flush()
    return period


def update_period(session: Session, period_id: int, start: dt.date, end: dt.date) -> Period:
    """Change a period's dates (a campaign year need not be a calendar year); audited."""
    from archive import audit

    period = session.get(Period, period_id)
    if period is None:
        raise NotFoundError(f"没有编号为 {period_id} 的年度。")
    if end < start:
        raise CivLedgerError(f"年度“{period.label}”的结束日期 {end} 早于开始日期 {start}，请更正。")
    if (period.start, period.end) != (start, end):
        audit.record(session, "update", "period", period.id,
                     {"start": period.start, "end": period.end}, {"start": start, "end": end})
        period.start, period.end = start, end
    return period


def get_period(session: Session, label: str, create_year: bool = False) -> Period:
    """The period called ``label``; a plain year is created on first use when asked to."""
    period = session.scalar(select(Period).where(Period.label == str(label)))
    if period is not None:
        return period
    if create_year and _YEAR.match(str(label)):
        return add_period(session, str(label))
    known = "、".join(p.label for p in list_periods(session)) or "（无）"
    raise NotFoundError(f"没有年度“{label}”。已有年度：{known}。可用 periods add 添加。")


def list_periods(session: Session) -> list[Period]:
    return list(session.scalars(select(Period).order_by(Period.start, Period.label)))
