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

// Blocks that come once in view (hx-trigger="revealed", crm/core/blocks.py): while one loads it
// says so (aria-busy, and its "Loading…" line shown by the CSS); a person who had tabbed onto its
// link keeps their place (focus moves to the block's heading); printing brings every block not
// yet seen onto the paper.
(function () {
  "use strict";
  var LAZY = '[hx-trigger="revealed"][hx-get]';
  var focusedBlock = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.matches(LAZY)) event.detail.target.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful && event.detail.target) event.detail.target.removeAttribute("aria-busy");
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    focusedBlock = target.hasAttribute("aria-busy") && target.contains(document.activeElement) ? target.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    var block = focusedBlock && document.getElementById(focusedBlock);
    focusedBlock = null;
    if (!block || block.contains(document.activeElement)) return;
    var place = block.querySelector("h1, h2, h3, h4") || block;
    if (!place.hasAttribute("tabindex")) place.setAttribute("tabindex", "-1");
    place.focus({preventScroll: true});
  });

  // The browser lays the page out for paper as soon as the beforeprint handlers return, so an
  // asynchronous request would come too late: each block still waiting is asked for here,
  // synchronously (a few milliseconds each), and swapped in by htmx as if it had been seen.
  window.addEventListener("beforeprint", function () {
    if (!window.htmx) return;
    document.querySelectorAll(LAZY).forEach(function (asker) {
      var selector = asker.getAttribute("hx-target");
      var target = selector ? document.querySelector(selector) : asker;
      if (!target || !target.isConnected) return;
      var request = new XMLHttpRequest();
      try {
        request.open("GET", asker.getAttribute("hx-get"), false);
        request.setRequestHeader("HX-Request", "true");
        request.setRequestHeader("HX-Target", target.id);
        request.setRequestHeader("HX-Current-URL", document.location.href);
        request.send();
      } catch (error) {
        return;  // the server out of reach: the block's link stays on the paper
      }
      if (request.status === 200) window.htmx.swap(target, request.responseText, {swapStyle: "outerHTML"});
    });
  });
})();

// A form is sent once: from the moment a POST leaves until its answer comes, the form is marked
// busy (aria-busy) and its submit buttons disabled (aria-disabled too), and a second submit (a
// double click, Enter again) is dropped, so a slow save is not made twice. htmx forms are held
// from htmx:beforeRequest (after hx-confirm, once the values are read) to htmx:afterRequest; a
// plain POST from its submit event until the next page comes, or until the back button shows this
// page again (pageshow), or, should the browser stop loading (Esc), after a while. GET forms
// (filters, search as you type) are never held. A named button's value (approve / send back, a
// stage, a language) still goes: the browser reads the form's values when the submit event has
// run, and the buttons are disabled only after that.
(function () {
  "use strict";
  var BUSY = "data-app-sending";
  var RELEASE_AFTER_MS = 15000;

  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (control) {
      return (control.type === "submit" || control.type === "image") && !control.disabled;
    });
  }

  function hold(form) {
    form.setAttribute(BUSY, "");
    form.setAttribute("aria-busy", "true");
    submitButtons(form).forEach(function (button) {
      button.disabled = true;
      button.setAttribute("aria-disabled", "true");
      button.setAttribute(BUSY, "");
    });
  }

  function release(form) {
    if (!form.hasAttribute(BUSY)) return;
    form.removeAttribute(BUSY);
    form.removeAttribute("aria-busy");
    Array.prototype.forEach.call(form.elements, function (control) {
      if (!control.hasAttribute(BUSY)) return;
      control.disabled = false;
      control.removeAttribute("aria-disabled");
      control.removeAttribute(BUSY);
    });
  }

  function isPost(form, submitter) {
    var method = (submitter && submitter.getAttribute("formmethod")) || form.getAttribute("method") || "get";
    return method.toLowerCase() === "post";
  }

  // Capture phase: a form already sending drops the submit before htmx or the browser acts on it.
  document.addEventListener("submit", function (event) {
    if (!event.target.hasAttribute(BUSY)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
  }, true);

  // Bubble phase: a plain POST (htmx forms have had their default prevented by htmx by now).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !isPost(form, event.submitter)) return;
    form.setAttribute(BUSY, "");  // at once: a second submit is dropped from here on
    setTimeout(function () {
      if (!form.hasAttribute(BUSY)) return;
      hold(form);
      setTimeout(function () { release(form); }, RELEASE_AFTER_MS);
    }, 0);
  });

  function formOf(detail) {
    var config = detail.requestConfig;
    var elt = config && config.elt;  // the element that asked (detail.elt may be a parent by now)
    if (!elt || config.verb === "get") return null;
    return elt instanceof HTMLFormElement ? elt : elt.form || elt.closest("form");
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = formOf(event.detail);
    if (form) hold(form);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = formOf(event.detail);
    if (form) release(form);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[" + BUSY + "]").forEach(release);
  });
})();
