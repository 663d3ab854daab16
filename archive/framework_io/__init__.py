"""Task-decomposition workbooks (任务分解表) in and out of the framework.

Public API (used by the command line and the desktop import wizard):

* ``inspect_workbook(path, mapping=None, sheet=None) -> WorkbookPreview``
* ``read_workbook(path, mapping=None, sheet=None) -> ParsedFramework``
* ``import_framework(lib_or_session, parsed, name=None) -> FrameworkImportReport``
  (in ``archive.framework_update``; creates the framework, or updates the current one)
* ``FIELDS``: the mapping keys, Chinese canonical names (序号, 版块, 测评项目, 测评内容, 测评标准,
  分值, 测评方法, 牵头单位, 责任单位, 佐证资料); 配合单位 is accepted too.
"""

from archive.framework_io.columns import ALL_FIELDS, FIELDS, SYNONYMS, parse_mapping
from archive.framework_io.errors import MappingError, WorkbookError
from archive.framework_io.reader import (
    ParsedFramework,
    SheetPreview,
    WorkbookPreview,
    inspect_workbook,
    iter_specs,
    read_workbook,
)


def __getattr__(name: str) -> object:
    # import_framework lives in archive.framework_update, which imports this package; load it
    # on first use so that ``from archive.framework_io import import_framework`` works too.
    if name in ("import_framework", "FrameworkImportReport"):
        from archive import framework_update

        return getattr(framework_update, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FrameworkImportReport",
    "ALL_FIELDS",
    "FIELDS",
    "SYNONYMS",
    "MappingError",
    "ParsedFramework",
    "SheetPreview",
    "WorkbookError",
    "WorkbookPreview",
    "import_framework",
    "inspect_workbook",
    "iter_specs",
    "parse_mapping",
    "read_workbook",
]
