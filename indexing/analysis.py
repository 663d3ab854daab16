"""The Chinese analyzer of the search index: character bigrams for recall, jieba words for rank.

Word segmentation alone misses strings it cuts differently (jieba finds 分类 in 垃圾分类 but not
in 部分类别), so the ``content`` and ``meta`` fields are indexed as overlapping character bigrams:
any Chinese string of two or more characters that occurs in a document has all its bigrams in
that document's entry, so the document is a candidate for it. Candidates are then checked
against the text itself (``indexing.query.matches``), which makes the result exact; bigrams are
indexed without positions because Whoosh's phrase matching, done in Python, took 50–100 ms per
common query on a few hundred documents, while checking the 50 hits shown is a regex each.
``content`` records only which terms a document has (no counts: indexing it is the biggest
part of the work, and the ranking comes from ``meta`` and ``words``, which count).
The ``words`` field holds jieba's words (rjieba, the jieba-rs binding: same cuts, about 15x
faster); it only lifts documents in which the query is a word of its own, so that 分类 ranks
垃圾分类 above 部分类别. Of a file's text it takes the words of the beginning, the first
``WORDS_SPAN`` characters of Chinese (to the end of the clause the limit falls in), as Lucene
long took a field's first 10,000 terms: what a document is about is said in its title and
first pages, and segmenting the rest was a fifth of the cost of indexing while recall does not
depend on it (the bigrams cover every character of the text).

Terms. A run of CJK characters c0…c(n-1) yields the bigrams c(i)c(i+1), plus its first and its
last character alone (once when n == 1). Latin letters and digits form one token each (lower
case), and a token touching a Chinese character gives a joined term too (12号, 2023年, 第3).
The edge characters and joined terms let a query that crosses from digits into Chinese, such
as 〔2023〕12号, find its terms, and find them selectively: 2023, 12 and 号 are everywhere, 12号
is not. (``index_terms`` still numbers the terms; only their counts are stored.)

A query needs the bigrams of its runs of two or more characters, its letter and digit tokens,
and for a single character either its unigram (next to a digit or letter, hence at a run's
edge) or any term starting with it (``query_parts``).

The analyzer is pickled into the index schema, so this module path and the class names are part
of the index format: move or rename them only together with ``INDEX_FORMAT`` in
``indexing.index``.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer
from whoosh.fields import TEXT
from whoosh.formats import Existence, Positions
from whoosh.system import pack_uint

from indexing.fast_writer import Counted, Presence
from indexing.term_codes import cjk_codes, code_of

# CJK Unified Ideographs (+ extension A, compatibility ideographs, extensions B–F) and 〇.
_CJK_CLASS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
# A CJK run, or a run of letters/digits that are not CJK (``[^\W_…]`` = word chars minus those).
TOKEN_RE = re.compile(f"([{_CJK_CLASS}]+)|([^\\W_{_CJK_CLASS}]+)")
CJK_RE = re.compile(f"[{_CJK_CLASS}]")
CJK_RUN_RE = re.compile(f"[{_CJK_CLASS}]+")
_NON_CJK_RUN_RE = re.compile(f"[^{_CJK_CLASS}]+")
# The same terms as ``index_terms``, found by a few passes of the regex engine over the whole text
# (``term_counts``): overlapping bigrams by a capturing lookahead, the letter/digit tokens and the
# joins where they touch Chinese.
_ALNUM = f"[^\\W_{_CJK_CLASS}]"
_BIGRAM_RE = re.compile(f"(?=([{_CJK_CLASS}]{{2}}))")
_ALNUM_RE = re.compile(f"{_ALNUM}+")
_HAS_ALNUM_RE = re.compile(_ALNUM)
_ALNUM_CJK_RE = re.compile(f"({_ALNUM}+)([{_CJK_CLASS}])")
_CJK_ALNUM_RE = re.compile(f"([{_CJK_CLASS}])({_ALNUM}+)")

# Characters of a text's Chinese runs (with a separator per run) whose jieba words are its
# ``words`` (see the module docstring): about a page and a half. Half the benchmark corpus's
# text; indexing was 10 % faster.
WORDS_SPAN = 2000

# Full-width letters and digits (２０２３, ＡＢＣ) fold to their narrow forms; the mapping keeps
# the length, so offsets found in folded text are offsets in the original. (Full-width
# punctuation needs no folding: it separates tokens either way.)
FOLD = {cp: cp - 0xFEE0 for r in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B))
        for cp in range(*r)}
_FULL_WIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def fold(text: str) -> str:
    # str.translate looks every character up in a dict (~10 ns each): only when needed.
    return text.translate(FOLD) if _FULL_WIDTH_ALNUM.search(text) else text


def is_cjk(text: str) -> bool:
    return bool(text) and CJK_RUN_RE.fullmatch(text) is not None


def _tokens(text: str) -> list[tuple[str, bool, int, int]]:
    """(token, is Chinese, start, end) of the folded text; letters lower case."""
    return [
        (m.group(1), True, m.start(), m.end()) if m.group(1) is not None
        else (m.group(2).lower(), False, m.start(), m.end())
        for m in TOKEN_RE.finditer(fold(text))
    ]


def _joins(tokens: list[tuple[str, bool, int, int]]) -> list[str]:
    """Terms where digits or letters touch Chinese (13号, 2023年, 第12): what makes a 文号 or a
    date findable among thousands of documents that all have 2023, 13 and 号 somewhere."""
    out = []
    for (a, a_cjk, _s, a_end), (b, b_cjk, b_start, _e) in zip(tokens, tokens[1:], strict=False):
        if a_end == b_start and a_cjk != b_cjk:
            out.append(a + b[0] if b_cjk else a[-1] + b)
    return out


def index_terms(text: str) -> dict[str, list[int]]:
    """Every ``content`` term of ``text`` with its positions (only their counts are stored)."""
    poses: dict[str, list[int]] = {}
    pos = 0
    tokens = _tokens(text)
    for token, cjk, _start, _end in tokens:
        if not cjk:
            poses.setdefault(token, []).append(pos)
            pos += 1
            continue
        n = len(token)
        poses.setdefault(token[0], []).append(pos)
        for i in range(n - 1):
            poses.setdefault(token[i : i + 2], []).append(pos + i)
        if n > 1:
            poses.setdefault(token[-1], []).append(pos + n - 1)
        pos += n
    for term in _joins(tokens):
        poses.setdefault(term, []).append(pos)
        pos += 1
    return poses


def term_counts(text: str) -> Counter[str]:
    """Every ``content`` term of ``text`` with how often it occurs: ``index_terms`` without the
    positions, about five times faster (what indexing needs; a property test keeps the two
    equal)."""
    folded = fold(text)
    counts = Counter(_BIGRAM_RE.findall(folded))
    runs = CJK_RUN_RE.findall(folded)
    counts.update([run[0] for run in runs])
    counts.update([run[-1] for run in runs if len(run) > 1])
    counts.update(token.lower() for token in _ALNUM_RE.findall(folded))
    counts.update(a.lower() + b for a, b in _ALNUM_CJK_RE.findall(folded))
    counts.update(a + b.lower() for a, b in _CJK_ALNUM_RE.findall(folded))
    return counts


def term_set(text: str) -> set[str]:
    """The ``content`` terms of ``text`` without their counts (the field records presence):
    sets fill faster than counters."""
    folded = fold(text)
    terms = set(_BIGRAM_RE.findall(folded))
    runs = CJK_RUN_RE.findall(folded)
    terms.update([run[0] for run in runs])
    terms.update([run[-1] for run in runs])
    terms.update(_other_terms(folded))
    return terms


def _other_terms(folded: str) -> set[str]:
    """The ``content`` terms that are not Chinese only: letter/digit tokens and joins. One
    regex pass for the tokens, their neighbours looked at by position (three passes over the
    text took twice as long)."""
    terms: set[str] = set()
    if not _HAS_ALNUM_RE.search(folded):
        return terms
    add = terms.add
    cjk_at = CJK_RE.match
    end = len(folded)
    for m in _ALNUM_RE.finditer(folded):
        token = m.group().lower()
        add(token)
        start, stop = m.span()
        if start and cjk_at(folded, start - 1):
            add(folded[start - 1] + token)
        if stop < end and cjk_at(folded, stop):
            add(token + folded[stop])
    return terms


def _cjk_runs(text: str) -> str:
    """``text``'s CJK runs, each after a ``"\0"`` that stands for the other characters before
    it, and a last ``"\0"``: what both the bigram codes and jieba's words are read from."""
    return _NON_CJK_RUN_RE.sub("\0", "\0" + text + "\0")


