"""Logging to a file the clerk can find, and crash reports with a traceback the clerk can send.

The Windows build is a windowed executable: it has no console, ``sys.stdout`` and ``sys.stderr``
are ``None``, and an uncaught exception would vanish without a trace (or, worse, a library that
writes a warning to ``sys.stderr`` would crash on ``None.write``). So ``setup_logging``

- logs to a rotating file ``civledger.log`` in the user's log folder
  (``%LOCALAPPDATA%\\CivLedger\\Logs`` on Windows, ``~/.local/state/CivLedger/log`` on Linux;
  ``CIVLEDGER_LOG_DIR`` overrides it), and to the terminal too when there is one;
- in windowed mode, points ``sys.stdout``/``sys.stderr`` into that log;
- writes every uncaught exception, in the main thread (``sys.excepthook``, which PySide6 also
  calls for an exception in a slot) or in any other thread (``threading.excepthook``), to the log
  and to a ``crash-YYYYmmdd-HHMMSS.txt`` beside it, then tells the listeners registered with
  ``on_crash`` (the GUI shows a dialog naming the file);
- sends native crashes (a segfault in MuPDF or Qt) to ``fatal.log`` through ``faulthandler``;
- routes Qt's own warnings (a missing plugin, say) into the log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import faulthandler
import io
import logging
import logging.handlers
import os
import platform
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

APP_NAME = "CivLedger"
LOG_DIR_ENV = "CIVLEDGER_LOG_DIR"
LOG_FILE = "civledger.log"
FATAL_FILE = "fatal.log"
CRASH_PREFIX = "crash-"
LOG_MAX_BYTES = 2 * 1024 * 1024
LOG_BACKUPS = 5
KEEP_CRASH_FILES = 20
FATAL_MAX_BYTES = 1024 * 1024
# Libraries that say at INFO what the clerk's log has no use for (Alembic, on every open:
# "setup plugin …", "Context impl SQLiteImpl").
QUIET_LOGGERS = ("alembic",)
FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"

CrashListener = Callable[[Path, str], None]
_listeners: list[CrashListener] = []
_state: dict[str, Any] = {}  # what setup_logging installed, so that it can run twice


def log_dir() -> Path:
    """Where the log and crash files go (created by ``setup_logging``)."""
    env = os.environ.get(LOG_DIR_ENV)
    if env:
        return Path(env)
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))


def _usable_dir(preferred: Path) -> Path:
    """``preferred``, or a temporary folder when the profile is read-only or full."""
    for candidate in (preferred, Path(tempfile.gettempdir()) / APP_NAME / "Logs"):
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            probe = candidate / ".write-test"
            probe.write_text("", "utf-8")
            probe.unlink()
            return candidate
        except OSError:
            continue
    raise OSError(f"无法创建日志文件夹 {preferred}")


VERSION_FILE = "civledger-version.txt"  # written into the bundle by installer/civledger.spec


def app_version() -> str:
    """pyproject's version: from the bundle's version file, the installed metadata, or the
    source tree's pyproject.toml (a checkout that was never ``pip install``-ed)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        try:
            return (Path(bundle) / VERSION_FILE).read_text("utf-8").strip()
        except OSError:
            return "unknown"
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("civledger")
    except PackageNotFoundError:
        pass
    try:
        import tomllib

        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])
    except (OSError, KeyError, ValueError):
        return "unknown"


def environment_text() -> str:
    """Version, OS and build facts that a crash report needs to be useful."""
    frozen = "frozen" if getattr(sys, "frozen", False) else "source"
    return (f"CivLedger {app_version()} ({frozen}); Python {sys.version.split()[0]}; "
            f"{platform.platform()}; executable {sys.executable}")


class _LogStream(io.TextIOBase):
    """A stand-in for the missing ``sys.stdout``/``sys.stderr`` of a windowed program."""

    def __init__(self, logger: logging.Logger, level: int) -> None:
        self._logger = logger
        self._level = level
        self._buffer = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._buffer += text
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            if line.strip():
                self._logger.log(self._level, line.rstrip())
        return len(text)

    def flush(self) -> None:
        if self._buffer.strip():
            self._logger.log(self._level, self._buffer.rstrip())
        self._buffer = ""


def on_crash(listener: CrashListener) -> None:
    """Call ``listener(crash_file, summary)`` after an uncaught exception has been recorded."""
    if listener not in _listeners:
        _listeners.append(listener)


