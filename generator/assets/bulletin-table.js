/*
 * Bulletin tables: every <div class="bl-table" data-src="URL"></div> becomes a
 * sortable, filterable, paginated table whose rows come from a JSON file, so
 * that filtering and sorting work over all rows, not just the current page.
 *
 * Dependency-free ES2017, no modules, no network other than data-src.
 * Data is rendered with DOM APIs and textContent only (never innerHTML).
 *
 * JSON: {"columns": [{"key", "label", "type": "text|link|badge|date|number", "filter": bool}],
 *        "rows": [{key: cell, ..., "_search": "extra text"}],
 *        "labels": {search, all, shown, prev, next, none, page?, error?},
 *        "page_size": 50, "sort": {"key", "dir": "asc|desc"}}
 * A cell is a string (or number), {text, href} (a link), {text, value, cls}
 * (a badge, filtered and sorted by value; an optional "sort" overrides the
 * sort key), or an array of those (shown joined with "、").
 *
 * The URL hash can set the initial state: #status=implementing&q=模具&sort=due&dir=asc
 * (keys of filter columns, q for the text filter). With one table on the page
 * the hash follows the controls, so a filtered view can be linked to.
 *
 * Any existing content of the div (a <noscript> or a link to the CSV) stays
 * until the data has loaded.
 */
