"""Progress in bytes with an estimate of the time left, throttled for the GUI and terminal."""

from __future__ import annotations

import time

from archive.progress import ProgressCallback, ProgressEvent

MIN_INTERVAL = 0.1  # seconds between two reports (20,000 small files must not flood a UI)
WARMUP = 1.5  # seconds of measuring before an estimate is shown


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def human_duration(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.5))
    if seconds < 60:
        return f"{seconds} 秒"
    minutes, sec = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} 分 {sec} 秒" if minutes < 10 else f"{minutes} 分钟"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} 小时 {minutes} 分钟"


class ByteMeter:
    """Counts bytes done against a total and reports them with the time left."""

    def __init__(self, callback: ProgressCallback, total: int) -> None:
        self.callback = callback
        self.total = max(total, 0)
        self.done = 0
        self.started = time.monotonic()
        self._last = 0.0

    def eta_seconds(self) -> float | None:
        elapsed = time.monotonic() - self.started
        if elapsed < WARMUP or self.done <= 0 or self.total <= self.done:
            return None
        return (self.total - self.done) * elapsed / self.done

    def message(self, action: str) -> str:
        text = f"{action}（{human_bytes(self.done)} / {human_bytes(self.total)}"
        eta = self.eta_seconds()
        if eta is not None:
            text += f"，约剩 {human_duration(eta)}"
        return text + "）"

    def due(self) -> bool:
        """Whether ``report`` would report now: lets a caller skip building the message."""
        return time.monotonic() - self._last >= MIN_INTERVAL

    def report(self, action: str, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < MIN_INTERVAL:
            return
        self._last = now
        self.callback(ProgressEvent(min(self.done, self.total), self.total, self.message(action),
                                    unit="bytes"))
