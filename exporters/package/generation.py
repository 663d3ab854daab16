"""The generated files of a package — submission forms, photo sheets, catalogue, index.html —
made while the document files are copied.

Generating is pure Python (XML text, deflate, JSON, JPEG scaling, the completeness check): ~7
CPU-seconds for 21,000 placements. On a thread it holds the interpreter lock against the copy
loop, which gives the lock up at every system call (open, sendfile, close) and then waits up to
the switch interval (5 ms) to get it back: the copy slows to the pace of the generator. A large
package is therefore generated in a child process (``spawn``, as on Windows), started first
thing in the export so that its start-up and the completeness check run while the parent selects
and lays out. It receives the selection and layout once they are made, and sends the files back.
A small package keeps a thread: starting a process costs more than its generation.

Whoever produces them, the writer treats generated files like the copied ones: written, read back
and hashed before the manifest is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import multiprocessing
import signal
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from archive.errors import Cancelled
from archive.library import Library
from archive.priority import lower_this_process
from archive.progress import CancelToken
from exporters.package.catalog import catalog_docx, catalog_rows, catalog_xlsx
from exporters.package.forms import submission_form
from exporters.package.html_index import index_files
from exporters.package.layout import CATALOG_DOCX, CATALOG_XLSX, Layout
from exporters.package.photos import photo_placements, photo_sheet
from exporters.package.selection import Selection, search_texts
from exporters.package.writer import Entry

log = logging.getLogger(__name__)
# From this many placements on (as counted before selecting) the files are generated in a child
# process; below, on a thread. Generating 2,000 placements takes ~0.7 s, starting a process
# ~0.5 s (more on Windows), which then runs beside the parent's own work.
PROCESS_MIN_PLACEMENTS = 2_000
# Seconds a child process gets to end by itself before it is terminated.
STOP_GRACE = 2.0

CheckResult = dict[str, Any] | None


def check_result(lib: Library, period: str, unit: str | None, notes: list[str],
                 cancel: CancelToken) -> CheckResult:
    """The completeness check's result for index.html, or None (and a note) without it."""
    started = time.monotonic()
    try:
        from archive.check import run_check
    except ImportError:
        notes.append("完整性检查模块不可用，index.html 只统计各测评标准有无资料。")
        return None
    try:
        # In a read session: run_check(lib) would hold the write lock for its whole run.
        with lib.read_session() as s:
            result: dict[str, Any] = run_check(s, period, unit=unit, cancel=cancel).as_json()
        log.debug("check (%.2f s)", time.monotonic() - started)
        return result
    except Cancelled:
        return None
    except Exception as exc:  # noqa: BLE001 - a failing check must not stop the export
        notes.append(f"完整性检查未能运行（{exc}），index.html 只统计各测评标准有无资料。")
        return None


def generate_files(lib: Library, sel: Selection, layout: Layout, day: dt.date,
                   cancel: CancelToken, notes: list[str],
                   check: Callable[[], CheckResult] | None = None) -> list[Entry]:
    """Everything the export writes besides the document files (checks ``cancel`` between).

    ``check`` supplies the completeness check's result when it was started earlier; without it
    the check runs here.
    """
    started = time.monotonic()
    out: list[Entry] = []
    for folder in layout.folders:
        cancel.raise_if_cancelled()
        out.append(Entry.generated(folder.form_path, submission_form(sel, folder, day)))
        if photo_placements(folder):
            data = photo_sheet(sel, folder,
                               lambda p: lib.store.path_for(p.doc.sha256, p.doc.ext), day,
                               cancel)
            if data is not None:
                out.append(Entry.generated(folder.photo_sheet_path, data))
    rows = catalog_rows(sel, layout)
    cancel.raise_if_cancelled()
    out.append(Entry.generated(CATALOG_XLSX, catalog_xlsx(sel, rows, day)))
    cancel.raise_if_cancelled()
    out.append(Entry.generated(CATALOG_DOCX, catalog_docx(sel, rows, day)))
    texts = search_texts(lib, sorted({p.doc.id for p in layout.placements}))
    cancel.raise_if_cancelled()
    result = check() if check is not None else check_result(lib, sel.period, sel.unit, notes,
                                                            cancel)
    cancel.raise_if_cancelled()
    for name, data in index_files(sel, layout, texts, day, result).items():
        out.append(Entry.generated(name, data))
    log.debug("generated %d files (%.2f s)", len(out), time.monotonic() - started)
    return out


class Generation:
    """The generated files, made beside the copy: ``provide`` hands over what they are made
    from, ``ready(timeout)`` tells whether they are there, ``result()`` returns them (or raises
    what went wrong), ``close()`` ends the work early if it is still running."""

    def __init__(self, notes: list[str]) -> None:
        self.notes = notes
        self._done = threading.Event()
        self._value: list[Entry] | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def provide(self, sel: Selection, layout: Layout, day: dt.date) -> None:
        raise NotImplementedError

    def ready(self, timeout: float) -> bool:
        return self._done.wait(timeout)

    def result(self) -> list[Entry]:
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value

    def close(self) -> None:
        if self._thread is not None:
            self._thread.join(timeout=60)

    def _run(self, work: Callable[[], list[Entry]], name: str) -> None:
        def body() -> None:
            try:
                self._value = work()
            except BaseException as exc:  # noqa: BLE001 - handed to the thread that waits
                self._error = exc
            finally:
                self._done.set()

        self._thread = threading.Thread(target=body, name=name, daemon=True)
        self._thread.start()


