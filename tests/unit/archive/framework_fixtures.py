"""Task-decomposition workbooks laid out the ways offices lay them out (built with openpyxl).

Each builder writes one real .xlsx and documents the layout it stands for; the tests state the
tree, units and requirements each must give.
"""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment


def _save(wb: Workbook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
    return path


def merged_county(path: Path) -> Path:
    """Layout 1 (county office): a merged title row and a 填报单位/更新日期 row above the header;
    版块/测评项目/测评内容 and the units shown by vertical merges; 序号 a running number; scores
    as floats and as text; evidence numbered "1.…；2.…"; units with mixed separators."""
    wb = Workbook()
    ws = wb.active
    ws.title = "任务分解"
    ws.append(["××区创建全国文明城市测评体系任务分解表"])
    ws.merge_cells("A1:J1")
    ws.append(["填报单位：区文明办", None, None, None, None, "更新日期：", dt.datetime(2024, 3, 1)])
    ws.append(["序号", "版块", "测评项目", "测评内容", "测评标准", "分值", "测评方法", "牵头单位",
               "责任单位", "佐证资料要求"])
    rows = [
        [1, "牢固的思想道德基础", "理想信念教育", "学习宣贯党的创新理论",
         "制定理论学习计划及实施方案", 3.0, "网上申报", "区委宣传部",
         "区委办公室、区委组织部 ,区委党校", "1.学习计划；2.实施方案；3.活动照片不少于3张"],
        [2, None, None, None, "组织理论宣讲进基层", "2", "网上申报", None, None,
         "1.宣讲方案；2.宣讲记录不少于5次"],
        [3, None, None, "加强社会主义核心价值观建设", "公共场所设置公益广告", 3,
         "实地考察", "区文明办", "区教育局；团区委/ 区妇联", "公益广告点位清单；实地照片不少于10张"],
        [4, None, "志愿服务", "推进志愿服务制度化", "注册志愿者占城区常住人口13%", 3,
         "网上申报", "团区委", "区文明办、区民政局", "志愿者注册统计表"],
        [5, "规范有序的政务环境", "政务公开", "推进政务公开", "政府网站公开信息及时", 2.5,
         "网上申报", "区政府办", "区政务服务中心\n区数据局", "1.公开清单；2.工作总结"],
    ]
    for row in rows:
        ws.append(row)
    # Vertical merges: 版块 rows 4-7, 测评项目 rows 4-6, 测评内容 rows 4-5 and its units.
    for rng in ("B4:B7", "C4:C6", "D4:D5", "H4:H5", "I4:I5"):
        ws.merge_cells(rng)
    ws.column_dimensions["E"].width = 40
    return _save(wb, path)


MERGED_COUNTY_STANDARDS = [
    # code, title, path, score, method, lead, units, requirements (label, kind, min)
    ("1.1.1.1", "制定理论学习计划及实施方案",
     ["牢固的思想道德基础", "理想信念教育", "学习宣贯党的创新理论"], 3.0, "网上申报",
     ["区委宣传部"], ["区委宣传部", "区委办公室", "区委组织部", "区委党校"],
     [("学习计划", "plan", 1), ("实施方案", "plan", 1), ("活动照片", "photo", 3)]),
    ("1.1.1.2", "组织理论宣讲进基层",
     ["牢固的思想道德基础", "理想信念教育", "学习宣贯党的创新理论"], 2.0, "网上申报",
     ["区委宣传部"], ["区委宣传部", "区委办公室", "区委组织部", "区委党校"],
     [("宣讲方案", "plan", 1), ("宣讲记录", "record", 5)]),
    ("1.1.2.1", "公共场所设置公益广告",
     ["牢固的思想道德基础", "理想信念教育", "加强社会主义核心价值观建设"], 3.0, "实地考察",
     ["区文明办"], ["区文明办", "区教育局", "团区委", "区妇联"],
     [("公益广告点位清单", "table", 1), ("实地照片", "photo", 10)]),
    ("1.2.1.1", "注册志愿者占城区常住人口13%",
     ["牢固的思想道德基础", "志愿服务", "推进志愿服务制度化"], 3.0, "网上申报",
     ["团区委"], ["团区委", "区文明办", "区民政局"],
     [("志愿者注册统计表", "table", 1)]),
    ("2.1.1.1", "政府网站公开信息及时",
     ["规范有序的政务环境", "政务公开", "推进政务公开"], 2.5, "网上申报",
     ["区政府办"], ["区政府办", "区政务服务中心", "区数据局"],
     [("公开清单", "table", 1), ("工作总结", "report", 1)]),
]


def two_row_blank(path: Path) -> Path:
    """Layout 2 (city office): a two-row header under merged group headings (责任分工 over 牵头部门
    and 配合单位); 一级/二级/三级指标 names; the hierarchy by blank cells meaning "same as above";
    explicit dotted codes in 编号 on the standard rows (with a gap: no 1.1.1.1); scores written
    "3分"; evidence split by line breaks with "≥3", "3张以上", "至少3份"; no method column."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["2024年度全国文明城市创建任务清单"])
    ws.merge_cells("A1:H1")
    ws.append(["编号", "一级指标", "二级指标", "三级指标", "具体标准", "分数", "责任分工", None,
               "台账要求"])
    ws.append([None, None, None, None, None, None, "牵头部门", "配合单位", None])
    for col in "ABCDEFI":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("G2:H2")
    rows = [
        ["1.1.1.2", "公平正义的法治环境", "法治宣传", "开展法治宣传教育", "开展“八五”普法",
         "3分", "区司法局", "区委宣传部、区教育局", "普法工作方案\n普法活动照片≥3\n活动简报3份以上"],
        ["1.1.1.3", None, None, None, "建设法治文化阵地", "2分", "区司法局", "各街道办事处",
         "阵地清单\n阵地照片至少3张"],
        ["1.1.2.1", None, None, "维护公民合法权益", "法律援助应援尽援", "2", "区司法局",
         "区法院", "法律援助案件台账"],
        ["1.2.1.1", None, "权益保护", "未成年人保护", "未成年人保护工作机制健全", "3分", "团区委",
         "区教育局，区妇联", "工作机制文件\n会议纪要至少2份"],
    ]
    for row in rows:
        ws.append(row[:8] + [row[8]])
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True)
    return _save(wb, path)


TWO_ROW_BLANK_STANDARDS = [
    ("1.1.1.2", "开展“八五”普法", ["公平正义的法治环境", "法治宣传", "开展法治宣传教育"], 3.0,
     ["区司法局"], ["区司法局", "区委宣传部", "区教育局"],
     [("普法工作方案", "plan", 1), ("普法活动照片", "photo", 3), ("活动简报", "report", 3)]),
    ("1.1.1.3", "建设法治文化阵地", ["公平正义的法治环境", "法治宣传", "开展法治宣传教育"], 2.0,
     ["区司法局"], ["区司法局", "各街道办事处"],
     [("阵地清单", "table", 1), ("阵地照片", "photo", 3)]),
    ("1.1.2.1", "法律援助应援尽援", ["公平正义的法治环境", "法治宣传", "维护公民合法权益"], 2.0,
     ["区司法局"], ["区司法局", "区法院"], [("法律援助案件台账", "table", 1)]),
    ("1.2.1.1", "未成年人保护工作机制健全", ["公平正义的法治环境", "权益保护", "未成年人保护"],
     3.0, ["团区委"], ["团区委", "区教育局", "区妇联"],
     [("工作机制文件", "document", 1), ("会议纪要", "record", 2)]),
]


def block_rows(path: Path) -> Path:
    """Layout 3 (county plan's task table): a 填表说明 sheet first; full-width block rows
    ("第一版块  牢固的思想道德基础（权重30%）") merged across the table; only 序号 / 工作任务 /
    牵头单位 / 责任单位 / 完成时限 columns; 序号 as formulas without saved results (=ROW()-3) and
    as text; dates in 完成时限; the lead unit marked inline "（牵头）" in one row."""
    wb = Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes.append(["填表说明"])
    notes.append(["1. 测评标准按版块填写；2. 牵头单位只填一个。"])
    ws = wb.create_sheet("任务表")
    ws.append(["××县创建文明城市工作任务分解表"])
    ws.merge_cells("A1:E1")
    ws.append([None])
    ws.append(["序号", "工作任务", "牵头单位", "责任单位", "完成时限"])
    ws.append(["第一版块  牢固的思想道德基础（权重30%）"])
    ws.merge_cells("A4:E4")
    ws.append(["=ROW()-4", "深入开展习近平新时代中国特色社会主义思想学习教育", "县委宣传部",
               "县委办、县委组织部", dt.datetime(2024, 6, 30)])
    ws.append(["=ROW()-4", "建设新时代文明实践中心", "县文明办", "各乡镇（街道）、县融媒体中心",
               dt.datetime(2024, 12, 31)])
    ws.append(["第二版块  健康向上的人文环境（权重20%）"])
    ws.merge_cells("A7:E7")
    ws.append(["3", "推进公共文化服务体系建设", None, "县文旅局（牵头）、县财政局", "长期坚持"])
    ws.append(["4.0", "加强文物保护利用", "县文旅局", "县住建局", dt.datetime(2024, 9, 30)])
    return _save(wb, path)


BLOCK_ROWS_STANDARDS = [
    ("1.1", 1, "深入开展习近平新时代中国特色社会主义思想学习教育", ["牢固的思想道德基础"],
     ["县委宣传部"], ["县委宣传部", "县委办", "县委组织部"]),
    ("1.2", 2, "建设新时代文明实践中心", ["牢固的思想道德基础"],
     ["县文明办"], ["县文明办", "各乡镇（街道）", "县融媒体中心"]),
    ("2.1", 3, "推进公共文化服务体系建设", ["健康向上的人文环境"],
     ["县文旅局"], ["县文旅局", "县财政局"]),
    ("2.2", 4, "加强文物保护利用", ["健康向上的人文环境"], ["县文旅局"], ["县文旅局", "县住建局"]),
]


def multi_sheet(path: Path) -> Path:
    """Layout 4 (one sheet per 版块): a 填表说明 sheet, a hidden helper sheet, and two table sheets
    named after their 版块 with 测评项目 / 测评内容 / 测评标准 / 分值 / 测评方式 / 牵头单位 / 责任部门 /
    佐证材料; explicit codes written in the titles ("1.1 …"); method "实地考察\\n网上申报"."""
    wb = Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["本表按版块分工作表填写"])
    hidden = wb.create_sheet("辅助")
    hidden.append(["测评项目", "测评标准", "牵头单位"])
    hidden.append(["x", "不应导入", "无"])
    hidden.sheet_state = "hidden"
    header = ["测评项目", "测评内容", "测评标准", "分值", "测评方式", "牵头单位", "责任部门",
              "佐证材料"]
    s1 = wb.create_sheet("思想道德")
    s1.append(header)
    s1.append(["1.1 社会主义核心价值观", "1.1.1 宣传普及", "1.1.1.1 主要街道设置公益广告", 2,
               "实地考察\n网上申报", "区文明办", "区城管局", "点位照片不少于5张"])
    s1.append([None, None, "1.1.1.2 媒体刊播公益广告", 1, "网上申报", "区融媒体中心", None,
               "刊播清单"])
    s2 = wb.create_sheet("政务环境")
    s2.append(header)
    s2.append(["2.1 廉洁高效", "2.1.1 政务服务", "2.1.1.1 一窗受理", 2, "实地考察", "区政务服务中心",
               "区数据局", "工作方案"])
    return _save(wb, path)


MULTI_SHEET_TREE = [
    ("1", "思想道德", [
        ("1.1", "社会主义核心价值观", [
            ("1.1.1", "宣传普及", [
                ("1.1.1.1", "主要街道设置公益广告", []),
                ("1.1.1.2", "媒体刊播公益广告", []),
            ]),
        ]),
    ]),
    ("2", "政务环境", [
        ("2.1", "廉洁高效", [("2.1.1", "政务服务", [("2.1.1.1", "一窗受理", [])])]),
    ]),
]


def fill_down(path: Path) -> Path:
    """Layout 5 (filled-down table): 版块/测评项目 repeated on every row; a heading row for each
    测评内容 carrying its units and evidence, with standards below them blank in those columns; a
    standard cell merged over two rows whose evidence continues in the second row; a score merged
    over the standards of one 测评内容 (the content's score); the header repeated after a page
    break; a note row at the end; numbers typed as text ("1.0"); a contact sheet at the end."""
    wb = Workbook()
    ws = wb.active
    ws.title = "测评体系"
    ws.append(["序", "板块", "测评项目", "测评内容", "测评要求", "权重", "测评形式", "牵头部门",
               "责任单位", "报送材料"])
    ws.append([None, "人文环境", "公共文化", "图书馆服务", None, None, None, "区文旅局",
               "区图书馆、各街道", "1.服务台账"])
    ws.append(["1.0", "人文环境", "公共文化", None, "图书馆免费开放", "4", "实地考察", None, None,
               None])
    ws.append(["2", "人文环境", "公共文化", None, "开展全民阅读活动", None, "网上申报", None, None,
               "1.活动方案"])
    ws.append([None, "人文环境", "公共文化", None, None, None, None, None, None,
               "2.活动照片不少于6张"])
    ws.merge_cells("E4:E5")
    ws.merge_cells("F3:F5")
    ws.append(["序", "板块", "测评项目", "测评内容", "测评要求", "权重", "测评形式", "牵头部门",
               "责任单位", "报送材料"])
    ws.append(["3", "人文环境", "公共文化", "文化惠民", "送戏下乡每年不少于20场", "2", "网上申报",
               "区文旅局", "各街道", "演出记录"])
    ws.append(["注：本表由区文明办负责解释。"])
    ws.merge_cells(f"A{ws.max_row}:J{ws.max_row}")
    contacts = wb.create_sheet("联络员")
    contacts.append(["单位", "联络员", "电话"])
    contacts.append(["区文旅局", "王芳", 13800138000])
    return _save(wb, path)


# A minimal Compound File (OLE2) writer: enough for Excel's "password to open" container, which
# holds the encrypted workbook in streams named EncryptionInfo and EncryptedPackage.
def _cfb(streams: dict[str, bytes]) -> bytes:
    sector = 512
    # Streams shorter than 4096 bytes would belong in the mini stream: pad them instead.
    streams = {name: data.ljust(4096, b"\0") for name, data in streams.items()}
    names = list(streams)
    data_sectors: list[bytes] = []
    starts: list[int] = []
    for name in names:
        payload = streams[name] + b"\0" * (-len(streams[name]) % sector)
        starts.append(len(data_sectors))
        data_sectors.extend(payload[i:i + sector] for i in range(0, len(payload), sector))
    n_data = len(data_sectors)
    dir_sector = n_data
    fat_sector = n_data + 1
    fat = []
    for name, start in zip(names, starts, strict=True):
        count = (len(streams[name]) + sector - 1) // sector
        fat.extend(start + i + 1 for i in range(count - 1))
        fat.append(0xFFFFFFFE)
    fat.append(0xFFFFFFFE)  # directory
    fat.append(0xFFFFFFFD)  # the FAT itself
    fat += [0xFFFFFFFF] * (128 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF,
              right: int = 0xFFFFFFFF) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", 0xFFFFFFFF, right, child) + b"\0" * 16 + b"\0" * 4
                + b"\0" * 16 + struct.pack("<IQ", start, size))

    entries = [entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)]
    for i, (name, start) in enumerate(zip(names, starts, strict=True), start=1):
        right = i + 1 if i < len(names) else 0xFFFFFFFF
        entries.append(entry(name, 2, start, len(streams[name]), right=right))
    directory = b"".join(entries).ljust(sector, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, dir_sector, 0, 4096, 0xFFFFFFFE, 0,
                            0xFFFFFFFE, 0)
              + struct.pack("<I", fat_sector) + b"\xff" * (4 * 108))
    return header + b"".join(data_sectors) + directory + struct.pack("<128I", *fat)


def encrypted_xlsx(path: Path) -> Path:
    """What Excel writes for a workbook with a password to open: an OLE container, not a zip."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_cfb({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\x40\x00\x00\x00",
                           "EncryptedPackage": b"\x00" * 64}))
    return path


