"""Searching a filed ledger: every query form and filter, snippets, pages, ranking, recall.

The corpus (conftest.build_corpus) holds documents with known strings: a volunteer summary
(1.1.5.1, 团区委, 2023) with 团区委〔2023〕12号, a three-page PDF (1.1.5.2), a 道德讲堂 record
(1.1.4.1, 区文明办) with 部分类别, a market inspection sheet (2.3.2.1), a 2022 summary, a photo,
and three long generated ledgers.
"""

from __future__ import annotations

import random

import pytest
from ix_corpus import Corpus

from archive.errors import NotFoundError
from indexing.analysis import CJK_RUN_RE
from indexing.search import Hit, search


def ids(hits: list[Hit]) -> list[int]:
    return [h.document_id for h in hits]


def keys(corpus: Corpus, hits: list[Hit]) -> set[str]:
    by_id = {v: k for k, v in corpus.ids.items()}
    return {by_id[h.document_id] for h in hits}


# -- query forms -------------------------------------------------------------------------------
def test_word(corpus: Corpus) -> None:
    assert keys(corpus, search(corpus.lib, "东风社区")) == {"summary", "pdf", "photo"}


def test_word_is_a_contiguous_string(corpus: Corpus) -> None:
    # 西风社区 shares 风社区 with 东风社区 but is another place.
    assert keys(corpus, search(corpus.lib, "西风社区")) == {"old"}


def test_candidates_with_the_bigrams_but_not_the_string_are_dropped(corpus: Corpus) -> None:
    # The decoy has 社区, 区服 and 服务 (南山社区 … 园区服务中心) but not 社区服务.
    assert "decoy" not in keys(corpus, search(corpus.lib, "社区服务"))
    assert keys(corpus, search(corpus.lib, "南山社区 NOT 社区服务")) == {"decoy"}
    assert keys(corpus, search(corpus.lib, "园区服务")) == {"decoy"}


def test_space_means_and(corpus: Corpus) -> None:
    assert keys(corpus, search(corpus.lib, "厕所革命 垃圾分类")) == {"old"}
    assert keys(corpus, search(corpus.lib, "厕所革命 AND 道德讲堂")) == {"lecture"}


def test_or(corpus: Corpus) -> None:
    assert keys(corpus, search(corpus.lib, "红色物业 OR 门前三包")) == {"summary", "market"}
    assert keys(corpus, search(corpus.lib, "红色物业 | 门前三包")) == {"summary", "market"}


def test_not(corpus: Corpus) -> None:
    assert keys(corpus, search(corpus.lib, "厕所革命 NOT 道德讲堂")) == {"old"}
    assert keys(corpus, search(corpus.lib, "厕所革命 -道德讲堂")) == {"old"}


def test_parentheses(corpus: Corpus) -> None:
    got = keys(corpus, search(corpus.lib, "(红色物业 OR 厕所革命) 东风社区"))
    assert got == {"summary"}


def test_quoted_phrase_allows_only_punctuation_between(corpus: Corpus) -> None:
    # The sheet has 城东农贸市场 in one cell and 门前三包未落实 two cells on (tabs between).
    assert keys(corpus, search(corpus.lib, '"农贸市场 2023"')) == {"market"}
    assert keys(corpus, search(corpus.lib, "“农贸市场 2023”")) == {"market"}
    assert search(corpus.lib, '"农贸市场 门前三包"') == []


def test_doc_number_and_year(corpus: Corpus) -> None:
    assert keys(corpus, search(corpus.lib, "团区委〔2023〕12号")) == {"summary"}
    assert keys(corpus, search(corpus.lib, "〔2023〕12号")) == {"summary"}
    assert keys(corpus, search(corpus.lib, "2023〕12")) == {"summary"}
    assert search(corpus.lib, "〔2023〕13号") == []
    assert "market" in keys(corpus, search(corpus.lib, "2023"))


def test_single_character(corpus: Corpus) -> None:
    assert "pdf" in keys(corpus, search(corpus.lib, "锋"))  # 雷锋, mid-run and run end