def content_terms(text: str) -> tuple[set[int], set[str]]:
    """``term_set``, its Chinese terms as codes (``indexing.term_codes``), the rest as strings;
    no term is in both, and a test keeps the two functions equal. About twice as fast."""
    folded = fold(text)
    return cjk_codes(_cjk_runs(folded)), _other_terms(folded)


def text_terms(text: str) -> dict[str, Any]:
    """The index terms of a file's extracted text, computed where the text is extracted.

    The index's ``content`` is the document's metadata, a newline, then this text; ``words`` the
    same. A newline ends every run and token (bigrams, joins, jieba's blocks), so the terms of
    the whole are the terms of the metadata plus these (``combine_terms``). The Chinese terms
    travel as the bytes of their codes, the others and the words joined into one string each
    (pickling a dict of 2,000 strings cost more than counting them); ``chars`` lets the index
    writer check that the text it has in the database is the one counted here (the same stored
    file always gives the same text: a length check is enough).
    """
    folded = fold(text)  # folding changes letters and digits only: the same CJK runs
    runs = _cjk_runs(folded)
    codes, others = cjk_codes(runs), _other_terms(folded)
    found = Counter(_words_of_runs(_ranked(runs)))
    # array("Q", a set) grows one item at a time; from a list it is sized once (40 % faster)
    return {"codes": array("Q", list(codes)).tobytes(), "content": "\0".join(others),
            "words": "\0".join(found), "word_counts": array("I", found.values()),
            "chars": len(text)}


