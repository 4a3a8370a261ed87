// The Markdown editors (articles and comments), made more helpful. Without JavaScript
// every form works as it is; with it:
// - the toolbar (article/_toolbar.html) and Ctrl/Cmd+B, I, K edit the Markdown in the box;
// - the Write/Preview tabs (article/_write_tabs.html) show the text rendered by the server
//   (POST data-preview-url, the CSRF token in a header, JSON back) in place.
// The article's unsaved text is kept by static/js/unsaved.js (in this browser) and
// static/js/draft.js (a saved draft's words, on the server).
(function () {
  "use strict";

  // --- the toolbar --------------------------------------------------------------------

  // Text around the selection, or at the start of each selected line.
  var WRAPS = {
    bold: ["**", "**", "bold text"],
    italic: ["_", "_", "italic text"],
    code: ["`", "`", "code"],
    link: ["[", "](https://)", "link text"],
    codeblock: ["```\n", "\n```", "code"]
  };
  var LINE_PREFIXES = {heading: "## ", quote: "> ", bullets: "- ", numbers: null};
  var SHORTCUTS = {b: "bold", i: "italic", k: "link"};

  // Replace start..end with `text` the way typing would (so Ctrl+Z undoes it).
  function insert(box, start, end, text) {
    box.focus();
    box.setSelectionRange(start, end);
    if (!document.execCommand || !document.execCommand("insertText", false, text)) {
      box.setRangeText(text, start, end, "end");
      box.dispatchEvent(new Event("input", {bubbles: true}));
    }
  }

  function wrap(box, action) {
    var parts = WRAPS[action], start = box.selectionStart, end = box.selectionEnd;
    var chosen = box.value.slice(start, end) || parts[2];
    if (action === "codeblock") {
      // A fence starts on a line of its own.
      var before = start > 0 && box.value[start - 1] !== "\n" ? "\n" : "";
      insert(box, start, end, before + parts[0] + chosen + parts[1] + "\n");
      start += before.length;
    } else {
      insert(box, start, end, parts[0] + chosen + parts[1]);
    }
    if (action === "link") {  // select the address to type over
      var at = start + parts[0].length + chosen.length + 2;
      box.setSelectionRange(at, at + "https://".length);
    } else {
      box.setSelectionRange(start + parts[0].length, start + parts[0].length + chosen.length);
    }
  }

  function prefixLines(box, action) {
    var value = box.value;
    var start = value.lastIndexOf("\n", box.selectionStart - 1) + 1;
    var end = value.indexOf("\n", box.selectionEnd);
    if (end === -1 || (box.selectionEnd > box.selectionStart && value[box.selectionEnd - 1] === "\n")) {
      end = end === -1 ? value.length : box.selectionEnd - 1;
    }
    var lines = value.slice(start, end).split("\n").map(function (line, index) {
      var prefix = LINE_PREFIXES[action] === null ? (index + 1) + ". " : LINE_PREFIXES[action];
      return prefix + line;
    });
    var text = lines.join("\n");
    insert(box, start, end, text);
    box.setSelectionRange(start + text.length, start + text.length);
  }

  function format(box, action) {
    if (action in WRAPS) { wrap(box, action); } else if (action in LINE_PREFIXES) { prefixLines(box, action); }
  }

  document.querySelectorAll(".md-toolbar[data-for]").forEach(function (toolbar) {
    var box = document.getElementById(toolbar.dataset.for);
    if (!box) { return; }
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-md]");
      if (button) { format(box, button.dataset.md); }
    });
    box.addEventListener("keydown", function (event) {
      var action = SHORTCUTS[event.key.toLowerCase()];
      if (action && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey) {
        event.preventDefault();
        format(box, action);
      }
    });
  });

  // --- Write / Preview ----------------------------------------------------------------

  function firstError(body, status) {
    var errors = body && body.errors;
    for (var key in errors || {}) {
      if (errors[key] && errors[key].length) { return errors[key][0]; }
    }
    return "The preview did not work (error " + status + "). Please try again.";
  }

  function showMessage(panel, message) {
    var line = document.createElement("p");
    line.className = "hint";
    line.textContent = message;
    panel.replaceChildren(line);
  }

  function fetchPreview(form, box, panel) {
    if (!box.value.trim()) { showMessage(panel, "Nothing to preview yet."); return; }
    showMessage(panel, "Loading the preview…");
    var token = form.querySelector("input[name=csrf_token]");
    fetch(form.dataset.previewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": token ? token.value : ""},
      body: new URLSearchParams({body: box.value})
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        if (response.ok && body && typeof body.html === "string") {
          // Rendered and sanitised by the server (nh3), as it would be saved.
          panel.innerHTML = body.html;
        } else {
          showMessage(panel, firstError(body, response.status));
        }
      });
    }, function () {
      showMessage(panel, "The preview could not reach the site. Your text is still here.");
    });
  }

  function setUpTabs(form, tabs) {
    var box = document.getElementById(tabs.dataset.for);
    var panel = document.getElementById(tabs.dataset.for + "-preview");
    var toolbar = form.querySelector(".md-toolbar[data-for='" + tabs.dataset.for + "']");
    var buttons = tabs.querySelectorAll("[role=tab]");
    if (!box || !panel || buttons.length !== 2) { return; }
    tabs.hidden = false;
    // One way to preview: the tab, in place. The button that reloads the page with the
    // preview is for browsers without JavaScript.
    form.querySelectorAll("[data-reload-preview]").forEach(function (button) {
      button.hidden = true;
    });

    function choose(previewing) {
      buttons[0].setAttribute("aria-selected", previewing ? "false" : "true");
      buttons[1].setAttribute("aria-selected", previewing ? "true" : "false");
      buttons[0].tabIndex = previewing ? -1 : 0;
      buttons[1].tabIndex = previewing ? 0 : -1;
      box.hidden = previewing;
      panel.hidden = !previewing;
      if (toolbar) { toolbar.hidden = previewing; }
      if (previewing) { fetchPreview(form, box, panel); }
    }

    buttons[0].addEventListener("click", function () { choose(false); box.focus(); });
    buttons[1].addEventListener("click", function () { choose(true); });
    tabs.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
        var other = event.target === buttons[0] ? buttons[1] : buttons[0];
        other.focus();
        other.click();
      }
    });
  }

  // The tabs of a form with a preview; also called for a form added later (a reply box
  // opened in place: static/js/replies.js).
  function setUp(form) {
    form.querySelectorAll(".md-tabs[data-for]").forEach(function (tabs) { setUpTabs(form, tabs); });
  }

  document.querySelectorAll("form[data-preview-url]").forEach(setUp);
  window.blogEditor = {setUp: setUp};
})();
