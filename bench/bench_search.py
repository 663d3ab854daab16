"""Benchmark of issue 4: extraction + indexing throughput, search latency, index size, memory,
and tantivy (character bigrams) on the same corpus in the same run.

Corpus: ``bench/corpus_search.py`` — docx and pdf, 2–20 KB of Chinese text each; 1,000 documents
in quick mode, 20,000 in full mode. Steps, each timed phase in its own process so that its peak
memory is its own:

1. file the corpus into a new library (not timed against anything);
2. extraction alone: ``extract_pending(index=False)`` — workers, database writes, proposals;
3. the files are set back to pending, and extraction + indexing runs: ``extract_pending()``;
   the ratio of its throughput to step 2's is the cost of the index (goal ≥ 0.5). Steps 2 and 3
   run ``ROUNDS`` times in turn: a shared machine's speed drifts by several per cent over a
   few minutes, so each round's ratio compares two neighbouring runs, and the median round
   is reported (rates: medians too);
4. ``index --rebuild`` from the database (Whoosh indexing alone);
5. search latency of ``indexing.search.search`` (index + database + snippets) over a mix of
   queries: place names, topics, 文号, random 2–4 character substrings, AND/OR/NOT, a filter;
6. tantivy with a character-bigram tokenizer on the same extracted texts: indexing time, size,
   latency of the same queries (index only), and the ratios to Whoosh.
"""

from __future__ import annotations

import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ISSUE = 4
ROUNDS = 3  # of extraction alone, then extraction + indexing (full size)


# -- phases run in a child process ---------------------------------------------------------------
def _rss_mb() -> float:
    try:
        import resource
    except ImportError:  # Windows
        return float("nan")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def phase_import(lib_dir: str, corpus_dir: str) -> dict[str, Any]:
    from archive.importer import import_paths
    from archive.library import Library

    started = time.perf_counter()
    with Library.create(Path(lib_dir)) as lib:
        result = import_paths(lib, [Path(corpus_dir)], "2023")
    return {"seconds": time.perf_counter() - started, "documents": len(result.new_document_ids),
            "refused": len(result.refused)}


def phase_extract(lib_dir: str, index: bool) -> dict[str, Any]:
    from archive.library import Library
    from indexing import index as search_index
    from indexing.pipeline import extract_pending

    with Library.open(Path(lib_dir)) as lib:
        if index:
            search_index.rebuild(lib)  # entries of the filed documents, as after an import
        started = time.perf_counter()
        out = extract_pending(lib, index=index)
        seconds = time.perf_counter() - started
        search_index.close(lib)
    return {"seconds": seconds, "extracted": out["extracted"], "statuses": out["statuses"],
            "rss_mb": _rss_mb()}


def phase_rebuild(lib_dir: str) -> dict[str, Any]:
    from archive.library import Library
    from indexing import index as search_index

    with Library.open(Path(lib_dir)) as lib:
        out = search_index.rebuild(lib)
        search_index.close(lib)
    return {"seconds": out["seconds"], "indexed": out["indexed"], "rss_mb": _rss_mb()}


def phase_search(lib_dir: str, queries: list[dict[str, Any]]) -> dict[str, Any]:
    from whoosh import query as Q

    from archive.library import Library
    from indexing import index as search_index
    from indexing.query import build
    from indexing.search import candidates, search

    with Library.open(Path(lib_dir)) as lib:
        for q in queries[:10]:  # warm up: open the searcher, load the dictionaries
            search(lib, q["text"], file_type=q.get("type"))
        full, engine, counts = [], [], []
        for q in queries:
            started = time.perf_counter()
            hits = search(lib, q["text"], file_type=q.get("type"), limit=50)
            full.append((time.perf_counter() - started) * 1000)
            counts.append(len(hits))
            plan = build(q["text"])
            s = search_index.searcher(lib)
            flt = Q.Term("ext", "pdf") if q.get("type") else None
            started = time.perf_counter()
            next(iter(candidates(s, plan, flt, 50)), None)  # the index's part: first batch
            engine.append((time.perf_counter() - started) * 1000)
        search_index.close(lib)
    return {"full_ms": full, "engine_ms": engine, "hits": counts, "rss_mb": _rss_mb()}


