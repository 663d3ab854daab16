"""The search box's language, parsed into a Whoosh query.

    垃圾分类                 documents containing the string 垃圾分类
    垃圾分类 东风社区         both (a space means AND)
    "文明 城市"  “文明 城市”   a phrase: the words in this order, only spaces or punctuation between
    志愿服务 OR 义工          either; also  志愿服务 | 义工
    创建 NOT 测评            the first without the second; also  创建 -测评
    (垃圾分类 OR 厕所) 2023   parentheses group
    〔2023〕12号  2023       Chinese mixed with digits, 文号 fragments

A word matches where it occurs as a string, in the document's text or in its metadata (题名,
文号, caption, …; these weigh more): Chinese characters contiguous, and between tokens of
different kinds (Chinese, digits, letters) what the query has: touching tokens touch, and
where the query has spaces or punctuation any (or none) may be, so 〔2023〕12号 finds
区文明办[2023]12号 and 2023 does not find 12023. A word of Chinese characters also counts as a
jieba word when the document has it as one, which ranks 分类 in 垃圾分类 above 分类 inside
部分类别. A single Chinese character matches wherever it occurs.

Two steps make that exact: the Whoosh query finds candidates that have all of a word's terms
(bigrams, see ``indexing.analysis``), ranked; ``matches`` then checks each candidate's text
with the word's pattern, and NOT is applied there too when one index term cannot decide it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh import query as Q

from indexing.analysis import TOKEN_RE, fold, is_cjk, query_parts, query_terms

WORDS_BOOST = 1.5
_TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"?|“([^”]*)”?|「([^」]*)」?|(\|)|([^\s()"“|]+))')
_OPERATORS = {"AND": "and", "OR": "or", "NOT": "not", "&&": "and", "||": "or"}


@dataclass
class Word:
    text: str
    phrase: bool = False


@dataclass
class Node:
    op: str  # "and", "or", "not"
    children: list[Word | Node] = field(default_factory=list)


Expr = Word | Node


def tokenize(text: str) -> list[tuple[str, str]]:
    """(kind, value) pairs: "(", ")", "op", "word", "phrase"."""
    out: list[tuple[str, str]] = []
    pos = 0
    text = fold(text)
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        if m.group(1):
            out.append(("(", "("))
        elif m.group(2):
            out.append((")", ")"))
        elif m.group(3) is not None or m.group(4) is not None or m.group(5) is not None:
            phrase = next(g for g in (m.group(3), m.group(4), m.group(5)) if g is not None)
            out.append(("phrase", phrase))
        elif m.group(6):
            out.append(("op", "or"))
        else:
            word = m.group(7)
            if word in _OPERATORS:
                out.append(("op", _OPERATORS[word]))
            elif word.startswith("-") and len(word) > 1:
                out.append(("op", "not"))
                out.append(("word", word[1:]))
            elif word.startswith("+") and len(word) > 1:
                out.append(("word", word[1:]))
            else:
                out.append(("word", word))
    return out


class _Parser:
    """or := and ("or" and)* ; and := unary ("and"? unary)* ; unary := "not" unary | atom"""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Expr | None:
        expr = self.parse_or()
        while self.peek() is not None:  # a stray ")": skip it and go on
            self.take()
            more = self.parse_or()
            if more is not None:
                expr = more if expr is None else Node("and", [expr, more])
        return expr

    def parse_or(self) -> Expr | None:
        items = [self.parse_and()]
        while self.peek() == ("op", "or"):
            self.take()
            items.append(self.parse_and())
        kept = [i for i in items if i is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Node("or", kept)

    def parse_and(self) -> Expr | None:
        items: list[Expr] = []
        while True:
            tok = self.peek()
            if tok is None or tok[0] == ")" or tok == ("op", "or"):
                break
            if tok == ("op", "and"):
                self.take()
                continue
            item = self.parse_unary()
            if item is not None:
                items.append(item)
        if not items:
            return None
        return items[0] if len(items) == 1 else Node("and", items)

    def parse_unary(self) -> Expr | None:
        tok = self.take()
        if tok == ("op", "not"):
            if self.peek() is None:
                return None
            inner = self.parse_unary()
            return Node("not", [inner]) if inner is not None else None
        if tok[0] == "(":
            inner = self.parse_or()
            if self.peek() is not None and self.peek()[0] == ")":  # type: ignore[index]
                self.take()
            return inner
        if tok[0] in ("word", "phrase"):
            return Word(tok[1], phrase=tok[0] == "phrase")
        return None  # an operator where a word should be: ignore it


def parse(text: str) -> Expr | None:
    return _Parser(tokenize(text)).parse()


def positive_words(expr: Expr | None) -> list[str]:
    """The words and phrases a result contains (those under NOT excluded): for highlighting."""
    if expr is None:
        return []
    if isinstance(expr, Word):
        return [expr.text] if query_terms(expr.text) else []
    if expr.op == "not":
        return []
    out: list[str] = []
    for child in expr.children:
        out.extend(w for w in positive_words(child) if w not in out)
    return out


@lru_cache(maxsize=1024)
def word_pattern(word: str) -> re.Pattern[str] | None:
    """The pattern of a word in (folded) text: Chinese runs contiguous, letters and digits as
    whole tokens; tokens that touch in the query touch in the text, tokens the query separates
    by spaces or punctuation may have any (or no) spaces and punctuation between them. None
    for a word with no tokens."""
    pattern = []
    last_end = -1
    for m in TOKEN_RE.finditer(fold(word)):
        if last_end >= 0 and m.start() > last_end:
            pattern.append(r"[\W_]*")  # spaces or punctuation in the query: any, or none
        if m.group(1) is not None:
            pattern.append(re.escape(m.group(1)))
        else:
            pattern.append(r"(?<![0-9A-Za-z])" + re.escape(m.group(2)) + r"(?![0-9A-Za-z])")
        last_end = m.end()
    if not pattern:
        return None
    return re.compile("".join(pattern), re.IGNORECASE)


def matches(expr: Expr | None, texts: list[str]) -> bool:
    """Whether a document whose text and metadata are ``texts`` (already folded) satisfies
    ``expr`` exactly. Words without tokens (only punctuation) do not constrain."""
    if expr is None:
        return True
    if isinstance(expr, Word):
        pattern = word_pattern(expr.text)
        return pattern is None or any(pattern.search(t) for t in texts)
    if expr.op == "not":
        return not matches(expr.children[0], texts)
    results = (matches(c, texts) for c in expr.children)
    return any(results) if expr.op == "or" else all(results)


DocFreq = Callable[[str, str, bool], int]  # (field, term, prefix) → documents having it
# Terms of a word given to the index: the rarest few decide the candidates about as well as all
# of them (the text check is exact anyway), and each one more costs every candidate a lookup.
RAREST_TERMS = 3


def _match(fieldname: str, parts: list[tuple[str, bool]]) -> Q.Query:
    queries = [Q.Prefix(fieldname, t) if prefix else Q.Term(fieldname, t) for t, prefix in parts]
    return queries[0] if len(queries) == 1 else Q.And(queries)


def _rarest(parts: list[tuple[str, bool]], df: DocFreq | None, count: int
            ) -> list[tuple[str, bool]]:
    unique = list(dict.fromkeys(parts))
    if df is None:
        return unique[:count]
    return sorted(unique, key=lambda part: df("content", *part))[:count]


class _Compiler:
    """Whoosh queries for an expression, in one of three modes:

    - ``ranked``: candidates having a word's rarest terms in ``content`` (which holds the
      metadata too), scored by them, by the same terms in ``meta`` and by the jieba word in
      ``words``, terms in most documents left out; NOT applied where one term decides it;
    - ``meta``: the words' terms in ``meta`` only (titles first, for very broad queries);
    - ``candidates``: unscored, the rarest terms in ``content`` as above; NOT left to
      ``matches``.
    """

    def __init__(self, mode: str, df: DocFreq | None = None, common: int | None = None,
                 total: int = 0) -> None:
        self.mode = mode
        self.df = df
        self.common = common
        self.total = total

    def _useful(self, field: str, term: str, prefix: bool = False) -> bool:
        """A term in most documents barely changes a BM25 score, yet scoring it reads a long
        posting list for every candidate: leave such terms out of the ranking."""
        return self.df is None or self.common is None or self.df(field, term, prefix) <= self.common

    def word(self, word: Word, negated: bool = False) -> Q.Query | None:
        parts = query_parts(word.text)
        if not parts:
            return None
        if self.mode == "meta":
            return _match("meta", list(dict.fromkeys(parts)))
        picked = _rarest(parts, self.df, RAREST_TERMS)
        if negated:
            return _match("content", picked)
        # The two rarest terms decide the candidates (an intersection walks the rarer list, and
        # one term alone lets 东城片区 through for 新城片区); the others only score, unless most
        # documents have them, and the text check removes what is left over.
        required = picked[:2]
        if self.mode == "candidates":
            return _match("content", required)
        lifts = [_match("content", [part]) for part in picked[len(required):]
                 if self._useful("content", *part)]
        lifts.append(_match("meta", picked))
        text = word.text.strip()
        if is_cjk(text) and len(text) > 1 and self._useful("words", text):
            lifts.append(Q.Term("words", text, boost=WORDS_BOOST))
        return Q.AndMaybe(_match("content", required),
                          lifts[0] if len(lifts) == 1 else Q.Or(lifts))

    def compile(self, expr: Expr | None) -> Q.Query | None:
        if expr is None:
            return None
        if isinstance(expr, Word):
            return self.word(expr)
        if expr.op == "not":
            child = expr.children[0]
            if self.mode != "ranked" or not _exact_in_index(child):
                return None
            inner = self.word(child, negated=True)  # type: ignore[arg-type]
            return None if inner is None else Q.Not(inner)
        parts = [q for q in (self.compile(c) for c in self._index_children(expr))
                 if q is not None]
        if not parts:
            return None
        if expr.op == "or":
            if len(parts) < len(expr.children) or any(isinstance(p, Q.Not) for p in parts):
                return Q.Every()  # "A OR NOT B": candidates cannot be narrowed in the index
            return parts[0] if len(parts) == 1 else Q.Or(parts)
        positive = [p for p in parts if not isinstance(p, Q.Not)]
        negative = [p.query for p in parts if isinstance(p, Q.Not)]
        must: Q.Query = (Q.Every() if not positive else
                         positive[0] if len(positive) == 1 else Q.And(positive))
        if negative:
            return Q.AndNot(must, negative[0] if len(negative) == 1 else Q.Or(negative))
        return must


    def _index_children(self, expr: Node) -> list[Expr]:
        """The children of an AND the index should see: the most selective one, and the others
        unless most documents have them. Checking a common word on 200 candidates costs a
        regex each; intersecting it in the index decodes its whole posting list."""
        if expr.op != "and" or self.df is None or self.common is None:
            return expr.children
        df, total = self.df, self.total
        positives = [c for c in expr.children if not (isinstance(c, Node) and c.op == "not")]
        if len(positives) < 2:
            return expr.children
        sizes = {id(c): estimate(c, df, total) for c in positives}
        best = min(positives, key=lambda c: sizes[id(c)])
        return [c for c in expr.children
                if c is best or id(c) not in sizes or sizes[id(c)] <= self.common]


def _exact_in_index(expr: Expr) -> bool:
    """A word of one index term: having the term is having the string (used under NOT)."""
    return isinstance(expr, Word) and len(set(query_parts(expr.text))) == 1


def compile_query(expr: Expr | None, mode: str = "ranked", df: DocFreq | None = None,
                  common: int | None = None, total: int = 0) -> Q.Query | None:
    """The Whoosh query of ``expr`` in ``mode`` (see ``_Compiler``); None: nothing to search.
    With ``df`` and ``common`` (of ``total`` documents), terms and AND-ed words in more than
    ``common`` documents are left to the text check."""
    q = _Compiler(mode, df, common, total).compile(expr)
    if isinstance(q, Q.Not):
        q = Q.AndNot(Q.Every(), q.query)
    return q


def estimate(expr: Expr | None, df: DocFreq, total: int) -> int:
    """An upper bound of the documents ``expr`` can match, from its words' rarest terms."""
    if expr is None:
        return total
    if isinstance(expr, Word):
        parts = query_parts(expr.text)
        return min((df("content", *p) for p in parts), default=total)
    if expr.op == "not":
        return total
    counts = [estimate(c, df, total) for c in expr.children]
    return min(counts) if expr.op == "and" else min(total, sum(counts))


@dataclass
class Search:
    """What the clerk typed, parsed: the expression (for the index and ``matches``) and the
    words to highlight. ``query`` is the ranked query without term statistics (for a look)."""

    expr: Expr | None
    words: list[str]

    @property
    def query(self) -> Q.Query | None:
        return compile_query(self.expr) if self.words else None


def build(text: str) -> Search:
    expr = parse(text)
    # Only negations ("NOT 测评") is not a search but a listing: nothing to rank or show.
    return Search(expr, positive_words(expr))
