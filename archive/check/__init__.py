"""The completeness and quality check (查漏补缺) of a period's ledger.

Reads the database only; knows nothing of the search index or the exporters. Public API:
``run_check`` (the full report), ``node_status`` (tree badges), ``findings_for_document`` (the
document panel), ``classified_document_ids`` (what the export withholds), ``accept_finding`` /
``unaccept_finding``.
"""

from archive.check.acceptance import accept_finding, list_acceptances, unaccept_finding
from archive.check.completeness import (
    COMPLETE,
    MISSING,
    PARTIAL,
    STATUS_LABELS,
    NodeStatus,
    RequirementResult,
    StandardResult,
    node_status,
)
from archive.check.quality import BLOCKING_KINDS, FINDING_KINDS, KIND_LABELS, Finding
from archive.check.report import (
    CheckReport,
    UnitItem,
    UnitTodo,
    classified_document_ids,
    findings_for_document,
    lacking_text,
    run_check,
)
from archive.check.score import DEFAULT_STAGE_TARGETS, STAGE_TARGETS_KEY

__all__ = [
    "BLOCKING_KINDS", "COMPLETE", "DEFAULT_STAGE_TARGETS", "FINDING_KINDS", "KIND_LABELS",
    "MISSING", "PARTIAL", "STAGE_TARGETS_KEY", "STATUS_LABELS", "CheckReport", "Finding",
    "NodeStatus", "RequirementResult", "StandardResult", "UnitItem", "UnitTodo",
    "accept_finding", "classified_document_ids", "findings_for_document", "lacking_text",
    "list_acceptances", "node_status", "run_check", "unaccept_finding",
]
