"""A Whoosh segment writer for bulk indexing: postings grouped by term in memory, written a term at
a time in the W3 codec's own format.

Why. Whoosh's ``SegmentWriter`` sends every posting — one per distinct term per document, about
2,600 for a 4,000-character Chinese document (bigrams and words) — through a generic pipeline: a
tuple into an external sorting pool that pickles it into a run file, a heap merge of the runs,
then several calls per posting in the codec. Profiled on the benchmark corpus that was about
15 µs a posting, 40 ms a document: indexing ten times slower than extracting the text.

Here a document's term counts go straight into per-term arrays (documents arrive in increasing
order, so every posting list is already sorted), the terms are sorted once when the segment is
written, and each term's blocks are built from those arrays and written with one call. The bytes
are those ``W3PostingsWriter`` writes for the two posting formats the schema uses (``Existence``
and ``Frequency``): readers, searchers, deletions and merges stay Whoosh's own. The module is
therefore tied to the W3 codec of whoosh3 3.54 (pinned in pyproject.toml); a test writes the same
documents with this writer and with Whoosh's and compares every posting, weight and statistic.
"""

from __future__ import annotations

import sys
import zlib
from array import array
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from itertools import repeat
from operator import itemgetter, sub
from pickle import dumps
from typing import Any

from whoosh import formats
from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE, WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

# Postings per block. Whoosh writes 128; each block costs a pickle, a zlib call (~20 µs here,
# most of it setting up the compressor) and its header, and a common bigram has a posting in
# most documents: 512 a block wrote a segment ~20 % faster and ~25 % smaller on the benchmark
# corpus. Readers take any block size (each block records its own count).
BLOCK_LIMIT = 512
_SWAP = sys.byteorder == "little"  # the Frequency format stores counts big-endian ("!I")
_SUPPORTED = (formats.Existence, formats.Frequency)
_LOW = 0xFFFFFFFF
_DOCNUM = (32).__rrshift__  # packed posting → document number (``p >> 32``)
_ZERO = array("I", (0,))
_append = array.append


@dataclass
class Presence:
    """The terms a document has in a field that records presence only (``Existence``):
    ``terms`` are distinct, ``more`` may repeat some of them (the few terms of the metadata
    added to the many of a text, without building a set of the many)."""

    terms: list[str]
    more: Iterable[str] = ()


class TermPool:
    """Postings of the segment being written: field → term → postings. A posting of a field
    that counts is one 64-bit number ``docnum << 32 | count``, of a field that records presence
    the document number alone, so that adding one is one append, done in C (``add_counts`` maps
    over a document's terms without a Python loop)."""

    def __init__(self, schema: Any) -> None:
        self.schema = schema
        self.fields: dict[str, defaultdict[str, array[int]]] = {}
        self.presence = {name for name in schema.names()
                         if type(schema[name].format) is formats.Existence}

    def _terms(self, fieldname: str) -> defaultdict[str, array[int]]:
        terms = self.fields.get(fieldname)
        if terms is None:
            code = "I" if fieldname in self.presence else "Q"
            terms = self.fields[fieldname] = defaultdict(partial(array, code))
        return terms

    def add_counts(self, fieldname: str, docnum: int, counts: Mapping[str, int]) -> None:
        """One document's terms of one field, with how often each occurs."""
        postings = map(self._terms(fieldname).__getitem__, counts.keys())
        if fieldname in self.presence:
            deque(map(_append, postings, repeat(docnum)), maxlen=0)
        else:
            deque(map(_append, postings, map((docnum << 32).__or__, counts.values())),
                  maxlen=0)

    def add_presence(self, fieldname: str, docnum: int, present: Presence) -> int:
        """One document's terms of a field that records presence only; returns how many
        distinct terms that was."""
        terms = self._terms(fieldname)
        deque(map(_append, map(terms.__getitem__, present.terms), repeat(docnum)), maxlen=0)
        added = len(present.terms)
        for term in present.more:
            postings = terms[term]
            if not postings or postings[-1] != docnum:
                postings.append(docnum)
                added += 1
        return added

    def add(self, item: tuple[str, bytes, int, float, bytes]) -> None:
        """One posting from a segment being merged in (``SegmentWriter.add_reader``)."""
        fieldname, tbytes, docnum, _weight, vbytes = item
        postings = self._terms(fieldname)[tbytes.decode("utf-8")]
        presence = fieldname in self.presence
        if postings and (postings[-1] if presence else postings[-1] >> 32) >= docnum:
            raise ValueError(f"merged postings out of order: {fieldname}:{tbytes!r} {docnum}")
        if presence:
            postings.append(docnum)
        else:
            n = self.schema[fieldname].format.decode_frequency(vbytes)
            postings.append(docnum << 32 | n)

    def iter_postings(self) -> Iterable[tuple[str, bytes, int, float, bytes]]:
        """All postings in Whoosh's order, as its generic pool yields them (for Whoosh code that
        asks for them; this writer's own flush does not)."""
        for fieldname in sorted(self.fields):
            fmt = self.schema[fieldname].format
            frequency = isinstance(fmt, formats.Frequency)
            terms = self.fields[fieldname]
            for term in sorted(terms):
                tbytes = term.encode("utf-8")
                for packed in terms[term]:
                    if frequency:
                        docnum, n = packed >> 32, packed & _LOW
                        yield fieldname, tbytes, docnum, n * fmt.field_boost, fmt.encode(n)
                    else:
                        yield fieldname, tbytes, packed, fmt.field_boost, b""

    def cleanup(self) -> None:
        self.fields.clear()


