"""index.html of an exported package, opened from file:// in headless Chromium with no network:
the indicator tree and the documents render, links open the files, the completeness summary
shows, and the search box finds a document by its extracted text alone."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from sqlalchemy import update

from archive.documents import update_document
from archive.importer import import_paths
from archive.library import Library
from archive.models import Document, File
from exporters.package import export_package
from tests.factories import make_docx, make_jpg, make_pdf, with_sample_framework

CHROMIUM = "/usr/bin/chromium"
ONLY_IN_TEXT = "网格员入户走访一千二百户"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"{CHROMIUM} is not installed (Debian package chromium)")


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("browser")
    lib = with_sample_framework(Library.create(root / "lib"))
    lib.set_setting("organisation", "清源区文明办")
    src = root / "src"
    make_docx(src / "a" / "理论学习计划.docx", title="理论学习计划")
    make_pdf(src / "a" / "走访情况汇总.pdf", pages=["走访情况"])
    make_jpg(src / "a" / "宣讲现场.jpg", taken=dt.datetime(2023, 4, 2, 9, 0))
    make_pdf(src / "b" / '宣讲记录#1 "社区".pdf', pages=["宣讲记录"])
    ids: dict[str, int] = {}
    for folder, code in (("a", "1.1.1.1"), ("b", "1.1.1.2")):
        for entry in import_paths(lib, [src / folder], "2023", standard=code).filed:
            ids[entry["source_path"]] = entry["document_id"]
    with lib.session() as s:
        update_document(s, ids["理论学习计划.docx"], doc_number="清宣〔2023〕7号",
                        doc_date="2023-03-01")
        file_id = s.get(Document, ids["走访情况汇总.pdf"]).file_id
        s.execute(update(File).where(File.id == file_id)
                  .values(text=f"走访情况\n本季度{ONLY_IN_TEXT}，收集意见建议八十条。",
                          status="ok", page_count=1))
    out = root / "迎检资料"
    report = export_package(lib, "2023", out)
    lib.close()
    assert report.ok, report.as_json()
    yield out


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120, check=False)


def dump_dom(package: Path, tmp_path: Path, fragment: str = "") -> str:
    url = (package / "index.html").as_uri() + fragment
    done = chromium(tmp_path / "profile", "--virtual-time-budget=5000", "--dump-dom", url)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "<html" in done.stdout
    return done.stdout


def parse(dom: str):  # noqa: ANN201 - lxml element
    from lxml import html

    return html.fromstring(dom)


@pytest.fixture(scope="module")
def front_page(package: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """index.html as Chromium rendered it, without a search."""
    return parse(dump_dom(package, tmp_path_factory.mktemp("chromium")))


def test_tree_documents_and_summary_render(front_page) -> None:  # noqa: ANN001
    page = front_page
    tree_links = [a.text_content() for a in page.xpath('//nav[@id="tree"]//a[@class="std-link"]')]
    assert len(tree_links) == 37
    assert tree_links[0].startswith("1.1.1.1 制定理论学习计划")
    assert page.xpath('//nav[@id="tree"]//span[@class="node"][starts-with(., "1 牢固")]')
    rows = page.xpath('//tr[@class="doc"]')
    titles = sorted(r.xpath('.//a[@class="doc-link"]')[0].text_content() for r in rows)
    assert titles == sorted(['理论学习计划', '走访情况汇总', '宣讲现场', '宣讲记录#1 "社区"'])
    plan = next(r for r in rows if "理论学习计划" in r.text_content())
    cells = [td.text_content() for td in plan.xpath("./td")]
    assert "清宣〔2023〕7号" in cells and "2023-03-01" in cells
    summary = page.xpath('//p[@id="summary-line"]')[0].text_content()
    assert "测评标准 37 条" in summary
    assert "清源区文明办" in page.xpath('//div[@id="meta"]')[0].text_content()


def test_links_open_the_files(package: Path, front_page) -> None:  # noqa: ANN001
    page = front_page
    hrefs = [a.get("href") for a in page.xpath('//a[@class="doc-link"]')]
    hrefs += [a.get("href") for a in page.xpath('//div[@class="std"]//p/a')]
    assert len(hrefs) >= 4 + 37
    for href in hrefs:
        target = package / unquote(href)
        assert target.is_file(), href
    # a name with "#" and a quote is still one link to one file
    assert any(quote("#") in h for h in hrefs)


def test_search_finds_a_document_by_extracted_text(package: Path, tmp_path: Path) -> None:
    page = parse(dump_dom(package, tmp_path, "#q=" + quote(ONLY_IN_TEXT)))
    results = page.xpath('//li[@class="result"]')
    assert len(results) == 1
    assert "走访情况汇总" in results[0].xpath('.//a')[0].text_content()
    assert ONLY_IN_TEXT in results[0].xpath('.//mark')[0].text_content()
    status = page.xpath('//span[@id="search-status"]')[0].text_content()
    assert status == "找到 1 件"


def test_search_by_title_and_no_match(package: Path, tmp_path: Path) -> None:
    page = parse(dump_dom(package, tmp_path, "#q=" + quote("宣讲")))
    found = sorted(li.xpath(".//a")[0].text_content() for li in
                   page.xpath('//li[@class="result"]'))
    assert found == ["宣讲现场", '宣讲记录#1 "社区"']
    page = parse(dump_dom(package, tmp_path, "#q=" + quote("不存在的词语")))
    assert page.xpath('//li[@class="result"]') == []
    assert page.xpath('//span[@id="search-status"]')[0].text_content() == "找到 0 件"


def test_screenshot_shows_the_page(package: Path, tmp_path: Path) -> None:
    from PIL import Image

    shot = tmp_path / "index.png"
    done = chromium(tmp_path / "profile", "--window-size=1280,900",
                    f"--screenshot={shot}", (package / "index.html").as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    with Image.open(shot) as img:
        assert img.size == (1280, 900)
        rgb = img.convert("RGB")
    colours = rgb.getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 50  # text, badges and the red header, not a blank page
    red, green, _blue = rgb.getpixel((5, 5))  # type: ignore[misc]
    assert red > 150 and green < 80
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)
