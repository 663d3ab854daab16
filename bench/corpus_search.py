"""A generated corpus of Chinese ledger documents for the search benchmark (docx and pdf).

Text is made of clauses cut from the campaign plans in ``../shared/seeds`` (or a built-in list when
the seeds are not beside the checkout), recombined at random and sprinkled with the things clerks
search for: community and unit names, topics, 文号 such as 区文明办〔2023〕12号, dates and numbers.
Every document is reproducible from ``(seed, index)``, so the benchmark can ask for strings it knows
are in a given document.

.docx files are written as bare OOXML (a python-docx save costs ~10 ms, 20,000 of them minutes);
.pdf files with PyMuPDF, wrapped by hand into lines because ``insert_textbox`` writes nothing when
text overflows.
"""

from __future__ import annotations

import json
import random
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"

_PLACES_A = list("东西南北中新老上下前后大小金银龙凤")
_PLACES_B = ["风", "华", "阳", "湖", "山", "桥", "园", "塘", "岭", "沙", "坪", "溪", "港", "林", "泉",
             "城", "门", "口", "坝", "湾"]
_PLACE_KIND = ["社区", "街道", "村", "小区", "片区"]
UNITS = ["区委宣传部", "区文明办", "区城管局", "区教育局", "区民政局", "区卫健委", "区交通局",
         "区市场监管局", "区住建局", "团区委", "区妇联", "区总工会", "区生态环境分局",
         "区公安分局", "区文旅局", "区商务局", "区司法局", "区应急管理局"]
TOPICS = ["垃圾分类", "志愿服务", "道德讲堂", "文明交通", "未成年人思想道德建设", "农贸市场整治",
          "背街小巷改造", "公益广告", "诚信建设", "移风易俗", "文明餐桌", "爱国卫生运动",
          "新时代文明实践", "社会主义核心价值观", "好人榜评选", "文明家庭创建", "网络文明",
          "扫黑除恶", "食品安全", "消防安全", "无障碍设施", "公共文化服务"]
KINDS = ["工作总结", "实施方案", "工作台账", "通知", "工作简报", "会议记录", "自查报告"]
_FALLBACK_CLAUSES = [
    "为深入推进全国文明城市创建工作", "结合我区实际", "特制定本方案", "切实加强组织领导",
    "明确责任分工", "广泛开展宣传发动", "营造浓厚创建氛围", "持续开展环境卫生整治",
    "不断提升市民文明素质", "建立健全长效管理机制", "加强督查考核", "确保各项任务落到实处",
    "组织志愿者开展清洁家园活动", "深入社区开展入户宣传", "发放宣传资料", "召开专题推进会",
    "对照测评体系逐项梳理", "及时整改发现的问题", "形成常态长效", "群众满意度明显提高",
]


def place_names() -> list[str]:
    """About 1,700 distinct place names (东风社区, 金湖街道, …): rare strings to search for."""
    return [a + b + k for a in _PLACES_A for b in _PLACES_B for k in _PLACE_KIND]


def seed_clauses() -> list[str]:
    """Clauses of 4–40 characters from the seeds' Chinese text."""
    texts = []
    if SEED_DIR.is_dir():
        texts = [p.read_text("utf-8", errors="replace") for p in sorted(SEED_DIR.glob("*.txt"))]
    clauses = []
    for text in texts:
        for clause in re.split(r"[，。；！？、,;!?\n：:（）()《》“”\"【】\s]+", text):
            chinese = sum(1 for c in clause if "\u4e00" <= c <= "\u9fff")
            if 4 <= len(clause) <= 40 and chinese >= len(clause) * 0.8:
                clauses.append(clause)
    return sorted(set(clauses)) or list(_FALLBACK_CLAUSES)


@dataclass
class GenDoc:
    index: int
    ext: str  # "docx" or "pdf"
    title: str
    doc_number: str
    date_text: str
    unit: str
    place: str
    topic: str
    paragraphs: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.index:05d}_{self.title}.{self.ext}"

    @property
    def text(self) -> str:
        return "\n".join([self.doc_number, self.title, *self.paragraphs, self.unit,
                          self.date_text])


