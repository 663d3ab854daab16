"""Cutting the passage: most distinct words, earliest; spans; pages; plain text."""

from __future__ import annotations

from indexing.snippets import make_snippet


def marked(snip) -> list[str]:  # noqa: ANN001 - a Snippet
    return [snip.text[s:e] for s, e in snip.highlights]


def test_passage_with_most_words_wins_over_the_first_match() -> None:
    text = "垃圾分类开头。" + "无关内容。" * 40 + "东风社区推进垃圾分类，成效明显。" + "结尾。" * 40
    snip = make_snippet(text, ["垃圾分类", "东风社区"], paged=False)
    assert marked(snip) == ["东风社区", "垃圾分类"]
    assert snip.text.startswith("…") and snip.text.endswith("…")
    assert snip.page is None


def test_page_of_the_passage_and_no_spill_into_the_next_page() -> None:
    text = "第一页没有。\f第二页：文明交通劝导。" + "补充" * 100 + "\f第三页：文明交通"
    snip = make_snippet(text, ["文明交通劝导"], paged=True)
    assert snip.page == 2
    assert marked(snip) == ["文明交通劝导"]
    assert "第三页" not in snip.text and "第一页" not in snip.text


def test_line_breaks_become_spaces_and_spans_still_fit() -> None:
    snip = make_snippet("甲\n乙\t丙〔2023〕12号", ["〔2023〕12号", "乙"], paged=False)
    assert snip.text == "甲 乙 丙〔2023〕12号"
    assert marked(snip) == ["乙", "2023〕12号"]


def test_no_match_gives_the_beginning() -> None:
    snip = make_snippet("开头文字" * 50, ["不存在"], paged=True)
    assert not snip.found
    assert snip.text.startswith("开头文字") and snip.text.endswith("…")
    assert snip.highlights == [] and snip.page is None
