"""Arbitrary cell contents and layouts: the importer imports, or raises its own clear error."""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import select

from archive.errors import CivLedgerError
from archive.framework_io import SYNONYMS, read_workbook
from archive.framework_update import import_framework
from archive.library import Library
from archive.models import Indicator

HEADER_WORDS = sorted({w for words in SYNONYMS.values() for w in words})
TEXTS = st.one_of(
    st.sampled_from(HEADER_WORDS),
    st.sampled_from(["区委宣传部、区文明办", "团区委；区妇联/ 区民政局", "1.方案；2.照片不少于3张",
                     "第一版块 思想道德（权重30%）", "1.2.3 建设道德讲堂", "注：说明", "≥3", "3张以上",
                     "一、", "（二）", "=ROW()", "=SUM(A1:A3)", "=A1&B1", "=1/0", "=NOSUCH(1)",
                     "1.0", "\n", " ", "1.1", "1.1.1"]),
    # Any printable text, with line breaks (openpyxl itself refuses other control characters).
    st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n\t"),
            max_size=30),
)
VALUES = st.one_of(st.none(), TEXTS, st.integers(-5, 100000), st.floats(allow_nan=True),
                   st.datetimes(min_value=dt.datetime(1990, 1, 1),
                                max_value=dt.datetime(2040, 1, 1)),
                   st.booleans())


@st.composite
def layouts(draw: st.DrawFn) -> dict[str, object]:
    n_cols = draw(st.integers(1, 8))
    n_rows = draw(st.integers(0, 12))
    header_at = draw(st.integers(0, 3))
    header = draw(st.lists(st.one_of(st.sampled_from(HEADER_WORDS), TEXTS), min_size=n_cols,
                           max_size=n_cols))
    rows = draw(st.lists(st.lists(VALUES, min_size=n_cols, max_size=n_cols), min_size=n_rows,
                         max_size=n_rows))
    total = header_at + 1 + n_rows
    merges = draw(st.lists(st.tuples(st.integers(1, total), st.integers(1, n_cols),
                                     st.integers(0, 3), st.integers(0, 2)), max_size=4))
    sheets = draw(st.integers(1, 2))
    return {"header_at": header_at, "header": header, "rows": rows, "merges": merges,
            "sheets": sheets, "notes_first": draw(st.booleans())}


@pytest.fixture(scope="module")
def workplace() -> Iterator[tuple[Path, Library]]:
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library.create(Path(tmp) / "lib")
        yield Path(tmp), lib
        lib.close()


_counter = itertools.count()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(layout=layouts())
def test_import_succeeds_or_raises_a_clear_error(workplace: tuple[Path, Library],
                                                 layout: dict[str, object]) -> None:
    folder, lib = workplace
    wb = Workbook()
    if layout["notes_first"]:
        wb.active.title = "填表说明"
        wb.active.append(["填表说明：请按要求填写"])
        wb.create_sheet("表1")
    for i in range(int(layout["sheets"]) - 1):  # type: ignore[call-overload]
        wb.create_sheet(f"表{i + 2}")
    for ws in wb.worksheets:
        if ws.title == "填表说明":
            continue
        for _ in range(layout["header_at"]):  # type: ignore[call-overload]
            ws.append(["××任务分解表"])
        ws.append(layout["header"])
        for row in layout["rows"]:  # type: ignore[union-attr]
            ws.append(row)
        for r, c, dr, dc in layout["merges"]:  # type: ignore[union-attr]
            if dr or dc:
                ws.merge_cells(start_row=r, start_column=c, end_row=r + dr, end_column=c + dc)
    path = folder / f"t{next(_counter)}.xlsx"
    wb.save(str(path))
    try:
        parsed = read_workbook(path)
        report = import_framework(lib, parsed)
    except CivLedgerError as exc:
        message = str(exc)
        assert message and path.name in message
        return
    assert report.standards == parsed.standards >= 1
    with lib.session() as s:
        codes = list(s.scalars(select(Indicator.code).where(
            Indicator.framework_id == report.framework_id)))
    assert len(codes) == report.indicators and all(codes) and len(set(codes)) == len(codes)