class Generator:
    def __init__(self, seed: int = 1) -> None:
        self.seed = seed
        self.clauses = seed_clauses()
        self.places = place_names()

    def document(self, index: int) -> GenDoc:
        rnd = random.Random(self.seed * 1_000_003 + index)
        year = rnd.choice([2021, 2022, 2023, 2024])
        unit = rnd.choice(UNITS)
        place = rnd.choice(self.places)
        topic = rnd.choice(TOPICS)
        title = f"{place}{topic}{rnd.choice(KINDS)}"
        doc_number = f"{unit[1:3] if len(unit) > 3 else unit}〔{year}〕{rnd.randint(1, 150)}号"
        date_text = f"{year}年{rnd.randint(1, 12)}月{rnd.randint(1, 28)}日"
        target = rnd.randint(2_000, 20_000)  # bytes of UTF-8 text (3 per character)
        paragraphs: list[str] = []
        size = 0
        while size < target:
            sentence = self._sentence(rnd, place, topic, year)
            if paragraphs and rnd.random() < 0.75:
                paragraphs[-1] += sentence
            else:
                paragraphs.append(sentence)
            size += len(sentence.encode())
        return GenDoc(index, "docx" if index % 2 == 0 else "pdf", title, doc_number, date_text,
                      unit, place, topic, paragraphs)

    def _sentence(self, rnd: random.Random, place: str, topic: str, year: int) -> str:
        parts = [rnd.choice(self.clauses) for _ in range(rnd.randint(2, 5))]
        roll = rnd.random()
        if roll < 0.15:
            parts.insert(rnd.randrange(len(parts)), f"{place}{topic}")
        elif roll < 0.25:
            parts.insert(rnd.randrange(len(parts)), f"{rnd.choice(self.places)}组织志愿者"
                                                     f"{rnd.randint(10, 500)}人次")
        elif roll < 0.32:
            parts.append(f"{year}年{rnd.randint(1, 12)}月共开展{topic}活动"
                         f"{rnd.randint(2, 60)}场次")
        elif roll < 0.36:
            parts.append(f"责任单位：{rnd.choice(UNITS)}、{rnd.choice(UNITS)}")
        return "，".join(parts) + "。"

    def documents(self, n: int) -> Iterator[GenDoc]:
        for i in range(n):
            yield self.document(i)


# -- writers ---------------------------------------------------------------------------------
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def write_docx(path: Path, doc: GenDoc) -> None:
    def para(text: str, style: str = "") -> str:
        ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        return f"<w:p>{ppr}<w:r><w:t xml:space=\"preserve\">{escape(text)}</w:t></w:r></w:p>"

    body = "".join([para(doc.doc_number), para(doc.title, "Heading1"),
                    *(para(p) for p in doc.paragraphs), para(doc.unit), para(doc.date_text)])
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           f'<w:document xmlns:w="{_W}"><w:body>{body}<w:sectPr/></w:body></w:document>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/document.xml", xml)


LINE_CHARS = 38
PAGE_LINES = 48


def wrap(paragraphs: list[str], width: int = LINE_CHARS) -> list[str]:
    lines: list[str] = []
    for p in paragraphs:
        lines.extend(p[i : i + width] for i in range(0, max(len(p), 1), width))
    return lines


def write_pdf(path: Path, doc: GenDoc) -> None:
    import pymupdf

    lines = wrap([doc.doc_number, doc.title, *doc.paragraphs, doc.unit, doc.date_text])
    pdf = pymupdf.open()
    for start in range(0, len(lines), PAGE_LINES):
        page = pdf.new_page(width=595, height=842)
        page.insert_text((56, 64), lines[start : start + PAGE_LINES], fontname="china-s",
                         fontsize=12, lineheight=1.3)
    pdf.save(str(path), garbage=0, deflate=True)
    pdf.close()


def write_corpus(directory: Path, n: int, seed: int = 1) -> list[Path]:
    """Write ``n`` documents under ``directory`` (reused when a complete run is already there)."""
    stamp = directory.with_name(directory.name + ".json")  # beside it: not filed with it
    if stamp.exists() and json.loads(stamp.read_text("utf-8")) == {"n": n, "seed": seed}:
        return sorted(p for p in directory.rglob("*") if p.suffix in (".docx", ".pdf"))
    directory.mkdir(parents=True, exist_ok=True)
    gen = Generator(seed)
    paths = []
    for doc in gen.documents(n):
        sub = directory / f"{doc.index // 1000:03d}"
        sub.mkdir(exist_ok=True)
        path = sub / doc.name
        (write_docx if doc.ext == "docx" else write_pdf)(path, doc)
        paths.append(path)
    stamp.write_text(json.dumps({"n": n, "seed": seed}), "utf-8")
    return paths