class _TermWriter:
    """Writes one field's terms into the segment's postings file and terms table."""

    def __init__(self, fieldwriter: Any, fieldobj: Any, lengths: list[int] | None,
                 blocklimit: int, compression: int) -> None:
        self.postfile = fieldwriter._postfile
        self.tindex = fieldwriter._tindex
        self.prefix = pack_ushort(fieldwriter._fieldid)
        fmt = fieldobj.format
        self.frequency = isinstance(fmt, formats.Frequency)
        self.boost = float(fmt.field_boost)
        self.lengths = lengths
        self.blocklimit = blocklimit
        self.compression = compression

    def write(self, tbytes: bytes, postings: array[int]) -> None:
        """One term: its blocks into the postings file, its statistics into the terms table."""
        info = W3TermInfo()
        postfile = self.postfile
        start = postfile.tell()
        chunks = [WHOOSH3_HEADER_MAGIC]
        total = len(postings)
        limit = self.blocklimit
        boost = self.boost
        lengths = self.lengths
        weight_sum = 0.0
        minlength: int | None = None
        maxlength = 0
        maxweight = 0.0
        for begin in range(0, total, limit):
            block = postings[begin : begin + limit]
            ids = array("I", map(_DOCNUM, block)) if self.frequency else block
            count = len(ids)
            if self.frequency:
                freqs = array("I", map(_LOW.__and__, block))
                low, high = min(freqs), max(freqs)
                block_max = high * boost
                weight_sum += sum(freqs) * boost
                if low != high:
                    weights: Any = tuple(map(boost.__mul__, freqs))
                else:
                    weights = None if block_max == 1.0 else block_max
                if _SWAP:
                    freqs.byteswap()
                values: bytes | None = freqs.tobytes()
            else:
                block_max = boost
                weight_sum += boost * count
                weights = None if boost == 1.0 else boost
                values = None
            if lengths is not None:
                # itemgetter(*ids) looks them all up in C (a third faster than map here)
                block_lengths = (itemgetter(*ids)(lengths) if count > 1
                                 else (lengths[ids[0]],))
                block_min: int | None = min(block_lengths)
                if not block_min:
                    block_min = min(filter(None, block_lengths), default=None)
                block_maxlen = max(block_lengths)
            else:
                block_min, block_maxlen = None, 0
            if block_min is not None:
                minlength = block_min if minlength is None else min(minlength, block_min)
            maxlength = max(maxlength, block_maxlen)
            maxweight = max(maxweight, block_max)
            deltas = tuple(map(sub, ids, _ZERO + ids[:-1]))
            data = dumps((deltas, weights, values), 2)
            comp = self.compression if len(data) >= COMPRESSION_MIN_SIZE else 0
            if comp:
                data = zlib.compress(data, comp)
            head = dumps((count, ids[-1], block_max, comp, length_to_byte(block_min),
                          length_to_byte(block_maxlen)), 2)
            size = len(head) + len(data)
            chunks += (pack_int(-size if begin + limit >= total else size), head, data)
        postfile.write(b"".join(chunks))
        info._weight = weight_sum
        info._df = total
        info._minlength = minlength
        info._maxlength = maxlength
        info._maxweight = maxweight
        info._minid = postings[0] >> 32 if self.frequency else postings[0]
        info._maxid = postings[-1] >> 32 if self.frequency else postings[-1]
        info.set_extent(start, postfile.tell() - start)
        self.tindex.add(self.prefix + tbytes, info.to_bytes())


