"""The analyzer's rule: a text containing a query string has every index term the query needs."""

from __future__ import annotations

import pickle
from collections import Counter

import rjieba
from hypothesis import given, settings
from hypothesis import strategies as st

from indexing.analysis import (
    CJK_RUN_RE,
    WORDS_SPAN,
    BigramTokenizer,
    fold,
    index_terms,
    is_cjk,
    query_parts,
    query_terms,
    text_terms,
    text_words,
    words,
)
from indexing.query import word_pattern


def _found(text: str, query: str) -> bool:
    """Is a document with ``text`` a candidate for ``query`` (it has every term needed)?"""
    terms = set(index_terms(text))
    return all(any(t.startswith(term) for t in terms) if prefix else term in terms
               for term, prefix in query_parts(query))


def test_bigrams_and_run_edges() -> None:
    assert index_terms("垃圾分类") == {"垃": [0], "垃圾": [0], "圾分": [1], "分类": [2], "类": [3]}
    assert set(index_terms("东风 2023年")) == {"东", "东风", "风", "2023", "年", "2023年"}
    # Joined terms only where a token touches Chinese: not across the space.
    assert set(index_terms("第12号 文件")) == {"第", "12", "号", "第12", "12号", "文", "文件",
                                                "件"}


def test_query_parts() -> None:
    assert query_parts("垃圾分类") == [("垃圾", False), ("圾分", False), ("分类", False)]
    # A single character next to digits is at its run's edge: its unigram is indexed.
    assert query_parts("〔2023〕12号") == [("2023", False), ("12", False), ("号", False),
                                          ("12号", False)]
    # Elsewhere it may be inside a run: any term starting with it.
    assert query_parts("春 联") == [("春", True), ("联", True)]
    assert query_parts("关于2023") == [("关于", False), ("2023", False), ("于2023", False)]
    assert query_terms("Ｗｏｒｄ文档") == ["word", "文档", "word文"]  # full width folded, lower
    assert query_parts("，。") == []


def test_mixed_queries_find_their_terms() -> None:
    text = "根据区文明办〔2023〕12号文件精神，关于2023年度垃圾分类工作"
    for q in ("〔2023〕12号", "2023〕12号文件", "12号文", "关于2023", "办〔2023", "文明办"):
        assert _found(text, q), q
    for q in ("〔2023〕13号", "关于2024", "文件办"):
        assert not _found(text, q), q


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40)
TEXT = st.lists(st.one_of(st.text(CJK, min_size=1, max_size=12),
                          st.sampled_from(["，", "。", "\n", " ", "2023", "12", "号"])),
                min_size=1, max_size=30).map("".join)


def _alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


@settings(max_examples=300, deadline=None)
@given(TEXT, st.data())
def test_every_substring_is_found(text: str, data: st.DataObject) -> None:
    """Any substring with two or more Chinese characters, or whole digit/letter tokens, is
    found: the document is a candidate, and the word's pattern matches its text."""
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, min(len(text), start + 12)))
    sub = text[start:end]
    cuts_token = (start > 0 and _alnum(text[start - 1]) and _alnum(text[start])) or (
        end < len(text) and _alnum(text[end - 1]) and _alnum(text[end]))
    cjk = sum(1 for c in sub if "\u4e00" <= c <= "\u9fff")
    if cuts_token or not query_parts(sub) or (cjk < 2 and not any(map(_alnum, sub))):
        return
    assert _found(text, sub)
    pattern = word_pattern(sub)
    assert pattern is not None and pattern.search(fold(text))


def test_words_are_multi_character_chinese() -> None:
    got = words("东城街道开展垃圾分类志愿服务活动，参与群众300人次。")
    assert {"东城", "街道", "垃圾", "分类", "志愿"} <= set(got)
    assert all(len(w) > 1 for w in got)
    assert "300" not in got


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["垃圾分类", "志愿服务", "，", "2023年", "3D打印", "卡拉OK", "\x00",
                                 "二〇二三年", "\U00020000\U00020001", "𪚥𪚥", " ", "\n", "T恤", "İ"]),
                max_size=12).map("".join))
def test_words_are_jieba_words_of_the_chinese_runs(text: str) -> None:
    """Whatever surrounds them (letters, digits, NUL, 〇, characters beyond jieba's ranges),
    the words are CJK only, and those jieba finds in each run cut alone."""
    got = words(text)
    assert all(len(w) > 1 and is_cjk(w) for w in got)
    assert got == [w for run in CJK_RUN_RE.findall(text) for w in rjieba.cut(run)
                   if len(w) > 1 and is_cjk(w)]


def test_tokenizer_survives_pickling() -> None:
    tok = pickle.loads(pickle.dumps(BigramTokenizer()))
    assert [t.text for t in tok("文明城市", mode="query")] == ["文明", "明城", "城市"]


def test_a_long_texts_words_are_those_of_its_beginning() -> None:
    """The ``words`` of a text longer than ``WORDS_SPAN`` characters of Chinese are jieba's
    words up to the end of the clause the limit falls in; every string of the rest is still
    found through the bigrams, and the workers count the same words."""
    clause = "创建文明城市工作扎实推进"
    before = "，".join([clause] * ((WORDS_SPAN - 10) // (len(clause) + 1)))
    # the run the limit falls in, and one after the limit
    straddling, after = "垃圾分类宣传活动" * 3, "东风社区楼道整治"
    text = f"{before}，{straddling}。{after}。" + "，".join([clause] * 50)
    start = len("\0" + before.replace("，", "\0") + "\0")  # in the runs (a separator each)
    assert start < WORDS_SPAN < start + len(straddling)
    got = text_words(text)
    assert {"垃圾", "分类", "宣传", "活动"} <= set(got) or "垃圾分类" in got
    assert not {"东风", "社区", "楼道", "整治"} & set(got)
    assert got == words(f"{before}，{straddling}")
    assert _found(text, "东风社区楼道") and _found(text, "楼道整治")
    terms = text_terms(text)
    assert dict(zip(terms["words"].split("\0"), terms["word_counts"], strict=True)) == \
        dict(Counter(got))
    short = "垃圾分类，东风社区楼道整治"
    assert text_words(short) == words(short)
