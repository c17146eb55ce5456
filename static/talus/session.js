/* Nothing typed is lost (progressive enhancement; the pages work without it).
 *
 * 1. Before the idle log-off (the body's data-idle-seconds, the session's idle age), warn the
 *    user and offer "Stay logged in", which touches the session (data-keep-alive-url).
 * 2. A form posted after the session expired was kept by the server (clinic.kept_forms); after
 *    the login its fields come back as JSON (#kept-form): put them into the page's form.
 */
(function () {
  "use strict";
  var WARN_BEFORE = 120; // seconds

  function restoreKeptForm() {
    var source = document.getElementById("kept-form");
    if (!source) return;
    var data;
    try { data = JSON.parse(source.textContent); } catch (e) { return; }
    if (!data) return;
    // The page's form that names most of the kept fields.
    var best = null, bestScore = 0;
    Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
      var score = 0;
      Object.keys(data).forEach(function (name) { if (form.elements.namedItem(name)) score++; });
      if (score > bestScore) { best = form; bestScore = score; }
    });
    if (!best) return;
    Object.keys(data).forEach(function (name) {
      var values = data[name];
      Array.prototype.forEach.call(best.elements, function (el) {
        if (el.name !== name) return;
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = values.indexOf(el.value) !== -1;
        } else if (el.tagName === "SELECT") {
          Array.prototype.forEach.call(el.options, function (option) {
            option.selected = values.indexOf(option.value) !== -1;
          });
        } else if (el.type !== "file" && el.type !== "password") {
          el.value = values[0] || "";
        }
      });
    });
    var notice = document.querySelector(".kept-form-notice");
    if (notice) notice.hidden = false;
  }

  function idleWarning() {
    var body = document.body;
    var idle = parseInt(body.getAttribute("data-idle-seconds"), 10);
    var dialog = document.querySelector(".idle-warning");
    if (!idle || !dialog) return;
    var stay = dialog.querySelector(".idle-stay");
    var countdown = dialog.querySelector(".idle-countdown");
    var text = dialog.querySelector("#idle-warning-text");
    var warnAfter = Math.max(idle - WARN_BEFORE, Math.floor(idle / 2));
    var deadline, ticker, warnTimer, returnFocus = null;

    function words(seconds) {
      if (seconds >= 60) {
        var minutes = Math.ceil(seconds / 60);
        return minutes + " minute" + (minutes === 1 ? "" : "s");
      }
      return seconds + " second" + (seconds === 1 ? "" : "s");
    }
    function tick() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      if (left > 0) {
        countdown.textContent = words(left);
        return;
      }
      clearInterval(ticker);
      text.textContent = "You have been logged out for the patients' privacy. What you " +
        "typed is kept: submit the form, log in again, and it comes back.";
      stay.hidden = true;
    }
    function show() {
      returnFocus = document.activeElement;
      dialog.hidden = false;
      tick();
      ticker = setInterval(tick, 1000);
      stay.focus();
    }
    function start() {
      deadline = Date.now() + idle * 1000;
      clearTimeout(warnTimer);
      clearInterval(ticker);
      warnTimer = setTimeout(show, warnAfter * 1000);
    }
    stay.addEventListener("click", function () {
      fetch(body.getAttribute("data-keep-alive-url"), {
        credentials: "same-origin", redirect: "manual", cache: "no-store"
      }).then(function (response) {
        if (response.status !== 204) { deadline = Date.now(); tick(); return; }
        dialog.hidden = true;
        if (returnFocus && returnFocus.focus) returnFocus.focus();
        start();
      }, function () { /* offline: the warning stays, the server decides */ });
    });
    start();
  }

  document.addEventListener("DOMContentLoaded", function () {
    restoreKeptForm();
    idleWarning();
  });
})();
