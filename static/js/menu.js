// The main menu behind a button on narrow screens (below 768 px): the button is shown and
// the menu folded only when this script runs, so that without it the menu stays open.
(function () {
  var button = document.querySelector(".menu-button");
  var menu = document.getElementById("main-menu");
  if (!button || !menu) return;
  var narrow = window.matchMedia("(max-width: 767.98px)");
  function fold(closed) {
    button.setAttribute("aria-expanded", closed ? "false" : "true");
    menu.classList.toggle("menu-closed", closed);
  }
  function apply() {
    button.hidden = !narrow.matches;
    fold(narrow.matches);
  }
  button.addEventListener("click", function () {
    fold(button.getAttribute("aria-expanded") === "true");
  });
  narrow.addEventListener("change", apply);
  apply();
})();

// A table wider than its box scrolls inside it: the box takes the keyboard focus (so that
// it can be scrolled without a mouse) and is named after the table's caption.
(function () {
  document.querySelectorAll(".table-wrap").forEach(function (box) {
    if (box.scrollWidth <= box.clientWidth || box.hasAttribute("tabindex")) return;
    var caption = box.querySelector("caption");
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
  });
})();
