/* The package's index page: indicator tree, documents, completeness, search.
 * Plain ES5 so that it runs in any browser an evaluator's PC may have, from file://, offline.
 * Data comes from index-data.js (window.CIVLEDGER); extracted text from index-text.js, loaded
 * on the first search (window.CIVLEDGER_TEXT, keyed by document id). */
(function () {
  "use strict";
  var D = window.CIVLEDGER;
  var MAX_RESULTS = 200;
  var EAGER_LIMIT = 3000;
  var STATUS = {complete: "齐全", partial: "不全", missing: "缺失", filed: "有资料"};
  var textState = "none";  // none | loading | ready
  var hay = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) { for (var k in attrs) { if (attrs.hasOwnProperty(k)) { node.setAttribute(k, attrs[k]); } } }
    if (text !== undefined && text !== null) { node.appendChild(document.createTextNode(String(text))); }
    return node;
  }
  function href(path) {
    var parts = path.split("/");
    for (var i = 0; i < parts.length; i++) { parts[i] = encodeURIComponent(parts[i]); }
    return parts.join("/");
  }
  function badge(status) {
    if (!status) { return null; }
    return el("span", {"class": "badge " + status}, STATUS[status] || status);
  }

  if (!D) {
    $("summary").appendChild(el("p", {"class": "warn"},
      "找不到 index-data.js：请把整个资料包文件夹一起复制，不要只复制 index.html。"));
    return;
  }

  function renderMeta() {
    var bits = [];
    if (D.organisation) { bits.push(D.organisation); }
    bits.push(D.period + " 年度（" + D.periodStart + " 至 " + D.periodEnd + "）");
    if (D.unit) { bits.push("单位：" + D.unit); }
    if (D.standard) { bits.push("指标：" + D.standard); }
    bits.push("共 " + D.counts.documents + " 件资料");
    bits.push("导出日期 " + D.exported);
    $("meta").appendChild(document.createTextNode(bits.join("　·　")));
  }

  function renderTree() {
    function build(nodes) {
      var ul = el("ul");
      for (var i = 0; i < nodes.length; i++) {
        var n = nodes[i];
        var li = el("li");
        if (n.s >= 0) {
          var std = D.standards[n.s];
          var a = el("a", {href: "#std-" + n.s, "class": "std-link"}, n.c + " " + n.t);
          li.appendChild(a);
          li.appendChild(document.createTextNode("（" + std.docs.length + "）"));
          var b = badge(std.status);
          if (b) { li.appendChild(b); }
        } else {
          li.appendChild(el("span", {"class": "node"}, n.c + " " + n.t));
          li.appendChild(build(n.k));
        }
        ul.appendChild(li);
      }
      return ul;
    }
    $("tree").appendChild(build(D.tree));
  }

  function renderSummary() {
    var s = D.summary;
    var box = $("summary");
    box.appendChild(el("h2", null, "完整性概况"));
    var pct = s.total ? Math.round(100 * (s.complete || s.filed || 0) / s.total) : 0;
    var line;
    if (s.source === "check") {
      line = "测评标准 " + s.total + " 条：齐全 " + s.complete + " 条，不全 " + s.partial +
        " 条，缺失 " + s.missing + " 条（齐全率 " + pct + "%）";
    } else {
      line = "测评标准 " + s.total + " 条：有资料 " + s.filed + " 条，无资料 " + s.missing +
        " 条（" + pct + "%）";
    }
    box.appendChild(el("p", {id: "summary-line"}, line));
    var bar = el("div", {"class": "bar"});
    var fill = el("span");
    fill.style.width = pct + "%";
    bar.appendChild(fill);
    box.appendChild(bar);
    if (s.note) { box.appendChild(el("p", {"class": "empty"}, s.note)); }
  }

  function docTable(std) {
    var table = el("table", {"class": "docs"});
    var head = el("tr");
    var cols = ["序号", "题名", "文号", "日期", "页数", "档号"];
    for (var c = 0; c < cols.length; c++) { head.appendChild(el("th", null, cols[c])); }
    table.appendChild(head);
    for (var i = 0; i < std.docs.length; i++) {
      var d = D.docs[std.docs[i]];
      var tr = el("tr", {"class": "doc"});
      tr.appendChild(el("td", null, d.q));
      var td = el("td");
      td.appendChild(el("a", {href: href(d.f), target: "_blank", "class": "doc-link"}, d.t));
      tr.appendChild(td);
      tr.appendChild(el("td", null, d.n));
      tr.appendChild(el("td", null, d.d));
      tr.appendChild(el("td", null, d.p === null ? "" : d.p));
      tr.appendChild(el("td", null, d.no));
      table.appendChild(tr);
    }
    return table;
  }

  function renderStandards() {
    var box = $("standards");
    box.appendChild(el("h2", null, "测评标准与佐证资料"));
    var eager = D.docs.length <= EAGER_LIMIT;
    for (var i = 0; i < D.standards.length; i++) {
      var std = D.standards[i];
      var div = el("div", {"class": "std", id: "std-" + i});
      var h = el("h3", null, std.c + " " + std.t);
      var b = badge(std.status);
      if (b) { h.appendChild(b); }
      div.appendChild(h);
      var units = [];
      if (std.lead) { units.push("牵头单位：" + std.lead); }
      if (std.units) { units.push("责任单位：" + std.units); }
      if (units.length) { div.appendChild(el("p", {"class": "units"}, units.join("　"))); }
      if (std.req.length) {
        var parts = [];
        for (var r = 0; r < std.req.length; r++) {
          var q = std.req[r];
          parts.push(q.label + (q.found === null ? "" : "（" + q.found + "/" + q.min + "）"));
        }
        div.appendChild(el("p", {"class": "req"}, "佐证资料要求：" + parts.join("；")));
      }
      var links = el("p");
      links.appendChild(el("a", {href: href(std.form), target: "_blank"}, "测评材料提交表"));
      if (std.photos) {
        links.appendChild(document.createTextNode("　"));
        links.appendChild(el("a", {href: href(std.photos), target: "_blank"}, "照片资料"));
      }
      div.appendChild(links);
      if (!std.docs.length) {
        div.appendChild(el("p", {"class": "empty"}, "（暂无佐证资料）"));
      } else if (eager) {
        div.appendChild(docTable(std));
      } else {
        var btn = el("button", {"class": "more", type: "button"}, "显示 " + std.docs.length + " 件资料");
        btn.onclick = (function (s, d, button) {
          return function () { d.replaceChild(docTable(s), button); };
        })(std, div, btn);
        div.appendChild(btn);
      }
      box.appendChild(div);
    }
  }

  function buildHay() {
    var texts = window.CIVLEDGER_TEXT || {};
    hay = [];
    for (var i = 0; i < D.docs.length; i++) {
      var d = D.docs[i];
      var body = texts[d.i] || "";
      hay.push({head: (d.t + " " + d.n + " " + d.a + " " + d.no).toLowerCase(), body: body,
                low: body.toLowerCase()});
    }
  }

  function loadText(then) {
    if (textState === "ready") { then(); return; }
    if (textState === "loading") { return; }
    textState = "loading";
    $("search-status").innerHTML = "";
    $("search-status").appendChild(document.createTextNode("正在载入全文……"));
    var s = document.createElement("script");
    s.charset = "utf-8";
    s.src = "index-text.js";
    s.onload = function () { textState = "ready"; hay = null; then(); };
    s.onerror = function () { textState = "ready"; hay = null; then(); };
    document.getElementsByTagName("head")[0].appendChild(s);
  }

  function snippet(h, token) {
    var at = h.low.indexOf(token);
    if (at < 0) { return ""; }
    var start = Math.max(0, at - 30);
    var end = Math.min(h.body.length, at + token.length + 50);
    return (start > 0 ? "…" : "") + h.body.substring(start, end).replace(/\s+/g, " ") +
      (end < h.body.length ? "…" : "");
  }

  function mark(node, text, tokens) {
    var low = text.toLowerCase();
    var pos = 0;
    while (pos < text.length) {
      var best = -1, len = 0;
      for (var t = 0; t < tokens.length; t++) {
        var at = low.indexOf(tokens[t], pos);
        if (at >= 0 && (best < 0 || at < best)) { best = at; len = tokens[t].length; }
      }
      if (best < 0) { break; }
      node.appendChild(document.createTextNode(text.substring(pos, best)));
      node.appendChild(el("mark", null, text.substr(best, len)));
      pos = best + len;
    }
    node.appendChild(document.createTextNode(text.substring(pos)));
  }

  function search(query) {
    var results = $("results");
    var status = $("search-status");
    results.innerHTML = "";
    status.innerHTML = "";
    var tokens = query.toLowerCase().split(/\s+/);
    var clean = [];
    for (var t = 0; t < tokens.length; t++) { if (tokens[t]) { clean.push(tokens[t]); } }
    if (!clean.length) { return; }
    if (!hay) { buildHay(); }
    var found = 0;
    for (var i = 0; i < hay.length; i++) {
      var h = hay[i], ok = true, hit = "";
      for (var k = 0; k < clean.length; k++) {
        if (h.head.indexOf(clean[k]) < 0) {
          if (h.low.indexOf(clean[k]) < 0) { ok = false; break; }
          if (!hit) { hit = clean[k]; }
        }
      }
      if (!ok) { continue; }
      found++;
      if (found > MAX_RESULTS) { continue; }
      var d = D.docs[i];
      var li = el("li", {"class": "result"});
      var a = el("a", {href: href(d.f), target: "_blank", "class": "result-link"});
      mark(a, d.t, clean);
      li.appendChild(a);
      var std = D.standards[d.s];
      li.appendChild(document.createTextNode("　" + std.c + (d.n ? "　" + d.n : "") +
        (d.d ? "　" + d.d : "")));
      var snip = snippet(h, hit || clean[0]);
      if (snip) {
        var p = el("div", {"class": "snippet"});
        mark(p, snip, clean);
        li.appendChild(p);
      }
      results.appendChild(li);
    }
    var msg = "找到 " + found + " 件" + (found > MAX_RESULTS ? "，显示前 " + MAX_RESULTS + " 件" : "");
    if (textState !== "ready") { msg += "（全文载入中）"; }
    status.appendChild(document.createTextNode(msg));
  }

  function runSearch() {
    var q = $("q").value;
    search(q);
    if (q && textState !== "ready") { loadText(function () { search($("q").value); }); }
  }

  if (D.textChars) {
    $("search").insertBefore(el("p", {"class": "empty"}, "全文搜索范围：每件资料提取文字的前 " +
      D.textChars + " 字；扫描件需先识别文字才能搜到。"), $("results"));
  }
  renderMeta();
  renderTree();
  renderSummary();
  renderStandards();
  var timer = null;
  $("q").oninput = function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(runSearch, 150);
  };
  $("q").onkeyup = $("q").oninput;  // old browsers without "input" events
  var m = /[#&]q=([^&]*)/.exec(window.location.hash || "");
  if (m) {
    $("q").value = decodeURIComponent(m[1]);
    runSearch();
  }
})();