def remove_crash_listener(listener: CrashListener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def _prune_crash_files(directory: Path) -> None:
    crashes = sorted(directory.glob(f"{CRASH_PREFIX}*.txt"))
    for old in crashes[:-KEEP_CRASH_FILES]:
        with contextlib.suppress(OSError):
            old.unlink()


def write_crash_report(exc_type: type[BaseException], exc: BaseException,
                       tb: TracebackType | None, thread: str = "") -> Path | None:
    """Log the exception and write it to a new crash file; returns the file (None if unwritable)."""
    directory = _state.get("dir") or _usable_dir(log_dir())
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    where = f"线程 {thread}" if thread else "主线程"
    logging.getLogger("civledger.crash").critical("未处理的异常（%s）：\n%s", where, text.rstrip())
    now = dt.datetime.now()
    path = Path(directory) / f"{CRASH_PREFIX}{now:%Y%m%d-%H%M%S-%f}.txt"
    body = (f"创文台账 崩溃报告 / CivLedger crash report\n"
            f"时间：{now:%Y-%m-%d %H:%M:%S}\n"
            f"位置：{where}\n"
            f"环境：{environment_text()}\n"
            f"日志：{Path(directory) / LOG_FILE}\n\n{text}")
    try:
        path.write_text(body, "utf-8")
    except OSError:
        return None
    _prune_crash_files(Path(directory))
    summary = f"{exc_type.__name__}: {exc}"
    for listener in list(_listeners):
        try:
            listener(path, summary)
        except Exception:  # noqa: BLE001 - a failing dialog must not hide the crash
            logging.getLogger("civledger.crash").exception("崩溃提示失败")
    return path


def _excepthook(exc_type: type[BaseException], exc: BaseException,
                tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    write_crash_report(exc_type, exc, tb)
    previous = _state.get("previous_excepthook")
    if not _state.get("windowed") and previous is not None:
        previous(exc_type, exc, tb)  # the terminal shows it too


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    exc = args.exc_value if args.exc_value is not None else args.exc_type()
    name = args.thread.name if args.thread is not None else "?"
    write_crash_report(args.exc_type, exc, args.exc_traceback, thread=name)


# Qt messages that say nothing to anyone reading the log (the offscreen platform of the
# self-test and screenshots cannot resize native windows).
QT_NOISE = ("This plugin does not support propagateSizeHints()",)


def route_qt_messages() -> None:
    """Send Qt's warnings (a plugin it cannot load, a font it lacks) to the log. Done by
    ``setup_logging`` when Qt is already loaded (or the program is windowed); code that loads Qt
    later calls this. Does nothing before ``setup_logging`` or when already done."""
    if _state and "qt_handler" not in _state:
        _install_qt_message_handler()


def _install_qt_message_handler() -> None:
    if "PySide6.QtCore" not in sys.modules and not _state.get("windowed"):
        return  # the command line never needs Qt; do not import it for logging's sake
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("qt")
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}

    def handler(kind: QtMsgType, _context: Any, message: str) -> None:
        level = logging.DEBUG if message in QT_NOISE else levels.get(kind, logging.WARNING)
        qt_log.log(level, "%s", message)

    _state["previous_qt_handler"] = qInstallMessageHandler(handler)
    _state["qt_handler"] = handler


def setup_logging(windowed: bool, directory: Path | None = None,
                  level: int = logging.INFO) -> Path:
    """Log to ``civledger.log`` in the user's log folder and record crashes there; returns the
    log file's path.

    ``windowed``: the program has no console (the Windows GUI build); stdout/stderr then go to the
    log, and crashes are not echoed to a terminal. Safe to call again (the handlers are replaced).
    """
    teardown_logging()
    target = _usable_dir(directory if directory is not None else log_dir())
    log_path = target / LOG_FILE
    root = logging.getLogger()
    file_handler = logging.handlers.RotatingFileHandler(
        log_path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter(FORMAT))
    file_handler.setLevel(level)
    root.addHandler(file_handler)
    handlers: list[logging.Handler] = [file_handler]
    if not windowed and sys.stderr is not None:
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(logging.WARNING)
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(console)
        handlers.append(console)
    if root.level == logging.NOTSET or root.level > level:
        _state["previous_level"] = root.level
        root.setLevel(level)
    logging.captureWarnings(True)
    quiet = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    _state.update(quiet_levels=quiet, dir=target, windowed=windowed, handlers=handlers,
                  previous_excepthook=sys.excepthook,
                  previous_thread_excepthook=threading.excepthook,
                  previous_streams=(sys.stdout, sys.stderr))
    if windowed:
        if sys.stdout is None:
            sys.stdout = _LogStream(logging.getLogger("stdout"), logging.INFO)
        if sys.stderr is None:
            sys.stderr = _LogStream(logging.getLogger("stderr"), logging.WARNING)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
    fatal_path = target / FATAL_FILE
    too_big = fatal_path.exists() and fatal_path.stat().st_size > FATAL_MAX_BYTES
    fatal: IO[str] = open(fatal_path, "w" if too_big else "a", encoding="utf-8")  # noqa: SIM115
    fatal.write(f"--- {dt.datetime.now():%Y-%m-%d %H:%M:%S} {environment_text()}\n")
    fatal.flush()
    _state["fatal_file"] = fatal
    _state["faulthandler_was_enabled"] = faulthandler.is_enabled()
    faulthandler.enable(file=fatal, all_threads=True)
    with contextlib.suppress(ImportError):
        _install_qt_message_handler()
    logging.getLogger("civledger").info("启动：%s", environment_text())
    return log_path


def teardown_logging() -> None:
    """Undo ``setup_logging`` (tests, and a second call): handlers, hooks, streams, faulthandler."""
    if not _state:
        return
    root = logging.getLogger()
    for handler in _state.get("handlers", []):
        root.removeHandler(handler)
        handler.close()
    if "previous_level" in _state:
        root.setLevel(_state["previous_level"])
    logging.captureWarnings(False)
    for name, level in _state.get("quiet_levels", {}).items():
        logging.getLogger(name).setLevel(level)
    if sys.excepthook is _excepthook:
        sys.excepthook = _state["previous_excepthook"]
    if threading.excepthook is _thread_excepthook:
        threading.excepthook = _state["previous_thread_excepthook"]
    out, err = _state["previous_streams"]
    if isinstance(sys.stdout, _LogStream):
        sys.stdout = out
    if isinstance(sys.stderr, _LogStream):
        sys.stderr = err
    fatal = _state.get("fatal_file")
    if fatal is not None:
        faulthandler.disable()
        if _state.get("faulthandler_was_enabled") and sys.__stderr__ is not None:
            with contextlib.suppress(Exception):
                faulthandler.enable(file=sys.__stderr__)
        fatal.close()
    if "qt_handler" in _state:
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(_state.get("previous_qt_handler"))
    _state.clear()


def current_log_file() -> Path | None:
    """The log file ``setup_logging`` opened, if it ran (the GUI's 帮助 → 打开日志文件夹)."""
    directory = _state.get("dir")
    return Path(directory) / LOG_FILE if directory else None