def _record(rid: int, data: bytes) -> bytes:
    return struct.pack("<HH", rid, len(data)) + data


def _biff_string(text: str, lenlen: int) -> bytes:
    return struct.pack("<B" if lenlen == 1 else "<H", len(text)) + b"\x01" + text.encode(
        "utf-16-le")


def make_xls(path: Path, sheets: list[tuple[str, list[list[str | None]],
                                            list[tuple[int, int, int, int]]]]) -> Path:
    """A legacy BIFF8 .xls (as Excel 97–2003 saves it): text cells and merged ranges
    (first row, last row, first col, last col; 0-based, inclusive) per sheet."""
    bof_globals = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))
    eof = _record(0x000A, b"")
    bounds_len = sum(4 + 6 + 2 + 2 * len(name) for name, _, _ in sheets)
    offset = len(bof_globals) + bounds_len + len(eof)
    bodies: list[bytes] = []
    for _name, rows, merges in sheets:
        body = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    body += _record(0x0204, struct.pack("<HHH", r, c, 0)
                                    + _biff_string(value, 2))
        if merges:
            body += _record(0x00E5, struct.pack("<H", len(merges)) + b"".join(
                struct.pack("<HHHH", *m) for m in merges))
        bodies.append(body + eof)
    bounds = b""
    for (name, _, _), body in zip(sheets, bodies, strict=True):
        bounds += _record(0x0085, struct.pack("<IBB", offset, 0, 0) + _biff_string(name, 1))
        offset += len(body)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_cfb({"Workbook": bof_globals + bounds + eof + b"".join(bodies)}))
    return path


