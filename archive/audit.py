"""The audit trail: who changed which document or link, when, from what to what."""

from __future__ import annotations

import datetime as dt
import getpass
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from archive.models import AuditEntry


@cache
def current_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on some service accounts
        return "unknown"


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            actor=current_actor(),
            action=action,
            entity=entity,
            entity_id=entity_id,
            before={k: jsonable(v) for k, v in before.items()} if before else None,
            after={k: jsonable(v) for k, v in after.items()} if after else None,
        )
    )
