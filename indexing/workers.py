"""Extraction in worker processes, so that one bad file cannot hang or crash the application.

A parser fed a hostile or broken file may loop for minutes, exhaust memory, or crash in C code
(MuPDF, libxml2). Each file is therefore read in a worker process that the supervisor here
watches: a worker past its time limit is killed and the file gets the status ``corrupt`` with the
reason; a worker that dies takes only its current file with it; both are replaced and the run
goes on. Where the OS allows (``resource`` on Linux/macOS), a worker's address space is limited
too, so that a parser's runaway allocation ends in ``MemoryError`` instead of swapping the PC.

Start method: ``spawn`` on Windows (the only one there), ``forkserver`` elsewhere (safe with the
GUI's threads, and fast after the first start since the server has the parsers imported).
A frozen Windows build must call ``multiprocessing.freeze_support()`` first thing in ``main``.
"""

from __future__ import annotations

import collections
import contextlib
import importlib
import importlib.util
import multiprocessing
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from archive.priority import lower_this_process, quick_gil_handover
from archive.progress import CancelToken

DEFAULT_TARGET = "indexing.extract:extract_task"
# The same, with the text's index terms (``indexing.analysis.text_terms``) for a run that indexes.
ANALYZE_TARGET = "indexing.extract:extract_and_analyze_task"
# Seconds one file may take; generous, since a 500-page PDF on a slow PC takes a while.
TIME_LIMIT = 120.0
MEMORY_LIMIT_MB = 3072
# Niceness added to a worker on POSIX (Windows: the below-normal priority class); see
# ``worker_main``.
WORKER_NICENESS = 5
_PRELOAD = ["indexing.extract", "indexing.extract.docx", "indexing.extract.pdf",
            "indexing.proposals", "indexing.analysis", "rjieba", "pymupdf", "lxml.etree"]


@dataclass(frozen=True)
class Task:
    key: int
    path: str
    ext: str


def failure(reason: str) -> dict[str, Any]:
    """The result recorded for a file whose worker timed out or died."""
    return {"status": "corrupt", "reason": reason, "text": "", "page_count": None, "info": {}}


def _resolve(target: str) -> Callable[..., dict[str, Any]]:
    """``"package.module:function"``, or ``"/path/to/file.py:function"`` (tests use that: a
    worker's import path is fixed when the first worker starts)."""
    module, _, name = target.rpartition(":")
    if module.endswith(".py"):
        spec = importlib.util.spec_from_file_location(Path(module).stem, module)
        assert spec is not None and spec.loader is not None
        loaded = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loaded)
        return getattr(loaded, name)  # type: ignore[no-any-return]
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def _limit_memory(megabytes: int | None) -> None:
    if not megabytes:
        return
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the size checks in the extractors remain
        return
    limit = megabytes * 1024 * 1024
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass


def worker_main(conn: Connection, target: str, memory_mb: int | None) -> None:
    """A worker's loop: receive (key, path, ext), send (key, result) back, until told to stop."""
    _limit_memory(memory_mb)
    # Below the process that started it: that one stores the results and writes the index, one
    # process against several workers; at the same priority it would get a share of a core
    # while the workers fill the result buffer, then finish that backlog alone. The window
    # stays responsive too.
    lower_this_process(WORKER_NICENESS)
    func = _resolve(target)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        key, path, ext = message
        try:
            result = func(path, ext)
        except MemoryError:
            result = failure("文件过大或结构过于复杂，读取时内存不足")
        except Exception as exc:  # noqa: BLE001 - report, keep serving the next files
            result = failure(f"读取失败：{type(exc).__name__}: {exc}"[:500])
        try:
            conn.send((key, result))
        except (OSError, ValueError):
            return


def _context() -> multiprocessing.context.BaseContext:
    if sys.platform == "win32" or "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


