"""Searching the ledger: ranked hits with the passage, its highlights and the PDF page.

The index gives ranked candidates; their text and metadata come from the database, where each
candidate is checked against the query (``indexing.query.matches``) and the passage is cut, so
a hit is exact and always shows current metadata even if the index lags.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from whoosh import query as Q
from whoosh.searching import Searcher

from archive.documents import standard_by_code, subtree_ids, unit_by_name
from archive.library import Library
from archive.models import Document, DocumentStandard, File, Indicator, Period
from archive.periods import get_period
from indexing import index as search_index
from indexing.analysis import fold
from indexing.query import Search, build, compile_query, estimate, matches
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
    with lib.read_session() as s:
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


# Above this many possible matches Whoosh does not rank them all (BM25 in Python costs about
# 10–30 µs per candidate on this kind of query): titles that match come first, then the
# newest documents.
RANKED_LIMIT = 1000
# Candidates checked per search at most: a query whose candidates are mostly false (bigrams
# everywhere, the string nowhere) stops there instead of reading the whole library, and may
# then list fewer documents than match.
MAX_CANDIDATES = 5000
# Terms (and AND-ed words) in more than this share of the documents are left to the text
# check: they barely change a score, and walking their posting lists costs the most.
COMMON_SHARE = 0.2
BATCH = 200


def search(
    lib: Library,
    query: str,
    period: str | None = None,
    standard: str | None = None,
    unit: str | None = None,
    file_type: str | None = None,
    limit: int = 50,
) -> list[Hit]:
    """Documents matching ``query`` (see ``indexing.query`` for the syntax), best first.

    Ranking: BM25 over the words' rarest bigrams, metadata (题名, 文号, caption …) weighing
    more, lifted where the query is a jieba word of the document. A query matching more than
    ``RANKED_LIMIT`` documents (垃圾分类 in a campaign's whole ledger) lists those whose
    metadata match first, then the most recently indexed; narrow it with the filters.
    """
    plan = build(query)
    if not plan.words:
        return []
    limit = max(1, limit)
    flt = _filter(lib, period, standard, unit, file_type)
    s = search_index.searcher(lib)
    hits: list[Hit] = []
    seen: set[int] = set()
    for batch in candidates(s, plan, flt, limit):
        fresh = [(d, score) for d, score in batch if d not in seen]
        seen.update(d for d, _ in fresh)
        hits.extend(_hits(lib, fresh, plan))
        if len(hits) >= limit:
            break
    return hits[:limit]


def candidates(s: Searcher, plan: Search, flt: Q.Query | None, limit: int
               ) -> Iterator[list[tuple[int, float]]]:
    """Batches of (document id, score) to check, best first."""
    if not s.doc_count_all():
        return  # an empty index (every entry deleted and its segment dropped) has no columns
    total = s.doc_count_all()

    def df(field: str, term: str, prefix: bool) -> int:
        return total if prefix else s.doc_frequency(field, term)

    doc_ids = s.reader().column_reader("doc_id")
    if estimate(plan.expr, df, total) <= RANKED_LIMIT:
        q = compile_query(plan.expr, "ranked", df, int(total * COMMON_SHARE), total)
        if q is None:
            return
        fetch, done = limit + 10, 0
        while True:
            results = s.search(q, filter=flt, limit=fetch)
            ranked = [(int(doc_ids[r.docnum]), r.score or 0.0) for r in results]
            yield ranked[done:]
            if len(ranked) < fetch or fetch >= MAX_CANDIDATES:
                return
            done, fetch = len(ranked), min(fetch * 4, MAX_CANDIDATES)
    meta = compile_query(plan.expr, "meta")
    if meta is not None:
        yield [(int(doc_ids[r.docnum]), r.score or 0.0)
               for r in s.search(meta, filter=flt, limit=limit)]
    q = compile_query(plan.expr, "candidates", df, int(total * COMMON_SHARE), total)
    if q is None:
        return
    if flt is not None:
        q = Q.And([q, flt])
    newest = sorted(s.docs_for_query(q), reverse=True)[:MAX_CANDIDATES]
    start, size = 0, limit + 10
    while start < len(newest):
        yield [(int(doc_ids[n]), 0.0) for n in newest[start : start + size]]
        start, size = start + size, BATCH


def _hits(lib: Library, ranked: list[tuple[int, float]], plan: Search) -> list[Hit]:
    """Hits for the candidates that really match, in their rank order."""
    ids = [doc_id for doc_id, _ in ranked]
    with lib.read_session() as s:
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
