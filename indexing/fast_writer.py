"""A Whoosh segment writer for bulk indexing: postings grouped by term in memory, written a term at
a time in the W3 codec's own format.

Why. Whoosh's ``SegmentWriter`` sends every posting — one per distinct term per document, about
2,600 for a 4,000-character Chinese document (bigrams and words) — through a generic pipeline: a
tuple into an external sorting pool that pickles it into a run file, a heap merge of the runs,
then several calls per posting in the codec. Profiled on the benchmark corpus that was about
15 µs a posting, 40 ms a document: indexing ten times slower than extracting the text.

Here a document's term counts go straight into per-term arrays (documents arrive in increasing
order, so every posting list is already sorted), the terms are sorted once when the segment is
written, and each term's blocks are built from those arrays and written with one call. The
blocks have the layout ``W3PostingsWriter`` gives the two posting formats the schema uses
(``Existence`` and ``Frequency``), cheaper to make in ways Whoosh's reader does not see:
weights and the deltas of longer blocks as arrays pickled with protocol 3, a presence block's
small deltas as a byte each and uncompressed (``_ByteDeltas``), zlib streams set up for the
block's size, 512 postings a block. Readers, searchers, deletions and merges stay
Whoosh's own. The module is therefore tied to the W3 codec of whoosh3 3.54 (pinned in
pyproject.toml); a test writes the same documents with this writer and with Whoosh's and
compares every posting, weight and statistic (for a ``length_blind`` field, the length
statistics are bounds of Whoosh's).
"""

from __future__ import annotations

import sys
import zlib
from array import array
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, repeat
from operator import itemgetter, sub
from pickle import dumps
from typing import Any

from whoosh import formats
from whoosh.analysis import IDTokenizer, RegexTokenizer
from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE, WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.filedb.filetables import _lengths as _ENTRY_LENGTHS
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from indexing.term_codes import term_of

# Postings per block. Whoosh writes 128; each block costs a pickle, a zlib call (``_compress``)
# and its header, and a common bigram has a posting in most documents: 512 a block wrote a
# segment ~20 % faster and ~25 % smaller on the benchmark corpus (1,024 and 2,048: no better).
# Readers take any block size (each block records its own count).
BLOCK_LIMIT = 512
# zlib level: 1 wrote segments ~8 % faster than Whoosh's 3, for an index ~5 % larger.
COMPRESSION = 1
_BIG_ENDIAN = sys.byteorder == "big"
_SWAP = not _BIG_ENDIAN  # the Frequency format stores counts big-endian ("!I")
_MEM_LEVEL = 4  # zlib's hash table: 2 KB (8, the default, is 128 KB)
_FLOAT32_EXACT = 1 << 24  # integers below this are exact as 32-bit floats
_SUPPORTED = (formats.Existence, formats.Frequency)
_TERM_INFO = W3TermInfo._struct  # flags, weight, df, min/max length, max weight, min/max id
_LOW = 0xFFFFFFFF
# Blocks of at least this many postings store their deltas as an array (``_deltas``); an array
# pickles with some 60 bytes of header, a tuple of small ints with two bytes an item.
_ARRAY_DELTAS = 32
# Which 32-bit half of a packed posting ``docnum << 32 | count`` comes first in memory.
_COUNT_HALF, _ID_HALF = (1, 0) if _BIG_ENDIAN else (0, 1)
_LOW_BYTE = 3 if _BIG_ENDIAN else 0  # of a 32-bit number in memory
_LOW_BYTE_16 = 1 if _BIG_ENDIAN else 0  # of a 16-bit number in memory
_ZERO = array("I", (0,))
_append = array.append


@dataclass
class Presence:
    """The terms a document has in a field that records presence only (``Existence``):
    ``codes`` (for a field whose type keys Chinese terms by code, ``indexing.term_codes``) and
    ``terms`` are distinct keys, ``more`` may repeat some of them (the few terms of the
    metadata added to the many of a text, without building a set of the many)."""

    codes: Sequence[int]
    terms: Sequence[str] = ()
    more: Iterable[int | str] = ()


