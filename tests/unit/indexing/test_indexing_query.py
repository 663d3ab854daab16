"""The search box's language: parsing, the Whoosh candidates query, and exact matching."""

from __future__ import annotations

import pytest
from whoosh import query as Q

from indexing.analysis import fold
from indexing.query import Node, Word, build, matches, parse, word_pattern


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


def test_candidates_query_shapes() -> None:
    q = build("垃圾分类").query
    assert isinstance(q, Q.AndMaybe)  # candidates, lifted when 垃圾分类 is a jieba word
    # A negated word of one index term is excluded in the index; a longer one only later,
    # since a document may hold all its bigrams without the string.
    assert isinstance(build("志愿 NOT 测评").query, Q.AndNot)
    assert not isinstance(build("志愿 NOT 测评体系").query, Q.AndNot)
    assert build("NOT 测评").query is None
    assert build("文").query == Q.Or([Q.Prefix("content", "文"), Q.Prefix("meta", "文")])
    assert build("志愿 OR NOT 测评").query == Q.Every()


def test_highlight_words_exclude_negations() -> None:
    assert build("垃圾分类 (东风 OR 西风) NOT 测评").words == ["垃圾分类", "东风", "西风"]