class ThreadGeneration(Generation):
    """Generation on a thread of this process (small packages)."""

    def __init__(self, lib: Library, notes: list[str], stop: CancelToken) -> None:
        super().__init__(notes)
        self.lib = lib
        self.stop = stop

    def provide(self, sel: Selection, layout: Layout, day: dt.date) -> None:
        self._run(lambda: generate_files(self.lib, sel, layout, day, self.stop, self.notes),
                  "package-generate")


class ProcessGeneration(Generation):
    """Generation in a child process (large packages); see the module docstring.

    A child that cannot start or dies (a script without ``if __name__ == "__main__"``, a frozen
    build without ``freeze_support``, too little memory) costs speed, not the export: the files
    are then generated on the thread that waited for them.
    """

    def __init__(self, lib: Library, period: str, unit: str | None, notes: list[str],
                 stop: CancelToken) -> None:
        super().__init__(notes)
        self.lib = lib
        self.stop = stop
        self._closing = False
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe(duplex=True)
        self._process = ctx.Process(
            target=child_main, args=(child, str(lib.root), lib.url, period, unit),
            name="civledger-package", daemon=True)
        self._process.start()
        child.close()

    def provide(self, sel: Selection, layout: Layout, day: dt.date) -> None:
        self._run(lambda: self._exchange(sel, layout, day), "package-generate")

    def _exchange(self, sel: Selection, layout: Layout, day: dt.date) -> list[Entry]:
        started = time.monotonic()
        try:
            self._conn.send((sel, layout, day))
            log.debug("selection sent to the generating process (%.2f s)",
                      time.monotonic() - started)
            status, payload, notes, cpu = self._conn.recv()
        except (EOFError, OSError):
            if self._closing:
                raise Cancelled() from None  # ended by close(): the export is over
            self._process.join(timeout=STOP_GRACE)
            log.info("the generating process ended early (exit code %s); generating here",
                     self._process.exitcode)
            return generate_files(self.lib, sel, layout, day, self.stop, self.notes)
        log.debug("files received from the generating process (%.2f s, its CPU %.2f s)",
                  time.monotonic() - started, cpu)
        self.notes += notes
        if status != "ok":
            raise payload
        return list(payload)

    def close(self) -> None:
        """Stop the child if it still works (cancel, a failed copy), then wait for it."""
        self._closing = True
        if self._process.is_alive() and not self._done.is_set():
            self._process.terminate()
        self._process.join(timeout=STOP_GRACE)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=STOP_GRACE)
        super().close()  # the exchange ends with the child (end of file, broken pipe)
        self._conn.close()


def start_generation(lib: Library, period: str, unit: str | None, expected: int,
                     notes: list[str], stop: CancelToken) -> Generation:
    """A process for a package of ``expected`` placements or more, else a thread."""
    if expected >= PROCESS_MIN_PLACEMENTS:
        try:
            return ProcessGeneration(lib, period, unit, notes, stop)
        except (OSError, AssertionError, RuntimeError) as exc:
            # No child here (a daemonic process, a bootstrapping one, no resources): a thread.
            log.info("no process for generating the package's files (%s); a thread instead", exc)
    return ThreadGeneration(lib, notes, stop)


# -- the child process -------------------------------------------------------------------------
def child_main(conn: Connection, root: str, url: str, period: str, unit: str | None) -> None:
    """Run the check at once, then generate from the selection the parent sends."""
    from archive.db import make_engine

    lower_this_process()  # the parent's copy loop comes first; see archive/priority.py
    # A process that lives for one export: what it builds (the unpickled selection, rows, XML
    # text) has hardly a cycle and is freed by reference counting or at exit, so collections
    # would only walk it in vain (~0.5 CPU-s for 21,000 placements).
    gc.disable()
    # Ctrl+C in a terminal reaches the whole process group: the parent handles it and ends
    # this process; no second traceback from here.
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent has opened (and, if need be, upgraded) the library; the child only reads.
    lib = Library(Path(root), url, make_engine(url))
    notes: list[str] = []
    checked: dict[str, CheckResult] = {}
    checker = threading.Thread(
        target=lambda: checked.update(result=check_result(lib, period, unit, notes,
                                                          CancelToken())),
        name="package-check", daemon=True)
    checker.start()
    try:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the parent went away
        if message is None:
            return
        sel, layout, day = message

        def check() -> CheckResult:
            checker.join()
            return checked.get("result")

        try:
            reply: tuple[str, Any, list[str], float] = (
                "ok", generate_files(lib, sel, layout, day, CancelToken(), notes, check), notes,
                time.process_time())
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            reply = ("error", exc, notes, time.process_time())
        with contextlib.suppress(OSError, EOFError):  # the parent may have stopped waiting
            try:
                conn.send(reply)
            except Exception:  # noqa: BLE001 - an exception that does not pickle
                error = reply[1]
                text = "".join(traceback.format_exception_only(type(error), error)).strip()
                conn.send(("error", RuntimeError(text), notes, time.process_time()))
    finally:
        with contextlib.suppress(Exception):
            lib.close()
        conn.close()