@dataclass
class Counted:
    """A document's terms of a field that counts them: distinct ``terms`` with their
    ``counts``; ``more`` adds counts, to those terms or others (the metadata's words)."""

    terms: Sequence[str]
    counts: Sequence[int]
    more: Mapping[str, int] = field(default_factory=dict)


class TermPool:
    """Postings of the segment being written: field → term key → postings. A posting of a field
    that counts is one 64-bit number ``docnum << 32 | count``, of a field that records presence
    the document number alone, so that adding one is one append, done in C (``add_counts`` maps
    over a document's terms without a Python loop). A term's key is the term, except in a
    field whose type has ``key_of``: there Chinese terms are keyed by their code."""

    def __init__(self, schema: Any) -> None:
        self.schema = schema
        self.fields: dict[str, defaultdict[int | str, array[int]]] = {}
        self.presence = {name for name in schema.names()
                         if type(schema[name].format) is formats.Existence}
        self.key_of: dict[str, Callable[[str], int | str]] = {
            name: schema[name].key_of for name in self.presence
            if hasattr(schema[name], "key_of")}

    def _terms(self, fieldname: str) -> defaultdict[int | str, array[int]]:
        terms = self.fields.get(fieldname)
        if terms is None:
            code = "I" if fieldname in self.presence else "Q"
            terms = self.fields[fieldname] = defaultdict(partial(array, code))
        return terms

    def add_counts(self, fieldname: str, docnum: int, counts: Mapping[str, int]) -> None:
        """One document's terms of one field, with how often each occurs."""
        keys: Iterable[int | str] = counts.keys()
        key_of = self.key_of.get(fieldname)
        if key_of is not None:
            keys = map(key_of, keys)
        postings = map(self._terms(fieldname).__getitem__, keys)
        if fieldname in self.presence:
            deque(map(_append, postings, repeat(docnum)), maxlen=0)
        else:
            deque(map(_append, postings, _packed(counts.values(), docnum)), maxlen=0)

    def add_term(self, fieldname: str, docnum: int, term: str) -> None:
        """A document's one term in a field (an ID field's value), once."""
        key_of = self.key_of.get(fieldname)
        postings = self._terms(fieldname)[key_of(term) if key_of is not None else term]
        postings.append(docnum if fieldname in self.presence else docnum << 32 | 1)

    def add_counted(self, fieldname: str, docnum: int, counted: Counted) -> int:
        """One document's terms of a field that counts them; returns the sum of the counts."""
        terms = self._terms(fieldname)
        deque(map(_append, map(terms.__getitem__, counted.terms),
                  _packed(counted.counts, docnum)), maxlen=0)
        total = sum(counted.counts)
        high = docnum << 32
        for term, n in counted.more.items():
            postings = terms[term]
            if postings and postings[-1] >> 32 == docnum:
                postings[-1] += n
            else:
                postings.append(high | n)
            total += n
        return total

    def add_presence(self, fieldname: str, docnum: int, present: Presence) -> int:
        """One document's terms of a field that records presence only; returns how many
        distinct terms that was."""
        if present.codes and fieldname not in self.key_of:
            raise ValueError(f"{fieldname}: terms by code for a field that keys them as text")
        terms = self._terms(fieldname)
        get = terms.__getitem__
        deque(map(_append, map(get, present.codes), repeat(docnum)), maxlen=0)
        deque(map(_append, map(get, present.terms), repeat(docnum)), maxlen=0)
        added = len(present.codes) + len(present.terms)
        for key in present.more:
            postings = terms[key]
            if not postings or postings[-1] != docnum:
                postings.append(docnum)
                added += 1
        return added

    def sorted_terms(self, fieldname: str) -> list[tuple[str, int | str]]:
        """A field's terms in Whoosh's order (by their UTF-8 bytes: code point order), each
        with its key."""
        keys = self.fields[fieldname]
        if fieldname in self.key_of:
            return sorted(zip(map(term_of, keys), keys, strict=True))
        return [(key, key) for key in sorted(keys)]  # type: ignore[misc]

    def add(self, item: tuple[str, bytes, int, float, bytes]) -> None:
        """One posting from a segment being merged in (``SegmentWriter.add_reader``)."""
        fieldname, tbytes, docnum, _weight, vbytes = item
        term = tbytes.decode("utf-8")
        key_of = self.key_of.get(fieldname)
        postings = self._terms(fieldname)[key_of(term) if key_of is not None else term]
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
            for term, key in self.sorted_terms(fieldname):
                tbytes = term.encode("utf-8")
                for packed in terms[key]:
                    if frequency:
                        docnum, n = packed >> 32, packed & _LOW
                        yield fieldname, tbytes, docnum, n * fmt.field_boost, fmt.encode(n)
                    else:
                        yield fieldname, tbytes, packed, fmt.field_boost, b""

    def cleanup(self) -> None:
        self.fields.clear()


