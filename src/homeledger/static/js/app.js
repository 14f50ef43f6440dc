/* Homeledger's only script, and optional: every page works without it.
   On a phone, panels marked data-phone-closed (filters, bulk edit, the menu) start folded
   so the list comes first; on a wide screen they stay open (their toggle is hidden). */
(function () {
  "use strict";
  var phone = window.matchMedia("(max-width: 640px)");
  function fit() {
    document.querySelectorAll("details[data-phone-closed]").forEach(function (panel) {
      panel.open = !phone.matches;
    });
  }
  fit();
  phone.addEventListener("change", fit);
})();
