// The article editor's unsaved text (form[data-draft]), kept in this browser as it is
// typed: title, description, tags and body in localStorage, per member and article. When
// the editor opens with other text, it offers them back ("Restore the unsaved draft from
// ...?"); once the server says the article is saved (a success message on the page its
// redirect leads to: this script runs on every page for that), it forgets them; logging
// out forgets them all. A refused save comes back to the editor and keeps them. Without
// JavaScript nothing is kept.
(function () {
  "use strict";

  var DRAFT_PREFIX = "blog-draft:";
  var SAVING = "blog-draft-saving";  // sessionStorage: the draft whose form was just sent
  var SAVING_MAX_AGE_MS = 10 * 60 * 1000;
  var DRAFT_FIELDS = ["title", "description", "tags", "body"];
  var KEEP_AFTER_MS = 500;

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

  // Logging out forgets every draft kept here: the next person at this computer finds none.
  document.addEventListener("submit", function (event) {
    var action = new URL(event.target.action, window.location.href).pathname;
    if (!local || action !== "/auth/logout") { return; }
    var keys = [];
    for (var index = 0; index < local.length; index += 1) { keys.push(local.key(index)); }
    keys.forEach(function (name) {
      if (name && name.indexOf(DRAFT_PREFIX) === 0) { local.removeItem(name); }
    });
  });

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
    if (same(now, asServed)) { local.removeItem(key); return; }
    write(local, key, {fields: now, at: Date.now()});
    // The visible "saved" state of a text kept here (a saved draft also says "Draft saved").
    if (note) {
      note.textContent = "Kept in this browser at " +
        new Date().toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"}) +
        ", until you save or log out.";
    }
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
      // As if typed: kept here, and a saved draft's words sent on (static/js/draft.js).
      form.dispatchEvent(new Event("input", {bubbles: true}));
    });
  } else {
    offering = false;
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(keep, KEEP_AFTER_MS);
  });
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.name === "preview") { return; }
    clearTimeout(timer);
    keep();  // a refused form comes back with this text; the draft stays until it is saved
    if (session) { write(session, SAVING, {key: form.dataset.draft, at: Date.now()}); }
  });
})();
