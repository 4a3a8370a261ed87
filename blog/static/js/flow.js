// The flow inspector's half in the browser (development only).
//
// 1. The bar at the bottom of each page asks the server for this page's own
//    story (GET /flow/<request id>.json) and tells it in plain sentences.
// 2. After a button's fetch() (buttons.js announces it with "blog:fetched"),
//    a toast shows the round trip, and what the click changed on the page is
//    sent to the server to complete that request's story.
(function () {
  "use strict";
  var bar = document.querySelector(".flow-bar");
  if (!bar) { return; }

  function statusWords(status) {
    return {200: "OK", 201: "Created", 204: "No Content", 302: "Found", 400: "Bad Request",
            401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 422: "Unprocessable",
            429: "Too Many Requests", 500: "Server Error"}[status] || "";
  }

  function showStory(record) {
    bar.querySelector(".flow-summary").textContent =
      record.method + " " + record.path + " → " + record.status + " " + statusWords(record.status) +
      " in " + Math.round(record.duration_ms) + " ms · " + record.sql_count + " SQL statement" +
      (record.sql_count === 1 ? "" : "s");
    var list = bar.querySelector(".flow-bar-steps");
    list.textContent = "";
    record.steps.filter(function (step) { return step.kind !== "sql"; }).forEach(function (step) {
      var item = document.createElement("li");
      item.textContent = step.text;
      list.appendChild(item);
    });
    var reads = record.steps.filter(function (step) { return step.kind === "sql"; }).length;
    if (reads) {
      var sql = document.createElement("li");
      sql.textContent = reads + " SQL statement" + (reads === 1 ? " was" : "s were") +
        " run (open the whole story to read them).";
      list.appendChild(sql);
    }
  }

  fetch(bar.dataset.flowJson, {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (record) { if (record) { showStory(record); } })
    .catch(function () {});

  var toastTimer;
  document.addEventListener("blog:fetched", function (event) {
    var detail = event.detail;
    var toast = bar.querySelector(".flow-toast");
    toast.textContent = "";
    var line = document.createElement("code");
    line.textContent = detail.request.method + " " + new URL(detail.request.url).pathname +
      " → " + detail.answer.status + " " + JSON.stringify(detail.answer.body);
    toast.appendChild(line);
    if (detail.requestId) {
      var link = document.createElement("a");
      link.href = bar.dataset.flowStory.replace("RID", detail.requestId);
      link.textContent = " Read its story";
      toast.appendChild(link);
      var token = document.querySelector("input[name=csrf_token]");
      fetch(bar.dataset.flowBrowser.replace("RID", detail.requestId), {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json",
                  "X-CSRFToken": token ? token.value : ""},
        // One text field: pages take flat fields only.
        body: JSON.stringify({story: JSON.stringify({
          click: "Clicked “" + detail.click + "”", request: detail.request,
          answer: detail.answer, before: detail.before, after: detail.after})})
      }).catch(function () {});
    }
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { toast.hidden = true; }, 8000);
  });
})();
