// Partner CRM: the little JavaScript the pages share. Every page works without it.
(function () {
  "use strict";

  function flashArea() {
    return document.getElementById("flash");
  }

  // An htmx request that failed: show the server's error fragment (or a plain message).
  document.addEventListener("htmx:responseError", function (event) {
    var area = flashArea();
    var xhr = event.detail.xhr;
    if (!area || !xhr) return;
    // DOMParser builds an inert document: nothing in it loads or runs.
    var parsed = new DOMParser().parseFromString(xhr.responseText, "text/html");
    var fragment = parsed.querySelector(".app-error");
    area.replaceChildren(fragment ? document.importNode(fragment, true) : document.createTextNode(xhr.status + " " + xhr.statusText));
  });

  document.addEventListener("htmx:sendError", function () {
    var area = flashArea();
    if (!area) return;
    var message = document.createElement("div");
    message.className = "alert alert-danger py-2";
    message.setAttribute("role", "alert");
    message.textContent = document.body.dataset.offlineMessage || "The server could not be reached.";
    area.replaceChildren(message);
  });
})();

// Main menus are <details>: opening one closes the others; a click elsewhere or Escape closes all.
(function () {
  "use strict";
  function menus() { return document.querySelectorAll(".app-menu details[open]"); }
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!(opened instanceof HTMLDetailsElement) || !opened.open || !opened.closest(".app-menu")) return;
    menus().forEach(function (menu) { if (menu !== opened) menu.open = false; });
  }, true);
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".app-menu")) return;
    menus().forEach(function (menu) { menu.open = false; });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus().forEach(function (menu) { menu.open = false; menu.querySelector("summary").focus(); });
  });
})();

// A Print button (data-app-print), e.g. on the briefing sheet: the browser's print dialog.
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-app-print]")) window.print();
});

// A list's "choose every row on this page" box (data-bulk-all) ticks the rows of its table.
document.addEventListener("change", function (event) {
  var all = event.target.closest && event.target.closest("[data-bulk-all]");
  if (!all) return;
  all.closest("table").querySelectorAll('tbody input[type="checkbox"][name="ids"]').forEach(function (box) { box.checked = all.checked; });
});

// A list's bulk change (data-bulk-bar, inside the list's form) waits out of sight until a row
// is chosen; without JavaScript it stays in place, folded.
(function () {
  "use strict";
  function sync() {
    document.querySelectorAll("[data-bulk-bar]").forEach(function (bar) {
      var form = bar.closest("form");
      var chosen = form && Array.prototype.some.call(form.elements, function (box) {
        return box.name === "ids" && box.checked;
      });
      bar.hidden = !chosen;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "ids" || (event.target.closest && event.target.closest("[data-bulk-all]"))) sync();
  });
  document.addEventListener("htmx:afterSettle", sync);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", sync); else sync();
})();
