"""Searching the ledger: ranked hits with the passage, its highlights and the PDF page.

The index gives ranked candidates; their text and metadata come from the database, where each
candidate is checked against the query (``indexing.query.matches``) and the passage is cut, so
a hit is exact and always shows current metadata even if the index lags.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from whoosh import query as Q

from archive.documents import standard_by_code, subtree_ids, unit_by_name
from archive.library import Library
from archive.models import Document, DocumentStandard, File, Indicator, Period
from archive.periods import get_period
from indexing import index as search_index
from indexing.analysis import fold
from indexing.query import Search, build, matches
from indexing.snippets import make_snippet

PAGED_EXTS = {"pdf", "ofd", "pptx"}


@dataclass
class Hit:
    document_id: int
    title: str
    source_path: str
    standards: list[str]
    period: str
    page: int | None  # 1-based page of the passage (PDF and other paged formats)
    snippet: str  # plain text
    highlights: list[tuple[int, int]] = field(default_factory=list)  # spans in ``snippet``
    score: float = 0.0

    def snippet_html(self) -> str:
        """The snippet as escaped HTML with the query words in <b>…</b>."""
        out: list[str] = []
        pos = 0
        for start, end in self.highlights:
            out.append(html.escape(self.snippet[pos:start]))
            out.append("<b>" + html.escape(self.snippet[start:end]) + "</b>")
            pos = end
        out.append(html.escape(self.snippet[pos:]))
        return "".join(out)

    def as_json(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "title": self.title,
                "source_path": self.source_path, "standards": self.standards,
                "period": self.period, "page": self.page, "snippet": self.snippet}


def _file_types(file_type: str) -> list[str]:
    return [t.strip().lower().lstrip(".") for t in file_type.replace("，", ",").split(",")
            if t.strip()]


def _filter(lib: Library, period: str | None, standard: str | None, unit: str | None,
            file_type: str | None) -> Q.Query | None:
    parts: list[Q.Query] = []
    with lib.session() as s:
        if period:
            parts.append(Q.Term("period", str(get_period(s, period).id)))
        if unit:
            parts.append(Q.Term("unit", str(unit_by_name(s, unit).id)))
        if standard:
            ids = subtree_ids(s, standard_by_code(s, standard))
            parts.append(Q.Or([Q.Term("standards", str(i)) for i in ids]))
    if file_type:
        parts.append(Q.Or([Q.Term("ext", t) for t in _file_types(file_type)]))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.And(parts)


# Candidates checked per search at most: a query whose candidates are mostly false (bigrams
# everywhere, the string nowhere) stops there instead of reading the whole library.
MAX_CANDIDATES = 2000


def search(
    lib: Library,
    query: str,
    period: str | None = None,
    standard: str | None = None,
    unit: str | None = None,
    file_type: str | None = None,
    limit: int = 50,
) -> list[Hit]:
    """Documents matching ``query`` (see ``indexing.query`` for the syntax), best first."""
    plan = build(query)
    if plan.query is None:
        return []
    limit = max(1, limit)
    flt = _filter(lib, period, standard, unit, file_type)
    s = search_index.searcher(lib)
    hits: list[Hit] = []
    checked = 0
    fetch = limit + 10
    while True:
        results = s.search(plan.query, filter=flt, limit=fetch)
        ranked = [(int(r["doc_id"]), r.score or 0.0) for r in results]
        fresh = ranked[checked:]
        if not fresh:
            break
        hits.extend(_hits(lib, fresh, plan))
        checked = len(ranked)
        if len(hits) >= limit or len(ranked) < fetch or checked >= MAX_CANDIDATES:
            break
        fetch = min(fetch * 4, MAX_CANDIDATES)
    return hits[:limit]


def _hits(lib: Library, ranked: list[tuple[int, float]], plan: Search) -> list[Hit]:
    """Hits for the candidates that really match, in their rank order."""
    ids = [doc_id for doc_id, _ in ranked]
    with lib.session() as s:
        rows = {
            r.id: r
            for r in s.execute(
                select(Document.id, Document.title, Document.source_path, Document.doc_number,
                       Document.author, Document.caption, Document.remarks, Period.label,
                       File.text, File.ext, File.original_name, Document.deleted_at)
                .join(File, File.id == Document.file_id)
                .join(Period, Period.id == Document.period_id)
                .where(Document.id.in_(ids))
            )
        }
        codes: dict[int, list[str]] = {}
        for doc_id, code in s.execute(
            select(DocumentStandard.document_id, Indicator.code)
            .join(Indicator, Indicator.id == DocumentStandard.indicator_id)
            .where(DocumentStandard.document_id.in_(ids))
            .order_by(Indicator.position, Indicator.id)
        ):
            codes.setdefault(doc_id, []).append(code)
    hits = []
    for doc_id, score in ranked:
        row = rows.get(doc_id)
        if row is None or row.deleted_at is not None:  # the index lags behind a deletion
            continue
        text = row.text or ""
        folded = fold(text)
        meta = "\n".join(x for x in (row.title, row.doc_number, row.author, row.caption,
                                     row.remarks, row.original_name) if x)
        folded_meta = fold(meta)
        if not matches(plan.expr, [folded, folded_meta]):
            continue
        paged = (row.ext or "").lower() in PAGED_EXTS or "\f" in text
        snip = make_snippet(text, plan.words, paged, folded=folded)
        if not snip.found:  # found by its metadata (a photo's caption, a title): show that
            by_meta = make_snippet(meta, plan.words, False, folded=folded_meta)
            if by_meta.found or not text.strip():
                snip = by_meta
        hits.append(Hit(doc_id, row.title, row.source_path, codes.get(doc_id, []), row.label,
                        snip.page, snip.text, snip.highlights, float(score)))
    return hits
