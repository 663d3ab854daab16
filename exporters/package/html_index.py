"""index.html at the root of a package: the page evaluators open first, from the stick, offline.

The page itself is static (``assets/``: markup, style and a plain ES5 script, inlined at export);
the data sits beside it in ``index-data.js`` (tree, standards, documents, completeness) and the
extracted text in ``index-text.js``, loaded on the first search. Browsers refuse ``fetch`` from
``file://`` pages, but load ``<script src>`` files, hence data as scripts rather than JSON.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

from exporters.package.layout import INDEX_TEXT_JS, Layout
from exporters.package.photos import photo_placements
from exporters.package.selection import SEARCH_TEXT_CHARS, Node, Selection

ASSETS = Path(__file__).resolve().parent / "assets"
# index-text.js stays small enough for any browser to load from a stick: the extracted text of
# each document is cut so that all of it together is at most this many characters.
TEXT_BUDGET = 30_000_000
MIN_TEXT_CHARS = 1_000


def page_title(sel: Selection) -> str:
    return f"{sel.organisation}{sel.period}年度创建文明城市测评资料"


def _tree(sel: Selection, std_index: dict[int, int]) -> list[dict[str, Any]]:
    children: dict[int | None, list[Node]] = {}
    for n in sel.nodes:
        children.setdefault(n.parent_id, []).append(n)

    def build(parent: int | None) -> list[dict[str, Any]]:
        return [{"c": n.code, "t": n.title, "l": n.level_name, "s": std_index.get(n.id, -1),
                 "k": build(n.id)} for n in children.get(parent, [])]

    return build(None)


def completeness(sel: Selection, layout: Layout,
                 check: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The summary for the page and each standard's status, by standard code.

    With the check's result (``archive.check.run_check(...).as_json()``) statuses are
    complete/partial/missing per requirement; without it the page can only say which standards
    have evidence at all, and says so.
    """
    codes = [f.standard.code for f in layout.folders]
    if check is not None:
        by_code = {s.get("code"): s for s in check.get("standards", [])}
        statuses = {c: by_code[c] for c in codes if c in by_code}
        counts = {k: sum(1 for s in statuses.values() if s.get("status") == k)
                  for k in ("complete", "partial", "missing")}
        return ({"source": "check", "total": len(codes), **counts, "note": ""}, statuses)
    statuses = {f.standard.code: {"status": "filed" if f.placements else "missing"}
                for f in layout.folders}
    filed = sum(1 for s in statuses.values() if s["status"] == "filed")
    return ({"source": "basic", "total": len(codes), "filed": filed,
             "missing": len(codes) - filed,
             "note": "未运行查漏补缺检查：此处只统计各测评标准有无资料，不核对资料要求的件数。"},
            statuses)


def index_data(sel: Selection, layout: Layout, day: dt.date,
               check: dict[str, Any] | None) -> dict[str, Any]:
    summary, statuses = completeness(sel, layout, check)
    std_index = {f.standard.id: i for i, f in enumerate(layout.folders)}
    docs: list[dict[str, Any]] = []
    standards: list[dict[str, Any]] = []
    for i, folder in enumerate(layout.folders):
        std = folder.standard
        status = statuses.get(std.code, {})
        found = {r.get("label"): r.get("found") for r in status.get("requirements", [])}
        doc_ix: list[int] = []
        for p in folder.placements:
            doc_ix.append(len(docs))
            docs.append({
                "i": p.doc.id, "q": p.seq, "t": p.doc.title, "n": p.doc.doc_number,
                "d": p.doc.doc_date.isoformat() if p.doc.doc_date else "",
                "a": p.doc.author or p.doc.unit, "p": p.doc.pages, "f": p.path, "s": i,
                "k": p.doc.kind, "no": p.archival_no,
            })
        standards.append({
            "c": std.code, "t": std.title, "dir": folder.path, "form": folder.form_path,
            "photos": folder.photo_sheet_path if photo_placements(folder) else "",
            "status": status.get("status", ""), "lead": "、".join(std.lead_units),
            "units": "、".join(std.responsible_units),
            "req": [{"label": r["label"], "min": r["min_count"], "found": found.get(r["label"])}
                    for r in std.requirements],
            "docs": doc_ix,
        })
    return {
        "title": page_title(sel), "organisation": sel.organisation, "period": sel.period,
        "periodStart": sel.period_start.isoformat(), "periodEnd": sel.period_end.isoformat(),
        "exported": day.isoformat(), "framework": sel.framework, "unit": sel.unit or "",
        "standard": sel.standard or "",
        "counts": {"documents": len({p.doc.id for p in layout.placements}),
                   "placements": len(docs)},
        "summary": summary, "tree": _tree(sel, std_index), "standards": standards, "docs": docs,
    }


def _script(var: str, data: Any) -> bytes:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # U+2028/2029 end a line inside a JavaScript string in engines older than ES2019.
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{var} = {body};\n".encode()


def index_files(sel: Selection, layout: Layout, texts: dict[int, str], day: dt.date,
                check: dict[str, Any] | None) -> dict[str, bytes]:
    """``{"index.html": …, "index-data.js": …, "index-text.js": …}``."""
    data = index_data(sel, layout, day, check)
    template = (ASSETS / "index.html").read_text("utf-8")
    page = (template.replace("{{TITLE}}", html.escape(data["title"]))
            .replace("{{STYLE}}", (ASSETS / "style.css").read_text("utf-8"))
            .replace("{{APP}}", (ASSETS / "app.js").read_text("utf-8")))
    exported = {p.doc.id for p in layout.placements}
    per_doc = max(MIN_TEXT_CHARS, min(SEARCH_TEXT_CHARS, TEXT_BUDGET // max(1, len(exported))))
    data["textChars"] = per_doc
    return {
        "index.html": page.encode(),
        "index-data.js": _script("CIVLEDGER", data),
        INDEX_TEXT_JS: _script("CIVLEDGER_TEXT", {str(k): v[:per_doc]
                                                  for k, v in sorted(texts.items())
                                                  if k in exported}),
    }
