"""Limits that keep one hostile or broken file from exhausting the extraction worker.

The worker process also has a wall-clock limit and, where the OS allows it, a memory limit
(``indexing.workers``); these checks refuse the well-known traps before any parsing starts:
zip bombs (huge or extremely compressed members), oversized XML parts, and XML that declares a
DTD (entity expansion, external entities). OOXML and OFD never need a DTD.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import IO

from lxml import etree

# Any one member of an OOXML/OFD/zip file, uncompressed.
MAX_MEMBER_BYTES = 200 * 1024 * 1024
# All members of one container together, uncompressed.
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
# A member this much larger than its compressed size is a bomb (text XML reaches ~20–40).
MAX_RATIO = 200
RATIO_FLOOR = 10 * 1024 * 1024  # small members may compress as well as they like
MAX_MEMBERS = 20_000
# Text kept per file; the rest is dropped and ``info["truncated"]`` set.
MAX_TEXT_CHARS = 5_000_000
# Plain text files read at most this much.
MAX_TEXT_FILE_BYTES = 64 * 1024 * 1024


class LimitExceeded(Exception):
    """The file breaks a safety limit; ``str(exc)`` is the reason in Chinese."""


def check_zip(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The members of ``zf`` after checking sizes and compression ratios (bombs refused)."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise LimitExceeded(f"压缩包内条目过多（{len(infos)} 个），已拒绝读取")
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > MAX_MEMBER_BYTES:
            raise LimitExceeded(
                f"内部文件 {info.filename} 解压后过大（{size // 1024 // 1024} MB），已拒绝读取"
            )
        if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
            raise LimitExceeded(f"内部文件 {info.filename} 压缩比异常（疑似“压缩炸弹”），已拒绝读取")
    if total > MAX_TOTAL_BYTES:
        raise LimitExceeded(f"解压后总大小过大（{total // 1024 // 1024} MB），已拒绝读取")
    return infos


def read_member(zf: zipfile.ZipFile, name: str) -> bytes:
    """A member's bytes, never more than ``MAX_MEMBER_BYTES`` whatever its header claims."""
    with zf.open(name) as fh:
        data = fh.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise LimitExceeded(f"内部文件 {name} 解压后过大，已拒绝读取")
    return data


def refuse_dtd(data: bytes, where: str) -> None:
    """Refuse XML that declares a DTD: the door to entity expansion and external entities."""
    head = data[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head or b"<\x00!\x00D\x00O\x00C" in head:
        raise LimitExceeded(f"{where} 含有 DTD 声明（可能是恶意构造的文件），已拒绝读取")


def iterparse(data: bytes, where: str, tags: tuple[str, ...] | None = None,
              events: tuple[str, ...] = ("end",)) -> Iterator[tuple[str, etree._Element]]:
    """lxml iterparse with entities, DTDs and the network off, huge trees refused."""
    refuse_dtd(data, where)
    import io

    source: IO[bytes] = io.BytesIO(data)
    return etree.iterparse(source, events=events, tag=tags, resolve_entities=False,
                           load_dtd=False, no_network=True, huge_tree=False, recover=False)


def cap_text(text: str, info: dict[str, object]) -> str:
    if len(text) > MAX_TEXT_CHARS:
        info["truncated"] = True
        return text[:MAX_TEXT_CHARS]
    return text
