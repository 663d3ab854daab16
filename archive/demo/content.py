"""The words of the demo library: a fictional district's offices, streets, document numbers and
the sentences their ledgers are made of.

The phrasing follows the county and town plans in the project's seed material (工作任务, 牵头单位 /
责任单位, 指导思想 → 工作目标 → 主要任务 → 工作要求), so that search, the check and the export have
realistic Chinese text to work on. Everything is chosen with the caller's ``random.Random`` so a
seed always gives the same words.
"""

from __future__ import annotations

import datetime as dt
import random

DISTRICT = "清源区"
CITY = "云州市"

STREETS = ("东城街道", "西城街道", "南湖街道", "北山街道", "城关镇", "桃园镇")
COMMUNITIES = (
    "新华社区", "人民路社区", "幸福里社区", "和平社区", "建设路社区", "文昌社区",
    "滨江社区", "朝阳社区", "园林社区", "光明社区", "翠竹社区", "解放路社区",
)
PLACES = (
    "区新时代文明实践中心", "区图书馆报告厅", "人民广场", "滨江公园", "区政务服务中心",
    "区委党校礼堂", "城东农贸市场", "实验小学操场", "区文化馆", "火车站广场",
)
PEOPLE = (
    "王建国", "李秀英", "张伟", "刘芳", "陈志强", "杨丽", "赵敏", "黄海涛", "周静", "吴晓东",
    "徐丽华", "孙磊", "马红梅", "朱国庆", "胡晓燕", "郭明",
)
ACTIVITIES = (
    "志愿服务", "环境卫生整治", "文明交通劝导", "理论宣讲", "道德讲堂", "垃圾分类宣传",
    "“我们的节日”主题活动", "普法宣传", "科普进社区", "文明餐桌倡议", "结对帮扶走访",
    "公益广告巡查", "应急演练", "食品安全检查",
)

# Short forms units use in their document numbers (发文字号的机关代字).
NUMBER_PREFIX = {
    "区委宣传部": "清宣",
    "区文明办": "清文明办",
    "团区委": "清团",
    "区城管局": "清城管",
    "区教育局": "清教",
    "区委办公室": "清办",
    "区政府办公室": "清政办",
    "区民政局": "清民",
    "区司法局": "清司",
    "区市场监管局": "清市监",
    "区卫健委": "清卫健",
    "区文化和旅游局": "清文旅",
}

GENERIC_SENTENCES = (
    "为深入推进全国文明城市创建工作，巩固提升创建成果，结合我区实际，特制定本方案。",
    "坚持以人民为中心的发展思想，以培育和践行社会主义核心价值观为主线，以群众性创建活动为载体。",
    "严格落实“两个测评体系”内容标准，以解决群众反映强烈的问题为突破口，推动创建工作常态长效。",
    "各单位要切实提高思想认识，把创建工作摆上重要议事日程，主要负责同志亲自抓、负总责。",
    "坚持问题导向，对照测评体系逐条逐项查漏补缺，建立问题清单、责任清单和整改清单。",
    "加强督查考核，区创建办定期开展明察暗访，对工作不力、进度滞后的单位予以通报。",
    "广泛动员社会各界积极参与，营造人人知晓创建、人人支持创建、人人参与创建的浓厚氛围。",
    "做好资料收集建档工作，按照测评体系要求，逐条逐项按年度整理归档，做到资料齐全、规范。",
    "各牵头单位要加强统筹协调，责任单位要密切配合，形成上下联动、齐抓共管的工作格局。",
    "充分利用报纸、电视、网络和户外广告等宣传阵地，持续深化“讲文明树新风”宣传活动。",
    "强化投入保障，将创建工作经费纳入年度财政预算，确保各项创建任务顺利推进。",
    "对照年度目标任务，细化工作措施，明确完成时限，确保各项指标达到测评标准要求。",
)

REQUIREMENTS_OF_WORK = (
    "一要提高认识，加强领导。各单位要成立相应工作机构，明确分管领导和具体工作人员。",
    "二要明确责任，狠抓落实。按照任务分工，细化工作措施，做到任务到岗、责任到人。",
    "三要加强宣传，营造氛围。充分利用各类宣传阵地，及时报道工作动态和先进典型。",
    "四要注重积累，规范归档。活动方案、记录、照片等资料要及时收集整理，按要求报送区创建办。",
)


def cn_date(day: dt.date) -> str:
    """2023年5月12日 — the way Chinese official documents write their 成文日期."""
    return f"{day.year}年{day.month}月{day.day}日"


def doc_number(unit: str, year: int, n: int) -> str:
    """清文明办〔2023〕12号 (the hexagonal brackets 六角括号 are what GB/T 9704 prescribes)."""
    prefix = NUMBER_PREFIX.get(unit) or ("清" + unit.removeprefix("区")[:2])
    return f"{prefix}〔{year}〕{n}号"


def topic_of(standard_title: str) -> str:
    """A short topic for titles: the first clause of the standard's text."""
    for sep in ("，", "、", "；"):
        standard_title = standard_title.split(sep)[0]
    return standard_title.removeprefix("开展").removeprefix("建立").removeprefix("制定")[:18]


