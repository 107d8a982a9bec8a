/* Bulletin search: answers the header search box from the chunked static index in search/
 * (written by generator/search.py; the format is described there). A query fetches search/manifest.json,
 * the shard of each of its terms and the metadata chunks of the results it shows: nothing else, and
 * nothing from outside the site. Results are built with DOM APIs and textContent only.
 *
 * The tokenizer below mirrors generator/search.py; tests/test_search.py runs both on the same strings.
 */
(function () {
  "use strict";

  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var JOINERS = "-_./:";
  var MAX_TOKEN = 64;
  var SPLIT = /[-_./:]/;
  var WORD = /^[\p{L}\p{N}]$/u;   // Python: [^\W_]
  var DEBOUNCE_MS = 150;
  var FIRST_PAGE = 10;   // results in the drop-down while typing
  var PAGE = 20;         // results added by "more" on the results view (Enter)

  // ------------------------------------------------------------------ tokens

  function isCjk(ch) {
    var o = ch.codePointAt(0);
    return (o >= 0x3040 && o <= 0x30FF) || (o >= 0x3400 && o <= 0x4DBF) || (o >= 0x4E00 && o <= 0x9FFF) ||
      (o >= 0xAC00 && o <= 0xD7AF) || (o >= 0xF900 && o <= 0xFAFF) || (o >= 0x20000 && o <= 0x3134F);
  }

  function isWord(ch) {
    return WORD.test(ch) && !isCjk(ch);
  }

  function normalize(text) {
    return text.normalize("NFKC").toLowerCase();
  }

  function cps(text) {
    return Array.from(text);
  }

  /* [kind, start, end] over an array of code points: "c" a CJK run, "w" a word with joiners inside */
  function runs(chars) {
    var out = [], i = 0, n = chars.length, j;
    while (i < n) {
      if (isCjk(chars[i])) {
        j = i + 1;
        while (j < n && isCjk(chars[j])) j++;
        out.push(["c", i, j]);
        i = j;
      } else if (isWord(chars[i])) {
        j = i + 1;
        while (j < n) {
          if (isWord(chars[j])) j++;
          else if (JOINERS.indexOf(chars[j]) >= 0 && j + 1 < n && isWord(chars[j + 1])) j += 2;
          else break;
        }
        out.push(["w", i, j]);
        i = j;
      } else {
        i++;
      }
    }
    return out;
  }

  function parts(word) {
    return word.split(SPLIT).filter(function (p) { return p; });
  }

  function len(text) {
    return cps(text).length;
  }

  function tokens(text) {
    var chars = cps(normalize(text)), out = [];
    runs(chars).forEach(function (r) {
      var run = chars.slice(r[1], r[2]);
      if (r[0] === "c") {
        for (var k = 0; k + 1 < run.length; k++) out.push(run[k] + run[k + 1]);
        out.push(run[run.length - 1]);
      } else {
        var word = run.join(""), ps = parts(word);
        if (ps.length > 1 && run.length <= MAX_TOKEN) out.push(word);
        ps.forEach(function (p) { if (len(p) <= MAX_TOKEN) out.push(p); });
      }
    });
    return out;
  }

  /* {terms: [{token, prefix}], phrases: [...]}: the AND of the terms; each phrase must be in the text */
  function queryTerms(query) {
    var chars = cps(normalize(query)), rs = runs(chars), terms = [], phrases = [];
    rs.forEach(function (r, n) {
      var run = chars.slice(r[1], r[2]);
      if (r[0] === "c") {
        if (run.length === 1) {
          terms.push({token: run[0], prefix: true});
        } else {
          for (var k = 0; k + 1 < run.length; k++) terms.push({token: run[k] + run[k + 1], prefix: false});
          if (run.length > 2) phrases.push(run.join(""));
        }
        return;
      }
      var j = r[2];
      var last = n === rs.length - 1 &&
        (j === chars.length || (j === chars.length - 1 && JOINERS.indexOf(chars[j]) >= 0));
      var word = run.join("");
      if (last && j < chars.length) { word += chars[j]; run = run.concat([chars[j]]); }
      var ps = parts(word);
      if (run.length <= MAX_TOKEN && (ps.length > 1 || last)) {
        terms.push({token: word, prefix: last});
      } else {
        ps.forEach(function (p) { if (len(p) <= MAX_TOKEN) terms.push({token: p, prefix: false}); });
      }
    });
    var seen = {}, unique = [];
    terms.forEach(function (t) {
      var id = (t.prefix ? "1" : "0") + t.token;
      if (!seen[id]) { seen[id] = true; unique.push(t); }
    });
    return {terms: unique, phrases: phrases};
  }

  // ------------------------------------------------------------------ keys, shards, posting lists

  function fnv1a(text) {
    var bytes = new TextEncoder().encode(text), h = 0x811C9DC5;
    for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    return h >>> 0;
  }

  function baseLen(token) {
    return isCjk(cps(token)[0]) ? 1 : 3;
  }

  function keyOf(token, heavy) {
    var chars = cps(token), n = baseLen(token), k = chars.slice(0, n).join("");
    while (heavy.has(k) && n < chars.length) { n++; k = chars.slice(0, n).join(""); }
    return k;
  }

  /* [token to read, whether every token starting with it counts] for a term: a prefix shorter than a key
     matches exactly; a prefix that is a heavy key reads the key's union token (key + "*") */
  function lookup(term, heavy) {
    if (term.prefix && len(term.token) >= baseLen(term.token)) {
      return heavy.has(term.token) ? [term.token + "*", false] : [term.token, true];
    }
    return [term.token, false];
  }

  var VALUE = {};
  for (var a = 0; a < ALPHABET.length; a++) VALUE[ALPHABET[a]] = a;

  /* code -> [[doc, weight], ...]: each VLQ adds to v = doc * 32 + weight (v starts at -32);
     weight = min(tf, 15) * 2 + (in title) */
  function decode(code) {
    var out = [], v = -32, value = 0, shift = 0;
    for (var i = 0; i < code.length; i++) {
      var digit = VALUE[code[i]];
      value += (digit & 31) * Math.pow(2, shift);
      if (digit & 32) { shift += 5; continue; }
      v += value;
      out.push([Math.floor(v / 32), v % 32]);
      value = 0; shift = 0;
    }
    return out;
  }

  /* doc -> [tf, in title, exact] for one term over its (parsed) shard; how = lookup(term, heavy) */
  function termDocs(term, how, shard) {
    var found = new Map(), token = how[0], matches;
    if (how[1]) {
      matches = Object.keys(shard).filter(function (t) { return t.startsWith(token); });
    } else {
      matches = Object.prototype.hasOwnProperty.call(shard, token) ? [token] : [];
    }
    matches.forEach(function (t) {
      var exact = t === term.token;
      decode(shard[t]).forEach(function (p) {
        var d = p[0], tf = p[1] >> 1, title = (p[1] & 1) === 1, old = found.get(d);
        if (!old || (exact && !old[2]) || (exact === old[2] && tf > old[0])) {
          found.set(d, [tf, title || (old ? old[1] : false), exact]);
        } else if (title && !old[1]) {
          old[1] = true;
        }
      });
    });
    return found;
  }

  /* document numbers, best first: terms in the title, terms matched exactly, sum of tf, newest URL */
  function rank(perTerm) {
    if (!perTerm.length) return [];
    var smallest = perTerm.reduce(function (a, b) { return a.size <= b.size ? a : b; });
    var scored = [];
    smallest.forEach(function (_, d) {
      var title = 0, exact = 0, tf = 0;
      for (var i = 0; i < perTerm.length; i++) {
        var h = perTerm[i].get(d);
        if (!h) return;
        title += h[1] ? 1 : 0; exact += h[2] ? 1 : 0; tf += h[0];
      }
      scored.push([d, title, exact, tf]);
    });
    scored.sort(function (x, y) { return (y[1] - x[1]) || (y[2] - x[2]) || (y[3] - x[3]) || (y[0] - x[0]); });
    return scored.map(function (s) { return s[0]; });
  }

  // ------------------------------------------------------------------ highlighting

  /* [[start, end], ...] in `text` (UTF-16 offsets) where one of the needles occurs, case and width folded */
  function matchRanges(text, needles) {
    var norm = "", map = [], i = 0;
    for (var ch of text) {
      var n = normalize(ch);
      for (var k = 0; k < n.length; k++) map.push(i);
      norm += n;
      i += ch.length;
    }
    map.push(i);
    var ranges = [];
    needles.forEach(function (needle) {
      if (!needle) return;
      var at = norm.indexOf(needle);
      while (at >= 0) {
        ranges.push([map[at], map[at + needle.length]]);
        at = norm.indexOf(needle, at + needle.length);
      }
    });
    ranges.sort(function (x, y) { return x[0] - y[0] || y[1] - x[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged;
  }

  /* text -> DOM nodes with <mark> around the ranges */
  function marked(text, ranges, from, to) {
    var frag = document.createDocumentFragment(), at = from;
    ranges.forEach(function (r) {
      var s = Math.max(r[0], from), e = Math.min(r[1], to);
      if (e <= s) return;
      if (s > at) frag.appendChild(document.createTextNode(text.slice(at, s)));
      var m = document.createElement("mark");
      m.textContent = text.slice(s, e);
      frag.appendChild(m);
      at = e;
    });
    if (at < to) frag.appendChild(document.createTextNode(text.slice(at, to)));
    return frag;
  }

  function excerpt(text, ranges) {
    var before = 24, size = 140, start = 0;
    if (ranges.length && ranges[0][0] > before) start = ranges[0][0] - before;
    if (start > 0 && /[\uDC00-\uDFFF]/.test(text[start])) start--;
    var end = Math.min(text.length, start + size);
    if (end < text.length && /[\uDC00-\uDFFF]/.test(text[end])) end++;
    var frag = document.createDocumentFragment();
    if (start > 0) frag.appendChild(document.createTextNode("… "));
    frag.appendChild(marked(text, ranges, start, end));
    if (end < text.length) frag.appendChild(document.createTextNode(" …"));
    return frag;
  }

  // ------------------------------------------------------------------ the index over HTTP

  function Index(base) {
    this.base = base;
    this.files = new Map();
    this.manifest = null;
  }

  Index.prototype.get = function (rel, version) {
    var url = new URL(rel + (version ? "?v=" + version : ""), this.base).href;
    if (!this.files.has(url)) {
      var opts = version ? {} : {cache: "no-cache"};
      var p = fetch(url, opts).then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + url);
        return r.json();
      });
      p.catch(function () { this.files.delete(url); }.bind(this));
      this.files.set(url, p);
    }
    return this.files.get(url);
  };

  Index.prototype.ready = function () {
    var self = this;
    if (!this.manifest) {
      this.manifest = this.get("manifest.json").then(function (m) {
        m.heavySet = new Set(m.heavy);
        m.aloneAt = new Map(m.alone.map(function (k, a) { return [k, m.shards + a]; }));
        return m;
      });
      this.manifest.catch(function () { self.manifest = null; });
    }
    return this.manifest;
  };

  /* query -> {docs: ranked document numbers, phrases, needles} */
  Index.prototype.query = function (query) {
    var self = this, q = queryTerms(query);
    if (!q.terms.length) return Promise.resolve(null);
    return this.ready().then(function (m) {
      return Promise.all(q.terms.map(function (t) {
        var how = lookup(t, m.heavySet), key = keyOf(how[0], m.heavySet);
        var i = m.aloneAt.has(key) ? m.aloneAt.get(key) : fnv1a(key) % m.shards;
        return self.get("s/" + i + ".json", m.s[Math.floor(i / m.sg)]).then(function (shard) {
          return termDocs(t, how, shard);
        });
      })).then(function (perTerm) {
        var needles = q.phrases.slice();
        q.terms.forEach(function (t) {
          var tok = t.token.replace(/[-_./:]$/, "");
          if (!q.phrases.some(function (p) { return p.indexOf(tok) >= 0; })) needles.push(tok);
        });
        return {docs: rank(perTerm), phrases: q.phrases, needles: needles};
      });
    });
  };

  /* document number -> {url, title, text, whole} */
  Index.prototype.meta = function (d) {
    var self = this;
    return this.ready().then(function (m) {
      var j = Math.floor(d / m.chunk);
      return self.get("m/" + j + ".json", m.m[Math.floor(j / m.mg)]).then(function (rows) {
        var r = rows[d % m.chunk];
        return {doc: d, url: r[0], title: r[1], text: r[2], whole: r.length < 4};
      });
    });
  };

  /* up to `count` shown results from result.docs[from...], phrase-checked: {hits, next} */
  Index.prototype.page = function (result, from, count) {
    var self = this, hits = [];
    function step(at) {
      if (hits.length >= count || at >= result.docs.length) return Promise.resolve({hits: hits, next: at});
      var batch = result.docs.slice(at, at + (count - hits.length));
      return Promise.all(batch.map(function (d) { return self.meta(d); })).then(function (metas) {
        metas.forEach(function (h) {
          var hay = normalize(h.title + " " + h.text);
          if (h.whole && result.phrases.some(function (p) { return hay.indexOf(p) < 0; })) {
            result.dropped = (result.dropped || 0) + 1;
            return;
          }
          hits.push(h);
        });
        return step(at + batch.length);
      });
    }
    return step(from);
  };

  // ------------------------------------------------------------------ the search box

  function mount(root) {
    var form = root.querySelector("form");
    var input = root.querySelector("input.md-search__input");
    var meta = root.querySelector(".md-search-result__meta");
    var list = root.querySelector(".md-search-result__list");
    var toggle = document.getElementById("__search");
    var index = new Index(new URL(root.dataset.blIndex, document.baseURI).href);
    var base = root.dataset.blBase || ".";
    var serial = 0, timer = null, current = null, more = null, composing = false;

    function say(text) { meta.textContent = text; }

    function count(n) {
      if (n === 0) return root.dataset.blNone;
      if (n === 1) return root.dataset.blOne;
      return root.dataset.blOther.replace("#", String(n));
    }

    function open() {
      if (toggle && !toggle.checked) toggle.checked = true;
      index.ready().catch(function () {});
    }

    function close() {
      if (toggle) toggle.checked = false;
      input.blur();
    }

    function href(url) {
      return base.replace(/\/$/, "") + "/" + url;
    }

    function item(hit, needles) {
      var li = document.createElement("li");
      li.className = "md-search-result__item";
      var a = document.createElement("a");
      a.className = "md-search-result__link";
      a.href = href(hit.url);
      var article = document.createElement("article");
      article.className = "md-search-result__article md-typeset";
      var h = document.createElement("h1");
      h.appendChild(marked(hit.title, matchRanges(hit.title, needles), 0, hit.title.length));
      article.appendChild(h);
      if (hit.text) {
        var p = document.createElement("p");
        p.className = "md-search-result__teaser";
        p.appendChild(excerpt(hit.text, matchRanges(hit.text, needles)));
        article.appendChild(p);
      }
      a.appendChild(article);
      li.appendChild(a);
      return li;
    }

    function show(result, from, size, id) {
      return index.page(result, from, size).then(function (page) {
        if (id !== serial) return;
        if (more) { more.remove(); more = null; }
        page.hits.forEach(function (h) { list.appendChild(item(h, result.needles)); });
        say(count(result.docs.length - (result.dropped || 0)));
        if (result.full && page.next < result.docs.length) {
          var li = document.createElement("li");
          li.className = "md-search-result__item bl-search-more";
          var b = document.createElement("button");
          b.type = "button";
          b.className = "md-button";
          b.textContent = root.dataset.blMore;
          b.addEventListener("click", function () { show(result, page.next, PAGE, id); });
          li.appendChild(b);
          list.appendChild(li);
          more = li;
        }
      });
    }

    function run(full) {
      var id = ++serial, text = input.value;
      clearTimeout(timer);
      if (!text.trim()) {
        current = null;
        list.replaceChildren();
        say(root.dataset.blPlaceholder);
        return Promise.resolve();
      }
      return index.query(text).then(function (result) {
        if (id !== serial) return;
        list.replaceChildren();
        if (!result) { say(count(0)); return; }
        result.full = full;
        current = result;
        return show(result, 0, full ? PAGE : FIRST_PAGE, id);
      }).catch(function (err) {
        if (id === serial) say(String(err && err.message || err));
      });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(function () { run(false); }, DEBOUNCE_MS);
    }

    input.addEventListener("focus", open);
    input.addEventListener("compositionstart", function () { composing = true; });
    input.addEventListener("compositionend", function () { composing = false; later(); });
    input.addEventListener("input", function (ev) {
      if (composing || ev.isComposing) return;
      open();
      later();
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var url = new URL(location.href);
      if (input.value.trim()) url.searchParams.set("q", input.value.trim());
      else url.searchParams.delete("q");
      history.replaceState(history.state, "", url.href);
      run(true);
    });
    form.addEventListener("reset", function () {
      setTimeout(function () { run(false); input.focus(); }, 0);
    });
    if (toggle) {
      toggle.addEventListener("change", function () {
        if (toggle.checked) setTimeout(function () { input.focus(); }, 0);
        else input.blur();
      });
    }

    function links() {
      return Array.prototype.slice.call(list.querySelectorAll("a.md-search-result__link, .bl-search-more button"));
    }

    root.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") {
        ev.preventDefault();
        close();
        return;
      }
      if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
      var all = links();
      if (!all.length) return;
      var at = all.indexOf(document.activeElement);
      if (ev.key === "ArrowDown") at = at < 0 ? 0 : Math.min(all.length - 1, at + 1);
      else if (at <= 0) { input.focus(); ev.preventDefault(); return; }
      else at -= 1;
      ev.preventDefault();
      all[at].focus();
      all[at].scrollIntoView({block: "nearest"});
    });

    document.addEventListener("keydown", function (ev) {
      if (ev.metaKey || ev.ctrlKey || ev.altKey || (toggle && toggle.checked)) return;
      var t = ev.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      if (ev.key === "/" || ev.key === "s" || ev.key === "f") {
        ev.preventDefault();
        input.focus();
        input.select();
      }
    });

    var q = new URL(location.href).searchParams.get("q");
    if (q) {
      input.value = q;
      open();
      input.focus();
      run(true);
    }
    root.blSearch = {run: run, index: index};
  }

  var api = {normalize: normalize, tokens: tokens, queryTerms: queryTerms, fnv1a: fnv1a, keyOf: keyOf,
             lookup: lookup, decode: decode, termDocs: termDocs, rank: rank};

  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    window.BulletinSearch = api;   // for tests: the tokenizer as the browser runs it
    var start = function () {
      document.querySelectorAll("[data-bl-search]").forEach(mount);
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})();