class _Worker:
    def __init__(self, ctx: multiprocessing.context.BaseContext, target: str,
                 memory_mb: int | None) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=worker_main, args=(child, target, memory_mb),
                                   daemon=True, name="civledger-extract")
        self.process.start()
        child.close()
        # Tasks sent and not yet answered, in order: the first is the one being worked on.
        self.tasks: collections.deque[Task] = collections.deque()
        self.deadline = 0.0

    @property
    def task(self) -> Task | None:
        return self.tasks[0] if self.tasks else None

    def give(self, task: Task, limit: float) -> None:
        if not self.tasks:
            self.deadline = time.monotonic() + limit
        self.tasks.append(task)
        self.conn.send((task.key, task.path, task.ext))

    def answered(self, key: int, limit: float) -> Task:
        """The first task is done: the next one (already in the worker's pipe) starts now."""
        task = self.tasks.popleft()
        assert key == task.key
        self.deadline = time.monotonic() + limit
        return task

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def run_tasks(
    tasks: Iterable[Task],
    workers: int | None = None,
    time_limit: float = TIME_LIMIT,
    memory_mb: int | None = MEMORY_LIMIT_MB,
    target: str = DEFAULT_TARGET,
    cancel: CancelToken | None = None,
) -> Iterator[tuple[Task, dict[str, Any]]]:
    """Run ``tasks`` in worker processes and yield ``(task, result)`` as each one finishes.

    A supervisor thread keeps the workers busy while the caller handles results (storing them,
    indexing them), up to ``RESULTS_AHEAD`` results ahead. Stops early, without raising, when
    ``cancel`` is set; tasks not yielded were not done. Closing the generator kills the workers.
    """
    todo = list(tasks)
    if not todo:
        return
    results: queue.Queue[Any] = queue.Queue(maxsize=RESULTS_AHEAD)
    stop = threading.Event()

    def offer(item: Any) -> bool:
        while not stop.is_set():
            try:
                results.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def supervise() -> None:
        gen = _supervise(todo, workers, time_limit, memory_mb, target, cancel, stop)
        try:
            for item in gen:
                if not offer(item):
                    break
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            offer(_Failed(exc))
        finally:
            gen.close()
            offer(_DONE)

    thread = threading.Thread(target=supervise, name="civledger-extract-supervisor",
                              daemon=True)
    # The caller's thread (writing the index) holds the GIL for long stretches; the supervisor
    # needs it back after every system call it makes (select, two reads per result, the write
    # of the next task): four or five waits of up to the switch interval per result. At 1 ms
    # that capped it near the rate the workers produce, and they stood blocked on full pipes
    # (5 % of the machine idle through a 20,000-document run, 15 % after each segment
    # written); at 0.2 ms none was (idle under 1 %, the run 6 % shorter).
    with quick_gil_handover(SWITCH_INTERVAL):
        thread.start()
        try:
            while True:
                if cancel is not None and cancel.cancelled:
                    return
                try:
                    item = results.get(timeout=0.1)
                except queue.Empty:
                    if not thread.is_alive() and results.empty():
                        return
                    continue
                if item is _DONE:
                    return
                if isinstance(item, _Failed):
                    raise item.exc
                yield item
        finally:
            stop.set()
            thread.join()


# Results the supervisor holds for the caller: while the index writer commits a segment (seconds
# at 5,000 documents) the workers go on extracting into this buffer (a result with its text and
# terms is ~30 KB).
RESULTS_AHEAD = 3000
SWITCH_INTERVAL = 0.0002
# Tasks sent to a worker ahead of its answers: the next file is already in its pipe when it
# finishes one, so it does not wait for the supervisor thread (which needs the GIL, busy with
# the index writer) to hand it over.
IN_FLIGHT = 3
_DONE = object()


@dataclass(frozen=True)
class _Failed:
    exc: BaseException


def _supervise(
    todo: list[Task],
    workers: int | None,
    time_limit: float,
    memory_mb: int | None,
    target: str,
    cancel: CancelToken | None,
    stop: threading.Event,
) -> Iterator[tuple[Task, dict[str, Any]]]:
    pending = list(reversed(todo))
    ctx = _context()
    count = min(workers or default_workers(), len(pending))
    pool = [_Worker(ctx, target, memory_mb) for _ in range(count)]

    def replace(w: _Worker) -> None:
        """Kill ``w`` (its first task is reported by the caller) and requeue the tasks it had
        waiting in its pipe."""
        pending.extend(reversed(list(w.tasks)[1:]))
        pool[pool.index(w)] = _replace(w, ctx, target, memory_mb)

    try:
        while True:
            if stop.is_set() or (cancel is not None and cancel.cancelled):
                return
            for w in pool:
                while len(w.tasks) < IN_FLIGHT and pending:
                    w.give(pending.pop(), time_limit)
            busy = [w for w in pool if w.task is not None]
            if not busy:
                return
            now = time.monotonic()
            timeout = max(0.0, min(min(w.deadline for w in busy) - now, 0.25))
            ready = wait([w.conn for w in busy], timeout=timeout)
            for w in busy:
                task = w.task
                assert task is not None
                if w.conn in ready:
                    try:
                        key, result = w.conn.recv()
                    except (EOFError, OSError):
                        result = failure("读取此文件时解析程序异常退出（文件可能已损坏），已跳过")
                        replace(w)
                    else:
                        w.answered(key, time_limit)
                    yield task, result
                elif time.monotonic() > w.deadline:
                    replace(w)
                    yield task, failure(
                        f"读取超时（超过 {time_limit:g} 秒），文件可能已损坏或过于复杂，已跳过")
    finally:
        for w in pool:
            if w.task is None:
                w.stop()
            else:
                w.kill()


def _replace(worker: _Worker, ctx: multiprocessing.context.BaseContext, target: str,
             memory_mb: int | None) -> _Worker:
    worker.kill()
    return _Worker(ctx, target, memory_mb)
