// The report's views, filters and side-by-side comparison. Reads the report embedded in the
// page; builds every element with textContent, so no text from a document is ever parsed
// as HTML. Offsets are Unicode code points, as in the report: texts are split into code
// points before any slicing.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var report = data.report;
  var view = data.view;
  var t = view.t;
  var root = document.documentElement;
  root.classList.add("app");

  var docs = {};
  report.documents.forEach(function (d) { docs[d.id] = d; });
  var links = {};
  report.links.forEach(function (l) { links[l.id] = l; });
  var spaces = new Set(Array.from(view.spaces));

  // --- text measures, as in the report (whitespace does not count) --------------------------

  var pointsCache = {};
  var prefixCache = {};
  function points(id) {
    if (!pointsCache[id]) pointsCache[id] = Array.from(docs[id].text);
    return pointsCache[id];
  }
  function prefix(id) {
    if (!prefixCache[id]) {
      var cps = points(id);
      var sums = new Int32Array(cps.length + 1);
      for (var i = 0; i < cps.length; i++) sums[i + 1] = sums[i] + (spaces.has(cps[i]) ? 0 : 1);
      prefixCache[id] = sums;
    }
    return prefixCache[id];
  }
  function visible(id, a, b) {
    var sums = prefix(id);
    var n = sums.length - 1;
    a = Math.max(0, Math.min(a, n));
    b = Math.max(0, Math.min(b, n));
    return b > a ? sums[b] - sums[a] : 0;
  }
  function union(spans) {
    var merged = [];
    spans.slice().sort(function (x, y) { return x[0] - y[0] || x[1] - y[1]; }).forEach(function (s) {
      if (s[1] <= s[0]) return;
      var last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else merged.push([s[0], s[1]]);
    });
    return merged;
  }
  function covered(id, spans, minus) {
    var total = 0;
    var merged = union(spans);
    var holes = union(minus || []);
    merged.forEach(function (s) {
      total += visible(id, s[0], s[1]);
      holes.forEach(function (h) {
        var lo = Math.max(s[0], h[0]);
        var hi = Math.min(s[1], h[1]);
        if (lo < hi) total -= visible(id, lo, hi);
      });
    });
    return total;
  }
  function round4(x) { return Math.round(x * 10000) / 10000; }
  function pct(part, whole) {
    var share = whole ? round4(Math.min(part / whole, 1)) : 0;
    return (share * 100).toFixed(1) + "%";
  }
  function slice(id, a, b) {
    return points(id).slice(a, b).join("").replace(/[\u0085\u2028\u2029]/g, "\n");
  }

  // --- dates and labels ----------------------------------------------------------------------

  var rank = {};
  view.order.forEach(function (id, i) { rank[id] = i; });
  function outletName(o) { return o === null || o === undefined ? t.unknown_outlet : o; }
  function dateLabel(d) {
    if (!d.date || d.date_precision === "none") return t.undated;
    if (d.date_precision === "month-day") return d.date.slice(2) + " (" + t.no_year + ")";
    return d.date.replace("T", " ");
  }
  function relation(link, letter) {
    if (link.direction === "earlier-to-later") return letter === "t" ? "earlier_source" : "later_copy";
    return link.direction === "same-day" ? "same_day" : "order_unknown";
  }
  function sideOf(anchor) {
    var cut = anchor.lastIndexOf("-");
    var link = links[anchor.slice(0, cut)];
    var letter = anchor.slice(cut + 1);
    var mine = letter === "s" ? link.source : link.target;
    var theirs = letter === "s" ? link.target : link.source;
    return { anchor: anchor, link: link, letter: letter, mine: mine, theirs: theirs };
  }
  function sourceNumber(docId, otherId) { return view.sources[docId].indexOf(otherId) + 1; }

  // --- filters -------------------------------------------------------------------------------

  var form = document.getElementById("filters");
  var state = { hideQuotes: false, minWords: 0, exclude: "" };
  function excludedDoc(id) {
    if (!state.exclude) return false;
    var o = docs[id] ? docs[id].outlet : null;
    return state.exclude === "u" ? o === null : o !== null && state.exclude === "o:" + o;
  }
  function shows(link) {
    if (state.hideQuotes && link["class"] === "shared-quotation") return false;
    if (link.matched_words < state.minWords) return false;
    return !excludedDoc(link.source.document) && !excludedDoc(link.target.document);
  }
  // Each document's link sides, found once: filtering then touches only its own links.
  var sidesByDoc = {};
  report.links.forEach(function (l) {
    [["s", l.source.document], ["t", l.target.document]].forEach(function (pair) {
      (sidesByDoc[pair[1]] = sidesByDoc[pair[1]] || []).push(sideOf(l.id + "-" + pair[0]));
    });
  });
  function visibleSides(docId) {
    return (sidesByDoc[docId] || []).filter(function (s) { return shows(s.link); });
  }
  // A document without its text has no excluded spans (nor links): nothing to take out.
  function holes(d) { return (d.excluded || []).map(function (e) { return [e.start, e.end]; }); }
  function earliest(sides) {
    var earlier = sides.filter(function (s) { return relation(s.link, s.letter) === "earlier_source"; });
    if (earlier.length) {
      earlier.sort(function (a, b) {
        var ra = rank[a.theirs.document], rb = rank[b.theirs.document];
        return ra - rb || (a.theirs.document < b.theirs.document ? -1 : 1);
      });
      var first = docs[earlier[0].theirs.document];
      return outletName(first.outlet) + " · " + dateLabel(first);
    }
    var rel = new Set(sides.map(function (s) { return relation(s.link, s.letter); }));
    if (rel.has("same_day")) return t.earliest_tie;
    if (rel.has("order_unknown")) return t.earliest_unknown;
    return rel.size ? t.earliest_self : t.none;
  }
  function setShare(el, part, whole) {
    el.dataset.reused = String(part);
    el.textContent = pct(part, whole);
  }

  // The table's row of each document, found once (an attribute query per document is a scan).
  var rowOf = {};
  document.querySelectorAll("#corpus-table tbody tr").forEach(function (r) { rowOf[r.dataset.doc] = r; });

  function recompute() {
    report.documents.forEach(function (d) {
      var sides = visibleSides(d.id);
      var minus = holes(d);
      var spans = sides.map(function (s) { return [s.mine.start, s.mine.end]; });
      var reused = covered(d.id, spans, minus);
      var others = new Set(sides.map(function (s) { return s.theirs.document; }));
      var row = rowOf[d.id];
      row.classList.toggle("excluded", excludedDoc(d.id));
      setShare(row.querySelector("td.share"), reused, d.counted_chars);
      row.querySelector("td.share").dataset.sort = String(reused);
      row.querySelector("td.sources").textContent = String(others.size);
      row.querySelector("td.sources").dataset.sort = String(others.size);
      row.querySelector("td.earliest").textContent = earliest(sides);
      var article = document.getElementById(view.anchors[d.id]);
      setShare(article.querySelector("p.meta span.share"), reused, d.counted_chars);
      article.querySelectorAll("ol.sources li").forEach(function (li) {
        var mine = sides.filter(function (s) { return s.theirs.document === li.dataset.source; });
        li.classList.toggle("off", !mine.length);
        var chars = covered(d.id, mine.map(function (s) { return [s.mine.start, s.mine.end]; }), minus);
        setShare(li.querySelector("span.share"), chars, d.counted_chars);
      });
      article.querySelectorAll("mark[data-sides]").forEach(function (m) { restyle(m, d.id); });
    });
    document.querySelectorAll("section.cluster").forEach(function (c) {
      var any = c.dataset.links.split(" ").some(function (id) { return links[id] && shows(links[id]); });
      c.classList.toggle("off", !any);
      c.querySelector(".filtered-note").hidden = any;
    });
    heatMap();
    searchRows();
  }

  function restyle(m, docId) {
    if (!m.dataset.quoted) m.dataset.quoted = m.classList.contains("q") ? "1" : "0";
    var sides = m.dataset.sides.split(" ").map(sideOf).filter(function (s) { return shows(s.link); });
    m.className = "";
    if (!sides.length) {
      m.className = "off";
      m.removeAttribute("data-n");
      return;
    }
    sides.forEach(function (s) { s.n = sourceNumber(docId, s.theirs.document); });
    sides.sort(function (a, b) {
      return a.n - b.n || (a.link.id < b.link.id ? -1 : a.link.id > b.link.id ? 1 : a.letter < b.letter ? -1 : 1);
    });
    var numbers = Array.from(new Set(sides.map(function (s) { return s.n; })));
    var first = sides[0].link;
    m.classList.add("c" + ((sides[0].n - 1) % view.palette), "k-" + first.kind);
    if (numbers.length > 1) m.classList.add("multi");
    if (first["class"] === "shared-quotation") m.classList.add("sq");
    if (sides.some(function (s) {
      return s.letter === "t" && s.link.direction === "earlier-to-later" &&
        s.link["class"] !== "shared-quotation" && !s.link.credited;
    })) m.classList.add("uc");
    if (m.dataset.quoted === "1") m.classList.add("q");
    var ending = new Set(m.dataset.ending ? m.dataset.ending.split(" ") : []);
    var ends = Array.from(new Set(sides.filter(function (s) { return ending.has(s.anchor); })
      .map(function (s) { return s.n; }))).sort(function (a, b) { return a - b; });
    if (ends.length) m.dataset.n = ends.join(",");
    else m.removeAttribute("data-n");
    m.querySelector("a").setAttribute("href", "#" + sides[0].link.id + "-" + (sides[0].letter === "s" ? "t" : "s"));
  }

  function heatMap() {
    var cells = {};
    var top = 0;
    report.links.forEach(function (l) {
      if (!shows(l) || !docs[l.source.document] || !docs[l.target.document]) return;
      var directed = l.direction === "earlier-to-later";
      var a = docs[l.source.document].outlet, b = docs[l.target.document].outlet;
      if (!directed) {
        var ka = a === null ? "\uffff" : a, kb = b === null ? "\uffff" : b;
        if (kb < ka) { var x = a; a = b; b = x; }
      }
      var key = (directed ? "d" : "u") + "\u0000" + (a === null ? "" : a) + "\u0000" + (b === null ? "" : b);
      var c = cells[key] || (cells[key] = { links: 0, chars: 0, credited: 0, quoted: 0 });
      var chars = covered(l.target.document, [[l.target.start, l.target.end]]);
      c.links += 1;
      c.chars += chars;
      c.credited += l.credited ? 1 : 0;
      c.quoted += chars * l.quotation.target;
      top = Math.max(top, c.chars);
    });
    document.querySelectorAll("table.heat").forEach(function (table) {
      var prefixKey = table.dataset.kind === "directed" ? "d" : "u";
      table.querySelectorAll("td.cell").forEach(function (td) {
        var c = cells[prefixKey + "\u0000" + td.dataset.source + "\u0000" + td.dataset.target];
        var heat = c && top ? c.chars / top : 0;
        td.style.setProperty("--heat", heat.toFixed(3));
        td.classList.toggle("dark", heat > 0.55);
        td.classList.toggle("empty", !c);
        td.querySelector(".chars").textContent = c ? String(c.chars) : "·";
        td.querySelector(".links").textContent = c ? String(c.links) : "0";
        td.querySelector(".credited").textContent = c ? (round4(c.credited / c.links) * 100).toFixed(0) + "%" : "";
        td.querySelector(".quoted").textContent =
          c ? (c.chars ? (round4(c.quoted / c.chars) * 100).toFixed(0) : "0") + "%" : "";
      });
    });
  }

  function readForm() {
    state.hideQuotes = form.elements["hide-quotes"].checked;
    var n = parseInt(form.elements["min-words"].value, 10);
    state.minWords = isFinite(n) && n > 0 ? n : 0;
    state.exclude = form.elements["exclude-outlet"].value;
    recompute();
    if (current) showTwin();
  }
  form.addEventListener("input", readForm);
  form.addEventListener("change", readForm);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.elements["reset-filters"].addEventListener("click", function () {
    form.reset();
    readForm();
  });

  // --- corpus table: sort and search ---------------------------------------------------------

  var table = document.getElementById("corpus-table");
  var tbody = table.tBodies[0];
  Array.from(tbody.rows).forEach(function (r, i) { r.dataset.index = String(i); });
  var search = document.querySelector('input[name="corpus-search"]');
  function searchRows() {
    var q = search.value.trim().toLowerCase();
    var shown = 0;
    Array.from(tbody.rows).forEach(function (r) {
      var hit = !q || r.textContent.toLowerCase().indexOf(q) >= 0 || r.dataset.doc.toLowerCase().indexOf(q) >= 0;
      var on = hit && !r.classList.contains("excluded");
      r.classList.toggle("off", !on);
      if (on) shown += 1;
    });
    document.getElementById("rows-shown").textContent = String(shown);
  }
  search.addEventListener("input", searchRows);
  var collator = new Intl.Collator(view.lang, { numeric: true, sensitivity: "base" });
  table.querySelectorAll("thead th").forEach(function (th, col) {
    th.querySelector("button").addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var numeric = th.dataset.type === "number";
      var rows = Array.from(tbody.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.sort || a.cells[col].textContent;
        var y = b.cells[col].dataset.sort || b.cells[col].textContent;
        var order = numeric ? Number(x) - Number(y) : collator.compare(x, y);
        if (!ascending) order = -order;
        return order || Number(a.dataset.index) - Number(b.dataset.index);
      });
      rows.forEach(function (r) { tbody.appendChild(r); });
    });
  });

  // --- views ---------------------------------------------------------------------------------

  var sections = Array.from(document.querySelectorAll("section.view"));
  var tabs = Array.from(document.querySelectorAll("nav.views a"));
  var currentArticle = document.querySelector("#documents article.doc");
  function show(viewId, article) {
    sections.forEach(function (s) { s.classList.toggle("shown", s.id === viewId); });
    tabs.forEach(function (a) {
      if (a.dataset.view === viewId) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
    if (article) currentArticle = article;
    document.querySelectorAll("#documents article.doc").forEach(function (a) {
      a.classList.toggle("current", a === currentArticle);
    });
    if (viewId === "documents" && currentArticle) {
      tabs[1].setAttribute("href", "#" + currentArticle.id);
    }
  }
  function route() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id ? document.getElementById(id) : null;
    var section = el ? el.closest("section.view") : null;
    if (!section) {
      show("corpus");
      return;
    }
    var article = el.closest("article.doc");
    show(section.id, article);
    if (current && !(currentArticle && currentArticle.contains(current.mark))) close();
    if (el !== section && el.scrollIntoView) el.scrollIntoView({ block: article && el !== article ? "center" : "start" });
    else window.scrollTo(0, 0);
  }
  window.addEventListener("hashchange", route);

  // --- the twin panel ------------------------------------------------------------------------

  var panel = document.getElementById("twin");
  var current = null; // {mark, choice}
  function marksHere() {
    return currentArticle ? Array.from(currentArticle.querySelectorAll("mark[data-sides]:not(.off)")) : [];
  }
  function words(text) { return text.split(/(\s+)/).filter(function (w) { return w !== ""; }); }
  function key(word) {
    return word.toLowerCase().replace(/ё/g, "е").replace(/[^\p{L}\p{N}]/gu, "");
  }
  // Word-level longest common subsequence: the words outside it are the differences.
  function common(a, b) {
    var ka = a.map(key), kb = b.map(key);
    var inA = new Array(a.length).fill(false), inB = new Array(b.length).fill(false);
    var n = a.length, m = b.length;
    if (n * m > 4000000) return [inA.fill(true), inB.fill(true)];
    var lcs = new Uint16Array((n + 1) * (m + 1));
    for (var i = n - 1; i >= 0; i--) {
      for (var j = m - 1; j >= 0; j--) {
        lcs[i * (m + 1) + j] = ka[i] === kb[j]
          ? lcs[(i + 1) * (m + 1) + j + 1] + 1
          : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
      }
    }
    i = 0; j = 0;
    while (i < n && j < m) {
      if (ka[i] === kb[j]) { inA[i] = inB[j] = true; i++; j++; }
      else if (lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) i++;
      else j++;
    }
    return [inA, inB];
  }
  function fill(box, tokens, same, tag) {
    box.textContent = "";
    tokens.forEach(function (w, i) {
      if (same[i] || /^\s+$/.test(w)) {
        box.appendChild(document.createTextNode(w));
      } else {
        var el = document.createElement(tag);
        el.textContent = w;
        box.appendChild(el);
      }
    });
  }
  function describe(box, docId) {
    var d = docs[docId];
    box.querySelector("h3").textContent = outletName(d.outlet) + " · " + dateLabel(d) + " · " + d.id;
  }
  function open(mark, choice) {
    if (current && current.mark) current.mark.classList.remove("active");
    current = { mark: mark, choice: choice || 0 };
    showTwin();
  }
  function showTwin() {
    var mark = current.mark;
    var docId = mark.closest("article.doc").dataset.doc;
    var sides = mark.dataset.sides.split(" ").map(sideOf).filter(function (s) { return shows(s.link); });
    if (!sides.length) { close(); return; }
    sides.forEach(function (s) { s.n = sourceNumber(docId, s.theirs.document); });
    sides.sort(function (a, b) { return a.n - b.n; });
    if (current.choice >= sides.length) current.choice = 0;
    var s = sides[current.choice];
    mark.classList.add("active");
    var all = marksHere();
    var at = all.indexOf(mark);
    panel.querySelector(".position").textContent = (at + 1) + " / " + all.length;
    panel.querySelector('button[name="previous"]').disabled = at <= 0;
    panel.querySelector('button[name="next"]').disabled = at < 0 || at >= all.length - 1;
    var choices = panel.querySelector(".choices");
    choices.textContent = "";
    if (sides.length > 1) {
      sides.forEach(function (x, i) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = "[" + x.n + "] " + outletName(docs[x.theirs.document].outlet);
        b.disabled = i === current.choice;
        b.addEventListener("click", function () { current.choice = i; showTwin(); });
        choices.appendChild(b);
      });
    }
    var mine = panel.querySelector(".side.mine"), theirs = panel.querySelector(".side.theirs");
    describe(mine, s.mine.document);
    describe(theirs, s.theirs.document);
    mine.querySelector("h3").textContent = t.this_article + ": " + mine.querySelector("h3").textContent;
    theirs.querySelector("h3").textContent = "[" + s.n + "] " + theirs.querySelector("h3").textContent;
    var l = s.link;
    mine.querySelector(".facts").textContent = [t[l.kind], t.similarity + " " + l.similarity.toFixed(2),
      l.matched_words + " " + t.matched_words].join(" · ");
    theirs.querySelector(".facts").textContent = [t[relation(l, s.letter)],
      t[{ "copied-text": "copied_text", "mixed": "mixed", "shared-quotation": "shared_quotation" }[l["class"]]],
      l.credited ? t.credited : t.not_credited].join(" · ");
    var a = words(slice(s.mine.document, s.mine.start, s.mine.end));
    var b = words(slice(s.theirs.document, s.theirs.start, s.theirs.end));
    var same = common(a, b);
    fill(mine.querySelector(".passage"), a, same[0], "ins");
    fill(theirs.querySelector(".passage"), b, same[1], "del");
    theirs.querySelector("a.open").setAttribute("href", "#" + l.id + "-" + (s.letter === "s" ? "t" : "s"));
    panel.hidden = false;
    root.classList.add("twin-open");
    // Keep the passage above the panel, which covers the lower half of the window.
    var box = mark.getBoundingClientRect();
    if (box.top < 60 || box.bottom > window.innerHeight - panel.offsetHeight) {
      window.scrollBy(0, box.top - window.innerHeight * 0.2);
    }
  }
  function close() {
    if (current && current.mark) current.mark.classList.remove("active");
    current = null;
    panel.hidden = true;
    root.classList.remove("twin-open");
  }
  function step(delta) {
    var all = marksHere();
    var at = all.indexOf(current.mark);
    var next = all[at + delta];
    if (!next) return;
    open(next, 0);
  }
  panel.querySelector('button[name="previous"]').addEventListener("click", function () { step(-1); });
  panel.querySelector('button[name="next"]').addEventListener("click", function () { step(1); });
  panel.querySelector('button[name="close"]').addEventListener("click", close);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && current) close();
  });
  document.getElementById("documents").addEventListener("click", function (e) {
    var mark = e.target.closest ? e.target.closest(".text mark[data-sides]") : null;
    if (!mark || mark.classList.contains("off")) return;
    e.preventDefault();
    open(mark, 0);
  });

  recompute();
  route();
})();
