/*
 * Bulletin's "new record" form (new/<type>/): a form built from the type's definition, which the page
 * holds as JSON in the data-form attribute of #bl-form (generator/pages.py, _forms).
 * It writes the record file as `bulletin new` would (front matter from the form, the body skeleton of
 * templates/new/<type>.md.j2), shows it, copies it, and links to the Git host's new-file page.
 *
 * Dependency-free ES2017, no network. Text reaches the page through textContent and attributes only
 * (never innerHTML).
 */
(function () {
  "use strict";

  var holder = document.getElementById("bl-form");
  var fieldsEl = document.getElementById("bl-form-fields");
  if (!holder || !fieldsEl || !holder.hasAttribute("data-form")) return;
  var F = JSON.parse(holder.getAttribute("data-form"));
  var W = F.words;
  var CODE = /^[A-Za-z][A-Za-z0-9._-]*$/;
  var RESERVED = /^(?:y|n|yes|no|on|off|true|false|null)$/i;
  var top = [];   // the widgets of the top-level fields

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function option(select, value, text, selected) {
    var o = el("option", { value: value }, text);
    if (selected) o.selected = true;
    select.appendChild(o);
  }

  var uid = 0;
  function newId() { uid += 1; return "bl-f" + uid; }

  // --- conditions, as generator/schema.py reads them ----------------------------------------
  function lookup(m, dotted) {
    return dotted.split(".").reduce(function (v, part) { return v && typeof v === "object" ? v[part] : undefined; }, m);
  }

  function matches(conds, m) {
    return conds.every(function (c) {
      if (c[0] === "status_from") {
        var i = F.flow.indexOf(m.status), j = F.flow.indexOf(c[1][0]);
        return i >= 0 && j >= 0 && i >= j;
      }
      var v = lookup(m, c[0]);
      return c[1].some(function (x) { return v !== undefined && String(x) === String(v); });
    });
  }

  function requiredNow(s, m) {
    if (s.required) return true;
    if (s.not_required_when.length && matches(s.not_required_when, m)) return false;
    if (s.required_when.length && matches(s.required_when, m)) return true;
    return s.required_unless.length > 0 && !matches(s.required_unless, m);
  }

  function shownNow(s, m) { return !s.required_when.length || matches(s.required_when, m); }

  // --- widgets: {spec, el, get()} ------------------------------------------------------------
  function selectOf(items, s, preset) {
    var sel = el("select", { "data-kind": s.kind });
    option(sel, "", "— " + W.choose + " —", !preset);
    items.forEach(function (it) { option(sel, it[0], it[1], String(preset) === it[0]); });
    return sel;
  }

  function people() { return F.people.map(function (p) { return [p.id, p.name + " (" + p.id + ")"]; }); }
  function depts() { return F.departments.map(function (d) { return [d.code, d.name + " (" + d.code + ")"]; }); }

  function checkboxes(items, s, withAll) {
    var box = el("div", { "class": "bl-form-checks", "data-kind": s.kind });
    var all = null;
    if (withAll) {
      all = el("input", { type: "checkbox", value: "all" });
      var la = el("label", { "class": "bl-form-check bl-form-check-all" });
      la.appendChild(all);
      la.appendChild(document.createTextNode(" " + W.all));
      box.appendChild(la);
    }
    items.forEach(function (it) {
      var lab = el("label", { "class": "bl-form-check" });
      lab.appendChild(el("input", { type: "checkbox", value: it[0] }));
      lab.appendChild(document.createTextNode(" " + it[1]));
      box.appendChild(lab);
    });
    return {
      el: box,
      get: function () {
        if (all && all.checked) return "all";
        var v = Array.prototype.filter.call(box.querySelectorAll("input"), function (i) { return i.checked && i !== all; })
          .map(function (i) { return i.value; });
        return v.length ? v : undefined;
      }
    };
  }

  function input(s, atTop) {
    var k = s.kind, e;
    if (k === "date") {
      e = el("input", { type: "date" });
      if (atTop && s.required) e.value = F.today;
    } else if (k === "number") {
      e = el("input", { type: "number", step: "any" });
      if (s.minimum !== undefined) e.setAttribute("min", s.minimum);
      if (s.maximum !== undefined) e.setAttribute("max", s.maximum);
    } else if (k === "choice") {
      e = selectOf(s.values.map(function (v) { return [v[0], v[1] === v[0] ? v[0] : v[1] + " (" + v[0] + ")"]; }), s,
                   s.default !== undefined ? s.default : (s.name === "status" ? s.values[0][0] : ""));
    } else if (k === "bool") {
      e = selectOf([["true", "✔"], ["false", "✘"]], s, s.default === undefined ? "" : String(s.default));
      e.options[1].textContent = "是 / Yes";
      e.options[2].textContent = "否 / No";
    } else if (k === "person") {
      e = selectOf(people(), s, "");
    } else if (k === "dept") {
      e = selectOf(depts(), s, "");
    } else {
      e = el("input", { type: "text" });
      if (k === "period") e.setAttribute("placeholder", s.example);
      if (k === "customer" && F.customers.length) {
        var listId = newId();
        var dl = el("datalist", { id: listId });
        F.customers.forEach(function (c) { dl.appendChild(el("option", { value: c.id }, c.name)); });
        e.setAttribute("list", listId);
        var wrap = el("span");
        wrap.appendChild(e);
        wrap.appendChild(dl);
        return { el: wrap, focus: e, get: function () { return e.value.trim() || undefined; } };
      }
    }
    e.setAttribute("data-kind", k);
    return {
      el: e,
      get: function () {
        var v = e.value.trim();
        if (v === "") return undefined;
        if (k === "number") return Number(v);
        if (k === "bool") return v === "true";
        return v;
      }
    };
  }

  function rows(s, makeRow) {
    var box = el("div", { "class": "bl-form-rows", "data-kind": s.kind });
    var list = el("div");
    var made = [];
    var add = el("button", { type: "button", "class": "md-button bl-form-add" }, "+ " + W.add_row);
    function addRow() {
      var row = makeRow();
      var line = el("div", { "class": "bl-form-row" });
      line.appendChild(row.el);
      var del = el("button", { type: "button", "class": "bl-form-remove", "aria-label": W.remove_row }, "✕");
      del.addEventListener("click", function () {
        made.splice(made.indexOf(row), 1);
        list.removeChild(line);
        update();
      });
      line.appendChild(del);
      made.push(row);
      list.appendChild(line);
      update();
    }
    add.addEventListener("click", addRow);
    box.appendChild(list);
    box.appendChild(add);
    return { el: box, rows: made, addRow: addRow };
  }

  function objectWidget(specs, s) {
    var box = el("div", { "class": "bl-form-object" });
    var parts = specs.map(function (sub) { return field(sub, false); });
    parts.forEach(function (p) { box.appendChild(p.row); });
    return {
      el: box, parts: parts,
      get: function () {
        var m = {};
        parts.forEach(function (p) { var v = p.get(); if (v !== undefined) m[p.spec.name] = v; });
        parts.forEach(function (p) { if (!shownNow(p.spec, m)) delete m[p.spec.name]; });
        return Object.keys(m).length ? m : undefined;
      }
    };
  }

  function widget(s, atTop) {
    var of = s.of || {};
    if (s.kind === "object") return objectWidget(s.fields, s);
    if (s.kind === "audience") return checkboxes(depts(), s, true);
    if (s.kind === "list" && (of.kind === "person" || of.kind === "dept" || of.kind === "choice")) {
      return checkboxes(of.kind === "person" ? people() : of.kind === "dept" ? depts()
                        : of.values.map(function (v) { return [v[0], v[1]]; }), s, false);
    }
    if (s.kind === "list" && of.kind === "object") {
      var r = rows(s, function () { return objectWidget(of.fields, of); });
      r.get = function () {
        var v = r.rows.map(function (w) { return w.get(); }).filter(function (x) { return x !== undefined; });
        return v.length ? v : undefined;
      };
      return r;
    }
    if (s.kind === "list") {
      var t = el("input", { type: "text", "data-kind": "list", placeholder: "a, b, c" });
      return {
        el: t,
        get: function () {
          var v = t.value.split(/[,，、;；\s]+/).map(function (x) { return x.trim(); }).filter(Boolean);
          return v.length ? v : undefined;
        }
      };
    }
    if (s.kind === "map") {
      var mr = rows(s, function () {
        var line = el("span", { "class": "bl-form-pair" });
        var key = el("input", { type: "text", "data-kind": "key" });
        var val = input(of, false);
        line.appendChild(key);
        line.appendChild(document.createTextNode(" : "));
        line.appendChild(val.el);
        return { el: line, get: function () { var k = key.value.trim(), v = val.get(); return k && v !== undefined ? [k, v] : undefined; } };
      });
      mr.get = function () {
        var m = {}, any = false;
        mr.rows.forEach(function (w) { var kv = w.get(); if (kv) { m[kv[0]] = kv[1]; any = true; } });
        return any ? m : undefined;
      };
      return mr;
    }
    return input(s, atTop);
  }

  function field(s, atTop) {
    var w = widget(s, atTop);
    var row = el("div", { "class": "bl-form-field", "data-field": s.name });
    var id = newId();
    var target = w.focus || (w.el.tagName === "INPUT" || w.el.tagName === "SELECT" ? w.el : null);
    var label = el(target ? "label" : "span", target ? { "for": id, "class": "bl-form-label" } : { "class": "bl-form-label" }, s.label);
    if (target) target.id = id;
    label.appendChild(el("span", { "class": "bl-form-req", title: W.required }, " *"));
    row.appendChild(label);
    row.appendChild(w.el);
    w.row = row;
    w.spec = s;
    w.el.addEventListener("input", update);
    w.el.addEventListener("change", update);
    return w;
  }

  // --- the record file, as YAML ------------------------------------------------------------
  function scalar(s, v) {
    var k = s.kind;
    if (k === "date" && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
    if (k === "number" && typeof v === "number" && isFinite(v)) return String(v);
    if (k === "bool") return v ? "true" : "false";
    if (["person", "dept", "choice", "ref", "record_id"].indexOf(k) >= 0 && CODE.test(v) && !RESERVED.test(v)) return v;
    return JSON.stringify(String(v));
  }

  function keyText(k) { return CODE.test(k) && !RESERVED.test(k) ? k : JSON.stringify(k); }

  function entries(specs, m, pad) {
    var out = [];
    specs.forEach(function (s) { if (m[s.name] !== undefined) out = out.concat(entry(s, m[s.name], pad)); });
    return out;
  }

  function entry(s, v, pad) {
    var head = pad + s.name + ":";
    if (s.kind === "object") return [head].concat(entries(s.fields, v, pad + "  "));
    if (s.kind === "map") {
      return [head].concat(Object.keys(v).map(function (k) { return pad + "  " + keyText(k) + ": " + scalar(s.of, v[k]); }));
    }
    if (s.kind === "audience" && v === "all") return [head + " all"];
    if (s.kind === "list" || s.kind === "audience") {
      var of = s.of || { kind: "dept" };
      if (of.kind === "object") {
        var out = [head];
        v.forEach(function (item) {
          entries(of.fields, item, pad + "    ").forEach(function (line, i) {
            out.push(i === 0 ? pad + "  - " + line.slice(pad.length + 4) : line);
          });
        });
        return out;
      }
      return [head + " [" + v.map(function (x) { return scalar(of, x); }).join(", ") + "]"];
    }
    return [head + " " + scalar(s, v)];
  }

  function slug(title) {
    var words = title.match(/[A-Za-z0-9]+/g) || [];
    return words.join("-").toLowerCase().slice(0, 40).replace(/^-+|-+$/g, "");
  }

  // --- keeping the page in step with the form ------------------------------------------------
  function missingIn(widgets, m, prefix, out) {
    widgets.forEach(function (w) {
      var s = w.spec, shown = shownNow(s, m), req = shown && requiredNow(s, m);
      w.row.hidden = !shown;
      w.row.classList.toggle("bl-form-required", req);
      if (!shown) return;
      var v = m[s.name];
      if (req && v === undefined) out.push(prefix + s.label);
      if (w.parts && v !== undefined) missingIn(w.parts, v, prefix + s.label + " · ", out);
      if (w.rows) {
        w.rows.forEach(function (r, i) {
          if (r.parts) missingIn(r.parts, r.get() || {}, prefix + s.label + " " + (i + 1) + " · ", out);
        });
      }
    });
    return out;
  }

  function update() {
    var m = {};
    top.forEach(function (w) { var v = w.get(); if (v !== undefined) m[w.spec.name] = v; });
    top.forEach(function (w) {
      var s = w.spec;
      if (!shownNow(s, m) || (!s.required && s.default !== undefined && m[s.name] === s.default)) delete m[s.name];
    });
    var missing = missingIn(top, m, "", []);
    var box = document.getElementById("bl-form-missing");
    box.hidden = missing.length === 0;
    box.querySelector("span").textContent = missing.join("、");
    var title = m.title || "";
    var name = F.id + (slug(title) ? "-" + slug(title) : "") + ".md";
    var lines = ["id: " + F.id].concat(entries(top.map(function (w) { return w.spec; }), m, ""));
    var text = "---\n" + lines.join("\n") + "\n---\n" + F.body.split(F.title_mark).join(title);
    document.getElementById("bl-form-path").textContent = F.folder + "/" + name;
    document.getElementById("bl-form-text").textContent = text;
    var host = document.getElementById("bl-form-host");
    if (host && F.host) {
      var q = "?" + F.host.name + "=" + encodeURIComponent(name);
      if (F.host.value) q += "&" + F.host.value + "=" + encodeURIComponent(text);
      host.href = F.host.page + q;
    }
  }

  function copy(text) {
    var area = el("textarea", { readonly: "", "class": "bl-form-clip" });
    area.value = text;
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    if (!ok && navigator.clipboard) navigator.clipboard.writeText(text).catch(function () {});
  }

  fieldsEl.addEventListener("submit", function (ev) { ev.preventDefault(); });
  if (!fieldsEl.hasChildNodes()) {
    F.fields.forEach(function (s) {
      var w = field(s, true);
      top.push(w);
      fieldsEl.appendChild(w.row);
    });
  }
  document.getElementById("bl-form-copy").addEventListener("click", function (ev) {
    copy(document.getElementById("bl-form-text").textContent);
    ev.target.textContent = W.copied;
  });
  var hostLink = document.getElementById("bl-form-host");
  if (hostLink && F.host && !F.host.value) {   // the host fills in the name only: the text goes by the clipboard
    hostLink.addEventListener("click", function () { copy(document.getElementById("bl-form-text").textContent); });
  }
  update();
}());
