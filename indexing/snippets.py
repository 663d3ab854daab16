"""Snippets: the passage of a document where the query's words are, their spans, the page.

The text comes from the database (the index stores none), and each query word is found again
with the pattern that decided the match (``indexing.query.word_pattern``). ``fold`` keeps
offsets, so spans found in folded text are spans in the original.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexing.analysis import fold
from indexing.extract.result import PAGE_BREAK
from indexing.query import word_pattern

WIDTH = 120  # characters shown
LEAD = 30  # characters before the first match
MAX_MATCHES = 200  # per word, when choosing the passage


@dataclass
class Snippet:
    text: str
    highlights: list[tuple[int, int]]
    page: int | None
    found: bool  # a query word occurs in the text


def _page_of(text: str, offset: int) -> int:
    return text.count(PAGE_BREAK, 0, offset) + 1


def make_snippet(text: str, words: list[str], paged: bool, width: int = WIDTH,
                 folded: str | None = None) -> Snippet:
    """The passage of ``text`` with the most distinct query words, earliest first."""
    if folded is None:
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
    best_start = _best_window(text, matches, width - LEAD, len(words))
    lo = max(0, best_start - LEAD)
    # Do not start in the middle of the previous page, nor run into the next one.
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
    merged: list[tuple[int, int]] = []
    for s, e, _i in matches:
        if lo <= s < hi:
            s, e = s + shift, min(e, hi) + shift
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
    body = prefix + _clean(text[lo:hi]) + suffix
    page = _page_of(text, best_start) if paged else None
    return Snippet(body, merged, page, True)


def _best_window(text: str, matches: list[tuple[int, int, int]], span: int, wanted: int) -> int:
    """Start of the earliest window of ``span`` characters (within one page) holding the most
    distinct words: one pass with two pointers over the sorted matches."""
    counts: dict[int, int] = {}
    best_start, best = matches[0][0], 0
    right = 0
    for left, (start, _end, _i) in enumerate(matches):
        limit = start + span
        brk = text.find(PAGE_BREAK, start, limit)
        if brk >= 0:
            limit = brk
        if right < left:
            right = left
        while right < len(matches) and matches[right][1] <= limit:
            counts[matches[right][2]] = counts.get(matches[right][2], 0) + 1
            right += 1
        if len(counts) > best:
            best_start, best = start, len(counts)
            if best == wanted:
                break
        # Slide: drop the match at ``left`` from the window.
        if right > left:
            word = matches[left][2]
            counts[word] -= 1
            if not counts[word]:
                del counts[word]
    return best_start


def _clean(text: str) -> str:
    """Line and page breaks become spaces (same length: spans stay valid)."""
    return text.replace("\n", " ").replace("\r", " ").replace(PAGE_BREAK, " ").replace("\t", " ")