def legacy_xls(path: Path) -> Path:
    """Layout 6 (an old .xls): block rows merged across, 测评项目 merged vertically."""
    rows: list[list[str | None]] = [
        ["××区创文任务分解表（2019版）", None, None, None],
        ["序号", "测评项目", "具体标准", "牵头单位"],
        ["第一版块 思想道德建设（权重40%）", None, None, None],
        ["1", "道德讲堂", "建设道德讲堂", "区文明办"],
        ["2", None, "开展身边好人评选", "区文明办、区总工会"],
    ]
    return make_xls(path, [("Sheet1", rows, [(0, 0, 0, 3), (2, 2, 0, 3), (3, 4, 1, 1)])])


def with_cached_values(path: Path, values: dict[str, str], sheet_file: str = "sheet1.xml"
                       ) -> Path:
    """Add the results Excel would have saved for formula cells ({"A5": "7"})."""
    import re
    import zipfile

    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == f"xl/worksheets/{sheet_file}":
                text = data.decode("utf-8")
                for ref, value in values.items():
                    text = re.sub(rf'(<c r="{ref}"[^>]*>\s*<f>[^<]*</f>)\s*(<v\s*/>|<v></v>)?',
                                  rf"\1<v>{value}</v>", text)
                data = text.encode("utf-8")
            dst.writestr(item, data)
    tmp.replace(path)
    return path


