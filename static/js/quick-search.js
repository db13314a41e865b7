// The quick search (templates/search/_box.html): "/" or Ctrl+K (⌘K) anywhere focuses the box;
// htmx fills the results as one types; the arrow keys move through them, Enter opens the one
// highlighted (or, with none, the full /search page), Escape closes them. Without JavaScript
// the box is a plain GET form to /search.
(function () {
  "use strict";

  function init() {
    var form = document.getElementById("quick-search");
    var input = document.getElementById("quick-search-input");
    var results = document.getElementById("quick-search-results");
    if (!form || !input || !results) return;
    var active = -1;

    function items() {
      return Array.prototype.slice.call(results.querySelectorAll("a.app-quick-item"));
    }

    function open(show) {
      results.hidden = !show;
      input.setAttribute("aria-expanded", show ? "true" : "false");
      if (!show) highlight(-1);
    }

    function highlight(index) {
      var all = items();
      all.forEach(function (item) { item.removeAttribute("aria-selected"); });
      active = index;
      if (index >= 0 && index < all.length) {
        all[index].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        active = -1;
        input.removeAttribute("aria-activedescendant");
      }
    }

    function typingIn(target) {
      if (!target) return false;
      var tag = target.tagName;
      return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
    }

    document.addEventListener("keydown", function (event) {
      var slash = event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !typingIn(event.target);
      var ctrlK = (event.ctrlKey || event.metaKey) && (event.key === "k" || event.key === "K");
      if (!slash && !ctrlK) return;
      event.preventDefault();
      input.focus();
      input.select();
      if (input.value.trim() && results.children.length) open(true);
    });

    input.addEventListener("keydown", function (event) {
      var all = items();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!all.length) return;
        event.preventDefault();
        open(true);
        if (event.key === "ArrowDown") highlight(active + 1 < all.length ? active + 1 : 0);
        else highlight(active > 0 ? active - 1 : all.length - 1);
      } else if (event.key === "Enter") {
        if (active >= 0 && all[active] && !results.hidden) {
          event.preventDefault();
          window.location.assign(all[active].href);
        }
      } else if (event.key === "Escape") {
        if (!results.hidden) {
          event.preventDefault();
          open(false);
        } else {
          input.blur();
        }
      }
    });

    // New results: show them, nothing highlighted yet.
    results.addEventListener("htmx:afterSwap", function () {
      active = -1;
      input.removeAttribute("aria-activedescendant");
      open(input.value.trim() !== "" && results.children.length > 0);
    });
    input.addEventListener("input", function () {
      if (!input.value.trim()) open(false);
    });
    input.addEventListener("focus", function () {
      if (input.value.trim() && results.children.length) open(true);
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) open(false);
    });
    results.addEventListener("mousemove", function (event) {
      var item = event.target.closest && event.target.closest("a.app-quick-item");
      if (item) highlight(items().indexOf(item));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
