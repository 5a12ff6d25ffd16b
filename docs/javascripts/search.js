/* Site search: Pagefind's index, built after the site into pagefind/ (scripts/litkb/site/pagefind.py).
 *
 * The index is split into chunks and fragments that the browser fetches as a query needs them, so
 * the first result costs a few hundred KB whatever the size of the evidence base (Material's own
 * search loaded one file of the whole site first). A search button in the header opens a dialog
 * holding Pagefind's interface; its script, styles and WebAssembly come from the site itself (the
 * pinned pagefind-bin package writes them), loaded on first use only. "/" or "s" opens it too, as
 * in Material. Results are links within the site.
 */
(function () {
  "use strict";

  var ui = null;
  var loading = null;

  function siteBase() {
    /* Material writes the relative path to the site root into #__config ("base"). */
    var base = ".";
    var config = document.getElementById("__config");
    try { base = JSON.parse(config.textContent).base || "."; } catch (e) { base = "."; }
    return new URL(base.replace(/\/?$/, "/"), document.baseURI);
  }

  function load(base) {
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = new URL("pagefind/pagefind-ui.css", base).href;
      document.head.appendChild(css);
      var script = document.createElement("script");
      script.src = new URL("pagefind/pagefind-ui.js", base).href;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
    return loading;
  }

  /* A large site is indexed in several bundles (pagefind/, pagefind-1/, ...: Pagefind holds a
   * whole run's words in memory); pagefind/kb-bundles.json lists the extra ones, merged into one
   * list of results. */
  function extraBundles(base) {
    return fetch(new URL("pagefind/kb-bundles.json", base).href)
      .then(function (response) { return response.ok ? response.json() : { merge: [] }; })
      .then(function (data) {
        return (data.merge || []).map(function (folder) {
          return { bundlePath: new URL(folder, base).pathname, baseUrl: base.pathname };
        });
      })
      .catch(function () { return []; });
  }

  function open(dialog, base) {
    if (!dialog.open) dialog.showModal();
    Promise.all([load(base), extraBundles(base)]).then(function (loaded) {
      if (!ui) {
        /* global PagefindUI */
        ui = new PagefindUI({
          element: "#kb-search-ui",
          bundlePath: new URL("pagefind/", base).pathname,
          baseUrl: base.pathname,
          mergeIndex: loaded[1],
          showSubResults: true,
          showImages: false,
          resetStyles: false,
          autofocus: true
        });
      }
      var input = dialog.querySelector(".pagefind-ui__search-input");
      if (input) input.focus();
    });
  }

  function setUp() {
    var header = document.querySelector(".md-header__inner");
    if (!header) return;
    var base = siteBase();
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-header__button md-icon kb-search-button";
    button.title = "Search";
    button.setAttribute("aria-label", "Search");
    button.setAttribute("aria-haspopup", "dialog");
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", "M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5");
    svg.appendChild(path);
    button.appendChild(svg);
    var label = document.createElement("span");
    label.className = "kb-search-label";
    label.textContent = "Search";
    button.appendChild(label);
    header.appendChild(button);

    var dialog = document.createElement("dialog");
    dialog.className = "kb-search-dialog";
    dialog.setAttribute("aria-label", "Search the evidence base");
    var close = document.createElement("button");
    close.type = "button";
    close.className = "kb-search-close";
    close.textContent = "Close";
    close.addEventListener("click", function () { dialog.close(); });
    var holder = document.createElement("div");
    holder.id = "kb-search-ui";
    dialog.appendChild(close);
    dialog.appendChild(holder);
    /* A click on the backdrop (the dialog itself, outside its content) closes it. */
    dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
    document.body.appendChild(dialog);

    button.addEventListener("click", function () { open(dialog, base); });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && (target.isContentEditable || /^(input|textarea|select)$/i.test(target.tagName));
      if (!typing && !dialog.open && (event.key === "/" || event.key === "s") && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        open(dialog, base);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
