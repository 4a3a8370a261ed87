// The article editor's pictures: "Upload image", or an image dropped or pasted on the body,
// is sent to /uploads with fetch() and its Markdown is inserted where the cursor is.
// Without JavaScript the same button posts the whole form and the server adds the
// Markdown at the end of the body (blog/article/views.py insert_image).
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload-url]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var body = form.elements.body;
  var input = form.elements.image;
  var button = form.elements.upload_image;
  if (!body || !input || !button) { return; }
  var field = input.closest(".field");
  var hint = form.querySelector("[data-drop-hint]");
  if (hint) { hint.hidden = false; }

  function showError(message) {
    var error = field.querySelector(".error");
    if (!message) {
      if (error) { error.remove(); }
      field.classList.remove("has-error");
      input.removeAttribute("aria-invalid");
      return;
    }
    if (!error) {
      error = document.createElement("p");
      error.className = "error";
      error.id = input.id + "-error";
      error.setAttribute("role", "alert");
      field.appendChild(error);
    }
    error.textContent = message;
    field.classList.add("has-error");
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", error.id);
  }

  function insert(markdown) {
    var start = body.selectionStart, end = body.selectionEnd, text = body.value;
    var before = text.slice(0, start), after = text.slice(end);
    // A picture is its own paragraph: a blank line on either side of it.
    var lead = !before ? "" : before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    var trail = !after ? "" : after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
    body.value = before + lead + markdown + trail + after;
    var cursor = (before + lead + markdown).length;
    body.setSelectionRange(cursor, cursor);
    body.dispatchEvent(new Event("input", {bubbles: true}));
  }

  async function upload(file) {
    var data = new FormData();
    data.append("image", file, file.name || "image");
    button.disabled = true;
    showError("");
    try {
      var response = await fetch(form.dataset.uploadUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: {"Accept": "application/json", "X-CSRFToken": form.elements.csrf_token.value}
      });
      var answer = await response.json().catch(function () { return {}; });
      if (response.ok && answer.markdown) {
        insert(answer.markdown);
        input.value = "";
      } else {
        var errors = answer.errors || {};
        showError((errors.image || errors.body || ["The image could not be uploaded."])[0]);
      }
    } catch (failure) {
      showError("The image could not be uploaded: check your connection and try again.");
    } finally {
      button.disabled = false;
    }
  }

  button.addEventListener("click", function (event) {
    event.preventDefault();
    if (!input.files.length) { showError("Choose an image file."); return; }
    upload(input.files[0]);
  });

  // The toolbar's Image button: choose a file, and it goes up at once.
  var pick = form.querySelector("[data-pick-image]");
  var picking = false;
  if (pick) {
    pick.hidden = false;
    pick.addEventListener("click", function () {
      picking = true;
      input.click();
    });
    input.addEventListener("change", function () {
      if (picking && input.files.length) { upload(input.files[0]); }
      picking = false;
    });
  }

  function images(list) {
    return Array.prototype.filter.call(list || [], function (file) {
      return file.type.indexOf("image/") === 0;
    });
  }

  body.addEventListener("dragover", function (event) {
    if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
      event.preventDefault();
    }
  });
  body.addEventListener("drop", function (event) {
    var files = images(event.dataTransfer && event.dataTransfer.files);
    if (files.length) {
      event.preventDefault();
      files.forEach(upload);
    }
  });
  body.addEventListener("paste", function (event) {
    var files = images(event.clipboardData && event.clipboardData.files);
    if (files.length) {
      event.preventDefault();
      files.forEach(upload);
    }
  });
})();