def _tantivy_query(q: dict[str, Any]) -> str:
    def quote(word: str) -> str:
        return '"' + word.replace('"', "") + '"'

    kind, words = q["kind"], q["words"]
    if kind == "or":
        return " OR ".join(quote(w) for w in words)
    if kind == "not":
        return f"{quote(words[0])} AND NOT {quote(words[1])}"
    return " AND ".join(quote(w) for w in words)


def phase_tantivy(lib_dir: str, index_dir: str, queries: list[dict[str, Any]]) -> dict[str, Any]:
    import tantivy
    from sqlalchemy import select

    from archive.library import Library
    from archive.models import Document, File

    with Library.open(Path(lib_dir)) as lib, lib.session() as s:
        rows = s.execute(select(Document.id, Document.title, File.text, File.ext)
                         .join(File, File.id == Document.file_id)).all()
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("doc_id", stored=True, indexed=True)
    sb.add_text_field("title", tokenizer_name="bigram", index_option="position")
    sb.add_text_field("content", tokenizer_name="bigram", index_option="position")
    sb.add_text_field("ext", tokenizer_name="raw")
    schema = sb.build()
    shutil.rmtree(index_dir, ignore_errors=True)
    Path(index_dir).mkdir(parents=True)
    started = time.perf_counter()
    ix = tantivy.Index(schema, path=index_dir)
    ix.register_tokenizer("bigram", tantivy.TextAnalyzerBuilder(
        tantivy.Tokenizer.ngram(min_gram=2, max_gram=2, prefix_only=False))
        .filter(tantivy.Filter.lowercase()).build())
    writer = ix.writer(heap_size=256_000_000, num_threads=1)
    for doc_id, title, text, ext in rows:
        writer.add_document(tantivy.Document(doc_id=doc_id, title=title or "", content=text or "",
                                             ext=ext or ""))
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - started
    ix.reload()
    searcher = ix.searcher()
    parsed = [ix.parse_query(_tantivy_query(q), ["title", "content"]) for q in queries]
    for query in parsed[:10]:
        searcher.search(query, 50)
    latencies = []
    for query in parsed:
        started = time.perf_counter()
        hits = searcher.search(query, 50).hits
        [searcher.doc(address)["doc_id"] for _score, address in hits]
        latencies.append((time.perf_counter() - started) * 1000)
    text_mb = sum(len((r[2] or "").encode("utf-8")) for r in rows) / 1024 / 1024
    return {"seconds": seconds, "docs": len(rows), "latency_ms": latencies, "rss_mb": _rss_mb(),
            "text_mb": text_mb}


