"""Worker targets for the supervisor tests: they misbehave on files named for it.

Loaded in worker processes by file path (``indexing.workers._resolve``).
"""

from __future__ import annotations

import os
import time
from typing import Any


def misbehave(path: str, ext: str) -> dict[str, Any]:
    from indexing.extract import extract_task

    name = os.path.basename(path)
    if "hang" in name:
        time.sleep(3600)
    if "crash" in name:
        os._exit(3)  # as a parser dying in C code would
    if "raise" in name:
        raise RuntimeError("解析器内部错误")
    if "memory" in name:
        blob = bytearray(8 * 1024 * 1024 * 1024)  # more than the worker's address space
        return {"status": "ok", "reason": str(len(blob)), "text": "", "page_count": None,
                "info": {}}
    result = extract_task(path, ext)
    if "崩溃" in result["text"]:  # stored files are named by hash: look inside too
        os._exit(3)
    return result


def report_niceness(path: str, ext: str) -> dict[str, Any]:
    """The worker's scheduling niceness as its "text" (POSIX only)."""
    return {"status": "ok", "reason": "", "text": str(os.nice(0)), "page_count": None,
            "info": {}}
