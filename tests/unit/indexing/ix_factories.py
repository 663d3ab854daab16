"""Files the indexing tests need beyond tests/factories.py: Chinese text of a given length,
.docx with text boxes and several header kinds, .pptx, .ofd, hostile zips and XML.

Office files are assembled from their XML parts where python-docx cannot make them (text boxes,
first-page and even-page headers) or the library is not installed (python-pptx).
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

_SUBJECTS = ["东城街道", "西湖社区", "幸福里社区", "区文明办", "志愿服务队", "区城管局", "团区委",
             "龙泉村", "新华小区", "区教育局", "网格员", "物业公司"]
_VERBS = ["组织开展", "深入推进", "认真落实", "广泛宣传", "全面整治", "持续开展", "积极参与",
          "定期检查", "统筹协调", "集中清理"]
_OBJECTS = ["垃圾分类", "文明交通劝导", "道德讲堂", "背街小巷环境整治", "公益广告刊播",
            "未成年人思想道德建设", "诚信经营承诺", "移风易俗宣传", "农贸市场秩序",
            "爱国卫生运动", "学雷锋志愿服务", "文明餐桌行动"]
_TAILS = ["活动", "工作", "专项行动", "督查", "培训", "宣传周"]


def chinese_text(seed: int, sentences: int = 20) -> str:
    """Sentences of ledger prose, reproducible from ``seed``, one paragraph per 3 sentences."""
    rnd = random.Random(seed)
    out: list[str] = []
    for i in range(sentences):
        n = rnd.randint(10, 300)
        s = (f"{rnd.choice(_SUBJECTS)}{rnd.choice(_VERBS)}{rnd.choice(_OBJECTS)}"
             f"{rnd.choice(_TAILS)}，参与群众{n}人次，")
        s += f"{rnd.choice(_SUBJECTS)}{rnd.choice(_VERBS)}{rnd.choice(_OBJECTS)}。"
        out.append(s + ("\n" if i % 3 == 2 else ""))
    return "".join(out).strip()


FAKES = Path(__file__).with_name("ix_fakes.py")


def fake_target(name: str) -> str:
    """A worker target from ix_fakes.py, named by file path (see indexing.workers._resolve)."""
    return f"{FAKES}:{name}"


W_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"')


def _p(text: str, style: str = "", size: int = 0) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    rpr = f'<w:rPr><w:sz w:val="{size}"/></w:rPr>' if size else ""
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def _textbox_para(anchor: str, box: str) -> str:
    """A paragraph anchoring a text box, stored as DrawingML with the VML copy as Office does."""
    inner = f"<w:txbxContent>{_p(box)}</w:txbxContent>"
    return (
        f'<w:p><w:r><w:t xml:space="preserve">{escape(anchor)}</w:t></w:r><w:r>'
        "<mc:AlternateContent>"
        f"<mc:Choice Requires=\"wps\"><w:drawing><wps:txbx>{inner}</wps:txbx></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{inner}</v:textbox></v:shape></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )


def make_rich_docx(
    path: Path,
    body: list[str],
    headers: dict[str, str] | None = None,
    footers: dict[str, str] | None = None,
    textbox: tuple[str, str] | None = None,
    table: list[list[str]] | None = None,
    title: str = "",
    title_size: int = 44,
    extra_parts: dict[str, bytes] | None = None,
    document_xml: bytes | None = None,
) -> Path:
    """A .docx written part by part: headers/footers of kinds "default", "first", "even"."""
    headers = headers or {}
    footers = footers or {}
    rels, refs, parts = [], [], {}
    for n, (kind, text) in enumerate(headers.items(), 1):
        parts[f"word/header{n}.xml"] = f"<w:hdr {W_NS}>{_p(text)}</w:hdr>"
        rels.append((f"rIdH{n}", "header", f"header{n}.xml"))
        refs.append(f'<w:headerReference w:type="{kind}" r:id="rIdH{n}"/>')
    for n, (kind, text) in enumerate(footers.items(), 1):
        parts[f"word/footer{n}.xml"] = f"<w:ftr {W_NS}>{_p(text)}</w:ftr>"
        rels.append((f"rIdF{n}", "footer", f"footer{n}.xml"))
        refs.append(f'<w:footerReference w:type="{kind}" r:id="rIdF{n}"/>')
    paras = []
    if title:
        paras.append(_p(title, size=title_size))
    paras += [_p(t, size=32) for t in body]
    if textbox:
        paras.append(_textbox_para(*textbox))
    if table:
        rows = "".join("<w:tr>" + "".join(f"<w:tc>{_p(c)}</w:tc>" for c in row) + "</w:tr>"
                       for row in table)
        paras.append(f"<w:tbl>{rows}</w:tbl>")
    title_pg = '<w:titlePg/>' if "first" in headers or "first" in footers else ""
    doc = (f'<?xml version="1.0" encoding="UTF-8"?><w:document {W_NS}><w:body>{"".join(paras)}'
           f"<w:sectPr>{''.join(refs)}{title_pg}</w:sectPr></w:body></w:document>")
    rel_xml = "".join(
        f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/{kind}" Target="{target}"/>' for rid, kind, target in rels)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                    'openxmlformats.org/package/2006/content-types"/>')
        zf.writestr("word/document.xml", document_xml or doc.encode("utf-8"))
        zf.writestr("word/_rels/document.xml.rels",
                    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                    f'package/2006/relationships">{rel_xml}</Relationships>')
        for name, xml in parts.items():
            zf.writestr(name, f'<?xml version="1.0" encoding="UTF-8"?>{xml}')
        for name, data in (extra_parts or {}).items():
            zf.writestr(name, data)
    return path


def make_pptx(path: Path, slides: list[str]) -> Path:
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    p = "http://schemas.openxmlformats.org/presentationml/2006/main"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        for n, text in enumerate(slides, 1):
            paras = "".join(f"<a:p><a:r><a:t>{escape(line)}</a:t></a:r></a:p>"
                            for line in text.split("\n"))
            zf.writestr(f"ppt/slides/slide{n}.xml",
                        f'<p:sld xmlns:p="{p}" xmlns:a="{a}"><p:cSld><p:spTree><p:sp><p:txBody>'
                        f"{paras}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>")
    return path


def make_ofd(path: Path, pages: list[str]) -> Path:
    ns = "http://www.ofdspec.org/2016"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", f'<ofd:OFD xmlns:ofd="{ns}"><ofd:DocBody><ofd:DocRoot>'
                               "Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        for n, text in enumerate(pages):
            objs = "".join(
                f'<ofd:TextObject ID="{i}"><ofd:TextCode X="0" Y="{10 * i}">{escape(line)}'
                "</ofd:TextCode></ofd:TextObject>" for i, line in enumerate(text.split("\n")))
            zf.writestr(f"Doc_0/Pages/Page_{n}/Content.xml",
                        f'<ofd:Page xmlns:ofd="{ns}"><ofd:Content><ofd:Layer>{objs}</ofd:Layer>'
                        "</ofd:Content></ofd:Page>")
    return path


def make_encrypted_office(path: Path) -> Path:
    """What Office writes for a password-protected .docx/.xlsx: an OLE compound file whose
    directory holds an ``EncryptedPackage`` stream (here only the header and directory name,
    which is what tells it apart from an old .doc)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    entry = "EncryptedPackage".encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + entry + b"\0" * 1024)
    return path


def make_ole_doc(path: Path) -> Path:
    """An old binary Word file as far as the header goes (an OLE compound file)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    entry = "WordDocument".encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + entry + b"\0" * 1024)
    return path


def set_encrypted_flag(zip_path: Path, member: str) -> None:
    """Mark one member as encrypted (general-purpose flag bit 0) in both of its headers,
    as a zip tool does when a password is set."""
    data = bytearray(zip_path.read_bytes())
    name = member.encode("utf-8")
    for sig, flag_offset, name_offset in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        pos = data.find(sig)
        while pos >= 0:
            if data[pos + name_offset : pos + name_offset + len(name)] == name:
                data[pos + flag_offset] |= 0x01
            pos = data.find(sig, pos + 4)
    zip_path.write_bytes(bytes(data))


def truncate(path: Path, fraction: float = 0.6) -> Path:
    """Cut a file short, as an interrupted download does."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path