def combine_terms(meta: str, terms: dict[str, Any]) -> dict[str, Any]:
    """Terms of ``meta + "\n" + text`` for the ``content`` field (which records presence: the
    text's terms and the metadata's, which may repeat some) and the ``words`` field (with
    counts), from the text's ``text_terms``."""
    codes = array("Q")
    codes.frombytes(terms["codes"])
    meta_codes, meta_others = content_terms(meta)
    return {
        "content": Presence(codes, terms["content"].split("\0") if terms["content"] else [],
                            [*meta_codes, *meta_others]),
        "words": Counted(terms["words"].split("\0") if terms["words"] else [],
                         terms["word_counts"], Counter(words(meta))),
    }


def query_parts(text: str) -> list[tuple[str, bool]]:
    """The terms a document must have to contain ``text``, as (term, match as a prefix).

    A run of two or more Chinese characters needs its bigrams; letters and digits their token;
    where the query has a token touch a Chinese character, the document has the joined term.
    A single character next to a letter or digit in the query is at the edge of its run in the
    document too, so its unigram is there; any other single character is looked for as the
    start of a term (a bigram it begins, or the unigram at a run's end), which finds it
    wherever it is.
    """
    tokens = _tokens(text)
    out: list[tuple[str, bool]] = []
    for k, (part, cjk, _start, _end) in enumerate(tokens):
        if not cjk:
            out.append((part, False))
        elif len(part) > 1:
            out.extend((part[i : i + 2], False) for i in range(len(part) - 1))
        else:
            near_alnum = (k > 0 and not tokens[k - 1][1]) or (
                k + 1 < len(tokens) and not tokens[k + 1][1])
            out.append((part, not near_alnum))
    out.extend((term, False) for term in _joins(tokens))
    return out


def query_terms(text: str) -> list[str]:
    return [term for term, _prefix in query_parts(text)]


def words(text: str) -> list[str]:
    """jieba's words of two or more characters in the CJK runs of ``text`` (the ranking field's
    terms)."""
    return _words_of_runs(_cjk_runs(text))


