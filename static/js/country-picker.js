// The country picker: a <select data-country-picker> (a working select without JavaScript,
// the office's frequent countries first) becomes a box to type in: a name in English or
// Chinese, the ISO code (DE), full pinyin (deguo) or its initials (dg) filter the countries;
// the arrow keys and Enter, or a click, choose one. The select stays in the form (hidden) and
// carries the value.
(function () {
  "use strict";

  var MAX_SHOWN = 12;

  function enhance(select) {
    var options = Array.prototype.filter.call(select.options, function (option) { return option.value; });
    var entries = options.map(function (option) {
      return {
        value: option.value,
        name: option.textContent,
        folded: option.textContent.toLowerCase(),
        words: (option.getAttribute("data-search") || "").split(" | "),
      };
    });
    var label = document.querySelector('label[for="' + select.id + '"]');
    var box = document.createElement("div");
    box.className = "app-country-picker";
    var input = document.createElement("input");
    input.type = "text";
    input.id = select.id + "-search";
    input.className = select.className.replace("form-select", "form-control");
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    var describedBy = select.getAttribute("aria-describedby");
    if (describedBy) input.setAttribute("aria-describedby", describedBy);
    if (select.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", "true");
    var list = document.createElement("ul");
    list.className = "app-country-list";
    list.id = select.id + "-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    var blank = select.options.length && !select.options[0].value ? select.options[0].textContent : "";
    input.placeholder = blank;
    input.value = (entries.find(function (entry) { return entry.value === select.value; }) || {}).name || "";
    if (label) label.htmlFor = input.id;
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.parentNode.insertBefore(box, select);
    box.appendChild(input);
    box.appendChild(list);
    box.appendChild(select);

    var shown = [];
    var active = -1;

    function rank(entry, text) {
      if (entry.value.toLowerCase() === text) return 0;
      if (entry.folded.indexOf(text) === 0) return 1;
      for (var i = 0; i < entry.words.length; i++) {
        if (entry.words[i].indexOf(text) === 0) return 2;
      }
      if (entry.folded.indexOf(text) > 0) return 3;
      return -1;
    }

    function render(text) {
      text = text.trim().toLowerCase();
      var found = [];
      entries.forEach(function (entry, order) {
        var r = text ? rank(entry, text) : 1;
        if (r >= 0) found.push({ entry: entry, rank: r, order: order });
      });
      found.sort(function (a, b) { return a.rank - b.rank || a.order - b.order; });
      shown = found.slice(0, MAX_SHOWN).map(function (item) { return item.entry; });
      list.replaceChildren();
      shown.forEach(function (entry, index) {
        var item = document.createElement("li");
        item.id = select.id + "-option-" + entry.value;
        item.setAttribute("role", "option");
        item.textContent = entry.name;
        var code = document.createElement("span");
        code.className = "app-sub";
        code.textContent = " " + entry.value;
        item.appendChild(code);
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(index);
        });
        list.appendChild(item);
      });
      highlight(shown.length ? 0 : -1);
      open(shown.length > 0);
    }

    function open(show) {
      list.hidden = !show;
      input.setAttribute("aria-expanded", show ? "true" : "false");
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0 && list.children[index]) {
        input.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var entry = shown[index];
      if (!entry) return;
      select.value = entry.value;
      input.value = entry.name;
      open(false);
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    input.addEventListener("input", function () {
      if (!input.value.trim()) select.value = "";
      render(input.value);
    });
    input.addEventListener("focus", function () { input.select(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { render(input.value === currentName() ? "" : input.value); return; }
        var step = event.key === "ArrowDown" ? 1 : -1;
        if (shown.length) highlight((active + step + shown.length) % shown.length);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          choose(active);
        }
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        open(false);
      }
    });
    function currentName() {
      var current = entries.find(function (entry) { return entry.value === select.value; });
      return current ? current.name : "";
    }

    input.addEventListener("blur", function () {
      open(false);
      input.value = currentName();  // what stays in the box is the country chosen, or nothing
    });
  }

  function init() {
    document.querySelectorAll("select[data-country-picker]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
