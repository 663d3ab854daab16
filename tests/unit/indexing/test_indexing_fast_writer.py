"""The bulk segment writer writes what Whoosh's own writer writes, posting for posting."""

from __future__ import annotations

import pickle
import random
from array import array
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser
from whoosh.util.numlists import delta_decode

from archive.importer import import_paths
from archive.library import Library
from archive.models import Document
from indexing import index as search_index
from indexing.analysis import (
    combine_terms,
    content_terms,
    index_terms,
    term_counts,
    term_set,
    text_terms,
    words,
)
from indexing.fast_writer import FastSegmentWriter, _ByteDeltas, _deltas, _packed
from indexing.index import make_schema, merge_small_segments
from indexing.pipeline import extract_pending
from indexing.term_codes import term_of
from tests.factories import make_docx, make_pdf

SYLLABLES = ("创建", "文明", "城市", "志愿", "服务", "垃圾", "分类", "社区", "东城", "街道",
             "宣传", "教育", "会议", "记录", "整治", "环境", "群众", "满意", "测评", "台账")


def _doc(rng: random.Random, n: int) -> dict[str, Any]:
    """A document as ``indexing.index._fields`` makes one: Chinese text with numbers, 文号,
    repeated words (frequencies above 1) and a long enough body for several blocks."""
    body = "".join(rng.choice(SYLLABLES) + rng.choice(("", "，", "。", "\n", "2023年", "12号", "ABc"))
                   for _ in range(rng.randint(1, 120)))
    title = f"关于{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}的通知 〔2023〕{n}号"
    return {"doc_id": str(n), "content": title + "\n" + body, "meta": title,
            "words": title + "\n" + body, "period": str(1 + n % 3), "unit": str(n % 5),
            "standards": " ".join(str(s) for s in range(n % 4)), "ext": ("docx", "pdf")[n % 2],
            "stamp": f"ok|{n}"}


def _postings(ix: Any) -> dict[tuple[str, bytes], list[tuple[int, float, bytes]]]:
    """Every posting of every term, with the term's statistics, segment by segment."""
    out: dict[tuple[str, bytes], list[Any]] = {}
    with ix.reader() as reader:
        for fieldname, tbytes in reader.all_terms():
            info = reader.term_info(fieldname, tbytes)
            m = reader.postings(fieldname, tbytes)
            rows = []
            while m.is_active():
                rows.append((m.id(), m.weight(), m.value()))
                m.next()
            out[fieldname, tbytes] = [rows, info.weight(), info.doc_frequency(),
                                      info.min_length(), info.max_length(), info.max_weight(),
                                      info.min_id(), info.max_id()]
    return out


def _lengths(ix: Any) -> list[tuple[int, ...]]:
    with ix.reader() as reader:
        return [tuple(reader.doc_field_length(d, f) for f in ("content", "meta", "words"))
                for d in range(reader.doc_count_all())]


def _index(path: Path, docs: list[dict[str, Any]], fast: bool, per_segment: int,
           block_limit: int | None = None, length_blind: tuple[str, ...] = ()) -> Any:
    path.mkdir()
    ix = whoosh_index.create_in(str(path), make_schema())
    codec = {"codec": W3Codec(blocklimit=block_limit)} if block_limit else {}
    for start in range(0, len(docs), per_segment):
        writer = FastSegmentWriter(ix, length_blind, **codec) if fast else ix.writer()
        for fields in docs[start : start + per_segment]:
            writer.add_document(**fields)
        writer.commit(merge=False)
    return ix


@pytest.fixture(scope="module")
def docs() -> list[dict[str, Any]]:
    rng = random.Random(4)
    return [_doc(rng, n) for n in range(300)]


# Our writer's blocks (``BLOCK_LIMIT``, and 50 so that many terms span several) against
# Whoosh's 128: the postings read back must not depend on how they were cut into blocks.
# With ``content`` length-blind (as the application writes it), its terms' length statistics
# are bounds of Whoosh's; everything else stays the same.
@pytest.mark.parametrize(("per_segment", "block_limit", "length_blind"),
                         [(300, None, ()), (70, None, ()), (300, 50, ()),
                          (70, None, search_index.LENGTH_BLIND)])
