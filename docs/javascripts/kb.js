/* Evidence base: the claim explorer, sortable tables and links into closed blocks. No
 * dependencies, no server.
 *
 * Explorer: reads the generated JSON linked inside #kb-explorer, filters every claim by concept,
 * stance, claim type, author, year, design, country, sector, primary/reported and words, and keeps
 * the filters in the URL query string so a view can be shared. A claim's design, country and
 * sector are those of its studies, and the count names the distinct studies behind the matching
 * claims, as the pages and the evidence map count them (scripts/litkb/emit/evidence.py). A
 * filter value may list several values joined by commas ("stance=defines,supports"): any of
 * them matches. Untrusted note text is only ever written with textContent, never as HTML.
 */
(function () {
  "use strict";

  var NONE = "(none)";
  var STANCES = ["defines", "supports", "qualifies", "contests"];
  var TYPES = ["finding", "voice", "argument", "background", "method"];
  var COUNTED = STANCES.join(","); /* any stance: the claims the evidence map counts (no method claims) */
  var PAGE = 100; /* rows drawn at a time ("Show more" adds the next ones) */
  var FACETS = ["concept", "stance", "type", "author", "design", "country", "sector", "evidence"];
  var STUDY_FACETS = ["design", "country", "sector"];
  var PARAMS = FACETS.concat(["year_from", "year_to", "q"]);

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function sortedUnique(values) {
    return Array.from(new Set(values)).sort(function (a, b) { return a.localeCompare(b); });
  }

  function facetValues(item, facet) {
    var values = item && item[facet];
    return values && values.length ? values : [NONE];
  }

  function anyOf(value) { /* "a,b" -> ["a", "b"]; "" -> null (no filter) */
    return value ? value.split(",") : null;
  }

  /* ---- explorer ------------------------------------------------------------------------ */
  function Explorer(root, data, dataUrl) {
    this.root = root;
    this.data = data;
    this.base = new URL("..", dataUrl); /* the JSON lives in explorer/, one level below the site root */
    this.shown = PAGE;
    this.controls = {};
  }

  Explorer.prototype.options = function (name) {
    var data = this.data;
    var claims = data.claims;
    if (name === "concept") {
      return Object.keys(data.concepts).map(function (id) { return [id, data.concepts[id].label]; })
        .sort(function (a, b) { return a[1].localeCompare(b[1]); });
    }
    if (name === "stance") return [[COUNTED, "any stance (counted as evidence)"]].concat(STANCES.map(function (s) { return [s, s]; }));
    if (name === "type") return TYPES.map(function (t) { return [t, t]; });
    if (name === "evidence") return [["primary", "primary"], ["reported", "reported by another work"]];
    if (name === "author") {
      var ids = new Set();
      claims.forEach(function (c) { c.about.forEach(function (key) { ((data.sources[key] || {}).authors || []).forEach(function (a) { ids.add(a); }); }); });
      return Array.from(ids).map(function (id) { return [id, data.authors[id] || id]; })
        .sort(function (a, b) { return a[1].localeCompare(b[1]); });
    }
    var values = [];
    claims.forEach(function (c) { values = values.concat(facetValues(c, name)); });
    return sortedUnique(values).map(function (v) { return [v, v.replace(/-/g, " ")]; });
  };

  Explorer.prototype.build = function () {
    var self = this;
    var form = el("form", { "class": "kb-explorer-filters", role: "search" });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var labels = { concept: "Concept", stance: "Stance", type: "Claim type", author: "Author", design: "Design", country: "Country", sector: "Sector", evidence: "Evidence" };
    FACETS.forEach(function (name) {
      var label = el("label", {}, labels[name] + " ");
      var select = el("select", { name: name, "data-facet": name });
      select.appendChild(el("option", { value: "" }, "any"));
      self.options(name).forEach(function (pair) { select.appendChild(el("option", { value: pair[0] }, pair[1])); });
      select.addEventListener("change", function () { self.update(true); });
      label.appendChild(select);
      form.appendChild(label);
      self.controls[name] = select;
    });
    [["year_from", "Year from"], ["year_to", "Year to"]].forEach(function (pair) {
      var label = el("label", {}, pair[1] + " ");
      var input = el("input", { name: pair[0], type: "number", min: "1900", max: "2100", step: "1", size: "5" });
      input.addEventListener("input", function () { self.update(true); });
      label.appendChild(input);
      form.appendChild(label);
      self.controls[pair[0]] = input;
    });
    var words = el("label", {}, "Words ");
    var q = el("input", { name: "q", type: "search", placeholder: "in claim or quote" });
    q.addEventListener("input", function () { self.update(true); });
    words.appendChild(q);
    form.appendChild(words);
    self.controls.q = q;
    var reset = el("button", { type: "button", "class": "md-button" }, "Reset");
    reset.addEventListener("click", function () {
      PARAMS.forEach(function (name) { self.controls[name].value = ""; });
      self.update(true);
    });
    form.appendChild(reset);

    this.count = el("p", { id: "kb-explorer-count", "class": "kb-explorer-count", "aria-live": "polite" });
    /* No class on the table: Material styles only "table:not([class])". */
    this.table = el("table", { id: "kb-explorer-results" });
    var head = el("thead");
    var row = el("tr");
    ["Claim and quote", "Locator", "Source", "Concepts", "Design", "Setting"].forEach(function (h) { row.appendChild(el("th", {}, h)); });
    head.appendChild(row);
    this.table.appendChild(head);
    this.body = el("tbody");
    this.table.appendChild(this.body);
    this.more = el("button", { type: "button", "class": "md-button", hidden: "" }, "Show more");
    this.more.addEventListener("click", function () { self.shown += PAGE; self.render(); });

    var wrap = el("div", { "class": "md-typeset__scrollwrap" });
    var inner = el("div", { "class": "md-typeset__table" });
    inner.appendChild(this.table);
    wrap.appendChild(inner);
    this.root.appendChild(form);
    this.root.appendChild(this.count);
    this.root.appendChild(wrap);
    this.root.appendChild(this.more);
  };

  Explorer.prototype.readUrl = function () {
    var params = new URLSearchParams(window.location.search);
    var self = this;
    PARAMS.forEach(function (name) {
      var value = params.get(name) || "";
      var control = self.controls[name];
      if (control.tagName === "SELECT" && value && !Array.from(control.options).some(function (o) { return o.value === value; })) {
        control.appendChild(el("option", { value: value }, value)); /* keep a shared filter even if no claim has it */
      }
      control.value = value;
    });
  };

  Explorer.prototype.writeUrl = function () {
    var params = new URLSearchParams();
    var self = this;
    PARAMS.forEach(function (name) { if (self.controls[name].value) params.set(name, self.controls[name].value); });
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  };

  Explorer.prototype.filters = function () {
    var f = {};
    var self = this;
    PARAMS.forEach(function (name) { f[name] = self.controls[name].value.trim(); });
    f.yearFrom = f.year_from ? parseInt(f.year_from, 10) : null;
    f.yearTo = f.year_to ? parseInt(f.year_to, 10) : null;
    f.words = f.q.toLowerCase();
    return f;
  };

  Explorer.prototype.matches = function (c, f) {
    var sources = c.about.map(function (key) { return this.data.sources[key] || {}; }, this);
    if (f.concept || f.stance) {
      var stances = anyOf(f.stance);
      var hit = c.links.some(function (l) { return (!f.concept || l[0] === f.concept) && (!stances || stances.indexOf(l[1]) >= 0); });
      if (!hit) return false;
    }
    if (f.type && anyOf(f.type).indexOf(c.type) < 0) return false;
    if (f.evidence && (f.evidence === "reported") !== c.reported) return false;
    if (f.author && !sources.some(function (s) { return (s.authors || []).indexOf(f.author) >= 0; })) return false;
    if (f.yearFrom !== null || f.yearTo !== null) {
      var inRange = sources.some(function (s) {
        var year = parseInt(s.year, 10);
        return !isNaN(year) && (f.yearFrom === null || year >= f.yearFrom) && (f.yearTo === null || year <= f.yearTo);
      });
      if (!inRange) return false;
    }
    for (var i = 0; i < STUDY_FACETS.length; i++) {
      var facet = STUDY_FACETS[i];
      if (f[facet] && facetValues(c, facet).indexOf(f[facet]) < 0) return false;
    }
    if (f.words && (c.text + " " + c.quote).toLowerCase().indexOf(f.words) < 0) return false;
    return true;
  };

  /* The distinct studies behind the matching claims; with a design, country or sector filter, only
   * the studies that have it (an evidence-map cell counts so). */
  Explorer.prototype.studyCount = function (claims, f) {
    var studies = this.data.studies || {};
    var seen = new Set();
    claims.forEach(function (c) {
      (c.studies || []).forEach(function (id) {
        var study = studies[id] || {};
        var fits = STUDY_FACETS.every(function (facet) { return !f[facet] || facetValues(study, facet).indexOf(f[facet]) >= 0; });
        if (fits) seen.add(id);
      });
    });
    return seen.size;
  };

  Explorer.prototype.update = function (toUrl) {
    var started = performance.now();
    var f = this.filters();
    var self = this;
    this.matched = this.data.claims.filter(function (c) { return self.matches(c, f); });
    this.studies = this.studyCount(this.matched, f);
    this.focus = f;
    this.shown = PAGE;
    this.render();
    if (toUrl) this.writeUrl();
    var ms = performance.now() - started;
    this.root.setAttribute("data-filter-ms", ms.toFixed(1));
    this.root.setAttribute("data-ready", "true");
  };

  Explorer.prototype.link = function (href, text) {
    var hrefs = this.hrefs || (this.hrefs = {});
    var absolute = hrefs[href] || (hrefs[href] = new URL(href, this.base).href); /* resolved once */
    return el("a", { href: absolute }, text);
  };

  Explorer.prototype.render = function () {
    var data = this.data;
    var self = this;
    var total = this.matched.length;
    this.count.textContent = total + (total === 1 ? " claim matches" : " claims match") +
      ", from " + this.studies + (this.studies === 1 ? " study" : " studies") +
      (total > this.shown ? " (showing the first " + this.shown + ")" : "");
    this.count.setAttribute("data-count", String(total));
    this.count.setAttribute("data-studies", String(this.studies));
    var fragment = document.createDocumentFragment();
    this.matched.slice(0, this.shown).forEach(function (c) {
      var note = data.sources[c.note] || { label: c.note };
      var row = el("tr", { "data-uid": c.note + "#" + c.id });
      var claim = el("td");
      if (c.type) {
        claim.appendChild(el("span", { "class": "kb-type kb-type-" + c.type }, c.type));
        claim.appendChild(document.createTextNode(" "));
      }
      claim.appendChild(self.link(c.url, c.text));
      if (c.quote) claim.appendChild(el("div", { "class": "kb-quote" }, "\u201c" + c.quote + "\u201d"));
      row.appendChild(claim);
      row.appendChild(el("td", {}, c.locator));
      var src = el("td");
      c.about.forEach(function (key, i) {
        var about = data.sources[key] || { label: key };
        if (i) src.appendChild(document.createTextNode(", "));
        src.appendChild(about.url ? self.link(about.url, about.label) : document.createTextNode(about.label));
        var cited = (c.cited_note || [])[i];
        if (cited) src.appendChild(el("span", { "class": "kb-cited-as" }, " (" + cited + ")"));
      });
      if (c.reported) {
        src.appendChild(document.createTextNode(", as reported by "));
        src.appendChild(self.link(c.url, note.label));
      }
      row.appendChild(src);
      var concepts = el("td");
      c.links.forEach(function (l, i) {
        if (i) concepts.appendChild(document.createTextNode(" "));
        var chip = el("span", { "class": "kb-chip" });
        var concept = data.concepts[l[0]];
        chip.appendChild(concept ? self.link(concept.url, concept.label) : document.createTextNode(l[0]));
        if (l[1]) chip.appendChild(el("span", { "class": "kb-stance kb-stance-" + l[1] }, l[1]));
        concepts.appendChild(chip);
      });
      row.appendChild(concepts);
      var known = function (facet) { return (c[facet] || []).filter(function (v) { return v !== NONE; }).join(", "); };
      row.appendChild(el("td", {}, known("design").replace(/-/g, " ")));
      row.appendChild(el("td", {}, [known("country"), known("sector")].filter(Boolean).join("; ")));
      fragment.appendChild(row);
    });
    this.body.replaceChildren(fragment);
    if (total > this.shown) this.more.removeAttribute("hidden"); else this.more.setAttribute("hidden", "");
  };

  function initExplorer() {
    var root = document.getElementById("kb-explorer");
    if (!root || root.getAttribute("data-started")) return;
    root.setAttribute("data-started", "true");
    var anchor = root.querySelector('a[href$=".json"]');
    if (!anchor) return;
    var dataUrl = new URL(anchor.getAttribute("href"), window.location.href);
    fetch(dataUrl.href)
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        var explorer = new Explorer(root, data, dataUrl);
        explorer.build();
        explorer.readUrl();
        explorer.update(false);
        window.addEventListener("popstate", function () { explorer.readUrl(); explorer.update(false); });
      })
      .catch(function (error) {
        root.appendChild(el("p", { "class": "kb-explorer-error" }, "The claims could not be loaded (" + error.message + ")."));
      });
  }

  /* ---- sortable tables ----------------------------------------------------------------- */
  function cellValue(row, index) {
    var cell = row.children[index];
    return cell ? cell.textContent.trim() : "";
  }

  function makeSortable(table) {
    if (table.getAttribute("data-sortable")) return;
    table.setAttribute("data-sortable", "true");
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (th, index) {
      th.setAttribute("tabindex", "0");
      th.setAttribute("role", "button");
      th.setAttribute("title", "Sort by this column");
      function sort() {
        var body = table.tBodies[0];
        var rows = Array.from(body.rows);
        var numeric = rows.every(function (r) { var v = cellValue(r, index); return v === "" || !isNaN(Number(v)); });
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          var order = numeric ? (Number(x) - Number(y)) : x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
          return ascending ? order : -order;
        });
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); } });
    });
  }

  /* ---- links into closed blocks ---------------------------------------------------------- */
  /* Long groups of claims stand in closed <details> blocks; a link to a claim (its id) or to a
   * section (a wrapper around its block) opens the blocks around and inside the target first. */
  function openTarget() {
    var id = "";
    try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (error) { return; }
    var target = id ? document.getElementById(id) : null;
    if (!target) return;
    var opened = false;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) { node.open = true; opened = true; }
    }
    var inner = target.querySelector("details");
    if (inner && !inner.open && target.firstElementChild === inner) { inner.open = true; opened = true; }
    if (opened) target.scrollIntoView();
  }

  var hashWatched = false;

  function init() {
    document.querySelectorAll(".kb-sortable table").forEach(makeSortable);
    initExplorer();
    openTarget();
    if (!hashWatched) {
      hashWatched = true;
      window.addEventListener("hashchange", openTarget);
    }
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init); /* Material: also runs after instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