class FastSegmentWriter(SegmentWriter):
    """``SegmentWriter`` with the term pool above. Documents are added with ``add_document``
    like Whoosh's (no document or field boosts, which the application does not use); fields
    whose type has ``term_counts(value)`` give their counts directly, others through
    ``field.index``."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        kwargs.setdefault("codec", W3Codec(blocklimit=BLOCK_LIMIT))
        super().__init__(ix, **kwargs)
        for name in self.schema.names():
            field = self.schema[name]
            if field.indexed and (type(field.format) not in _SUPPORTED or field.vector
                                  or field.separate_spelling()):
                self.cancel()
                raise TypeError(f"field {name!r} ({type(field.format).__name__}, vectors or "
                                "spelling) is not supported by FastSegmentWriter")
        self.pool = TermPool(self.schema)

    def add_document(self, **fields: Any) -> None:
        """As Whoosh's, and ``_terms={field: {term: count} or Presence}`` gives a field's terms
        counted already (``indexing.analysis.text_terms``); the field's value is then not
        analysed."""
        self._check_state()
        given: dict[str, Mapping[str, int] | Presence] = fields.pop("_terms", None) or {}
        if any(name.startswith("_") for name in fields):
            raise ValueError("FastSegmentWriter does not support boosts or custom stored values")
        schema = self.schema
        pdw = self.perdocwriter
        docnum = self.docnum
        names = sorted(fields.keys() | given.keys())
        self._check_fields(schema, names)
        pdw.start_doc(docnum)
        try:
            for name in names:
                value = fields.get(name)
                counts = given.get(name)
                if value is None and counts is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    if counts is None:
                        counts = _counts(field, value)
                    if isinstance(counts, Presence):
                        if type(field.format) is not formats.Existence:
                            raise ValueError(f"{name}: terms without counts for a field that "
                                             "counts them")
                        distinct = self.pool.add_presence(name, docnum, counts)
                    else:
                        self.pool.add_counts(name, docnum, counts)
                        distinct = len(counts)
                    if field.scorable:  # as Whoosh counts it: Existence counts each term once
                        length = (distinct if type(field.format) is formats.Existence
                                  else sum(counts.values()))
                pdw.add_field(name, field, value if field.stored else None, length)
                if field.column_type is not None and value is not None:
                    pdw.add_column_value(name, field.column_type, field.to_column_value(value))
        except ValueError:
            pdw.cancel_doc()
            raise
        pdw.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        try:
            self._write_terms(pdr)
        finally:
            if pdr is not None:
                pdr.close()
        self.fieldwriter.close()

    def _write_terms(self, pdr: Any) -> None:
        fw = self.fieldwriter
        codec = self.codec
        doccount = self.docnum
        for name in sorted(self.pool.fields):
            terms = self.pool.fields[name]
            if not terms:
                continue
            fieldobj = self.schema[name]
            lengths = None
            if pdr is not None and fieldobj.scorable:
                get = pdr.doc_field_length_reader(name)
                lengths = [get(d) for d in range(doccount)]
            fw.start_field(name, fieldobj)
            writer = _TermWriter(fw, fieldobj, lengths, codec._blocklimit, codec._compression)
            for term in sorted(terms):
                writer.write(term.encode("utf-8"), terms[term])
            fw.finish_field()


def _counts(field: Any, value: Any) -> Mapping[str, int]:
    counter = getattr(field, "term_counts", None)
    if counter is not None:
        return counter(value)  # type: ignore[no-any-return]
    return {tbytes.decode("utf-8"): freq for tbytes, freq, _weight, _value in field.index(value)}