def test_same_postings_statistics_and_lengths_as_whoosh(tmp_path: Path, docs: list[dict[str, Any]],
                                                        per_segment: int,
                                                        block_limit: int | None,
                                                        length_blind: tuple[str, ...]) -> None:
    ours = _index(tmp_path / "ours", docs, fast=True, per_segment=per_segment,
                  block_limit=block_limit, length_blind=length_blind)
    theirs = _index(tmp_path / "whoosh", docs, fast=False, per_segment=per_segment)
    got, want = _postings(ours), _postings(theirs)
    assert len(want) > 2000
    assert any(len(rows) > 128 for rows, *_stats in want.values())  # terms of several blocks
    assert any(w != 1.0 for rows, *_ in want.values() for _d, w, _v in rows)  # counts > 1
    loose = 0
    for (fieldname, tbytes), stats in want.items():
        if fieldname in length_blind:
            minlength, maxlength = got[fieldname, tbytes][3:5]
            assert minlength <= stats[3] and maxlength >= stats[4], tbytes
            loose += (minlength, maxlength) != tuple(stats[3:5])
            got[fieldname, tbytes][3:5] = stats[3:5]
    assert loose > 100 if length_blind else not loose
    assert got == want
    assert _lengths(ours) == _lengths(theirs)
    with ours.searcher() as a, theirs.searcher() as b:
        assert list(a.all_stored_fields()) == list(b.all_stored_fields())
        for text in ("垃圾分类", "东城街道 会议", "12号", "2023年 NOT 台账"):
            q = QueryParser("content", ours.schema).parse(text)
            hits_a = [(h["doc_id"], round(h.score, 5)) for h in a.search(q, limit=None)]
            hits_b = [(h["doc_id"], round(h.score, 5)) for h in b.search(q, limit=None)]
            assert hits_a == hits_b and hits_a


def test_merges_deletions_and_the_small_segment_policy(tmp_path: Path,
                                                       docs: list[dict[str, Any]]) -> None:
    """Segments written by this writer merge (through Whoosh's reader) into the same postings
    as one segment written at once; deleted documents leave."""
    ix = _index(tmp_path / "parts", docs[:240], fast=True, per_segment=40)  # 6 small segments
    writer = FastSegmentWriter(ix)
    writer.delete_by_term("doc_id", "7")
    for fields in docs[240:]:
        writer.add_document(**fields)
    writer.commit(mergetype=merge_small_segments)
    assert len(ix._segments()) == 1
    whole = _index(tmp_path / "whole", [d for d in docs if d["doc_id"] != "7"], fast=False,
                   per_segment=len(docs))
    with ix.searcher() as a, whole.searcher() as b:
        assert sorted(f["doc_id"] for f in a.all_stored_fields()) == sorted(
            f["doc_id"] for f in b.all_stored_fields())
        ids_a = {int(f["doc_id"]): n for n, f in enumerate(a.all_stored_fields())}
        ids_b = {int(f["doc_id"]): n for n, f in enumerate(b.all_stored_fields())}
    # Same terms; same documents (by doc_id) and counts for each.
    got, want = _postings(ix), _postings(whole)
    assert got.keys() == want.keys()
    inv_a = {n: d for d, n in ids_a.items()}
    inv_b = {n: d for d, n in ids_b.items()}
    for key in want:
        assert sorted((inv_a[d], w, v) for d, w, v in got[key][0]) == sorted(
            (inv_b[d], w, v) for d, w, v in want[key][0])


def test_terms_counted_elsewhere_are_used_as_given(tmp_path: Path,
                                                   docs: list[dict[str, Any]]) -> None:
    ours_dir, theirs_dir = tmp_path / "given", tmp_path / "analysed"
    ours_dir.mkdir()
    theirs_dir.mkdir()
    ours = whoosh_index.create_in(str(ours_dir), make_schema())
    theirs = whoosh_index.create_in(str(theirs_dir), make_schema())
    a, b = FastSegmentWriter(ours), FastSegmentWriter(theirs)
    for fields in docs[:50]:
        meta, body = fields["content"].split("\n", 1)
        given = dict(fields)
        del given["content"], given["words"]
        a.add_document(**given, _terms=combine_terms(meta, text_terms(body)))
        b.add_document(**fields)
    a.commit()
    b.commit()
    assert _postings(ours) == _postings(theirs)


