"""The members of a .zip kept as one document (a zip inside an imported folder tree, say).

Each readable member's text follows a line naming it (【压缩包内：name】). Member names written
by Windows in GBK are decoded as the importer decodes them. Members are written to a private
temporary folder one at a time and read by the same extractors, two levels deep at most; the
container limits (sizes, ratios, member count) are checked first.
"""

from __future__ import annotations

import posixpath
import shutil
import tempfile
import zipfile
from pathlib import Path

from archive.filestore import normalise_ext
from archive.import_sources import decode_zip_name, junk_reason, unsafe_zip_name
from indexing.extract.limits import MAX_TEXT_CHARS, cap_text, check_zip
from indexing.extract.result import CORRUPT, EMPTY, ENCRYPTED, OK, UNSUPPORTED, Extraction

MAX_DEPTH = 2


def extract(path: Path, depth: int = 0) -> Extraction:
    from indexing.extract import HANDLERS, extract_file

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return Extraction(CORRUPT, f"压缩包已损坏，无法打开：{exc}")
    chunks: list[str] = []
    encrypted: list[str] = []
    unreadable: list[str] = []
    size = 0
    with zf, tempfile.TemporaryDirectory(prefix="civledger-zip-") as tmp:
        infos = check_zip(zf)
        members = 0
        for info in infos:
            if info.is_dir():
                continue
            name = decode_zip_name(info)
            base = posixpath.basename(name.replace("\\", "/"))
            if unsafe_zip_name(name) or name.startswith("__MACOSX") or junk_reason(base):
                continue
            members += 1
            ext = normalise_ext(base)
            if info.flag_bits & 0x1:
                encrypted.append(name)
                continue
            if ext not in HANDLERS or (ext == "zip" and depth + 1 >= MAX_DEPTH):
                unreadable.append(name)
                continue
            target = Path(tmp) / f"member.{ext}"
            try:
                with zf.open(info) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
                unreadable.append(f"{name}（{exc}）")
                continue
            result = extract_file(target, ext, depth=depth + 1)
            target.unlink(missing_ok=True)
            if result.text.strip():
                chunks.append(f"【压缩包内：{name}】\n{result.text.replace(chr(12), chr(10))}")
                size += len(result.text)
            elif result.status == ENCRYPTED:
                encrypted.append(name)
            if size > MAX_TEXT_CHARS:
                break
    info_out: dict[str, object] = {"members": members}
    if encrypted:
        info_out["encrypted_members"] = encrypted[:50]
    text = cap_text("\n".join(chunks), info_out)
    if text.strip():
        note = f"压缩包内 {len(encrypted)} 个文件设有密码未能读取" if encrypted else ""
        return Extraction(OK, note, text, None, info_out)
    if encrypted:
        return Extraction(ENCRYPTED, f"压缩包内的文件设有密码，无法读取：{'、'.join(encrypted[:5])}",
                          info=info_out)
    if members == 0:
        return Extraction(EMPTY, "压缩包是空的", info=info_out)
    if unreadable:
        return Extraction(UNSUPPORTED, "未提取文字：压缩包内没有可读取文字的文件", info=info_out)
    return Extraction(EMPTY, "压缩包内的文件中没有文字", info=info_out)
