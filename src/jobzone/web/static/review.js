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

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
})();