(function (root) {
  "use strict";

  var DEFAULT_LABELS = {
    search: "筛选",
    all: "全部",
    shown: "显示 {shown} / {total} 条",
    page: "第 {page} / {pages} 页",
    prev: "上一页",
    next: "下一页",
    none: "没有符合条件的记录",
    error: "无法加载数据"
  };
  var SEARCH_DELAY = 120;
  var collator = (typeof Intl !== "undefined" && Intl.Collator)
    ? new Intl.Collator(["zh-Hans-CN", "zh", "en"], {numeric: true, sensitivity: "base"})
    : null;

  // ------------------------------------------------------------ pure functions

  function isObject(c) {
    return c !== null && typeof c === "object" && !Array.isArray(c);
  }

  function cellText(c) {
    if (c === null || c === undefined) return "";
    if (Array.isArray(c)) return c.map(cellText).filter(function (s) { return s !== ""; }).join("、");
    if (isObject(c)) return (c.text === null || c.text === undefined) ? "" : String(c.text);
    return String(c);
  }

  /* The values a cell is filtered by (a list, for array cells). */
  function cellValues(c) {
    if (c === null || c === undefined) return [];
    if (Array.isArray(c)) {
      return c.reduce(function (acc, x) { return acc.concat(cellValues(x)); }, []);
    }
    if (isObject(c) && c.value !== null && c.value !== undefined) return [String(c.value)];
    var t = cellText(c);
    return t === "" ? [] : [t];
  }

  function normalize(s) {
    s = String(s);
    if (s.normalize) s = s.normalize("NFKC");
    return s.toLowerCase();
  }

  /* Sort key: null for empty (always sorted last), a number, or a string. */
  function sortKey(c, type) {
    if (isObject(c) && c.sort !== null && c.sort !== undefined) return c.sort;
    var s;
    if (type === "badge") {
      var vals = cellValues(c);
      s = vals.length ? vals[0] : "";
    } else {
      s = cellText(c);
    }
    s = s.trim();
    if (s === "") return null;
    if (type === "number") {
      var n = parseFloat(s.replace(/[,\s%]/g, ""));
      return isNaN(n) ? null : n;
    }
    return s;
  }

  function compareKeys(a, b) {
    if (typeof a === "number" && typeof b === "number") return a - b;
    if (typeof a === "number") return -1;
    if (typeof b === "number") return 1;
    a = String(a);
    b = String(b);
    if (collator) return collator.compare(a, b);
    return a < b ? -1 : (a > b ? 1 : 0);
  }

  /* Indices of `keys` sorted; empty (null) last in both directions; stable. */
  function sortIndices(indices, keys, dir) {
    var sign = dir === "desc" ? -1 : 1;
    return indices.slice().sort(function (i, j) {
      var a = keys[i], b = keys[j];
      if (a === null && b === null) return i - j;
      if (a === null) return 1;
      if (b === null) return -1;
      return sign * compareKeys(a, b) || (i - j);
    });
  }

  function format(template, vars) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(vars, k) ? String(vars[k]) : m;
    });
  }

  /* "#status=implementing&q=x" -> {status: "implementing", q: "x"}; {} for an ordinary anchor. */
  function parseHash(hash) {
    var out = {};
    hash = String(hash || "").replace(/^#/, "");
    if (hash.indexOf("=") < 0) return out;
    hash.split("&").forEach(function (part) {
      var i = part.indexOf("=");
      if (i <= 0) return;
      try {
        out[decodeURIComponent(part.slice(0, i))] = decodeURIComponent(part.slice(i + 1).replace(/\+/g, " "));
      } catch (e) { /* malformed escape: ignore that part */ }
    });
    return out;
  }

  function buildHash(pairs) {
    return pairs.filter(function (p) { return p[1] !== "" && p[1] !== null && p[1] !== undefined; })
      .map(function (p) { return encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1]); })
      .join("&");
  }

  function safeHref(href) {
    href = String(href === null || href === undefined ? "" : href);
    var compact = href.replace(/[\u0000-\u0020\u007f]/g, "").toLowerCase();
    if (/^(javascript|vbscript|data):/.test(compact)) return null;
    return href;
  }

  /* Prepare the data: columns, rows, search text and sort keys per row. */
  function createModel(data) {
    data = data || {};
    var columns = (Array.isArray(data.columns) ? data.columns : []).map(function (c) {
      c = isObject(c) ? c : {key: String(c)};
      return {key: String(c.key), label: c.label === undefined ? String(c.key) : String(c.label),
              type: c.type || "text", filter: !!c.filter};
    });
    var rows = Array.isArray(data.rows) ? data.rows.filter(isObject) : [];
    var haystacks = rows.map(function (r) {
      var parts = columns.map(function (c) {
        return cellText(r[c.key]) + " " + cellValues(r[c.key]).join(" ");
      });
      if (r._search !== undefined && r._search !== null) parts.push(String(r._search));
      return normalize(parts.join(" \u0001 "));
    });
    var labels = Object.assign({}, DEFAULT_LABELS, isObject(data.labels) ? data.labels : {});
    var size = parseInt(data.page_size, 10);
    var sort = isObject(data.sort) ? data.sort : {};
    return {
      columns: columns,
      rows: rows,
      haystacks: haystacks,
      keyCache: {},
      labels: labels,
      pageSize: size > 0 ? size : 50,
      sort: {key: sort.key ? String(sort.key) : "", dir: sort.dir === "desc" ? "desc" : "asc"}
    };
  }

  function column(model, key) {
    for (var i = 0; i < model.columns.length; i++) {
      if (model.columns[i].key === key) return model.columns[i];
    }
    return null;
  }

  function sortKeys(model, key) {
    if (!model.keyCache[key]) {
      var col = column(model, key);
      var type = col ? col.type : "text";
      model.keyCache[key] = model.rows.map(function (r) { return sortKey(r[key], type); });
    }
    return model.keyCache[key];
  }

  /* Distinct filter options of a column: [{value, text}], sorted by text. */
  function options(model, key) {
    var seen = {}, out = [];
    model.rows.forEach(function (r) {
      var c = r[key];
      var list = Array.isArray(c) ? c : [c];
      list.forEach(function (x) {
        var vals = cellValues(x);
        if (!vals.length) return;
        var v = vals[0];
        if (!Object.prototype.hasOwnProperty.call(seen, v)) {
          seen[v] = true;
          out.push({value: v, text: cellText(x) || v});
        }
      });
    });
    out.sort(function (a, b) { return compareKeys(a.text, b.text); });
    return out;
  }

  /* The row indices to show, over all rows: state = {q, filters: {key: value}, sort: {key, dir}}. */
  function view(model, state) {
    var terms = normalize(state.q || "").split(/\s+/).filter(Boolean);
    var filters = Object.keys(state.filters || {}).filter(function (k) { return state.filters[k] !== ""; });
    var out = [];
    for (var i = 0; i < model.rows.length; i++) {
      var hay = model.haystacks[i], ok = true, t, f;
      for (t = 0; ok && t < terms.length; t++) ok = hay.indexOf(terms[t]) >= 0;
      for (f = 0; ok && f < filters.length; f++) {
        ok = cellValues(model.rows[i][filters[f]]).indexOf(state.filters[filters[f]]) >= 0;
      }
      if (ok) out.push(i);
    }
    if (state.sort && state.sort.key && column(model, state.sort.key)) {
      out = sortIndices(out, sortKeys(model, state.sort.key), state.sort.dir);
    }
    return out;
  }

  // ------------------------------------------------------------ DOM

  function el(doc, tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function renderCell(doc, td, c) {
    if (Array.isArray(c)) {
      c.forEach(function (x, i) {
        if (i) td.appendChild(doc.createTextNode("、"));
        renderCell(doc, td, x);
      });
      return;
    }
    if (isObject(c)) {
      var text = cellText(c);
      var href = c.href !== undefined && c.href !== null ? safeHref(c.href) : null;
      if (href !== null) {
        var a = el(doc, "a", "", text);
        a.setAttribute("href", href);
        td.appendChild(a);
      } else if (c.cls) {
        td.appendChild(el(doc, "span", String(c.cls), text));
      } else {
        td.appendChild(doc.createTextNode(text));
      }
      return;
    }
    td.appendChild(doc.createTextNode(cellText(c)));
  }

  function Table(container, data, opts) {
    var doc = container.ownerDocument;
    var model = createModel(data);
    var labels = model.labels;
    var self = this;
    var hashState = parseHash(opts.hash);
    var state = {q: "", filters: {}, sort: {key: model.sort.key, dir: model.sort.dir}, page: 1};
    var current = null;

    this.model = model;
    this.state = state;

    // controls
    var controls = el(doc, "div", "bl-table-controls");
    var searchLabel = el(doc, "label", "bl-table-label");
    searchLabel.appendChild(el(doc, "span", "bl-table-label-text", labels.search));
    var search = el(doc, "input", "bl-table-filter");
    search.setAttribute("type", "search");
    search.setAttribute("autocomplete", "off");
    searchLabel.appendChild(search);
    controls.appendChild(searchLabel);

    var selects = {};
    model.columns.forEach(function (col) {
      if (!col.filter) return;
      var lab = el(doc, "label", "bl-table-label");
      lab.appendChild(el(doc, "span", "bl-table-label-text", col.label));
      var sel = el(doc, "select", "bl-table-select");
      sel.setAttribute("data-key", col.key);
      var all = el(doc, "option", "", labels.all);
      all.value = "";
      sel.appendChild(all);
      options(model, col.key).forEach(function (o) {
        var opt = el(doc, "option", "", o.text);
        opt.value = o.value;
        sel.appendChild(opt);
      });
      lab.appendChild(sel);
      controls.appendChild(lab);
      selects[col.key] = sel;
      sel.addEventListener("change", function () {
        state.filters[col.key] = sel.value;
        self.update(true);
      });
    });

    // table
    var table = el(doc, "table", "bl-data");
    var thead = el(doc, "thead");
    var headRow = el(doc, "tr");
    var ths = {};
    model.columns.forEach(function (col) {
      var th = el(doc, "th");
      th.setAttribute("scope", "col");
      th.setAttribute("data-key", col.key);
      if (col.type === "number") th.className = "bl-num";
      var b = el(doc, "button", "bl-table-sort", col.label);
      b.setAttribute("type", "button");
      b.addEventListener("click", function () {
        if (state.sort.key === col.key) {
          state.sort.dir = state.sort.dir === "asc" ? "desc" : "asc";
        } else {
          state.sort.key = col.key;
          state.sort.dir = "asc";
        }
        self.update(true);
      });
      th.appendChild(b);
      headRow.appendChild(th);
      ths[col.key] = th;
    });
    thead.appendChild(headRow);
    table.appendChild(thead);
    var tbody = el(doc, "tbody");
    table.appendChild(tbody);
    var scroll = el(doc, "div", "bl-table-scroll");
    scroll.appendChild(table);

    // status and pager
    var count = el(doc, "p", "bl-table-count");
    count.setAttribute("role", "status");
    count.setAttribute("aria-live", "polite");
    var pager = el(doc, "div", "bl-table-pager");
    var prev = el(doc, "button", "bl-table-prev", labels.prev);
    prev.setAttribute("type", "button");
    var pageText = el(doc, "span", "bl-table-page");
    var next = el(doc, "button", "bl-table-next", labels.next);
    next.setAttribute("type", "button");
    pager.appendChild(prev);
    pager.appendChild(pageText);
    pager.appendChild(next);
    function turn(delta) {
      state.page += delta;
      self.render();
      // paging from the bottom of a long page: bring the top of the table back into view
      if (container.getBoundingClientRect && container.scrollIntoView && container.getBoundingClientRect().top < 0) {
        container.scrollIntoView();
      }
    }
    prev.addEventListener("click", function () { turn(-1); });
    next.addEventListener("click", function () { turn(1); });

    var timer = null;
    search.addEventListener("input", function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(function () {
        timer = null;
        state.q = search.value;
        self.update(true);
      }, SEARCH_DELAY);
    });

    // initial state from the hash
    if (hashState.q) {
      state.q = hashState.q;
      search.value = hashState.q;
    }
    Object.keys(selects).forEach(function (key) {
      if (!Object.prototype.hasOwnProperty.call(hashState, key)) return;
      var v = hashState[key], sel = selects[key], found = false;
      for (var i = 0; i < sel.options.length; i++) if (sel.options[i].value === v) found = true;
      if (!found && v !== "") {  // a value no row has: show it, and show that nothing matches
        var opt = el(doc, "option", "", v);
        opt.value = v;
        sel.appendChild(opt);
      }
      sel.value = v;
      state.filters[key] = v;
    });
    if (hashState.sort && column(model, hashState.sort)) {
      state.sort = {key: hashState.sort, dir: hashState.dir === "desc" ? "desc" : "asc"};
    }

    this.hashPairs = function () {
      var pairs = [["q", state.q.trim()]];
      Object.keys(selects).forEach(function (k) { pairs.push([k, state.filters[k] || ""]); });
      if (state.sort.key && (state.sort.key !== model.sort.key || state.sort.dir !== model.sort.dir)) {
        pairs.push(["sort", state.sort.key], ["dir", state.sort.dir]);
      }
      return pairs;
    };

    this.update = function (userAction) {
      current = view(model, state);
      state.page = 1;
      self.render();
      if (userAction && opts.onChange) opts.onChange(self);
    };

    this.render = function () {
      var size = model.pageSize;
      var total = current.length;
      var pages = Math.max(1, Math.ceil(total / size));
      state.page = Math.min(Math.max(1, state.page), pages);
      var start = (state.page - 1) * size;
      var slice = current.slice(start, start + size);

      clear(tbody);
      if (!slice.length) {
        var tr0 = el(doc, "tr", "bl-table-empty");
        var td0 = el(doc, "td", "", labels.none);
        td0.setAttribute("colspan", String(Math.max(1, model.columns.length)));
        tr0.appendChild(td0);
        tbody.appendChild(tr0);
      }
      slice.forEach(function (i) {
        var row = model.rows[i];
        var tr = el(doc, "tr");
        model.columns.forEach(function (col) {
          var td = el(doc, "td");
          td.setAttribute("data-label", col.label);
          td.className = "bl-col-" + col.type + (col.type === "number" ? " bl-num" : "");
          renderCell(doc, td, row[col.key]);
          tr.appendChild(td);
        });
        tbody.appendChild(tr);
      });

      model.columns.forEach(function (col) {
        if (state.sort.key === col.key) {
          ths[col.key].setAttribute("aria-sort", state.sort.dir === "desc" ? "descending" : "ascending");
        } else {
          ths[col.key].removeAttribute("aria-sort");
        }
      });
      var vars = {shown: total, total: model.rows.length, page: state.page, pages: pages,
                  from: total ? start + 1 : 0, to: start + slice.length};
      count.textContent = format(labels.shown, vars);
      pageText.textContent = format(labels.page, vars);
      prev.disabled = state.page <= 1;
      next.disabled = state.page >= pages;
      pager.hidden = pages <= 1;
    };

    clear(container);
    container.appendChild(controls);
    container.appendChild(count);
    container.appendChild(scroll);
    container.appendChild(pager);
    this.update(false);
  }

  // ------------------------------------------------------------ page wiring

  function showError(container, err) {
    var doc = container.ownerDocument;
    var none = container.getAttribute("data-label-none") || DEFAULT_LABELS.none;
    var p = el(doc, "p", "bl-table-error", none + " (" + DEFAULT_LABELS.error + ": " +
               (err && err.message ? err.message : String(err)) + ")");
    p.setAttribute("role", "alert");
    clear(container);
    container.appendChild(p);
  }

  function setHash(win, hash) {
    if (!win.history || !win.history.replaceState) return;
    var loc = win.location;
    var url = loc.pathname + loc.search + (hash ? "#" + hash : "");
    win.history.replaceState(win.history.state, "", url);
  }

  function initAll(doc, win) {
    doc = doc || root.document;
    win = win || root;
    var nodes = doc.querySelectorAll("div.bl-table[data-src]");
    var single = nodes.length === 1;
    var loc = win.location || {};
    var hash = loc.hash || "";
    var ownsHash = single && (hash === "" || hash === "#" || hash.indexOf("=") >= 0);
    Array.prototype.forEach.call(nodes, function (container) {
      if (container.getAttribute("data-bl-ready")) return;
      container.setAttribute("data-bl-ready", "loading");
      container.setAttribute("aria-busy", "true");
      var src = container.getAttribute("data-src");
      win.fetch(src, {credentials: "same-origin"})
        .then(function (res) {
          if (!res.ok) throw new Error("HTTP " + res.status + " " + src);
          return res.json();
        })
        .then(function (data) {
          var t = new Table(container, data, {
            hash: hash,
            onChange: ownsHash ? function (tbl) { setHash(win, buildHash(tbl.hashPairs())); } : null
          });
          container.blTable = t;
          container.setAttribute("data-bl-ready", "ready");
          container.removeAttribute("aria-busy");
        })
        .catch(function (err) {
          showError(container, err);
          container.setAttribute("data-bl-ready", "error");
          container.removeAttribute("aria-busy");
        });
    });
  }

  var api = {
    cellText: cellText, cellValues: cellValues, sortKey: sortKey, compareKeys: compareKeys,
    sortIndices: sortIndices, format: format, parseHash: parseHash, buildHash: buildHash,
    safeHref: safeHref, createModel: createModel, options: options, view: view,
    Table: Table, initAll: initAll
  };

  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  }
  if (root && root.document) {
    root.BulletinTable = api;
    var start = function () { initAll(root.document, root); };
    if (root.document.readyState === "loading") {
      root.document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
    // Material's instant navigation swaps pages without reloading scripts and announces
    // each new page on document$; data-bl-ready keeps a table from being set up twice.
    if (root.document$ && typeof root.document$.subscribe === "function") {
      root.document$.subscribe(start);
    }
  }
})(typeof window !== "undefined" ? window : this);
