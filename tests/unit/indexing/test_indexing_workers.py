"""The worker supervisor: a file that hangs, crashes or eats memory costs only itself."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from ix_factories import fake_target

from archive.progress import CancelToken
from indexing.workers import SWITCH_INTERVAL, WORKER_NICENESS, Task, run_tasks
from tests.factories import make_docx


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_docx(tmp_path_factory.mktemp("w") / "good.docx", title="正常的文件")


def _run(tasks: list[Task], **kwargs: object) -> dict[int, dict]:
    return {t.key: r for t, r in run_tasks(tasks, target=fake_target("misbehave"), **kwargs)}


def test_hanging_and_crashing_files_do_not_stop_the_run(good: Path, tmp_path: Path) -> None:
    for name in ("hang.docx", "crash.docx", "raise.docx"):
        (tmp_path / name).write_bytes(good.read_bytes())
    tasks = [Task(1, str(tmp_path / "hang.docx"), "docx"),
             Task(2, str(tmp_path / "crash.docx"), "docx"),
             Task(3, str(tmp_path / "raise.docx"), "docx"),
             Task(4, str(good), "docx"),
             Task(5, str(good), "docx")]
    results = _run(tasks, workers=2, time_limit=2.0)
    assert set(results) == {1, 2, 3, 4, 5}
    assert results[1]["status"] == "corrupt" and "超时" in results[1]["reason"]
    assert results[2]["status"] == "corrupt" and "异常退出" in results[2]["reason"]
    assert results[3]["status"] == "corrupt" and "解析器内部错误" in results[3]["reason"]
    assert results[4]["status"] == results[5]["status"] == "ok"
    assert "正常的文件" in results[4]["text"]


@pytest.mark.skipif(sys.platform == "win32", reason="no address-space limit on Windows")
def test_runaway_memory_ends_in_a_status(good: Path, tmp_path: Path) -> None:
    (tmp_path / "memory.docx").write_bytes(good.read_bytes())
    results = _run([Task(1, str(tmp_path / "memory.docx"), "docx"), Task(2, str(good), "docx")],
                   workers=1, memory_mb=1024)
    assert results[1]["status"] == "corrupt"
    assert "内存不足" in results[1]["reason"]
    assert results[2]["status"] == "ok"


def test_cancel_stops_before_the_rest(good: Path) -> None:
    cancel = CancelToken()
    seen = []
    for task, _result in run_tasks([Task(i, str(good), "docx") for i in range(20)], workers=1,
                                   cancel=cancel):
        seen.append(task.key)
        if len(seen) == 2:
            cancel.cancel()
    assert 2 <= len(seen) < 20


def test_no_tasks_no_workers() -> None:
    assert list(run_tasks([])) == []


@pytest.mark.skipif(not hasattr(os, "nice"), reason="POSIX niceness")
def test_workers_run_below_the_process_that_started_them(good: Path) -> None:
    """The process writing the index must not queue behind its own workers (see
    ``workers.worker_main``)."""
    results = list(run_tasks([Task(1, str(good), "docx")],
                             target=fake_target("report_niceness")))
    (_task, result), = results
    assert int(result["text"]) == min(os.nice(0) + WORKER_NICENESS, 19)


def test_the_supervisor_gets_the_gil_back_quickly_during_a_run(good: Path) -> None:
    """While results are handed over, a thread waiting for the GIL gets it after
    ``SWITCH_INTERVAL`` (the supervisor waits for it after each of its system calls); the
    interpreter's own interval comes back when the run ends, also when it stops early."""
    before = sys.getswitchinterval()
    seen = [sys.getswitchinterval() for _task, _result in
            run_tasks([Task(i, str(good), "docx") for i in range(3)], workers=1)]
    assert seen and max(seen) <= SWITCH_INTERVAL < before
    assert sys.getswitchinterval() == before
    tasks = run_tasks([Task(i, str(good), "docx") for i in range(3)], workers=1)
    next(tasks)
    tasks.close()
    assert sys.getswitchinterval() == before
