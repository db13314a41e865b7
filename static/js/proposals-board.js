// Proposals board: drag a card onto another column to move it there. This only adds a
// shortcut: every card's step buttons post the same move without JavaScript, and its "Stage…" link
// leads to the move page for any other stage.
(function () {
  "use strict";

  var dragged = null;

  function csrfHeaders() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    } catch (error) {
      return {};
    }
  }

  function columnOf(target) {
    return target && target.closest ? target.closest(".app-column[data-stage]") : null;
  }

  function clearTargets() {
    document.querySelectorAll(".app-drop-target").forEach(function (column) {
      column.classList.remove("app-drop-target");
    });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest(".app-proposal-card[data-move-url]") : null;
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
    card.classList.add("app-dragging");
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("app-dragging");
    dragged = null;
    clearTargets();
  });

  document.addEventListener("dragover", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column || column.dataset.stage === dragged.dataset.stage) return;
    event.preventDefault(); // allows the drop
    event.dataTransfer.dropEffect = "move";
    if (!column.classList.contains("app-drop-target")) {
      clearTargets();
      column.classList.add("app-drop-target");
    }
  });

  document.addEventListener("dragleave", function (event) {
    var column = columnOf(event.target);
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("app-drop-target");
  });

  document.addEventListener("drop", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column || column.dataset.stage === dragged.dataset.stage) return;
    event.preventDefault();
    var card = dragged;
    clearTargets();
    card.classList.add("app-moving");
    // The same endpoint and fields as the card's buttons; the answer re-renders the board,
    // or (409) shows where the proposals stand now when someone else moved this one first.
    window.htmx.ajax("POST", card.dataset.moveUrl, {
      source: card,
      target: "#proposals-view",
      swap: "outerHTML",
      headers: csrfHeaders(),
      values: { stage: column.dataset.stage, version: card.dataset.version },
    });
  });
})();
