"""Completion badges per indicator, as the check (``archive.check.node_status``) decides them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from archive.check import node_status


def node_statuses(session: Session, period: str | None) -> dict[int, str]:
    """``{indicator_id: "complete" | "partial" | "missing"}`` for the period (empty without one)."""
    if period is None:
        return {}
    return {ind_id: badge.status for ind_id, badge in node_status(session, period).items()}