def _child(phase: str, *args: Any) -> dict[str, Any]:
    code = ("import json, sys; from bench import bench_search as b; "
            f"print('@@' + json.dumps(b.{phase}(*json.loads(sys.argv[1]))))")
    proc = subprocess.run([sys.executable, "-c", code, json.dumps(list(args))], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{phase} failed:\n{proc.stderr[-3000:]}")
    line = next(x for x in proc.stdout.splitlines() if x.startswith("@@"))
    return json.loads(line[2:])  # type: ignore[no-any-return]


# -- queries -------------------------------------------------------------------------------------
def make_queries(n_docs: int, count: int, seed: int = 11) -> list[dict[str, Any]]:
    """A mix of what clerks type, built from strings the generator put into the corpus."""
    from bench.corpus_search import TOPICS, Generator
    from indexing.analysis import CJK_RUN_RE

    gen = Generator(1)
    rnd = random.Random(seed)
    out: list[dict[str, Any]] = []
    while len(out) < count:
        roll = rnd.random()
        doc = gen.document(rnd.randrange(n_docs))
        if roll < 0.25:
            words, kind = [rnd.choice(gen.places)], "word"
        elif roll < 0.40:
            words, kind = [rnd.choice(TOPICS)], "word"
        elif roll < 0.50:
            words, kind = [doc.doc_number], "word"
        elif roll < 0.75:
            runs = [m.group(0) for m in CJK_RUN_RE.finditer(doc.text) if len(m.group(0)) >= 2]
            run = rnd.choice(runs)
            length = rnd.randint(2, min(4, len(run)))
            start = rnd.randrange(len(run) - length + 1)
            words, kind = [run[start : start + length]], "word"
        elif roll < 0.85:
            words, kind = [doc.place, doc.topic], "and"
        elif roll < 0.90:
            words, kind = rnd.sample(TOPICS, 2), "or"
        elif roll < 0.95:
            words, kind = [doc.topic, doc.place], "not"
        else:
            words, kind = [doc.topic], "pdf"
        if kind == "and":
            text = " ".join(words)
        elif kind == "or":
            text = " OR ".join(words)
        elif kind == "not":
            text = f"{words[0]} NOT {words[1]}"
        else:
            text = words[0]
        q: dict[str, Any] = {"text": text, "kind": kind, "words": words}
        if kind == "pdf":
            q["type"] = "pdf"
        out.append(q)
    return out


# -- the benchmark -------------------------------------------------------------------------------
def _size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1024 / 1024


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median duration (the lower one of an even number)."""
    return sorted(runs, key=lambda r: r["seconds"])[(len(runs) - 1) // 2]


def _reset_pending(lib_dir: Path) -> None:
    from sqlalchemy import update

    from archive.library import Library
    from archive.models import File

    with Library.open(lib_dir) as lib, lib.session() as s:
        s.execute(update(File).values(status="pending", status_reason="", text=None,
                                      page_count=None, info={}, extracted_at=None))


def _workers_peak_mb() -> float:
    try:
        import resource
    except ImportError:
        return float("nan")
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run(quick: bool, workdir: Path, n: int | None = None) -> list[dict[str, Any]]:
    from bench.corpus_search import write_corpus

    n = n or (1_000 if quick else 20_000)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    # The corpus (minutes to generate at full size) is kept beside the module's work folder,
    # which the runner empties before each run; it is regenerated when its stamp differs.
    corpus = workdir.parent / "corpus-cache" / f"corpus_search_{n}"
    started = time.perf_counter()
    paths = write_corpus(corpus, n)
    corpus_seconds = time.perf_counter() - started
    text_mb = sum(p.stat().st_size for p in paths) / 1024 / 1024
    lib_dir = workdir / f"lib_search_{n}"
    shutil.rmtree(lib_dir, ignore_errors=True)

    filed = _child("phase_import", str(lib_dir), str(corpus))
    rounds = []
    for k in range(1 if quick else ROUNDS):
        if k:
            _reset_pending(lib_dir)
        alone = _child("phase_extract", str(lib_dir), False)
        _reset_pending(lib_dir)
        indexed = _child("phase_extract", str(lib_dir), True)
        rounds.append((alone, indexed))
    ratios = [(f["extracted"] / f["seconds"]) / (a["extracted"] / a["seconds"])
              for a, f in rounds]
    extract = _median_run([a for a, _f in rounds])
    full = _median_run([f for _a, f in rounds])
    full["rss_mb"] = max(f["rss_mb"] for _a, f in rounds)
    index_mb = _size_mb(lib_dir / "index")
    rebuild = _child("phase_rebuild", str(lib_dir))
    queries = make_queries(n, 200 if quick else 500)
    searched = _child("phase_search", str(lib_dir), queries)
    tan = _child("phase_tantivy", str(lib_dir), str(workdir / f"tantivy_{n}"), queries)
    tantivy_mb = _size_mb(workdir / f"tantivy_{n}")
    workers_mb = _workers_peak_mb()

    docs = filed["documents"]
    ext_rate = extract["extracted"] / extract["seconds"]
    full_rate = full["extracted"] / full["seconds"]
    ratio = statistics.median(ratios)
    each_round = ", ".join(f"{r * 100:.1f}" for r in ratios)
    p50 = statistics.median(searched["full_ms"])
    p95 = _p95(searched["full_ms"])
    engine_p95 = _p95(searched["engine_ms"])
    t_p50 = statistics.median(tan["latency_ms"])
    t_p95 = _p95(tan["latency_ms"])
    tantivy_rate = tan["docs"] / tan["seconds"]
    rebuild_rate = rebuild["indexed"] / rebuild["seconds"]
    est_ratio = extract["seconds"] / (extract["seconds"] + tan["seconds"])
    mode = f"{'quick' if quick else 'full'}: {docs} documents (docx+pdf, {text_mb:.0f} MB of files)"

    def row(name: str, value: float, unit: str, target: str = "", ok: bool | None = None,
            notes: str = "") -> dict[str, Any]:
        return {"issue": ISSUE, "name": name, "value": round(value, 3), "unit": unit,
                "target": target, "ok": ok, "notes": notes}

    whoosh_index_s = rebuild["seconds"]
    return [
        row("Extraction alone", ext_rate, "docs/s", notes=(
            f"{mode}; extract_pending(index=False): worker processes, database writes, "
            f"proposals; {extract['seconds']:.1f} s; statuses {extract['statuses']}; filing "
            f"{filed['seconds']:.0f} s, corpus generation {corpus_seconds:.0f} s")),
        row("Extraction + indexing (Whoosh)", full_rate, "docs/s",
            notes=f"extract_pending() as the application runs it; {full['seconds']:.1f} s"),
        row("Extraction + indexing vs extraction alone", ratio * 100, "%", "≥ 50 %", ratio >= 0.5,
            "throughput with indexing / throughput of extraction alone, median of "
            f"{len(ratios)} rounds ({each_round} %), each an extraction alone and then one with "
            "indexing"),
        row("Index rebuild from the database (Whoosh alone)", rebuild_rate, "docs/s",
            notes=f"index --rebuild, {whoosh_index_s:.1f} s"),
        row("Search latency, median", p50, "ms", notes=(
            f"search() end to end (index, database, snippets), {len(queries)} queries: place "
            "names, topics, 文号, random 2–4 character substrings, AND/OR/NOT, a type filter; "
            f"median {statistics.median(searched['hits']):.0f} hits")),
        row("Search latency, p95", p95, "ms", "≤ 50 ms", p95 <= 50,
            "the index's part (first batch of candidates): median "
            f"{statistics.median(searched['engine_ms']):.1f} ms, "
            f"p95 {engine_p95:.1f} ms"),
        row("Index size", index_mb, "MB", notes=(
            f"{index_mb / max(docs, 1) * 1000:.1f} MB per 1,000 documents; "
            f"{index_mb / tan['text_mb']:.2f}× the extracted text ({tan['text_mb']:.0f} MB "
            f"UTF-8), {index_mb / text_mb:.2f}× the docx/pdf files")),
        row("Peak memory (extraction + indexing)", full["rss_mb"], "MB", notes=(
            f"peak RSS of the indexing process; rebuild {rebuild['rss_mb']:.0f} MB, search "
            f"{searched['rss_mb']:.0f} MB, largest worker or other child {workers_mb:.0f} MB")),
        row("Baseline: tantivy indexing (character bigrams)", tantivy_rate, "docs/s",
            notes=f"{tan['docs']} documents from the same database, 1 thread, "
                  f"{tan['seconds']:.1f} s"),
        row("Baseline: tantivy search latency, p95", t_p95, "ms",
            notes=f"index only, same queries; median {t_p50:.2f} ms"),
        row("Baseline: tantivy index size", tantivy_mb, "MB"),
        row("Whoosh vs tantivy: indexing time", whoosh_index_s / tan["seconds"], "×",
            notes="index rebuild time / tantivy indexing time"),
        row("Whoosh vs tantivy: query p95", engine_p95 / max(t_p95, 1e-6), "×",
            notes="index-only query latency p95"),
        row("Whoosh vs tantivy: index size", index_mb / max(tantivy_mb, 1e-6), "×"),
        row("Extraction + tantivy vs extraction alone (estimate)", est_ratio * 100, "%",
            "(context)", None, "extraction time / (extraction + tantivy indexing time)"),
    ]

if __name__ == "__main__":
    import argparse

    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--workdir", default=str(ROOT / "bench" / "work" / "search"))
    parser.add_argument("--documents", type=int, help="corpus size (smoke runs)")
    args = parser.parse_args()
    for r in run(not args.full, Path(args.workdir), args.documents):
        print(json.dumps(r, ensure_ascii=False))