def test_metadata_is_searchable_and_shown(corpus: Corpus) -> None:
    # The photo has no text: its file name (the title until a clerk types one) finds it,
    # and the snippet shows where.
    (hit,) = [h for h in search(corpus.lib, "宣传照片") if h.document_id == corpus.ids["photo"]]
    assert {hit.snippet[s:e] for s, e in hit.highlights} == {"宣传照片"}
    assert hit.page is None


def test_empty_and_punctuation_queries(corpus: Corpus) -> None:
    assert search(corpus.lib, "") == []
    assert search(corpus.lib, "，。！") == []
    assert search(corpus.lib, "AND OR") == []


# -- filters -----------------------------------------------------------------------------------
def test_period_filter(corpus: Corpus) -> None:
    assert keys(corpus, search(corpus.lib, "垃圾分类", period="2022")) == {"old"}
    assert "old" not in keys(corpus, search(corpus.lib, "垃圾分类", period="2023"))


def test_unit_filter(corpus: Corpus) -> None:
    assert keys(corpus, search(corpus.lib, "东风社区", unit="团区委")) == {"summary", "pdf"}
    assert keys(corpus, search(corpus.lib, "厕所革命", unit="区文明办")) == {"lecture"}


def test_standard_filter_takes_the_subtree(corpus: Corpus) -> None:
    assert keys(corpus, search(corpus.lib, "东风社区", standard="1.1.5.2")) == {"pdf"}
    assert keys(corpus, search(corpus.lib, "东风社区", standard="1.1.5")) == {"summary", "pdf",
                                                                          "photo"}
    assert keys(corpus, search(corpus.lib, "2023", standard="2")) == {"market"}


def test_file_type_filter(corpus: Corpus) -> None:
    assert keys(corpus, search(corpus.lib, "东风社区", file_type="pdf")) == {"pdf"}
    assert keys(corpus, search(corpus.lib, "东风社区", file_type=".PDF,jpg")) == {"pdf", "photo"}


def test_filters_combine(corpus: Corpus) -> None:
    assert keys(corpus, search(corpus.lib, "垃圾分类", period="2023", unit="团区委",
                               standard="1.1", file_type="docx")) == {"summary"}


def test_unknown_filter_values_are_user_errors(corpus: Corpus) -> None:
    with pytest.raises(NotFoundError):
        search(corpus.lib, "垃圾分类", period="1999")
    with pytest.raises(NotFoundError):
        search(corpus.lib, "垃圾分类", unit="不存在的单位")
    with pytest.raises(NotFoundError):
        search(corpus.lib, "垃圾分类", standard="9.9.9")


def test_limit(corpus: Corpus) -> None:
    assert len(search(corpus.lib, "社区", limit=2)) == 2


# -- hits --------------------------------------------------------------------------------------
def test_hit_fields(corpus: Corpus) -> None:
    (hit,) = search(corpus.lib, "团区委〔2023〕12号")
    assert hit.title == "团区委志愿服务工作总结"  # proposed from the heading
    assert hit.source_path == "志愿服务工作总结.docx"
    assert hit.standards == ["1.1.5.1"]
    assert hit.period == "2023"
    assert hit.page is None


def test_pdf_page_of_the_passage(corpus: Corpus) -> None:
    (hit,) = search(corpus.lib, "文明交通劝导", file_type="pdf")
    assert hit.page == 3
    (hit,) = search(corpus.lib, "学雷锋志愿服务站")
    assert hit.page == 2
    assert "第三页" not in hit.snippet  # the passage stays on its page


def test_highlights_mark_the_query_words(corpus: Corpus) -> None:
    (hit,) = search(corpus.lib, "红色物业 生活垃圾")
    marked = {hit.snippet[s:e] for s, e in hit.highlights}
    assert marked == {"红色物业", "生活垃圾"}
    assert "\n" not in hit.snippet