def _packed(counts: Iterable[int], docnum: int) -> array[int]:
    """``docnum << 32 | count`` for each count, made from the bytes (a third faster than an
    ``or`` per count): each 64-bit item is the count's four bytes, then the document number's."""
    if not isinstance(counts, array) or counts.typecode != "I":
        counts = array("I", counts)
    n = len(counts)
    low, high = (4, 0) if _BIG_ENDIAN else (0, 4)
    count_bytes = counts.tobytes()
    raw = bytearray(8 * n)
    for i in range(4):
        raw[low + i :: 8] = count_bytes[i::4]
    for i, byte in enumerate(docnum.to_bytes(4, sys.byteorder)):
        if byte:
            raw[high + i :: 8] = bytes((byte,)) * n
    return array("Q", raw)


def _deltas(ids: array[int]) -> array[int]:
    """``ids[0], ids[1] - ids[0], …`` of increasing 32-bit document numbers, the list Whoosh
    delta-decodes when it reads a block, computed without a Python object per number.

    The ids' bytes are read as one integer with ``ids[i]`` in bits ``32 i`` to ``32 i + 31``;
    the same shifted by 32 bits and cut to length has ``ids[i - 1]`` there, and since no
    difference is negative, subtracting the two borrows nothing across items: each 32-bit field
    of the result is one delta. Items of 16 bits when they fit (a segment of fewer than 65,536
    documents): an array pickles (protocol 3) as its bytes.
    """
    if _BIG_ENDIAN:  # pragma: no cover - x86 and ARM PCs are little-endian
        ids = array("I", ids)
        ids.byteswap()
    n = len(ids)
    packed = int.from_bytes(ids.tobytes(), "little")
    shifted = (packed << 32) & ((1 << (32 * n)) - 1)
    raw = (packed - shifted).to_bytes(4 * n, "little")
    if _BIG_ENDIAN:  # pragma: no cover
        out = array("I", raw)
        out.byteswap()
        return out
    if ids[-1] < 0x10000:
        return array("H", raw)[0::2]
    return array("I", raw)


class _ByteDeltas:
    """The deltas of a block without values (a presence field's) when all but the first are
    below 256: the first, then the others as a byte each, pickled as the iterator
    ``itertools.chain((first,), rest)`` that Whoosh's reader delta-decodes like any sequence.

    Why. Such blocks are most of the index (a common bigram's documents are a few numbers
    apart): as 16-bit deltas they were compressed to ~0.9 bytes a posting, and compressing
    them was a third of the time spent writing a segment. A byte a posting, uncompressed, is
    about as small, costs nothing to write and nothing to decompress when searching. An array
    of bytes could not hold the first delta (the block's first document number); the pickle
    names only ``itertools.chain``, which every Python has.
    """

    __slots__ = ("first", "rest")

    def __init__(self, first: int, rest: bytes) -> None:
        self.first = first
        self.rest = rest

    @classmethod
    def of(cls, deltas: array[int]) -> _ByteDeltas | None:
        if deltas.typecode != "H":
            return None
        raw = deltas.tobytes()
        high = raw[3 - _LOW_BYTE_16 :: 2]  # the high bytes of the deltas after the first
        if high.count(0) != len(high):
            return None
        return cls(deltas[0], raw[2 + _LOW_BYTE_16 :: 2])

    def __reduce__(self) -> tuple[Any, ...]:
        return chain, ((self.first,), self.rest)