def test_unsupported_fields_and_boosts_are_refused(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), Schema(id=ID(stored=True), body=TEXT(phrase=True)))
    with pytest.raises(TypeError, match="body"):
        FastSegmentWriter(ix)
    ix2_dir = tmp_path / "b"
    ix2_dir.mkdir()
    ix2 = whoosh_index.create_in(str(ix2_dir), make_schema())
    writer = FastSegmentWriter(ix2)
    with pytest.raises(ValueError, match="boost"):
        writer.add_document(doc_id="1", content="文明", _boost=2.0)
    writer.cancel()
    FastSegmentWriter(ix2).cancel()  # the lock was released


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=600, unique=True)
       | st.lists(st.integers(0, 70_000), min_size=1, max_size=600, unique=True))
def test_deltas_are_the_differences_whoosh_decodes(numbers: list[int]) -> None:
    """Block deltas made from the ids' bytes at once are Whoosh's delta encoding, in 16-bit
    items when every id fits in them, and survive pickling as the block does."""
    ids = array("I", sorted(numbers))
    deltas = _deltas(ids)
    assert list(deltas) == [b - a for a, b in zip([0, *ids], ids, strict=False)]
    assert list(delta_decode(pickle.loads(pickle.dumps(deltas, 3)))) == list(ids)
    assert deltas.typecode == ("H" if ids[-1] < 0x10000 else "I")


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 65_000), st.lists(st.integers(1, 300), min_size=31, max_size=511))
def test_presence_blocks_of_small_gaps_pickle_a_byte_a_delta(first: int, gaps: list[int]) -> None:
    """A block whose gaps fit in a byte pickles as ``chain((first,), bytes)``, which Whoosh's
    reader delta-decodes to the same ids; a gap of 256 or more keeps the array."""
    ids = array("I", [first])
    for gap in gaps:
        ids.append(ids[-1] + gap)
    deltas = _deltas(ids)
    packed = _ByteDeltas.of(deltas) if ids[-1] < 0x10000 else None
    if ids[-1] >= 0x10000 or max(gaps) >= 256:
        assert packed is None
        return
    assert packed is not None
    data = pickle.dumps((packed, None, None), 3)
    assert len(data) < len(gaps) + 60  # a byte a delta, and the pickle's few names
    assert list(delta_decode(pickle.loads(data)[0])) == list(ids)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 2**32 - 1), max_size=300), st.integers(0, 2**32 - 1))
def test_counts_pack_with_their_document_number(counts: list[int], docnum: int) -> None:
    want = [docnum << 32 | n for n in counts]
    assert list(_packed(array("I", counts), docnum)) == want == list(_packed(counts, docnum))


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E30)
MIXED = st.lists(st.one_of(st.text(CJK, min_size=1, max_size=8),
                           st.sampled_from(["，", "\n", " ", "2023", "ＡＢ", "12号", "x", "İ",
                                            "\U00020000", "〇", "\x00", "𪚥𪚥"])),
                 min_size=0, max_size=25).map("".join)


@settings(max_examples=200, deadline=None)
@given(MIXED)
def test_term_counts_are_index_terms_counted(text: str) -> None:
    assert dict(term_counts(text)) == {t: len(p) for t, p in index_terms(text).items()}


@settings(max_examples=100, deadline=None)
@given(MIXED, MIXED)
def test_metadata_and_text_terms_add_up(meta: str, text: str) -> None:
    whole = meta + "\n" + text
    combined = combine_terms(meta, text_terms(text))
    content = combined["content"]
    keys = [*content.codes, *content.terms]
    assert len(set(keys)) == len(keys)
    assert {term_of(k) for k in [*keys, *content.more]} == set(term_counts(whole)) \
        == term_set(whole)
    counted = combined["words"]
    got = Counter(dict(zip(counted.terms, counted.counts, strict=True)))
    got.update(counted.more)
    assert got == Counter(words(whole))


