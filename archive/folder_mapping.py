"""Which standard a folder means: "1.2.3 …" by code, "05 建设道德讲堂…" or "5." by number,
or a folder named by (a prefix of) the standard's title. Units are recognised by name the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CODE = re.compile(r"^\s*(\d+(?:[.．]\d+)+)[.．、\s_\-]*")
_SEQ = re.compile(r"^\s*[（(【\[]?(\d{1,4})[)）】\]]?(?:[.．、\s_\-]+|$|(?=\D))")
_PUNCT = re.compile(r"[\s　、，,。.．：:；;“”\"'‘’（）()【】\[\]《》<>_\-—]+")
MIN_TITLE_PREFIX = 4


def normalise(text: str) -> str:
    return _PUNCT.sub("", text)


@dataclass(frozen=True)
class StandardKey:
    id: int
    code: str
    seq: int | None
    title: str


class StandardMatcher:
    def __init__(self, standards: list[StandardKey]) -> None:
        self.by_code = {s.code: s.id for s in standards}
        self.by_seq = {s.seq: s.id for s in standards if s.seq is not None}
        self.titles = [(normalise(s.title), s.id) for s in standards]
        self.title_of = {s.id: normalise(s.title) for s in standards}

    def _fits(self, sid: int, rest: str) -> bool:
        """A number alone maps; a number with words maps only if the words fit the title.

        "1 牢固的思想道德基础" is a block folder, not standard no. 1.
        """
        words = set(normalise(rest))
        if not words:
            return True
        title = self.title_of[sid]
        return sum(ch in title for ch in words) / len(words) >= 0.5

    def match_folder(self, name: str) -> int | None:
        m = _CODE.match(name)
        if m:
            code = m.group(1).replace("．", ".")
            if code in self.by_code:
                return self.by_code[code]
            rest = name[m.end():]
        else:
            m2 = _SEQ.match(name)
            if m2:
                seq = int(m2.group(1))
                rest = name[m2.end():]
                sid = self.by_seq.get(seq, self.by_code.get(m2.group(1)))
                if sid is not None and self._fits(sid, rest):
                    return sid
            else:
                rest = name
        key = normalise(rest)
        if len(key) < MIN_TITLE_PREFIX:
            return None
        hits = [sid for title, sid in self.titles if title.startswith(key) or key.startswith(title)]
        return hits[0] if len(hits) == 1 else None

    def match(self, folders: tuple[str, ...]) -> int | None:
        """The deepest folder that names a standard wins."""
        for name in reversed(folders):
            sid = self.match_folder(name)
            if sid is not None:
                return sid
        return None


class UnitMatcher:
    def __init__(self, units: list[tuple[int, str, str]]) -> None:
        self.names: dict[str, int] = {}
        for uid, name, short in units:
            self.names[normalise(name)] = uid
            if short:
                self.names.setdefault(normalise(short), uid)

    def match(self, folders: tuple[str, ...]) -> int | None:
        for name in reversed(folders):
            uid = self.names.get(normalise(_SEQ.sub("", name, count=1)) or normalise(name))
            if uid is not None:
                return uid
        return None
