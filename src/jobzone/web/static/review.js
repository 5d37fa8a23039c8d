// Keyboard shortcuts of the review page. Loaded from /static (the CSP allows no inline script).
// j / k: next / previous draft; a: the approve form; r: the request-changes form;
// ?: show or hide the cheat sheet. Nothing fires while typing in a field.
(function () {
  "use strict";

  function typing(target) {
    if (!(target instanceof Element)) return false;
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  function follow(selector) {
    var link = document.querySelector(selector);
    if (link) window.location.assign(link.href);
  }

  function focusField(selector) {
    var field = document.querySelector(selector);
    if (!field) return;
    field.scrollIntoView({ block: "center" });
    field.focus();
  }

  var actions = {
    j: function () { follow("a[data-next]"); },
    k: function () { follow("a[data-prev]"); },
    a: function () { focusField("form#approve textarea[name=note]"); },
    r: function () { focusField("form#request-changes textarea[name=note]"); },
    "?": function () {
      var sheet = document.getElementById("cheatsheet");
      if (sheet) sheet.hidden = !sheet.hidden;
    },
    Escape: function () {
      var sheet = document.getElementById("cheatsheet");
      if (sheet) sheet.hidden = true;
    },
  };

  // A change the server refused without a page to show (a stale CSRF token, a body too large,
  // a server error) or that never reached it: say so, since htmx itself swaps nothing then.
  function requestFailed(text) {
    var box = document.getElementById("request-error");
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var said = (xhr.responseText || "").trim().slice(0, 300);
    requestFailed("Not saved: the server answered " + xhr.status +
      (said ? " (" + said + ")" : "") + ". Reload the page and try again.");
  });

  document.addEventListener("htmx:sendError", function () {
    requestFailed("Not saved: the review server cannot be reached. Is `jobzone serve` still running?");
  });

  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("request-error");
    if (box) box.hidden = true;
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
})();
