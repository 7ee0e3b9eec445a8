/*
 * Haven behaviour. Loaded with `defer` from base.html; no inline script is
 * used anywhere, so a strict Content-Security-Policy can forbid it.
 *
 * - Hide screen: a click on any [data-haven-hide] element, or the Escape key
 *   while no <dialog> is open, adds the class "haven-hidden" to <body> at
 *   once (the overlay covers everything) and moves focus to the overlay's
 *   "Back" button. A click on [data-haven-unhide] removes the class again.
 * - Confirm: a submit button (or form) with data-haven-confirm="question"
 *   asks confirm(question) first and cancels the submit when declined.
 * - Conditional parts: [data-haven-show-when="field=value"] is shown only
 *   while the radio button named `field` with that value is checked. Without
 *   JavaScript every part stays visible, so the form still works.
 * - Table scroll regions: a table wider than the screen scrolls inside its
 *   .utrecht-table-container[role=region] (a chart on a phone: in its
 *   .haven-chart-scroll[role=region]), which the templates make a tab
 *   stop (tabindex="0") so the keyboard can scroll it. Where the table fits,
 *   that tab stop would lead nowhere: it is taken away, and given back when
 *   the window narrows. Without JavaScript every region stays a tab stop.
 * - Character counters: a long text field ([data-haven-counter-for]) shows
 *   how many characters are left once 80% of its maximum is used. The
 *   visible count follows every key; screen readers hear it through a polite
 *   live region only after a pause in typing, not at every key. The browser's
 *   maxlength and the server keep the limit without JavaScript.
 */
(function () {
  "use strict";

  var HIDDEN_CLASS = "haven-hidden";

  // Everything except the overlay becomes inert while the screen is hidden,
  // so keyboard and screen-reader users cannot reach what is behind it.
  function setPageInert(inert) {
    Array.prototype.forEach.call(document.body.children, function (el) {
      if (!el.classList.contains("haven-hide-overlay")) {
        el.inert = inert;
      }
    });
  }

  function hideScreen() {
    document.body.classList.add(HIDDEN_CLASS);
    setPageInert(true);
    var back = document.querySelector(".haven-hide-overlay [data-haven-unhide]");
    if (back) {
      back.focus();
    }
  }

  function unhideScreen() {
    document.body.classList.remove(HIDDEN_CLASS);
    setPageInert(false);
  }

  function dialogIsOpen() {
    return document.querySelector("dialog[open]") !== null;
  }

  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element)) {
      return;
    }
    if (event.target.closest("[data-haven-hide]")) {
      event.preventDefault();
      hideScreen();
    } else if (event.target.closest("[data-haven-unhide]")) {
      event.preventDefault();
      unhideScreen();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !event.defaultPrevented && !dialogIsOpen()) {
      hideScreen();
    }
  });

  // The submitter (button) carries the question; a form may carry it too.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question =
      (submitter && submitter.getAttribute("data-haven-confirm")) ||
      (form instanceof Element && form.getAttribute("data-haven-confirm"));
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  function updateConditionalParts() {
    document.querySelectorAll("[data-haven-show-when]").forEach(function (part) {
      var rule = part.getAttribute("data-haven-show-when").split("=");
      var form = part.closest("form") || document;
      var checked = form.querySelector('input[name="' + rule[0] + '"]:checked');
      part.hidden = !checked || checked.value !== rule[1];
    });
  }

  document.addEventListener("change", updateConditionalParts);
  updateConditionalParts();

  function updateScrollRegions() {
    document.querySelectorAll(".utrecht-table-container[role=region], .haven-chart-scroll[role=region]").forEach(function (region) {
      if (region.scrollWidth > region.clientWidth) {
        region.setAttribute("tabindex", "0");
      } else {
        region.removeAttribute("tabindex");
      }
    });
  }

  window.addEventListener("resize", updateScrollRegions);
  updateScrollRegions();

  var COUNTER_FROM = 0.8;
  var announceTimers = {};

  function updateCounter(counter, announce) {
    var field = document.getElementById(counter.getAttribute("data-haven-counter-for"));
    if (!field) {
      return;
    }
    var max = parseInt(counter.getAttribute("data-haven-counter-max"), 10);
    var left = max - field.value.length;
    counter.hidden = field.value.length < max * COUNTER_FROM;
    counter.textContent = counter.getAttribute("data-haven-counter-text")
      .replace("{left}", String(Math.max(left, 0)))
      .replace("{max}", String(max));
    var live = counter.nextElementSibling;
    if (!live || !live.classList.contains("haven-counter-live")) {
      live = document.createElement("p");
      live.className = "haven-counter-live haven-sr-only";
      live.setAttribute("aria-live", "polite");
      counter.after(live);
    }
    clearTimeout(announceTimers[counter.id]);
    if (announce && !counter.hidden) {
      announceTimers[counter.id] = setTimeout(function () {
        live.textContent = counter.textContent;
      }, 1000);
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target instanceof Element && event.target.id) {
      var counter = document.getElementById(event.target.id + "_counter");
      if (counter && counter.hasAttribute("data-haven-counter-for")) {
        updateCounter(counter, true);
      }
    }
  });
  document.querySelectorAll("[data-haven-counter-for]").forEach(function (counter) {
    updateCounter(counter, false);
  });
})();
