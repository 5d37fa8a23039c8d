// Keyboard shortcuts of the review page. Loaded from /static (the CSP allows no inline script).
// j / k: next / previous draft; e: edit the field a finding is about (else the first task's time
// share); a: the approve form; r: the request-changes form; ?: show or hide the cheat sheet.
// Nothing fires while typing in a field; Escape leaves the field.
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

  // The field to edit first: one a finding is about (errors before warnings), else the first
  // task's time share.
  function fieldToEdit() {
    var selectors = [".finding.error", ".finding.warning"];
    for (var i = 0; i < selectors.length; i++) {
      var findings = document.querySelectorAll("#assessment " + selectors[i]);
      for (var j = 0; j < findings.length; j++) {
        var holder = findings[j].closest("[data-field]");
        var control = holder && holder.querySelector("textarea, input:not([type=hidden]), select");
        if (control) return control;
      }
    }
    return document.querySelector("form.task-edit input[name=time_pct]");
  }

  var actions = {
    e: function () {
      var field = fieldToEdit();
      if (!field) return;
      field.scrollIntoView({ block: "center" });
      field.focus();
    },
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
    if (event.key === "Escape" && typing(event.target)) {
      event.target.blur(); // leave the field: the shortcuts work again
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
})();
