"""Score preview: the share of standards complete, weighted by their scores, per block and in
total, against the stage targets the campaign plans set (e.g. 70 % / 80 % / 90 % of standards at
A level in the three years of a cycle).

The targets are library settings (``stage_targets``: {"第一年": 0.7, …}); ``period_stages``
({"2023": "第一年"}) says which stage a period is, when the clerk has set it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from archive.check.completeness import COMPLETE, MISSING, PARTIAL, StandardResult
from archive.check.ledger import Ledger
from archive.errors import CivLedgerError
from archive.models import Setting

STAGE_TARGETS_KEY = "stage_targets"
PERIOD_STAGES_KEY = "period_stages"
DEFAULT_STAGE_TARGETS: dict[str, float] = {"第一年": 0.7, "第二年": 0.8, "第三年": 0.9}


def _fraction(stage: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CivLedgerError(f"阶段目标“{stage}”的值“{value}”不是数字（设置 {STAGE_TARGETS_KEY}）。"
                             ) from None
    if number > 1:  # written as a percentage
        number /= 100
    if not 0 <= number <= 1:
        raise CivLedgerError(f"阶段目标“{stage}”应在 0 到 100% 之间（设置 {STAGE_TARGETS_KEY}）。")
    return number


def stage_targets(session: Session) -> dict[str, float]:
    row = session.get(Setting, STAGE_TARGETS_KEY)
    if row is None or not row.value:
        return dict(DEFAULT_STAGE_TARGETS)
    if not isinstance(row.value, dict):
        raise CivLedgerError(f"设置 {STAGE_TARGETS_KEY} 应为“阶段: 比例”的对照表。")
    return {str(k): _fraction(str(k), v) for k, v in row.value.items()}


def period_stage(session: Session, period: str) -> str | None:
    row = session.get(Setting, PERIOD_STAGES_KEY)
    if row is None or not isinstance(row.value, dict):
        return None
    stage = row.value.get(period)
    return str(stage) if stage else None


def _weight(result: StandardResult) -> float:
    return float(result.score) if result.score is not None and result.score > 0 else 1.0


def _share(results: list[StandardResult]) -> dict[str, Any]:
    complete = [r for r in results if r.status == COMPLETE]
    points = sum(_weight(r) for r in complete)
    max_points = sum(_weight(r) for r in results)
    return {
        "total": len(results),
        "complete": len(complete),
        "partial": sum(r.status == PARTIAL for r in results),
        "missing": sum(r.status == MISSING for r in results),
        "ratio": len(complete) / len(results) if results else 0.0,
        "points": round(float(points), 2),
        "max_points": round(float(max_points), 2),
        "weighted_ratio": points / max_points if max_points else 0.0,
    }


def _needed(results: list[StandardResult], target: float) -> int:
    """The fewest incomplete standards (largest scores first) whose completion meets ``target``."""
    max_points = sum(_weight(r) for r in results)
    points = sum(_weight(r) for r in results if r.status == COMPLETE)
    goal = target * max_points - 1e-9
    needed = 0
    for r in sorted((r for r in results if r.status != COMPLETE), key=_weight, reverse=True):
        if points >= goal:
            break
        points += _weight(r)
        needed += 1
    return needed


def score_preview(ledger: Ledger, results: dict[int, StandardResult], targets: dict[str, float],
                  stage: str | None = None, standard_ids: Iterable[int] | None = None,
                  ) -> dict[str, Any]:
    """The preview over ``standard_ids`` (default: all standards), per block and in total."""
    ids = set(results) if standard_ids is None else set(standard_ids) & set(results)
    block_of: dict[int, int] = {}
    for std in ledger.standards:
        node = std
        while node.parent_id is not None and node.parent_id in ledger.indicators:
            node = ledger.indicators[node.parent_id]
        block_of[std.id] = node.id
    chosen = [results[i] for i in results if i in ids]
    blocks = []
    for root in ledger.roots:
        members = [r for r in chosen if block_of.get(r.id) == root.id]
        if members:
            blocks.append({"code": root.code, "title": root.title, **_share(members)})
    total = _share(chosen)
    out: dict[str, Any] = {
        **total,
        "blocks": blocks,
        "targets": [
            {"stage": name, "target": target, "met": total["weighted_ratio"] >= target - 1e-9,
             "needed": _needed(chosen, target),
             "needed_points": round(max(0.0, target * total["max_points"] - total["points"]), 2)}
            for name, target in targets.items()
        ],
        "stage": stage,
        "target": targets.get(stage) if stage else None,
    }
    out["met"] = (total["weighted_ratio"] >= out["target"] - 1e-9
                  if out["target"] is not None else None)
    return out


def percent(value: float) -> str:
    """0.7 → "70%", 0.666 → "66.6%"."""
    text = f"{math.floor(value * 1000 + 1e-6) / 10:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"
