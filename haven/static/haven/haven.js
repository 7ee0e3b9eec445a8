/*
 * Haven behaviour. Loaded with `defer` from base.html; no inline script is
 * used anywhere, so a strict Content-Security-Policy can forbid it.
 *
 * - Hide screen: a click on any [data-haven-hide] element, or the Escape key
 *   while no <dialog> is open and focus is not in a form field (input,
 *   textarea, select, contenteditable: there Escape does what the field
 *   does; a search box keeps its text rather than being emptied), adds the class "haven-hidden"
 *   to <body> at once (the overlay covers everything) and moves focus to the
 *   overlay's "Back" button. A click on [data-haven-unhide] removes the class
 *   again and returns focus to where it was before hiding.
 * - Focus after a page load, where the work is (the first that applies):
 *   1. a form's error summary ([data-haven-error-summary], from
 *      includes/form_errors.html);
 *   2. an element the server marked [data-haven-focus] (e.g. the results of
 *      the pupil search inside the signal form);
 *   3. after a save (a success message): the element marked
 *      [data-haven-next-action], else the message itself;
 *   4. the first field of a form marked [data-haven-autofocus] (pages whose
 *      main work is that form), unless the browser already honoured an
 *      autofocus attribute. Other pages leave focus alone.
 *   Without JavaScript nothing moves and every page works as before.
 * - Checkbox groups ([data-haven-choice-group] on a fieldset, from
 *   includes/form_field.html) are one tab stop, like a group of radio
 *   buttons: the arrow keys move between the boxes, Space ticks one, Tab
 *   goes on to the next question. The group shows that hint (the attribute's
 *   text) and names it in the fieldset's aria-describedby. Without
 *   JavaScript every box stays a tab stop.
 * - Live search: ArrowDown in a search box that htmx fills a result list for
 *   (input[type=search][hx-target]) moves focus to the first link or button
 *   in that list, as in a list of suggestions.
 * - Announcements: the empty live region [data-haven-live] (role=status)
 *   in base.html is filled shortly after the load with the page's messages
 *   and any [data-haven-announce] text, so screen readers read them out.
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

  // Where focus was when the screen was hidden; "Back" returns it there.
  var focusBeforeHiding = null;

  function hideScreen() {
    if (document.body.classList.contains(HIDDEN_CLASS)) {
      return;
    }
    var active = document.activeElement;
    focusBeforeHiding = active && active !== document.body ? active : null;
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
    if (focusBeforeHiding && document.contains(focusBeforeHiding)) {
      focusBeforeHiding.focus();
    }
    focusBeforeHiding = null;
  }

  // A form field, where Escape belongs to the field (clearing a search box, closing a picker).
  function isFormField(el) {
    if (!(el instanceof Element)) {
      return false;
    }
    if (el.isContentEditable) {
      return true;
    }
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") {
      return true;
    }
    if (tag === "INPUT") {
      var type = (el.getAttribute("type") || "text").toLowerCase();
      return ["button", "submit", "reset", "image", "checkbox", "radio", "hidden"].indexOf(type) === -1;
    }
    return false;
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
    if (event.key !== "Escape" || event.defaultPrevented || dialogIsOpen()) {
      return;
    }
    if (!isFormField(event.target)) {
      hideScreen();
    } else if (event.target.matches("input[type=search]")) {
      // Chromium would empty a search box on Escape: a half-typed name is kept instead.
      event.preventDefault();
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
  // Focus after the page load ----------------------------------------------------------------

  var FIELDS = "input:not([type=hidden]):not([disabled]):not([tabindex='-1']), select:not([disabled]), textarea:not([disabled])";

  function isShown(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  }

  function focusTarget() {
    var summary = document.querySelector("[data-haven-error-summary]");
    if (summary) {
      return summary;
    }
    var marked = document.querySelector("main [data-haven-focus]");
    if (marked && isShown(marked)) {
      return marked;
    }
    var saved = document.querySelector("main [data-haven-message=success]");
    if (saved) {
      var next = document.querySelector("main [data-haven-next-action]");
      return next && isShown(next) ? next : saved;
    }
    if (document.activeElement && document.activeElement !== document.body) {
      return null;  // the browser honoured an autofocus attribute, or the user is already on the move
    }
    if (document.querySelector("main [autofocus]")) {
      return null;
    }
    var form = document.querySelector("main form[data-haven-autofocus]");
    if (form) {
      var fields = form.querySelectorAll(FIELDS);
      for (var i = 0; i < fields.length; i++) {
        if (isShown(fields[i])) {
          return fields[i];
        }
      }
    }
    return null;
  }

  function moveFocus() {
    var target = focusTarget();
    if (!target) {
      return;
    }
    if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }

  // Announcements --------------------------------------------------------------------------

  function announce() {
    var live = document.querySelector("[data-haven-live]");
    if (!live) {
      return;
    }
    var texts = [];
    document.querySelectorAll("main [data-haven-message], main [data-haven-announce]").forEach(function (el) {
      var text = el.textContent.replace(/\s+/g, " ").trim();
      if (text) {
        texts.push(text);
      }
    });
    if (texts.length) {
      // Filled after the load, so that screen readers notice the change and read it out.
      window.setTimeout(function () {
        live.textContent = texts.join(" ");
      }, 250);
    }
  }


  // Live search: ArrowDown goes from the search box to its first result ---------------------

  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key !== "ArrowDown" || !(box instanceof HTMLInputElement) || box.type !== "search") {
      return;
    }
    var selector = box.getAttribute("hx-target");
    var list = selector ? document.querySelector(selector) : null;
    var first = list ? list.querySelector("a[href], button:not([disabled])") : null;
    if (first) {
      event.preventDefault();
      first.focus();
    }
  });

  // Checkbox groups: one tab stop, the arrow keys move within ------------------------------

  function groupBoxes(group) {
    return Array.prototype.slice.call(group.querySelectorAll("input[type=checkbox]:not([disabled])"));
  }

  function makeTabStop(group, box) {
    groupBoxes(group).forEach(function (other) {
      other.tabIndex = other === box ? 0 : -1;
    });
  }

  document.querySelectorAll("[data-haven-choice-group]").forEach(function (group, index) {
    var boxes = groupBoxes(group);
    if (boxes.length < 2) {
      return;
    }
    makeTabStop(group, group.querySelector("input[type=checkbox]:checked:not([disabled])") || boxes[0]);
    var hint = document.createElement("p");
    hint.className = "utrecht-form-field-description haven-help haven-choice-hint";
    hint.id = "haven-choice-hint-" + index;
    hint.textContent = group.getAttribute("data-haven-choice-group");
    var legend = group.querySelector("legend");
    group.insertBefore(hint, legend ? legend.nextSibling : group.firstChild);
    var described = group.getAttribute("aria-describedby");
    group.setAttribute("aria-describedby", described ? described + " " + hint.id : hint.id);
  });

  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || box.type !== "checkbox") {
      return;
    }
    var group = box.closest("[data-haven-choice-group]");
    var step = {ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1}[event.key];
    if (!group || !step || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var boxes = groupBoxes(group);
    var next = boxes[(boxes.indexOf(box) + step + boxes.length) % boxes.length];
    event.preventDefault();
    makeTabStop(group, next);
    next.focus();
  });

  // A box reached otherwise (a click, an error summary's link) becomes the group's tab stop.
  document.addEventListener("focusin", function (event) {
    var box = event.target;
    if (box instanceof HTMLInputElement && box.type === "checkbox") {
      var group = box.closest("[data-haven-choice-group]");
      if (group) {
        makeTabStop(group, box);
      }
    }
  });

  moveFocus();
  announce();
})();
