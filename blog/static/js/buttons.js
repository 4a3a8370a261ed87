// Like, Bookmark and Follow without a page reload.
//
// Each button is a plain <form method="post"> that works on its own (the
// server redirects back). When this script runs, it takes over the submit:
// it sends the same POST with fetch(), the CSRF token in a header and
// "Accept: application/json", shows the new state at once, and then sets
// the button from the server's answer, e.g. {"liked": true, "likes_count": 8}.
// If the server says no, the button goes back to how it was and the reason
// is shown beside it.
(function () {
  "use strict";

  function render(form, active, count) {
    var button = form.querySelector("button");
    form.action = active ? form.dataset.offUrl : form.dataset.onUrl;
    button.querySelector(".toggle-label").textContent =
      active ? form.dataset.offLabel : form.dataset.onLabel;
    button.setAttribute("aria-pressed", active ? "true" : "false");
    var counter = button.querySelector(".toggle-count");
    if (counter && count !== undefined && count !== null) {
      counter.textContent = String(count);
    }
  }

  // A count past the site's cap reads "10,000+": it stays as it is until the answer.
  function readCount(form) {
    var counter = form.querySelector(".toggle-count");
    return counter && /^\d+$/.test(counter.textContent) ? parseInt(counter.textContent, 10) : null;
  }

  function showError(form, message) {
    var box = form.querySelector(".toggle-error");
    box.textContent = message;
    box.hidden = false;
  }

  function firstMessage(body, status) {
    var errors = body && body.errors;
    if (errors) {
      for (var key in errors) {
        if (errors[key] && errors[key].length) { return errors[key][0]; }
      }
    }
    return "That did not work (error " + status + "). Please try again.";
  }

  function buttonText(form) {
    return form.querySelector("button").textContent.replace(/\s+/g, " ").trim();
  }

  // Tell whoever listens (the flow inspector's script, in development) what
  // this click sent, what came back and what it changed on the page.
  function announce(form, url, before, response, body) {
    document.dispatchEvent(new CustomEvent("blog:fetched", {detail: {
      requestId: response.headers.get("X-Request-Id"),
      click: before,
      request: {method: "POST", url: url,
                headers: ["Accept: application/json", "X-CSRFToken: ••••"]},
      answer: {status: response.status, body: body},
      before: before,
      after: buttonText(form)
    }}));
  }

  async function submit(event) {
    var form = event.currentTarget;
    event.preventDefault();
    if (form.dataset.busy) { return; }
    form.dataset.busy = "1";

    // The form's action is what the click asks for (like, or unlike).
    var url = form.action;
    var wasActive = url === new URL(form.dataset.offUrl, location.href).href;
    var oldCount = readCount(form);
    var before = buttonText(form);
    var button = form.querySelector("button");
    form.querySelector(".toggle-error").hidden = true;
    // Show the change at once; the server's answer below has the last word.
    render(form, !wasActive, oldCount === null ? null : oldCount + (wasActive ? -1 : 1));
    button.disabled = true;

    try {
      var response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Accept": "application/json",
          "X-CSRFToken": form.elements.csrf_token.value
        }
      });
      if (response.status === 401) {
        // Not logged in: log in, then come back to this page.
        location.href = form.dataset.loginUrl + "?next=" +
          encodeURIComponent(location.pathname + location.search);
        return;
      }
      var body = await response.json().catch(function () { return null; });
      if (!response.ok || !body) {
        render(form, wasActive, oldCount);
        showError(form, firstMessage(body, response.status));
        announce(form, url, before, response, body);
        return;
      }
      render(form, body[form.dataset.stateKey], body[form.dataset.countKey]);
      announce(form, url, before, response, body);
    } catch (error) {
      render(form, wasActive, oldCount);
      showError(form, "Could not reach the site. Check your connection and try again.");
    } finally {
      button.disabled = false;
      delete form.dataset.busy;
    }
  }

  document.querySelectorAll("form[data-toggle]").forEach(function (form) {
    form.addEventListener("submit", submit);
  });
})();
