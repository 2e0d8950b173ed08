// Drag agenda items to reorder them. The Move up / Move down buttons remain the
// keyboard and no-JavaScript way; this only adds the mouse and touch way.
(function () {
  "use strict";
  function init() {
    var list = document.querySelector("ol.agenda[data-reorder-url]");
    if (!list) return;
    var dragged = null;
    list.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("li[data-item-id]");
      if (!dragged) return;
      dragged.classList.add("agenda__item--dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.itemId);
    });
    list.addEventListener("dragover", function (event) {
      var over = event.target.closest("li[data-item-id]");
      if (!dragged || !over || over === dragged) return;
      event.preventDefault();
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? over.nextSibling : over);
    });
    list.addEventListener("dragend", function () {
      if (!dragged) return;
      dragged.classList.remove("agenda__item--dragging");
      dragged = null;
      save(list);
    });
  }
  function save(list) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    var body = new URLSearchParams();
    list.querySelectorAll("li[data-item-id]").forEach(function (item) {
      body.append("order", item.dataset.itemId);
    });
    fetch(list.dataset.reorderUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "", "HX-Request": "true" },
    }).then(function () {
      window.location.reload();
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