TABLE_HEADER = ["版块", "测评项目", "测评内容", "测评标准", "分值", "测评方法", "牵头单位", "责任单位",
                "佐证资料"]


def flat_table(path: Path, rows: list[list[object]], title: str = "任务分解表") -> Path:
    """A plain filled-down table under a title row (TABLE_HEADER columns)."""
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(TABLE_HEADER)
    for row in rows:
        ws.append(row)
    return _save(wb, path)


# Next year's version of merged_county: one standard inserted in front (codes shift), one
# reworded, one removed, one with new lead unit and an extra requirement, one unchanged.
NEXT_YEAR_ROWS: list[list[object]] = [
    ["牢固的思想道德基础", "理想信念教育", "学习宣贯党的创新理论", "学习贯彻新思想新理论", 2,
     "网上申报", "区委宣传部", "区委办公室", "学习资料汇编"],
    ["牢固的思想道德基础", "理想信念教育", "学习宣贯党的创新理论", "制定理论学习计划及实施方案", 3,
     "网上申报", "区委宣传部", "区委办公室、区委组织部 ,区委党校",
     "1.学习计划；2.实施方案；3.活动照片不少于3张"],
    ["牢固的思想道德基础", "理想信念教育", "学习宣贯党的创新理论", "组织理论宣讲进基层一线", 2,
     "网上申报", "区委宣传部", "区委办公室、区委组织部 ,区委党校",
     "1.宣讲方案；2.宣讲记录不少于5次"],
    ["牢固的思想道德基础", "志愿服务", "推进志愿服务制度化", "注册志愿者占城区常住人口13%", 3,
     "网上申报", "区文明办", "团区委、区民政局", "志愿者注册统计表；志愿服务活动照片不少于5张"],
    ["规范有序的政务环境", "政务公开", "推进政务公开", "政府网站公开信息及时", 2.5,
     "网上申报", "区政府办", "区政务服务中心\n区数据局", "1.公开清单；2.工作总结"],
]


