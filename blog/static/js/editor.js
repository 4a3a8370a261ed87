// The Markdown editors (articles and comments), made more helpful. Without JavaScript
// every form works as it is; with it:
// - the toolbar (article/_toolbar.html) and Ctrl/Cmd+B, I, K edit the Markdown in the box;
// - the Write/Preview tabs (article/_write_tabs.html) show the text rendered by the server
//   (POST data-preview-url, the CSRF token in a header, JSON back) in place;
// - the article editor (form[data-draft]) keeps title, description, tags and body in this
//   browser as you type, offers them back after a closed tab, and forgets them once the
//   server says the article is saved (a success message on the page its redirect leads to).
(function () {
  "use strict";

  var DRAFT_PREFIX = "blog-draft:";
  var SAVING = "blog-draft-saving";  // sessionStorage: the draft whose form was just sent
  var SAVING_MAX_AGE_MS = 10 * 60 * 1000;
  var DRAFT_FIELDS = ["title", "description", "tags", "body"];

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

  document.querySelectorAll("form[data-preview-url]").forEach(function (form) {
    form.querySelectorAll(".md-tabs[data-for]").forEach(function (tabs) { setUpTabs(form, tabs); });
  });

  // --- Drafts kept in this browser ------------------------------------------------------

  function storage(kind) {
    try { return window[kind]; } catch (error) { return null; }  // blocked by the browser
  }

  function read(store, key) {
    try { return JSON.parse(store.getItem(key)); } catch (error) { return null; }
  }

  function write(store, key, value) {
    try { store.setItem(key, JSON.stringify(value)); } catch (error) { /* full or blocked */ }
  }

  var local = storage("localStorage"), session = storage("sessionStorage");

  // Back from sending a draft's form: forget the draft when the server said it is saved.
  // The editor page again (a refusal, or the plain Preview button) keeps it.
  var sent = session && read(session, SAVING);
  if (sent && session) {
    session.removeItem(SAVING);
    var saved = document.querySelector(".flash-success");
    var back = document.querySelector("form[data-draft]");
    if (saved && !back && local && Date.now() - sent.at < SAVING_MAX_AGE_MS) {
      local.removeItem(DRAFT_PREFIX + sent.key);
    }
  }

  var form = local && document.querySelector("form[data-draft]");
  if (!form) { return; }
  var key = DRAFT_PREFIX + form.dataset.draft;
  var offer = form.querySelector(".draft-offer");
  var note = form.querySelector(".draft-note");

  function values() {
    var found = {};
    DRAFT_FIELDS.forEach(function (name) {
      if (form.elements[name]) { found[name] = form.elements[name].value; }
    });
    return found;
  }

  function same(a, b) {
    return DRAFT_FIELDS.every(function (name) { return (a[name] || "") === (b[name] || ""); });
  }

  var asServed = values();
  var stored = read(local, key);
  var offering = Boolean(stored && stored.fields && !same(stored.fields, asServed));
  var timer = null;

  function keep() {
    timer = null;
    if (offering) { return; }  // the older draft waits for Restore or Discard
    var now = values();
    if (same(now, asServed)) { local.removeItem(key); } else { write(local, key, {fields: now, at: Date.now()}); }
  }

  if (note) { note.hidden = false; }
  if (offering && offer) {
    var when = new Date(stored.at);
    offer.querySelector(".draft-offer-text").textContent =
      "Restore the unsaved draft from " + when.toLocaleString([], {dateStyle: "medium", timeStyle: "short"}) + "?";
    offer.hidden = false;
    offer.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-draft-action]");
      if (!button) { return; }
      if (button.dataset.draftAction === "restore") {
        DRAFT_FIELDS.forEach(function (name) {
          if (form.elements[name] && typeof stored.fields[name] === "string") {
            form.elements[name].value = stored.fields[name];
          }
        });
      } else {
        local.removeItem(key);
      }
      offering = false;
      offer.hidden = true;
      keep();
    });
  } else {
    offering = false;
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(keep, 500);
  });
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.name === "preview") { return; }
    clearTimeout(timer);
    keep();  // a refused form comes back with this text; the draft stays until it is saved
    if (session) { write(session, SAVING, {key: form.dataset.draft, at: Date.now()}); }
  });
})();
