// The partner picker (templates/partners/_picker.html: agreement form, a new proposal, a proposal's conversion): the checkboxes and the "Find" button work without
// JavaScript; this drops "Find" (htmx asks the server for matches as you type, and Enter in a
// field saves the form again), keeps a ticked partner when the matches change, and refreshes the
// framework agreements offered when the partners chosen change.
(function () {
  "use strict";

  function init() {
    var picker = document.getElementById("partner-picker");
    if (!picker) return;
    var chosen = document.getElementById("partner-chosen");
    var options = document.getElementById("partner-options");
    var find = picker.querySelector(".app-picker-find");
    if (find) find.remove();

    // Enter in the search box searches; it must not submit the agreement form.
    var input = document.getElementById("partner_q");
    if (input) {
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
    }

    options.addEventListener("change", function (event) {
      var box = event.target;
      if ((box.type !== "checkbox" && box.type !== "radio") || !box.checked) return;
      if (box.type === "radio") {
        // A single choice (a proposal's partner): the one picked replaces the one chosen before.
        chosen.querySelectorAll('input[type="radio"]').forEach(function (other) {
          var otherRow = other.closest(".form-check");
          if (otherRow) otherRow.remove();
        });
      }
      var row = box.closest(".form-check");
      if (row) chosen.appendChild(row);
    });

    // Matches asked for before a partner was ticked may come back with it again: show it once.
    options.addEventListener("htmx:afterSwap", function () {
      chosen.querySelectorAll("input:checked").forEach(function (box) {
        options.querySelectorAll("input").forEach(function (other) {
          if (other.name === box.name && other.value === box.value) {
            var row = other.closest(".form-check");
            if (row) row.remove();
          }
        });
      });
    });

    var framework = document.getElementById("parent_id");
    var frameworkUrl = picker.getAttribute("data-framework-options");
    if (framework && frameworkUrl && window.htmx) {
      picker.addEventListener("change", function (event) {
        if (event.target.name !== "partners") return;
        var params = new URLSearchParams();
        picker.querySelectorAll('input[name="partners"]:checked').forEach(function (box) {
          params.append("partners", box.value);
        });
        if (framework.value) params.append("parent_id", framework.value);
        var own = picker.getAttribute("data-agreement");
        if (own) params.append("agreement", own);
        window.htmx.ajax("GET", frameworkUrl + "?" + params.toString(), { target: framework, swap: "innerHTML" });
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
