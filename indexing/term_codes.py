"""Chinese index terms as integers: how the extraction workers hand a text's terms to the writer.

Why. A 4,000-character document has about 2,000 distinct ``content`` terms, nearly all of them
character bigrams. As strings each one is made by the regex engine in the worker, pickled,
split out again and hashed in the process that writes the index: together about two
milliseconds a document, as much as extracting it. As integers they are read straight out of
the text's UTF-32 bytes — every 8-byte window is two neighbouring code points — without making
a string per term, travel as one ``bytes`` and are added to the writer's posting lists as
they are; only the few thousand distinct terms of a segment become strings, once, when it is
written.

The code of a term of one or two CJK characters (``analysis`` defines which characters those
are, and which terms a text has): ``ord(a)`` for the single character ``a``, ``ord(a) |
ord(b) << 32`` for the bigram ``ab``. Every other term stays a string, and never consists of CJK
characters only, so a term has exactly one key: its code if it has one, else itself.
"""

from __future__ import annotations

import re
import sys
from array import array

LOW = 0xFFFFFFFF
_HIGH = 1 << 32
_RUN_START_RE = re.compile("\0(.)", re.DOTALL)
_NO_CODE_POINT = 0  # stands for any run of characters that are not CJK
_BIG_ENDIAN = sys.byteorder == "big"
assert array("Q").itemsize == 8


def code_of(term: str, cjk: re.Pattern[str]) -> int | str:
    """The key of ``term`` (``cjk`` matches one CJK character)."""
    if 0 < len(term) <= 2 and all(cjk.fullmatch(c) for c in term):
        return ord(term[0]) | (ord(term[1]) << 32 if len(term) == 2 else 0)
    return term


def term_of(key: int | str) -> str:
    """The term a key stands for."""
    if isinstance(key, str):
        return key
    return chr(key) if key <= LOW else chr(key & LOW) + chr(key >> 32)


def cjk_codes(masked: str) -> set[int]:
    """Codes of the bigrams inside each CJK run of ``masked``, and of each run's first and last
    character; ``masked`` is a text in which every run of other characters is one ``"\\0"``,
    and which begins and ends with one.

    A window of two code points is ``first | second << 32`` as a little-endian 64-bit number,
    so the windows at even offsets and those at odd offsets are two arrays read from the
    UTF-32-LE bytes. A window ``(a, 0)`` is the last character of a run, already the code of
    ``a``; a window ``(0, b)`` the first, ``b << 32``, replaced by the code of ``b``.
    """
    raw = masked.encode("utf-32-le")
    size = len(raw)
    even, odd = array("Q", raw[: size // 8 * 8]), array("Q", raw[4 : 4 + (size - 4) // 8 * 8])
    if _BIG_ENDIAN:  # pragma: no cover - x86 and ARM PCs are little-endian
        even.byteswap()
        odd.byteswap()
    codes = set(even)
    codes.update(odd)
    codes.discard(_NO_CODE_POINT)
    # The first characters of the runs, found by the regex engine (a few hundred of them)
    # rather than by testing each of the ~2,000 codes.
    starts = list(map(ord, _RUN_START_RE.findall(masked)))
    codes.difference_update(map(_HIGH.__mul__, starts))
    codes.update(starts)
    return codes