def _compress(data: bytes, level: int) -> bytes:
    """``zlib.compress(data, level)`` with a window and a hash table sized to a block.

    ``zlib.compress`` sets up a 32 KB window and a 128 KB hash table for every call: ~40 µs for
    a 1 KB block here, against ~8 µs with what the block needs, for the same output size. The
    stream is the same zlib format (its header names the window size), which
    ``zlib.decompress`` reads as it reads any other.
    """
    wbits = max(9, min(15, len(data).bit_length()))
    compressor = zlib.compressobj(level, zlib.DEFLATED, wbits, _MEM_LEVEL)
    return compressor.compress(data) + compressor.flush()


class _TermsTable:
    """Adds terms to the segment's terms table (Whoosh's ``OrderedHashWriter``) as its ``add``
    does, with the file position counted instead of asked for twice a term, and each entry
    written at once."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self.file = table.dbfile
        self.position = self.file.tell()
        self.hash = table.hashfn
        self.buckets = table.buckets

    def add(self, key: bytes, value: bytes) -> None:
        table = self.table
        if key <= table.lastkey:
            raise ValueError(f"Keys must increase: {table.lastkey!r}..{key!r}")
        position = self.position
        table.index.append(position)
        entry = _ENTRY_LENGTHS.pack(len(key), len(value)) + key + value
        self.file.write(entry)
        code = self.hash(key)
        self.buckets[code & 255].append((code, position))
        table.lastkey = key
        self.position = position + len(entry)

    def finish(self) -> None:
        if self.position != self.file.tell():
            raise RuntimeError("terms table position out of step with the terms written")


class _TermWriter:
    """Writes one field's terms into the segment's postings file and terms table."""

    def __init__(self, fieldwriter: Any, fieldobj: Any, lengths: list[int] | None,
                 blocklimit: int, compression: int,
                 bounds: tuple[int | None, int] | None = None) -> None:
        self.postfile = fieldwriter._postfile
        self.tindex = _TermsTable(fieldwriter._tindex)
        self.prefix = pack_ushort(fieldwriter._fieldid)
        fmt = fieldobj.format
        self.frequency = isinstance(fmt, formats.Frequency)
        self.boost = float(fmt.field_boost)
        self.lengths = lengths
        # Without ``lengths``: the (shortest non-empty, longest) length every block reports.
        self.bounds = bounds
        self.blocklimit = blocklimit
        self.compression = compression
        # Where the next term's blocks go. Counted here: asking the file (``tell``, twice a
        # term) was a tenth of the time spent writing terms. ``finish`` checks it.
        self.offset = self.postfile.tell()

    def finish(self) -> None:
        if self.offset != self.postfile.tell():
            raise RuntimeError("postings file position out of step with the terms written")
        self.tindex.finish()

    def write(self, tbytes: bytes, postings: array[int]) -> None:
        """One term: its blocks into the postings file, its statistics into the terms table."""
        if len(postings) == 1:
            self._write_one(tbytes, postings[0])
            return
        info = W3TermInfo()
        start = self.offset
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
            if self.frequency:
                # The packed postings' bytes as 32-bit halves: counts and document numbers
                # are every other item, sliced apart in C.
                halves = array("I", block.tobytes())
                ids, freqs = halves[_ID_HALF::2], halves[_COUNT_HALF::2]
            else:
                ids = block
            count = len(ids)
            if self.frequency:
                low, high = min(freqs), max(freqs)
                block_max = high * boost
                weight_sum += sum(freqs) * boost
                if low != high and boost == 1.0 and high < 0x100:
                    # The counts themselves, a byte each (the low byte of each little-endian
                    # 32-bit count): a weight is only ever read as a number (tf in BM25), and
                    # an array pickles as its bytes (protocol 3).
                    weights: Any = array("B", freqs.tobytes()[_LOW_BYTE::4])
                elif low != high:
                    # As floats, the kind of array Whoosh makes when it reads a block without
                    # weights (a tuple of floats cost 9 bytes a posting to pickle and compress).
                    exact = boost.is_integer() and block_max < _FLOAT32_EXACT
                    weights = array("f" if exact else "d",
                                    freqs if boost == 1.0 else map(boost.__mul__, freqs))
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
            elif self.bounds is not None:
                block_min, block_maxlen = self.bounds
            else:
                block_min, block_maxlen = None, 0
            if block_min is not None:
                minlength = block_min if minlength is None else min(minlength, block_min)
            maxlength = max(maxlength, block_maxlen)
            maxweight = max(maxweight, block_max)
            deltas: Any = _deltas(ids) if count >= _ARRAY_DELTAS else tuple(
                map(sub, ids, _ZERO + ids[:-1]))
            raw = values is None and count >= _ARRAY_DELTAS and _ByteDeltas.of(deltas)
            if raw:
                data = dumps((raw, weights, values), 3)
                comp = 0
            else:
                data = dumps((deltas, weights, values), 3)
                comp = self.compression if len(data) >= COMPRESSION_MIN_SIZE else 0
            if comp:
                data = _compress(data, comp)
            head = dumps((count, ids[-1], block_max, comp, length_to_byte(block_min),
                          length_to_byte(block_maxlen)), 2)
            size = len(head) + len(data)
            chunks += (pack_int(-size if begin + limit >= total else size), head, data)
        written = b"".join(chunks)
        self.postfile.write(written)
        self.offset += len(written)
        info._weight = weight_sum
        info._df = total
        info._minlength = minlength
        info._maxlength = maxlength
        info._maxweight = maxweight
        info._minid = postings[0] >> 32 if self.frequency else postings[0]
        info._maxid = postings[-1] >> 32 if self.frequency else postings[-1]
        info.set_extent(start, len(written))
        self.tindex.add(self.prefix + tbytes, info.to_bytes())

    def _write_one(self, tbytes: bytes, posting: int) -> None:
        """A term of one posting (two in five terms: a document's id, its rare words and
        numbers): ``write`` without arrays or a term-info object, the same bytes."""
        if self.frequency:
            docnum, count = posting >> 32, posting & _LOW
            weight = count * self.boost
            values: bytes | None = count.to_bytes(4, "big")
        else:
            docnum, weight, values = posting, self.boost, None
        if self.lengths is not None:
            length = self.lengths[docnum]
            minlength, maxlength = length or None, length
        elif self.bounds is not None:
            minlength, maxlength = self.bounds
        else:
            minlength, maxlength = None, 0
        data = dumps(((docnum,), None if weight == 1.0 else weight, values), 3)
        comp = self.compression if len(data) >= COMPRESSION_MIN_SIZE else 0
        if comp:  # pragma: no cover - one posting pickles to fewer bytes than that
            data = _compress(data, comp)
        head = dumps((1, docnum, weight, comp, length_to_byte(minlength),
                      length_to_byte(maxlength)), 2)
        written = b"".join((WHOOSH3_HEADER_MAGIC, pack_int(-len(head) - len(data)), head, data))
        self.postfile.write(written)
        start = self.offset
        self.offset += len(written)
        # W3TermInfo.to_bytes of these statistics
        info = _TERM_INFO.pack(False, weight, 1, length_to_byte(minlength),
                               length_to_byte(maxlength), weight, docnum, docnum)
        self.tindex.add(self.prefix + tbytes, info + pack_long(start) + pack_int(len(written)))


class FastSegmentWriter(SegmentWriter):
    """``SegmentWriter`` with the term pool above. Documents are added with ``add_document``
    like Whoosh's (no document or field boosts, which the application does not use); fields
    whose type has ``term_counts(value)`` give their counts directly, others through
    ``field.index``."""

    def __init__(self, ix: Any, length_blind: Iterable[str] = (), **kwargs: Any) -> None:
        """``length_blind``: fields whose scoring ignores document lengths (BM25 with B = 0).
        Their blocks and terms report the segment's shortest and longest length instead of
        their own — bounds all the same, which is all Whoosh reads them for (the best score a
        block can give), and a tenth of the time writing the segment saved."""
        kwargs.setdefault("codec", W3Codec(blocklimit=BLOCK_LIMIT, compression=COMPRESSION))
        super().__init__(ix, **kwargs)
        self.length_blind = frozenset(length_blind)
        # Each document's stored fields are compressed on their own (a few dozen bytes):
        # zlib.compress sets up its full window for each (~15 us in a run, ~4 us this way).
        stored = self.perdocwriter._colwriters["_stored"]._child
        stored._compress = _compress
        for name in self.schema.names():
            fieldobj = self.schema[name]
            if fieldobj.indexed and (type(fieldobj.format) not in _SUPPORTED or fieldobj.vector
                                     or fieldobj.separate_spelling()):
                self.cancel()
                raise TypeError(f"field {name!r} ({type(fieldobj.format).__name__}, vectors or "
                                "spelling) is not supported by FastSegmentWriter")
        self.pool = TermPool(self.schema)

    def add_document(self, **fields: Any) -> None:
        """As Whoosh's, and ``_terms={field: {term: count} or Presence}`` gives a field's terms
        counted already (``indexing.analysis.text_terms``); the field's value is then not
        analysed."""
        self._check_state()
        given: dict[str, Mapping[str, int] | Presence | Counted] = (
            fields.pop("_terms", None) or {})
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
                fieldobj = schema[name]
                length = 0
                if fieldobj.indexed:
                    presence = type(fieldobj.format) is formats.Existence
                    if counts is None and type(getattr(fieldobj, "analyzer", None)) is IDTokenizer:
                        # the value is the one term (Whoosh's analysis: 20 µs)
                        self.pool.add_term(name, docnum, value)
                        length = 1
                    else:
                        length = self._add_terms(name, docnum, fieldobj, value, counts, presence)
                    if not fieldobj.scorable:
                        length = 0
                pdw.add_field(name, fieldobj, value if fieldobj.stored else None, length)
                if fieldobj.column_type is not None and value is not None:
                    pdw.add_column_value(name, fieldobj.column_type,
                                         fieldobj.to_column_value(value))
        except ValueError:
            pdw.cancel_doc()
            raise
        pdw.finish_doc()
        self._added = True
        self.docnum += 1

    def _add_terms(self, name: str, docnum: int, fieldobj: Any, value: Any,
                   counts: Mapping[str, int] | Presence | Counted | None, presence: bool) -> int:
        """A document's terms of one field into the pool; returns the field's length."""
        if counts is None:
            counts = _counts(fieldobj, value, presence)
        if isinstance(counts, Presence):
            if not presence:
                raise ValueError(f"{name}: terms without counts for a field that counts them")
            # as Whoosh counts the length: Existence counts each term once
            return self.pool.add_presence(name, docnum, counts)
        if isinstance(counts, Counted):
            if presence:
                raise ValueError(f"{name}: terms with counts for a field that records presence "
                                 "only")
            return self.pool.add_counted(name, docnum, counts)
        self.pool.add_counts(name, docnum, counts)
        return len(counts) if presence else sum(counts.values())

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
            lengths: list[int] | None = None
            bounds: tuple[int | None, int] | None = None
            if pdr is not None and fieldobj.scorable:
                get = pdr.doc_field_length_reader(name)
                lengths = [get(d) for d in range(doccount)]
                if name in self.length_blind:
                    bounds = (min(filter(None, lengths), default=None), max(lengths))
                    lengths = None
            fw.start_field(name, fieldobj)
            writer = _TermWriter(fw, fieldobj, lengths, codec._blocklimit, codec._compression,
                                 bounds)
            for term, key in self.pool.sorted_terms(name):
                writer.write(term.encode("utf-8"), terms[key])
            writer.finish()
            fw.finish_field()


def _counts(fieldobj: Any, value: Any, presence: bool) -> Mapping[str, int] | Presence:
    analyzer = getattr(fieldobj, "analyzer", None)
    if type(analyzer) is RegexTokenizer and not analyzer.gaps:
        # a KEYWORD field's tokens are the expression's matches (Whoosh's analysis: 6 µs)
        return Counter(analyzer.expression.findall(value))
    if presence and hasattr(fieldobj, "presence"):
        return fieldobj.presence(value)  # type: ignore[no-any-return]
    counter = getattr(fieldobj, "term_counts", None)
    if counter is not None:
        return counter(value)  # type: ignore[no-any-return]
    return {tbytes.decode("utf-8"): freq
            for tbytes, freq, _weight, _value in fieldobj.index(value)}
