// The navigation on a phone: one row with a "Menu" button that opens the links below it.
// Without JavaScript the button stays hidden and the links wrap, all of them usable.
(function () {
  "use strict";
  var nav = document.querySelector(".nav");
  var toggle = nav && nav.querySelector(".nav-toggle");
  if (!toggle) { return; }
  nav.classList.add("folding");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = !nav.classList.contains("open");
    nav.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && nav.classList.contains("open")) {
      nav.classList.remove("open");
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  });
})();
