// A saved draft keeps itself on the server while its author types, and the
// editor asks before a tab with unsaved changes is left.
//
// The editor's form says where to send its words (data-autosave-url, only
// on a saved draft: a published article changes with its Save button only).
// A few seconds after the last key, the form's words go to that address
// with fetch() and the CSRF token in a header; the line beside the buttons
// says "Saved at 10:42", or why not. Pressing a button of the form is never
// asked about; closing the tab or following a link with changes that no
// save has kept is.
(function () {
  "use strict";

  var QUIET_MS = 3000;

  function setUp(form) {
    var status = form.querySelector(".autosave-status");
    var url = form.dataset.autosaveUrl;
    var token = form.querySelector("input[name=csrf_token]");
    var timer = null;
    var sending = false;
    // The server keeps the words, not the tags (they wait for the Save button):
    // what it holds is compared with the tags as they were when the page came.
    var tagsField = form.querySelector("[name=tags]");
    var firstTags = tagsField ? tagsField.value : "";
    var kept = snapshot(form, firstTags);
    var leaving = false;

    function say(text, problem) {
      if (!status) { return; }
      status.textContent = text;
      status.classList.toggle("autosave-problem", Boolean(problem));
    }

    function send() {
      timer = null;
      if (sending) { timer = setTimeout(send, QUIET_MS); return; }
      var words = snapshot(form, firstTags);
      if (words === kept) { return; }
      sending = true;
      say("Saving…");
      fetch(url, {
        method: "POST",
        body: wordsOnly(form),
        headers: {"Accept": "application/json", "X-CSRFToken": token ? token.value : ""},
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.ok) {
            kept = words;
            var at = new Date(body.saved_at);
            say("Draft saved at " + at.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"}));
          } else {
            say("Not saved: " + firstMessage(body, response.status), true);
          }
        });
      }).catch(function () {
        say("Not saved: the site could not be reached. Your words are still here.", true);
      }).then(function () { sending = false; });
    }

    if (url) {
      form.addEventListener("input", function () {
        if (timer) { clearTimeout(timer); }
        say("Changed, saving soon…");
        timer = setTimeout(send, QUIET_MS);
      });
    }
    form.addEventListener("submit", function () { leaving = true; });
    window.addEventListener("beforeunload", function (event) {
      if (leaving || snapshot(form) === kept) { return; }
      event.preventDefault();
      event.returnValue = "";  // the browser shows its own "Leave site?" question
    });
  }

  // Everything the author typed, as one string to compare (with `tags` in place of
  // the tags field's value, when given).
  function snapshot(form, tags) {
    var parts = [];
    Array.prototype.forEach.call(form.querySelectorAll("input[type=text], input[type=url], textarea"),
      function (field) {
        var value = field.name === "tags" && tags !== undefined ? tags : field.value;
        parts.push(field.name + "=" + value);
      });
    return parts.join("\u0000");
  }

  // The words, without the editor's file fields: pictures are uploaded on their own
  // (static/js/pictures.js), and the autosave takes no files.
  function wordsOnly(form) {
    var data = new FormData(form);
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
      data.delete(input.name);
    });
    return data;
  }

  function firstMessage(body, status) {
    var errors = body && body.errors;
    if (errors) {
      for (var key in errors) {
        if (errors[key] && errors[key].length) { return errors[key][0]; }
      }
    }
    return "error " + status + ".";
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.article-editor"), setUp);
  });
}());
