"""What extracting one file yields: text, page count, a status with its reason, and facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OK = "ok"
EMPTY = "empty"
CORRUPT = "corrupt"
ENCRYPTED = "encrypted"
NO_TEXT = "no_text"
UNSUPPORTED = "unsupported"

PAGE_BREAK = "\f"


@dataclass
class Extraction:
    """The outcome for one file. ``text`` separates pages with form feeds (PDF, OFD, slides).

    ``info`` holds what else was learnt: "exif_date", "width", "height", "encoding",
    "repaired", "truncated", and "heading" (the title candidate the layout shows, used for the
    proposed 题名 and removed before storing).
    """

    status: str
    reason: str = ""
    text: str = ""
    page_count: int | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "reason": self.reason, "text": self.text,
                "page_count": self.page_count, "info": self.info}


def text_status(text: str, what: str = "文件") -> tuple[str, str]:
    """``ok`` when there is text, else ``empty`` with the reason."""
    if text.strip():
        return OK, ""
    return EMPTY, f"{what}中没有文字"