@settings(max_examples=300, deadline=None)
@given(MIXED)
def test_chinese_terms_by_code_are_the_term_set(text: str) -> None:
    """Codes read from the text's UTF-32 bytes name exactly the Chinese terms of ``term_set``,
    once each (a character that starts and ends runs is one unigram), and every term's key
    is what a merged-in posting of that term is filed under."""
    codes, others = content_terms(text)
    decoded = [term_of(code) for code in codes]
    assert len(set(decoded)) == len(decoded)
    assert set(decoded) | others == term_set(text)
    assert not set(decoded) & others
    field = make_schema()["content"]
    assert all(field.key_of(term_of(code)) == code for code in codes)
    assert all(field.key_of(term) == term for term in others)


def test_extraction_run_indexes_what_a_rebuild_indexes(ledger: Library, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The terms counted in the extraction workers and added to the metadata's give the index a
    rebuild from the database gives."""
    combined: list[str] = []
    real_combine = search_index.combine_terms
    monkeypatch.setattr(search_index, "combine_terms", lambda meta, terms: (
        combined.append(meta), real_combine(meta, terms))[1])
    src = tmp_path / "src"
    make_docx(src / "方案.docx", title="东城街道垃圾分类工作方案", doc_number="区城管局〔2023〕8号",
              author="东城区城管局", date_text="2023年4月1日",
              paragraphs=["开展垃圾分类志愿服务活动，参与群众300人次。"] * 3)
    make_pdf(src / "总结.pdf", ["2023年文明城市创建工作总结", "背街小巷改造提升12条，整治环境"])
    make_docx(src / "空.docx", title="")
    # longer than the words' span: the clause at its end is in content, not in words
    make_docx(src / "长文.docx", title="创建工作年度报告",
              paragraphs=["创建文明城市工作扎实推进，" * 40] * 5 + ["东风社区楼道整治"])
    import_paths(ledger, [src], "2023", standard="1.1.5.1")
    assert extract_pending(ledger)["indexed"] == 4
    assert len(combined) == 4  # every file came with the terms of its text counted
    after_run = _by_document(search_index.open_index(ledger))
    search_index.rebuild(ledger)
    rebuilt = _by_document(search_index.open_index(ledger))
    assert {key[0] for key in after_run if key != "lengths"} >= {"content", "meta", "words"}
    assert ("content", "楼道".encode()) in after_run
    assert ("words", "楼道".encode()) not in after_run
    assert ("words", "扎实".encode()) in after_run
    assert after_run == rebuilt


def _by_document(ix: Any) -> dict[Any, Any]:
    """Postings of live documents by their doc_id, and every document's field lengths (document
    numbers differ between an index that had entries replaced and a rebuilt one)."""
    out: dict[Any, Any] = {}
    with ix.reader() as reader:
        doc_ids = {n: f["doc_id"] for n, f in reader.iter_docs()}
        for fieldname, tbytes in reader.all_terms():
            m = reader.postings(fieldname, tbytes)
            rows = []
            while m.is_active():
                if not reader.is_deleted(m.id()):
                    rows.append((doc_ids[m.id()], m.weight(), m.value()))
                m.next()
            if rows:
                out[fieldname, tbytes] = sorted(rows)
        out["lengths"] = {doc_ids[n]: [reader.doc_field_length(n, f) for f in
                                       ("content", "meta", "words")] for n in doc_ids}
    return out


def _five_indexed_documents(ledger: Library, tmp_path: Path) -> dict[Any, Any]:
    """Files five documents, extracts and indexes them; returns their index entries."""
    src = tmp_path / "src"
    for n in range(5):
        make_docx(src / f"{n}.docx", title=f"第{n}次志愿服务活动记录",
                  paragraphs=[f"东城街道第{n}网格开展垃圾分类宣传"])
    import_paths(ledger, [src], "2023", standard="1.1.5.1")
    extract_pending(ledger)
    return _by_document(search_index.open_index(ledger))


def test_rebuild_writes_segments_of_bounded_size(ledger: Library, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    before = _five_indexed_documents(ledger, tmp_path)
    monkeypatch.setattr(search_index, "CHUNK", 2)
    monkeypatch.setattr(search_index, "REBUILD_SEGMENT", 2)
    assert search_index.rebuild(ledger)["indexed"] == 5
    ix = search_index.open_index(ledger)
    assert [seg.doc_count() for seg in ix._segments()] == [2, 2, 1]
    assert _by_document(ix) == before


def test_replaced_entries_do_not_stay_in_old_segments(tmp_path: Path,
                                                       docs: list[dict[str, Any]]) -> None:
    """After an import (metadata-only entries) extraction replaces every entry: a segment
    mostly replaced is rewritten with its live documents, one wholly replaced is dropped."""
    ix = _index(tmp_path / "ix", docs[:10], fast=True, per_segment=10)
    writer = FastSegmentWriter(ix)
    for n in range(6):
        writer.delete_by_term("doc_id", str(n))
    writer.add_document(**docs[10])
    writer.commit(mergetype=merge_small_segments)
    assert [(seg.doc_count_all(), seg.deleted_count()) for seg in ix._segments()] == [(5, 0)]
    with ix.searcher() as s:
        assert sorted(int(f["doc_id"]) for f in s.all_stored_fields()) == [6, 7, 8, 9, 10]
    writer = FastSegmentWriter(ix)
    for n in range(6, 11):
        writer.delete_by_term("doc_id", str(n))
    writer.commit(mergetype=merge_small_segments)
    assert ix._segments() == [] and ix.doc_count() == 0


def test_a_run_writes_smaller_segments_towards_its_end(ledger: Library, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The last segment is written after the workers are done: a run writes a segment as soon
    as it holds as many documents as are still to come, so that last one stays small."""
    from indexing import pipeline

    src = tmp_path / "src"
    for n in range(7):
        make_docx(src / f"{n}.docx", title=f"第{n}次文明实践活动", paragraphs=[f"西城社区第{n}次议事会"])
    import_paths(ledger, [src], "2023", standard="1.1.5.1")
    monkeypatch.setattr(pipeline, "BATCH_FILES", 1)
    monkeypatch.setattr(search_index, "TAIL_SEGMENT", 2)
    assert extract_pending(ledger, workers=1)["indexed"] == 7
    ix = search_index.open_index(ledger)
    # 4 when 3 were to come, 2 when 1 was, then the last one; the import's entries are gone
    assert [seg.doc_count_all() for seg in ix._segments()] == [4, 2, 1]
    assert ix.doc_count() == 7
    got = _by_document(ix)
    search_index.rebuild(ledger)
    assert got == _by_document(search_index.open_index(ledger))


# 60: the run replaces enough entries to read the doc_id column; 0: it searches for each.
@pytest.mark.parametrize("ratio", [60, 0])
def test_a_long_run_replaces_every_existing_entry_once(ledger: Library, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       ratio: int) -> None:
    """The bulk updater finds the entries it replaces (by one read of the doc_id column, or
    a search each): entries spread over several segments, and entries it replaced itself
    before committing, leave."""
    before = _five_indexed_documents(ledger, tmp_path)
    monkeypatch.setattr(search_index, "COLUMN_READ_RATIO", ratio)
    monkeypatch.setattr(search_index, "REBUILD_SEGMENT", 2)
    search_index.rebuild(ledger)  # segments of 2, 2 and 1 entries
    with ledger.read_session() as s:
        ids = sorted(s.scalars(select(Document.id)))
    updater = search_index.BulkUpdater(ledger)
    updater.update(ids[:3])
    updater.update(ids[1:4])  # two of them again: committed first, then found and replaced
    updater.update(ids[4:])
    updater.commit()
    ix = search_index.open_index(ledger)
    with ix.searcher() as searcher:
        live = sorted(int(f["doc_id"]) for f in searcher.all_stored_fields())
    assert live == ids
    assert _by_document(ix) == before
