"""The search box's language: parsing, the Whoosh candidates query, and exact matching."""

from __future__ import annotations

import pytest
from whoosh import query as Q

from indexing.analysis import fold
from indexing.query import (
    Node,
    Word,
    build,
    compile_query,
    estimate,
    matches,
    parse,
    word_pattern,
)


def test_parse_operators_quotes_and_groups() -> None:
    assert parse("垃圾分类") == Word("垃圾分类")
    assert parse("a b") == Node("and", [Word("a"), Word("b")])
    assert parse("a OR b | c") == Node("or", [Word("a"), Word("b"), Word("c")])
    assert parse("a NOT b") == Node("and", [Word("a"), Node("not", [Word("b")])])
    assert parse("a -b") == parse("a NOT b")
    assert parse('"文明 城市" “志愿 服务”') == Node("and", [Word("文明 城市", phrase=True),
                                                        Word("志愿 服务", phrase=True)])
    assert parse("(a OR b) c") == Node("and", [Node("or", [Word("a"), Word("b")]), Word("c")])


@pytest.mark.parametrize("text", ["", "   ", "AND", "OR OR", "()", "NOT", ")(", '"'])
def test_degenerate_input_searches_nothing(text: str) -> None:
    assert build(text).query is None


def test_stray_parentheses_are_forgiven() -> None:
    assert parse("((垃圾分类") == Word("垃圾分类")
    assert parse("垃圾分类) 东风") == Node("and", [Word("垃圾分类"), Word("东风")])


@pytest.mark.parametrize(("word", "text", "found"), [
    ("垃圾分类", "推进生活垃圾分类工作", True),
    ("垃圾分类", "垃圾，分类", False),
    ('"垃圾 分类"'[1:-1], "垃圾，分类", True),  # a phrase: only punctuation between
    ("〔2023〕12号", "区文明办〔2023〕12号", True),
    ("2023〕12号", "区文明办[2023]12号文", True),
    ("12号", "12 号", False),  # touching in the query: touching in the text
    ("12 号", "12号", True),  # a space in the query: any or none
    ("2023", "编号12023", False),
    ("12号", "〔2023〕112号", False),
    ("ABC", "abc 检查", True),
    ("２０２３年", "2023年度", True),  # full width folded
])
def test_word_pattern(word: str, text: str, found: bool) -> None:
    pattern = word_pattern(word)
    assert pattern is not None
    assert bool(pattern.search(fold(text))) is found


def test_matches_evaluates_the_whole_expression() -> None:
    text, meta = fold("东风社区开展垃圾分类宣传"), fold("工作总结")
    assert matches(parse("垃圾分类 工作总结"), [text, meta])
    assert not matches(parse("垃圾分类 NOT 东风社区"), [text, meta])
    assert matches(parse("厕所 OR 东风"), [text, meta])
    assert not matches(parse("(厕所 OR 西风) 垃圾"), [text, meta])
    assert matches(parse("垃圾分类 ，。"), [text, meta])  # punctuation constrains nothing


def test_ranked_query_shape() -> None:
    q = build("垃圾分类").query
    # Candidates have two terms in content; the third, metadata and the jieba word score.
    assert q == Q.AndMaybe(
        Q.And([Q.Term("content", "垃圾"), Q.Term("content", "圾分")]),
        Q.Or([Q.Term("content", "分类"),
              Q.And([Q.Term("meta", "垃圾"), Q.Term("meta", "圾分"), Q.Term("meta", "分类")]),
              Q.Term("words", "垃圾分类", boost=1.5)]))
    assert build("文").query == Q.AndMaybe(Q.Prefix("content", "文"), Q.Prefix("meta", "文"))


def test_negation_in_the_index_only_when_one_term_decides() -> None:
    # A negated word of one index term is excluded in the index; a longer one only later,
    # since a document may hold all its bigrams without the string.
    assert isinstance(build("志愿 NOT 测评").query, Q.AndNot)
    assert not isinstance(build("志愿 NOT 测评体系").query, Q.AndNot)
    assert build("NOT 测评").query is None
    assert build("志愿 OR NOT 测评").query == Q.Every()


def test_rarest_terms_only() -> None:
    df = {"未成": 900, "成年": 800, "年人": 50, "人思": 40, "思想": 990, "想道": 30}.get
    q = compile_query(parse("未成年人思想道"), "ranked", lambda f, t, p: df(t, 10**6))
    assert q.a == Q.And([Q.Term("content", "想道"), Q.Term("content", "人思")])
    assert Q.Term("content", "年人") in q.b.subqueries
    q = compile_query(parse("未成年人思想道"), "candidates", lambda f, t, p: df(t, 10**6))
    assert q == Q.And([Q.Term("content", "想道"), Q.Term("content", "人思")])


def test_common_terms_do_not_score() -> None:
    df = {"老林": 500, "林片": 1900, "片区": 16000, "食品": 17000, "品安": 14000,
          "安全": 19000}

    def freq(field: str, term: str, prefix: bool) -> int:
        return df.get(term, 15000)

    q = compile_query(parse("老林片区"), "ranked", freq, common=4000, total=20000)
    assert q.a == Q.And([Q.Term("content", "老林"), Q.Term("content", "林片")])
    assert Q.Term("content", "片区") not in q.b.subqueries  # in most documents: no score
    # An AND-ed word that most documents have is left to the text check entirely.
    q = compile_query(parse("老林片区 食品安全"), "ranked", freq, common=4000, total=20000)
    assert q == compile_query(parse("老林片区"), "ranked", freq, common=4000, total=20000)


def test_estimate() -> None:
    df = {"东风": 10, "风社": 12, "社区": 5000, "垃圾": 300, "圾分": 200, "分类": 900}.get

    def freq(field: str, term: str, prefix: bool) -> int:
        return df(term, 0)

    assert estimate(parse("东风社区"), freq, 20000) == 10
    assert estimate(parse("东风社区 垃圾分类"), freq, 20000) == 10
    assert estimate(parse("东风社区 OR 垃圾分类"), freq, 20000) == 210
    assert estimate(parse("NOT 东风"), freq, 20000) == 20000


def test_highlight_words_exclude_negations() -> None:
    assert build("垃圾分类 (东风 OR 西风) NOT 测评").words == ["垃圾分类", "东风", "西风"]
