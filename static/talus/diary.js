/* The diary's click comfort: a click anywhere in a free quarter books it, as its link does.
   Without JavaScript each free quarter is its own link; nothing here is needed to book. */
(function () {
  "use strict";
  document.querySelectorAll("[data-diary-grid] td.slot-free").forEach(function (cell) {
    var link = cell.querySelector("a.slot-book");
    if (!link) return;
    cell.classList.add("js-clickable");
    cell.addEventListener("click", function (event) {
      if (event.target.closest("a")) return; // the link itself does its own work
      link.click();
    });
  });
})();
