"""Snippets: the passage of a document where the query's words are, their spans, the page.

The text comes from the database (the index stores none), and each query word is found again
with a pattern that follows the index's rule: characters of one Chinese run contiguous, tokens
of different runs separated only by spaces or punctuation, letters and digits as whole tokens.
``fold`` keeps offsets, so spans found in folded text are spans in the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexing.analysis import TOKEN_RE, fold
from indexing.extract.result import PAGE_BREAK

WIDTH = 120  # characters shown
LEAD = 30  # characters before the first match
MAX_MATCHES = 200  # per word, when choosing the passage


def word_pattern(word: str) -> re.Pattern[str] | None:
    parts = []
    for m in TOKEN_RE.finditer(fold(word)):
        if m.group(1) is not None:
            parts.append(re.escape(m.group(1)))
        else:
            parts.append(r"(?<![0-9A-Za-z])" + re.escape(m.group(2)) + r"(?![0-9A-Za-z])")
    if not parts:
        return None
    return re.compile(r"[\W_]*".join(parts), re.IGNORECASE)


@dataclass
class Snippet:
    text: str
    highlights: list[tuple[int, int]]
    page: int | None
    found: bool  # a query word occurs in the text


def _page_of(text: str, offset: int) -> int:
    return text.count(PAGE_BREAK, 0, offset) + 1


def make_snippet(text: str, words: list[str], paged: bool, width: int = WIDTH) -> Snippet:
    """The passage of ``text`` with the most distinct query words, earliest first."""
    folded = fold(text)
    matches: list[tuple[int, int, int]] = []  # start, end, word index
    for i, word in enumerate(words):
        pattern = word_pattern(word)
        if pattern is None:
            continue
        for n, m in enumerate(pattern.finditer(folded)):
            if n >= MAX_MATCHES:
                break
            if m.end() > m.start():
                matches.append((m.start(), m.end(), i))
    matches.sort()
    if not matches:
        body = _clean(text[:width])
        return Snippet(body + ("…" if len(text) > width else ""), [], None, False)
    best_start, best_score = matches[0][0], -1
    for start, _end, _i in matches:
        limit = start + width - LEAD
        brk = text.find(PAGE_BREAK, start, limit)
        if brk >= 0:
            limit = brk
        window = {i for s, e, i in matches if start <= s and e <= limit}
        if len(window) > best_score:
            best_start, best_score = start, len(window)
            if best_score == len(words):
                break
    lo = max(0, best_start - LEAD)
    # Do not start in the middle of the previous page.
    page_start = text.rfind(PAGE_BREAK, lo, best_start)
    if page_start >= 0:
        lo = page_start + 1
    hi = min(len(text), lo + width)
    page_end = text.find(PAGE_BREAK, best_start, hi)
    if page_end >= 0:
        hi = page_end
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(text) else ""
    shift = len(prefix) - lo
    spans = [(s + shift, min(e, hi) + shift) for s, e, _i in matches if s >= lo and s < hi]
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    body = prefix + _clean(text[lo:hi]) + suffix
    page = _page_of(text, best_start) if paged else None
    return Snippet(body, merged, page, True)


def _clean(text: str) -> str:
    """Line and page breaks become spaces (same length: spans stay valid)."""
    return text.replace("\n", " ").replace("\r", " ").replace(PAGE_BREAK, " ").replace("\t", " ")
