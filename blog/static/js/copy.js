// "Copy" buttons. Two kinds:
// - a button[data-copy] already in the page (the flow inspector's curl command) copies
//   the text of the element it names; it stays hidden without JavaScript;
// - every code block of an article or comment gets a button of its own here.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    if (!source) { return; }
    button.hidden = false;
    button.addEventListener("click", function () { copy(source, button); });
  });

  document.querySelectorAll(".article-body pre > code, .comment-body pre > code")
    .forEach(function (code) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "code-copy";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy this code");
      button.addEventListener("click", function () { copy(code, button); });
      code.parentElement.appendChild(button);
    });

  function copy(source, button) {
    var text = source.textContent;
    var done = function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { select(source); });
    } else {
      select(source);
    }
  }

  // No clipboard (plain http on another host): select the text for Ctrl+C.
  function select(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
})();
