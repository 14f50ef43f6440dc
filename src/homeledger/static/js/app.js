/* Homeledger's script on every page, and optional: every page works without it.
   On a phone, panels marked data-phone-closed (filters, bulk edit, the menu) start folded
   so the list comes first; on a wide screen they stay open (their toggle is hidden).
   A table that has to scroll sideways gets a keyboard stop. */
(function () {
  "use strict";
  var phone = window.matchMedia("(max-width: 640px)");
  function fit() {
    document.querySelectorAll("details[data-phone-closed]").forEach(function (panel) {
      panel.open = !phone.matches;
    });
  }
  /* A table too wide for its box scrolls sideways: make that box reachable by keyboard. */
  function scrollers() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Table, scrolls sideways");
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  function layout() { fit(); scrollers(); }
  layout();
  phone.addEventListener("change", layout);
})();
