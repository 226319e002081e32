// The rows table: sorts (click a column), filters (text in any column, the status or verdict),
// and shows 100 rows a page, so that 100,000 rows stay quick. The lead columns (status, host,
// address, action) come first; the others are hidden until "show all columns" (a class on the
// table: no inline style). A status (verdict) cell carries its word's class, whose colour the
// page's styles give; the word is written in it too. Cells are set as text, never as
// HTML: host names are attacker-controlled. Each cell's value is isolated (<bdi>) and its
// bidirectional formatting characters shown as \u{202e}: no value displays as another or
// reorders its neighbours.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("rows-data").textContent);
  var cols = data.columns, rows = data.rows, cat = cols.indexOf(data.category);
  // The display order: the lead columns, then the rest in the CSV's order.
  var lead = (data.lead || []).map(function (c) { return cols.indexOf(c); }).filter(function (i) { return i >= 0; });
  var order = lead.concat(cols.map(function (_, i) { return i; }).filter(function (i) { return lead.indexOf(i) < 0; }));
  var table = document.getElementById("table"), toggle = document.getElementById("toggle-columns");
  var PAGE = 100;
  var collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
  var lower = null;
  var view = rows.map(function (_, i) { return i; });
  var sortCol = -1, sortDir = 1, page = 0;
  var thead = document.querySelector("#table thead"), tbody = document.querySelector("#table tbody");
  var text = document.getElementById("filter-text"), select = document.getElementById("filter-category");
  var info = document.getElementById("page-info");
  var prev = document.getElementById("page-prev"), next = document.getElementById("page-next");
  var BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
  function shown(s) {
    return s.replace(BIDI, function (ch) { return "\\u{" + ch.charCodeAt(0).toString(16) + "}"; });
  }

  function classes(i, value) {
    var k = [];
    if (lead.indexOf(i) < 0) k.push("extra");
    if (cols[i] === "remediation") k.push("action");
    if (i === cat && value) k.push((data.category === "verdict" ? "vd-" : "st-") + value.replace(/[^A-Za-z0-9]/g, "-"));
    return k.join(" ");
  }
  var head = document.createElement("tr");
  order.forEach(function (i) {
    var c = cols[i];
    var th = document.createElement("th");
    th.scope = "col";
    th.className = classes(i, "");
    th.setAttribute("aria-sort", "none");
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = c;
    b.title = "sort by " + c;
    b.addEventListener("click", function () { sortBy(i); });
    th.appendChild(b);
    head.appendChild(th);
  });
  thead.appendChild(head);

  if (cat >= 0) {
    var values = {};
    rows.forEach(function (r) { values[r[cat]] = true; });
    Object.keys(values).sort(collator.compare).forEach(function (v) {
      var o = document.createElement("option");
      o.value = v;
      o.textContent = v === "" ? "(empty)" : shown(v);
      select.appendChild(o);
    });
  }

  function sortView() {
    if (sortCol < 0) return;
    view.sort(function (a, b) { return sortDir * collator.compare(rows[a][sortCol], rows[b][sortCol]) || a - b; });
  }
  function sortBy(i) {
    if (sortCol === i) { sortDir = -sortDir; } else { sortCol = i; sortDir = 1; }
    sortView();
    page = 0;
    render();
  }
  function apply() {
    var q = text.value.trim().toLowerCase(), s = select.value, filtered = s !== "" && cat >= 0;
    if (q && !lower) lower = rows.map(function (r) { return r.join("\u0001").toLowerCase(); });
    view = [];
    for (var i = 0; i < rows.length; i++) {
      if (filtered && rows[i][cat] !== s) continue;
      if (q && lower[i].indexOf(q) < 0) continue;
      view.push(i);
    }
    sortView();
    page = 0;
    render();
  }
  function render() {
    thead.querySelectorAll("th").forEach(function (th, k) {
      th.setAttribute("aria-sort", order[k] === sortCol ? (sortDir > 0 ? "ascending" : "descending") : "none");
    });
    var pages = Math.max(1, Math.ceil(view.length / PAGE));
    page = Math.min(page, pages - 1);
    var frag = document.createDocumentFragment();
    view.slice(page * PAGE, (page + 1) * PAGE).forEach(function (i) {
      var tr = document.createElement("tr");
      order.forEach(function (k) {
        var c = rows[i][k];
        var td = document.createElement("td"), bdi = document.createElement("bdi");
        td.className = classes(k, c);
        bdi.textContent = shown(c);
        td.appendChild(bdi);
        tr.appendChild(td);
      });
      frag.appendChild(tr);
    });
    tbody.replaceChildren(frag);
    info.textContent = view.length ? "rows " + (page * PAGE + 1) + "\u2013" + Math.min(view.length, (page + 1) * PAGE) + " of " + view.length : "no rows match";
    if (view.length !== rows.length) info.textContent += " (filtered from " + rows.length + ")";
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  }
  toggle.addEventListener("click", function () {
    var all = table.classList.toggle("lead-only") === false;
    toggle.setAttribute("aria-pressed", all ? "true" : "false");
    toggle.textContent = all ? "show the main columns only" : "show all columns";
  });
  text.addEventListener("input", apply);
  select.addEventListener("change", apply);
  prev.addEventListener("click", function () { page -= 1; render(); });
  next.addEventListener("click", function () { page += 1; render(); });
  render();
})();
