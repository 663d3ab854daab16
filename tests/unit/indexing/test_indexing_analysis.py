"""The analyzer's rule: a query's terms sit at consecutive positions in any text containing it."""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from indexing.analysis import BigramTokenizer, index_terms, query_terms, words


def _positions(text: str) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for term, poses in index_terms(text).items():
        for p in poses:
            out.setdefault(p, set()).add(term)
    return out


def _found(text: str, query: str) -> bool:
    """Would a phrase of ``query``'s terms match ``text``'s positions?"""
    terms = query_terms(query)
    by_pos = _positions(text)
    return any(all(t in by_pos.get(start + k, ()) for k, t in enumerate(terms))
               for start in by_pos)


def test_bigrams_and_run_edges() -> None:
    assert index_terms("垃圾分类") == {"垃": [0], "垃圾": [0], "圾分": [1], "分类": [2], "类": [3]}
    assert index_terms("东风 2023年") == {"东": [0], "东风": [0], "风": [1], "2023": [2],
                                          "年": [3]}


def test_query_terms() -> None:
    assert query_terms("垃圾分类") == ["垃圾", "圾分", "分类"]
    assert query_terms("〔2023〕12号") == ["2023", "12", "号"]
    assert query_terms("关于2023") == ["关于", "于", "2023"]  # the run ends before the digits
    assert query_terms("Ｗｏｒｄ文档") == ["word", "文档"]  # full width folded, lower case
    assert query_terms("，。") == []


def test_mixed_queries_line_up_with_the_text() -> None:
    text = "根据区文明办〔2023〕12号文件精神，关于2023年度垃圾分类工作"
    for q in ("〔2023〕12号", "2023〕12号文件", "12号文", "关于2023", "办〔2023", "文明办"):
        assert _found(text, q), q
    for q in ("〔2023〕13号", "关于2024", "文件办"):
        assert not _found(text, q), q


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40)
TEXT = st.lists(st.one_of(st.text(CJK, min_size=1, max_size=12),
                          st.sampled_from(["，", "。", "\n", " ", "2023", "12", "号"])),
                min_size=1, max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.data())
def test_every_chinese_substring_is_found(text: str, data: st.DataObject) -> None:
    runs = [i for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff"]
    if not runs:
        return
    start = data.draw(st.sampled_from(runs))
    length = data.draw(st.integers(1, 6))
    sub = text[start : start + length]
    sub = sub[: next((i for i, c in enumerate(sub) if not "\u4e00" <= c <= "\u9fff"), len(sub))]
    if len(sub) >= 2:
        assert _found(text, sub)


def test_words_are_multi_character_chinese() -> None:
    got = words("东城街道开展垃圾分类志愿服务活动，参与群众300人次。")
    assert {"东城", "街道", "垃圾", "分类", "志愿"} <= set(got)
    assert all(len(w) > 1 for w in got)
    assert "300" not in got


def test_tokenizer_survives_pickling() -> None:
    tok = pickle.loads(pickle.dumps(BigramTokenizer()))
    assert [t.text for t in tok("文明城市", mode="query")] == ["文明", "明城", "城市"]
