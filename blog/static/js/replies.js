// "Reply" under a thread (comment/_section.html) is a link to the thread on a page of its
// own, where its reply box is open: that works without JavaScript. With it, a click opens
// the page's one reply form (<template id="reply-form">) in place under the thread
// instead, with the thread's id where the template has its hole; its Write/Preview tabs
// come from static/js/editor.js. The form posts as any other: the server decides.
(function () {
  "use strict";

  var template = document.getElementById("reply-form");
  if (!template) { return; }
  var hole = template.dataset.hole;

  function openReply(link) {
    var threadId = link.dataset.replyTo;
    var holder = document.createElement("template");
    holder.innerHTML = template.innerHTML.split(hole).join(threadId);
    var box = holder.content.querySelector("details.reply");
    var form = box.querySelector("form"), text = form.querySelector("textarea");
    // The box's "Reply" takes the link's place: the second click of a double click
    // would fold it up again at once, and take the focus from the text.
    box.querySelector("summary").addEventListener("click", function (event) {
      if (event.detail > 1) { event.preventDefault(); text.focus(); }
    });
    link.parentNode.replaceWith(box);
    if (window.blogEditor) { window.blogEditor.setUp(form); }
    text.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-reply-to]");
    // A click with a modifier (a new tab, a new window) follows the link.
    if (!link || !/^[0-9]+$/.test(link.dataset.replyTo) || event.button !== 0 ||
        event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
    event.preventDefault();
    openReply(link);
  });
})();