def test_snippet_html_escapes_and_bolds(corpus: Corpus) -> None:
    (hit,) = search(corpus.lib, "三百份")
    assert "<b>三百份</b>" in hit.snippet_html()
    assert "&lt;<b>三百份</b>&gt;" in hit.snippet_html()  # the text's own <…> is escaped


def test_negated_words_are_not_highlighted(corpus: Corpus) -> None:
    (hit,) = search(corpus.lib, "厕所革命 NOT 道德讲堂")
    assert {hit.snippet[s:e] for s, e in hit.highlights} == {"厕所革命"}


# -- ranking -----------------------------------------------------------------------------------
def test_title_matches_rank_first(corpus: Corpus) -> None:
    hits = search(corpus.lib, "志愿服务")
    assert keys(corpus, hits[:2]) == {"summary", "old"}  # both have it in the title


def test_a_word_of_its_own_ranks_above_a_chance_match(corpus: Corpus) -> None:
    order = ids(search(corpus.lib, "分类"))
    # 分类 is a word in the summary's 垃圾分类 but straddles 部分/类别 in the lecture.
    assert order.index(corpus.ids["summary"]) < order.index(corpus.ids["lecture"])


# -- recall ------------------------------------------------------------------------------------
def test_every_chinese_substring_finds_its_document(corpus: Corpus) -> None:
    rnd = random.Random(7)
    for key, text in corpus.texts.items():
        runs = [m.group(0) for m in CJK_RUN_RE.finditer(text) if len(m.group(0)) >= 2]
        for _ in range(60):
            run = rnd.choice(runs)
            length = rnd.randint(2, min(4, len(run)))
            start = rnd.randrange(len(run) - length + 1)
            sub = run[start : start + length]
            assert corpus.ids[key] in ids(search(corpus.lib, sub, limit=1000)), (key, sub)


# -- broad queries -----------------------------------------------------------------------------
@pytest.fixture
def broad(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat every query as matching too many documents to rank them all."""
    import indexing.search

    monkeypatch.setattr(indexing.search, "RANKED_LIMIT", 0)


QUERIES = ["东风社区", "垃圾分类", "社区服务", "南山社区 NOT 社区服务", "红色物业 OR 门前三包",
           "(红色物业 OR 厕所革命) 东风社区", "〔2023〕12号", "2023", "锋", '"农贸市场 2023"',
           "宣传照片", "厕所革命 -道德讲堂"]


@pytest.mark.parametrize("text", QUERIES)
def test_broad_queries_find_the_same_documents(corpus: Corpus, text: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import indexing.search

    ranked = set(ids(search(corpus.lib, text, limit=1000)))
    monkeypatch.setattr(indexing.search, "RANKED_LIMIT", 0)
    assert set(ids(search(corpus.lib, text, limit=1000))) == ranked


def test_broad_queries_list_title_matches_first(corpus: Corpus, broad: None) -> None:
    hits = search(corpus.lib, "志愿服务")
    assert keys(corpus, hits[:2]) == {"summary", "old"}  # both have it in the title
    rest = ids(hits[2:])
    assert rest == sorted(rest, reverse=True)  # then the most recently indexed


def test_broad_queries_respect_filters(corpus: Corpus, broad: None) -> None:
    assert keys(corpus, search(corpus.lib, "垃圾分类", period="2022")) == {"old"}
    assert keys(corpus, search(corpus.lib, "东风社区", file_type="pdf")) == {"pdf"}


def test_concurrent_searches_from_threads(corpus: Corpus) -> None:
    """The GUI searches from worker threads: each gets its own reader, results agree."""
    from concurrent.futures import ThreadPoolExecutor

    from indexing import index as search_index

    expected = {q: ids(search(corpus.lib, q, limit=1000)) for q in QUERIES}

    def run(q: str) -> tuple[str, list[int]]:
        try:
            return q, ids(search(corpus.lib, q, limit=1000))
        finally:
            search_index.close(corpus.lib)

    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(run, QUERIES * 5))
    assert all(found == expected[q] for q, found in got)
