"""Computing the simple formulas whose results a workbook never saved.

Excel stores each formula's last result next to it, and openpyxl reads that with
``data_only=True``. Files written by scripts or some web exports store only the formula, so the
序号 column (``=ROW()-3``), copied titles (``=B5``) and sums (``=SUM(F5:F9)``) would come out
blank. This evaluator covers those everyday shapes; anything else yields None and the reader
says which cells stayed blank.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<str>"(?:[^"]|"")*")
    | (?P<ref>(?:(?:'(?:[^']|'')+'|[^\s!'"(),&+\-*/:=<>]+)!)?\$?[A-Za-z]{1,3}\$?\d+
              (?::\$?[A-Za-z]{1,3}\$?\d+)?)
    | (?P<num>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
    | (?P<func>[A-Za-z][A-Za-z0-9.]*)\s*\(
    | (?P<op>[-+*/&(),])
    )""",
    re.VERBOSE,
)
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
MAX_DEPTH = 20
MAX_RANGE_CELLS = 10000


class _Unsupported(Exception):
    """The formula uses something this evaluator does not compute."""


class FormulaContext:
    """Reads cells of the formula workbook (openpyxl, ``data_only=False``)."""

    def __init__(self, workbook: Any, sheet: str) -> None:
        self.workbook = workbook
        self.sheet = sheet
        self.depth = 0

    def cell(self, sheet: str, row: int, col: int) -> Any:
        if sheet not in self.workbook.sheetnames:
            raise _Unsupported(sheet)
        value = self.workbook[sheet].cell(row=row + 1, column=col + 1).value
        if isinstance(value, str) and value.startswith("="):
            if self.depth >= MAX_DEPTH:
                raise _Unsupported("depth")
            self.depth += 1
            try:
                value = _Parser(self, value[1:], sheet, row, col).parse()
            finally:
                self.depth -= 1
        return value


def evaluate_formula(ctx: FormulaContext, formula: str, row: int, col: int) -> Any:
    """The value of ``formula`` written in (row, col) of the context's sheet, or None."""
    try:
        value = _Parser(ctx, formula.lstrip("="), ctx.sheet, row, col).parse()
    except (_Unsupported, ZeroDivisionError, ValueError, TypeError, OverflowError,
            RecursionError):
        return None
    if isinstance(value, list):
        return None
    return value


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _num(value: Any) -> float:
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        raise _Unsupported("text in arithmetic") from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _tidy(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


class _Parser:
    def __init__(self, ctx: FormulaContext, text: str, sheet: str, row: int, col: int) -> None:
        self.ctx, self.sheet, self.row, self.col = ctx, sheet, row, col
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise _Unsupported(text[pos:])
            kind = m.lastgroup or ""
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
            while pos < len(text) and text[pos].isspace():
                pos += 1
        self.i = 0

    def parse(self) -> Any:
        value = self.concat()
        if self.i != len(self.tokens):
            raise _Unsupported("trailing")
        return value

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, op: str) -> bool:
        tok = self.peek()
        if tok is not None and tok == ("op", op):
            self.i += 1
            return True
        return False

    def concat(self) -> Any:
        value = self.additive()
        while self.take("&"):
            value = _text(value) + _text(self.additive())
        return value

    def additive(self) -> Any:
        value = self.term()
        while True:
            if self.take("+"):
                value = _tidy(_num(value) + _num(self.term()))
            elif self.take("-"):
                value = _tidy(_num(value) - _num(self.term()))
            else:
                return value

    def term(self) -> Any:
        value = self.unary()
        while True:
            if self.take("*"):
                value = _tidy(_num(value) * _num(self.unary()))
            elif self.take("/"):
                value = _tidy(_num(value) / _num(self.unary()))
            else:
                return value

    def unary(self) -> Any:
        if self.take("-"):
            return _tidy(-_num(self.unary()))
        if self.take("+"):
            return self.unary()
        return self.primary()

    def primary(self) -> Any:
        tok = self.peek()
        if tok is None:
            raise _Unsupported("end")
        kind, text = tok
        self.i += 1
        if kind == "num":
            return _tidy(float(text))
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if kind == "ref":
            return self.reference(text)
        if kind == "func":
            return self.call(text.upper())
        if (kind, text) == ("op", "("):
            value = self.concat()
            if not self.take(")"):
                raise _Unsupported("paren")
            return value
        raise _Unsupported(text)

    def reference(self, text: str) -> Any:
        sheet = self.sheet
        if "!" in text:
            name, _, text = text.rpartition("!")
            sheet = name[1:-1].replace("''", "'") if name.startswith("'") else name
        cells = _CELL.findall(text)
        (c0, r0), *rest = cells
        if not rest:
            return self.ctx.cell(sheet, int(r0) - 1, _col_index(c0))
        c1, r1 = rest[0]
        rows = range(min(int(r0), int(r1)) - 1, max(int(r0), int(r1)))
        cols = range(min(_col_index(c0), _col_index(c1)), max(_col_index(c0), _col_index(c1)) + 1)
        if len(rows) * len(cols) > MAX_RANGE_CELLS:
            raise _Unsupported("range too large")
        return [self.ctx.cell(sheet, r, c) for r in rows for c in cols]

    def args(self) -> list[Any]:
        out: list[Any] = []
        if self.take(")"):
            return out
        while True:
            out.append(self.concat())
            if self.take(")"):
                return out
            if not self.take(","):
                raise _Unsupported("args")

    def call(self, name: str) -> Any:
        if name in ("ROW", "COLUMN"):
            tok = self.peek()
            if tok is not None and tok[0] == "ref":
                self.i += 1
                m = _CELL.search(tok[1].rpartition("!")[2])
                if not m or not self.take(")"):
                    raise _Unsupported(name)
                return int(m.group(2)) if name == "ROW" else _col_index(m.group(1)) + 1
            if not self.take(")"):
                raise _Unsupported(name)
            return self.row + 1 if name == "ROW" else self.col + 1
        fn = _FUNCTIONS.get(name)
        if fn is None:
            raise _Unsupported(name)
        return fn(self.args())


def _flat(args: list[Any]) -> list[Any]:
    out: list[Any] = []
    for a in args:
        out.extend(a if isinstance(a, list) else [a])
    return out


def _sum(args: list[Any]) -> Any:
    return _tidy(sum(_num(v) for v in _flat(args) if isinstance(v, int | float)
                     and not isinstance(v, bool)))


def _round(args: list[Any]) -> Any:
    digits = int(_num(args[1])) if len(args) > 1 else 0
    return _tidy(round(_num(args[0]), digits))


def _trim(args: list[Any]) -> Any:
    return " ".join(_text(args[0]).split()) if args else ""


_FUNCTIONS: dict[str, Callable[[list[Any]], Any]] = {
    "SUM": _sum,
    "CONCATENATE": lambda a: "".join(_text(v) for v in _flat(a)),
    "CONCAT": lambda a: "".join(_text(v) for v in _flat(a)),
    "ROUND": _round,
    "TRIM": _trim,
    "VALUE": lambda a: _tidy(_num(a[0])) if a else 0,
    "MAX": lambda a: _tidy(max((_num(v) for v in _flat(a) if v is not None), default=0)),
    "MIN": lambda a: _tidy(min((_num(v) for v in _flat(a) if v is not None), default=0)),
}
