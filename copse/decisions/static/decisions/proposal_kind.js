// Show only the part of the new-proposal form that the chosen kind uses.
// Without JavaScript every part shows, each under its own heading; the
// server ignores the parts a kind does not use.
(function () {
  "use strict";
  function init() {
    var kind = document.getElementById("id_kind");
    var parts = document.querySelectorAll("fieldset[data-kind]");
    if (!kind || !parts.length) return;
    function show() {
      parts.forEach(function (part) {
        part.hidden = part.dataset.kind.split(" ").indexOf(kind.value) === -1;
      });
    }
    kind.addEventListener("change", show);
    show();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