def plan_title(rng: random.Random, label: str, topic: str, year: int) -> str:
    forms = (
        f"关于印发《{DISTRICT}{year}年{topic}{label}》的通知",
        f"{DISTRICT}{year}年{topic}{label}",
        f"关于做好{year}年{topic}工作的{label if label.endswith('方案') else '通知'}",
    )
    return rng.choice(forms)


def body_paragraphs(rng: random.Random, standard_title: str, unit: str, year: int,
                    count: int = 6) -> list[str]:
    """Paragraphs of a plan or notice about one standard, with the usual numbered parts."""
    streets = rng.sample(STREETS, 3)
    paras = [
        "一、指导思想",
        rng.choice(GENERIC_SENTENCES) + f"围绕“{standard_title}”这一测评标准，{unit}牵头组织实施。",
        "二、工作目标",
        f"到{year}年底，{standards_goal(rng)}，{streets[0]}、{streets[1]}、{streets[2]}"
        f"等重点区域达到测评标准要求，群众满意率达到{rng.randint(90, 98)}%以上。",
        "三、主要任务",
    ]
    for i in range(1, count + 1):
        paras.append(f"（{'一二三四五六七八九十'[i - 1]}）" + rng.choice(GENERIC_SENTENCES))
    paras.append("四、工作要求")
    paras.extend(REQUIREMENTS_OF_WORK)
    return paras


def standards_goal(rng: random.Random) -> str:
    return rng.choice((
        f"测评体系{rng.randint(80, 95)}%以上的指标达到A类标准",
        "各项创建指标全面达到测评标准",
        f"新增注册志愿者{rng.randint(3, 9) * 1000}人",
        f"完成{rng.randint(12, 40)}个老旧小区环境整治",
    ))


def record_paragraphs(rng: random.Random, standard_title: str, unit: str,
                      day: dt.date) -> list[str]:
    """Minutes of a meeting or an activity record (会议纪要 / 活动记录)."""
    chair, clerk = rng.sample(PEOPLE, 2)
    return [
        f"时间：{cn_date(day)}上午9:00",
        f"地点：{rng.choice(PLACES)}",
        f"主持人：{chair}    记录人：{clerk}",
        f"参加人员：{unit}及{'、'.join(rng.sample(STREETS, 3))}分管负责同志",
        f"会议围绕“{standard_title}”工作进行了专题研究。",
        rng.choice(GENERIC_SENTENCES),
        rng.choice(GENERIC_SENTENCES),
        f"会议要求，各单位于{day.month}月底前将工作开展情况及佐证资料报送区创建办。",
    ]


def report_pages(rng: random.Random, standard_title: str, unit: str, year: int,
                 pages: int) -> list[str]:
    """A work summary (工作总结) laid out page by page for a PDF."""
    out = []
    for page in range(pages):
        lines = []
        if page == 0:
            lines.append(f"{unit}{year}年{topic_of(standard_title)}工作总结")
            lines.append("")
            lines.append(f"今年以来，{unit}认真贯彻落实区委、区政府关于创建全国文明城市的决策部署，"
                         f"围绕“{standard_title}”扎实开展工作，现将有关情况总结如下。")
        lines.append(f"{'一二三四五'[page % 5]}、{rng.choice(('主要做法', '工作成效', '存在问题', '下一步打算'))}")
        for _ in range(8):
            lines.append(rng.choice(GENERIC_SENTENCES))
        activity = rng.choice(ACTIVITIES)
        lines.append(f"全年共开展{activity}活动{rng.randint(6, 48)}场次，参与群众{rng.randint(3, 60) * 100}"
                     f"余人次，在{rng.choice(COMMUNITIES)}等社区形成了一批可复制、可推广的经验做法。")
        out.append("\n".join(lines))
    return out


def stats_rows(rng: random.Random, label: str) -> tuple[list[str], list[list[object]]]:
    """A statistics table (统计表 / 台账 / 名册): header and rows by street or community."""
    if "名册" in label or "名单" in label:
        header = ["序号", "姓名", "性别", "所在单位", "联系电话", "备注"]
        rows: list[list[object]] = [
            [i, rng.choice(PEOPLE), rng.choice(("男", "女")), rng.choice(COMMUNITIES),
             f"139{rng.randint(10000000, 99999999)}", ""]
            for i in range(1, rng.randint(12, 30))
        ]
        return header, rows
    header = ["序号", "街道（镇）", "社区", f"{label.removesuffix('表')}数", "完成率（%）", "备注"]
    rows = []
    for i in range(1, rng.randint(10, 24)):
        done = rng.randint(40, 400)
        rows.append([i, rng.choice(STREETS), rng.choice(COMMUNITIES), done,
                     round(rng.uniform(80, 100), 1), rng.choice(("", "", "已整改", "持续推进"))])
    return header, rows


def caption(rng: random.Random, day: dt.date, unit: str, activity: str) -> str:
    """时间、地点、人物、事由 — what evaluators want under every photo."""
    place = rng.choice(COMMUNITIES + PLACES)
    people = rng.choice(("志愿者", "机关干部", "社区居民", "青少年学生", "网格员"))
    return (f"{cn_date(day)}，{unit}组织{people}{rng.randint(12, 80)}人在{place}"
            f"开展{activity}活动。")


def random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))