def text_words(text: str) -> list[str]:
    """The ``words`` field's words of a file's text: jieba's words in its first
    ``WORDS_SPAN`` characters of Chinese (see the module docstring)."""
    return _words_of_runs(_ranked(_cjk_runs(text)))


def _ranked(runs: str) -> str:
    """The beginning of ``runs`` (``_cjk_runs``) whose words rank the text: its first
    ``WORDS_SPAN`` characters, separators included, and the rest of the run the limit falls
    in, so that no word is cut in two."""
    if len(runs) <= WORDS_SPAN:
        return runs
    return runs[: runs.index("\0", WORDS_SPAN) + 1]


def _words_of_runs(runs: str) -> list[str]:
    """jieba cuts the runs (``_cjk_runs``) alone: it yields each ``"\0"``, and any character
    that is not in its own Chinese ranges (〇), as a token of one character, so every longer
    token is a word of CJK characters. Cutting the whole text and keeping such words took a
    quarter longer: more tokens, and a regex over them all."""
    import rjieba

    return [word for word in rjieba.cut(runs) if len(word) > 1]


class BigramTokenizer(Tokenizer):
    """Whoosh tokenizer for the ``content`` and ``title`` fields (see the module docstring)."""

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        if mode == "query":
            for pos, term in enumerate(query_terms(value)):
                t.text = term
                t.pos = start_pos + pos
                yield t
            return
        flat = sorted((p, term) for term, ps in index_terms(value).items() for p in ps)
        for pos, term in flat:
            t.text = term
            t.pos = start_pos + pos
            yield t


class WordTokenizer(Tokenizer):
    """Whoosh tokenizer for the ``words`` field: jieba words of two or more CJK characters."""

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        for pos, word in enumerate(words(value)):
            t.text = word
            t.pos = start_pos + pos
            yield t


class BigramField(TEXT):
    """A ``content``-style field whose terms come straight from ``index_terms``.

    Same terms as ``BigramTokenizer`` (which the query parser and highlighter use), computed
    without a Token object per term: indexing is where Whoosh spends its time.
    """

    def __init__(self, field_boost: float = 1.0, phrase: bool = False,
                 frequency: bool = True) -> None:
        super().__init__(analyzer=BigramTokenizer(), phrase=phrase, field_boost=field_boost)
        if not frequency and not phrase:
            self.format = Existence(field_boost=field_boost)

    def term_counts(self, value: str) -> Counter[str]:
        """Terms with their counts, for ``indexing.fast_writer``."""
        return term_counts(value)

    def presence(self, value: str) -> Presence:
        """Terms as codes and strings, for ``indexing.fast_writer`` (a field that records
        presence only)."""
        codes, others = content_terms(value)
        return Presence(list(codes), list(others))

    def key_of(self, term: str) -> int | str:
        """The key ``presence`` gives ``term`` (for postings merged in from a segment)."""
        return code_of(term, CJK_RE)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        fmt = self.format
        boost = fmt.field_boost
        if isinstance(fmt, Positions):
            encode = fmt.encode
            for term, poses in index_terms(value).items():
                yield term.encode("utf-8"), len(poses), len(poses) * boost, encode(poses)
        elif isinstance(fmt, Existence):
            for term in term_set(value):
                yield term.encode("utf-8"), 1, boost, b""
        else:
            for term, n in term_counts(value).items():
                yield term.encode("utf-8"), n, n * boost, pack_uint(n)


class WordField(TEXT):
    """The ``words`` field: jieba words with their frequencies, no positions (ranking only).

    A value given as a string is segmented whole (Whoosh's own writer, the tests comparing
    with it). The application never does that: it gives the field's counts ready made, the
    metadata's words plus ``text_words`` of the text (its beginning only), so that the
    metadata and the text need not be told apart in one string here."""

    def __init__(self, field_boost: float = 1.0) -> None:
        super().__init__(analyzer=WordTokenizer(), phrase=False, field_boost=field_boost)

    def term_counts(self, value: str) -> Counter[str]:
        """Words with their counts, for ``indexing.fast_writer``."""
        return Counter(words(value))

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        boost = self.format.field_boost
        for word, n in Counter(words(value)).items():
            yield word.encode("utf-8"), n, n * boost, pack_uint(n)
