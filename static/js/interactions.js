// Contact history: participants picked by typing. Enhances <select multiple data-picker>: the
// select stays in the form (hidden) and holds the choice; without JavaScript it is used as is.
(function () {
  "use strict";
  if (window.crmParticipantPicker) return; // the script may be included by more than one fragment
  window.crmParticipantPicker = true;
  var count = 0;

  function enhance(select) {
    if (select.dataset.enhanced) return;
    select.dataset.enhanced = "1";
    count += 1;
    var listId = "picker-list-" + count;
    var label = document.querySelector('label[for="' + select.id + '"]');

    var wrapper = document.createElement("div");
    wrapper.className = "app-picker";
    var chosen = document.createElement("ul");
    chosen.className = "app-picker-chosen";
    var input = document.createElement("input");
    input.type = "text";
    input.id = select.id + "-search";
    input.className = "form-control form-control-sm";
    input.autocomplete = "off";
    input.placeholder = select.dataset.pickerPlaceholder || "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "app-picker-list";
    list.setAttribute("role", "listbox");
    if (label) {
      label.htmlFor = input.id;
      list.setAttribute("aria-label", label.textContent.trim());
    }
    list.hidden = true;
    wrapper.append(chosen, input, list);
    select.hidden = true;
    select.after(wrapper);
    var help = document.getElementById(select.id + "-help");
    if (help) help.hidden = true;

    var matches = [];
    var active = -1;

    function renderChosen() {
      chosen.replaceChildren();
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.selected) return;
        var item = document.createElement("li");
        item.className = "app-picker-chip";
        item.append(document.createTextNode(option.text));
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn-close btn-close-sm";
        remove.setAttribute("aria-label", (select.dataset.pickerRemove || "Remove") + " " + option.text);
        remove.addEventListener("click", function () {
          option.selected = false;
          renderChosen();
          input.focus();
        });
        item.append(remove);
        chosen.append(item);
      });
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function renderList() {
      var term = input.value.trim().toLowerCase();
      matches = Array.prototype.filter.call(select.options, function (option) {
        return !option.selected && option.text.toLowerCase().indexOf(term) !== -1;
      });
      if (active >= matches.length) active = matches.length - 1;
      list.replaceChildren();
      matches.forEach(function (option, index) {
        var item = document.createElement("li");
        item.id = listId + "-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", index === active ? "true" : "false");
        item.textContent = option.text;
        item.addEventListener("mousedown", function (event) { event.preventDefault(); });
        item.addEventListener("click", function () { pick(option); });
        list.append(item);
      });
      var open = matches.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (active >= 0 && open) input.setAttribute("aria-activedescendant", listId + "-" + active);
      else input.removeAttribute("aria-activedescendant");
    }

    function pick(option) {
      option.selected = true;
      input.value = "";
      active = -1;
      renderChosen();
      renderList();
      input.focus();
    }

    input.addEventListener("focus", renderList);
    input.addEventListener("input", function () { active = input.value.trim() ? 0 : -1; renderList(); });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        active = Math.min(active + 1, matches.length - 1);
        renderList();
        event.preventDefault();
      } else if (event.key === "ArrowUp") {
        active = Math.max(active - 1, 0);
        renderList();
        event.preventDefault();
      } else if (event.key === "Enter") {
        if (!list.hidden && matches[active]) pick(matches[active]);
        event.preventDefault(); // Enter in the picker never submits the form
      } else if (event.key === "Escape") {
        close();
      } else if (event.key === "Backspace" && !input.value) {
        var selected = Array.prototype.filter.call(select.options, function (o) { return o.selected; });
        if (selected.length) { selected[selected.length - 1].selected = false; renderChosen(); }
      }
    });
    renderChosen();
  }

  function enhanceAll(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("select[multiple][data-picker]")) enhance(root);
    root.querySelectorAll("select[multiple][data-picker]").forEach(enhance);
  }

  enhanceAll(document);
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.detail.elt); });
})();
