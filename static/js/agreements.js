// The agreement form's partner picker: the checkboxes work without JavaScript; this shows the
// search box (htmx asks the server as you type) and keeps a ticked partner when the matches change.
(function () {
  "use strict";

  function init() {
    var picker = document.getElementById("partner-picker");
    if (!picker) return;
    var search = picker.querySelector(".app-picker-search");
    var chosen = document.getElementById("partner-chosen");
    var options = document.getElementById("partner-options");
    if (search) search.hidden = false;

    // Enter in the search box searches; it must not submit the agreement form.
    var input = document.getElementById("partner_q");
    if (input) {
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
    }

    options.addEventListener("change", function (event) {
      var box = event.target;
      if (box.type !== "checkbox" || !box.checked) return;
      var row = box.closest(".form-check");
      if (row) chosen.appendChild(row);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