def numbered_blocks(path: Path) -> Path:
    """Layout 7 (as typed by hand): header names with line breaks and units in brackets
    ("分值\\n（分）"); block rows with "一、" in 序号 beside the title merged across the rest; a
    blank row between blocks; 测评项目 written "1.理想信念教育"; a full-width score "２" and a
    formula "=2*1"; units ending in "等" and trailing separators; a 合计 row and a note row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "2025年任务分解"
    ws.append(["　××区2025年创建全国文明城市测评体系任务分解表　"])
    ws.merge_cells("A1:I1")
    ws.append(["填报单位（盖章）：", None, None, None, "填报日期：", dt.date(2025, 1, 6)])
    ws.append([None])
    ws.append(["序 号", "测评项目", "测评内容", "测评标准\n（具体要求）", "分值\n（分）", "测评\n方式",
               "牵头单位", "责任单位", "佐证材料要求"])
    ws.append(["一、", "第一版块：牢固的思想道德基础（权重 30%）"])
    ws.merge_cells("B5:I5")
    ws.append([1, "1.理想信念教育", "学习宣传贯彻", "理论学习中心组每季度至少开展1次专题学习", "２",
               "网上申报", "区委宣传部 ", "区委办、\n区委组织部、",
               "1、学习计划\n2、学习记录不少于4次\n3、照片≥3张"])
    ws.append([2, None, None, "建设新时代文明实践所（站）", 3, "实地考察", "区文明办",
               "各街道、各乡镇等", "文明实践站点清单；活动照片3张以上"])
    ws.append([None])
    ws.append(["二、", "第二版块：健康向上的人文环境（权重 20%）"])
    ws.merge_cells("B9:I9")
    ws.append([3, "2.公共文化", "图书馆", "公共图书馆免费开放", "=2*1", "实地考察", "区文旅局",
               "区图书馆", "开放制度；服务统计表"])
    ws.append(["合计", None, None, None, "=SUM(E6:E10)"])
    ws.append(["注：1.本表由区文明办负责解释；2.请于每月5日前报送。"])
    ws.merge_cells("A12:I12")
    ws.merge_cells("B6:B7")
    ws.merge_cells("C6:C7")
    return _save(wb, path)
