"""Library-level actions: create (optionally with the sample framework), settings, periods."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from archive.check.score import (
    DEFAULT_STAGE_TARGETS,
    PERIOD_STAGES_KEY,
    STAGE_TARGETS_KEY,
)
from archive.errors import CivLedgerError
from archive.frameworks import create_sample_framework
from archive.library import Library
from archive.models import Period
from archive.periods import add_period, update_period
from gui.operations.busy import retry_when_busy

# The organisation printed on exports and notices (exporters read the same key).
KEY_ORGANISATION = "organisation"


def create_library(root: Path, sample: bool) -> Library:
    lib = Library.create(root)
    if sample:
        with lib.session() as s:
            create_sample_framework(s)
    return lib


@dataclass
class LibrarySettings:
    organisation: str
    stage_targets: dict[str, float]  # stage name → share of standards complete (0–1)
    period_stages: dict[str, str]  # period label → stage name
    periods: list[tuple[int, str, dt.date, dt.date]]


def read_settings(lib: Library) -> LibrarySettings:
    from gui.queries.documents import period_choices

    targets: Any = lib.get_setting(STAGE_TARGETS_KEY) or DEFAULT_STAGE_TARGETS
    if not isinstance(targets, dict):
        targets = DEFAULT_STAGE_TARGETS
    stages: Any = lib.get_setting(PERIOD_STAGES_KEY) or {}
    organisation: Any = lib.get_setting(KEY_ORGANISATION, "") or ""
    if isinstance(organisation, dict):
        organisation = organisation.get("name", "")
    with lib.session() as s:
        periods = period_choices(s)
    return LibrarySettings(
        str(organisation),
        {str(k): float(v) / 100 if float(v) > 1 else float(v) for k, v in targets.items()},
        {str(k): str(v) for k, v in stages.items()} if isinstance(stages, dict) else {},
        periods)


def save_settings(lib: Library, organisation: str, stage_targets: dict[str, float],
                  period_stages: dict[str, str],
                  period_dates: dict[int, tuple[dt.date, dt.date]],
                  new_periods: list[tuple[str, dt.date, dt.date]]) -> None:
    """Check everything first, then write: a bad date leaves every setting as it was."""
    for stage, t in stage_targets.items():
        if not 0 <= t <= 1:
            raise CivLedgerError(f"阶段目标“{stage}”应在 0% 到 100% 之间。")
    retry_when_busy(_save_periods, lib, period_dates, new_periods)
    retry_when_busy(lib.set_setting, KEY_ORGANISATION, organisation.strip())
    retry_when_busy(lib.set_setting, STAGE_TARGETS_KEY,
                    {k: round(v, 4) for k, v in stage_targets.items()})
    retry_when_busy(lib.set_setting, PERIOD_STAGES_KEY,
                    {k: v for k, v in period_stages.items() if v})


def _save_periods(lib: Library, period_dates: dict[int, tuple[dt.date, dt.date]],
                  new_periods: list[tuple[str, dt.date, dt.date]]) -> None:
    with lib.session() as s:
        for pid, (start, end) in period_dates.items():
            if s.get(Period, pid) is not None:
                update_period(s, pid, start, end)
        for label, start, end in new_periods:
            if s.scalar(select(Period.id).where(Period.label == label.strip())) is None:
                add_period(s, label, start, end)
