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
