// Playbook behaviour on top of static pages. Everything works without it
// except live filtering in the story finder and copy-to-clipboard.
(function () {
  "use strict";

  // Story finder: filters live in the URL query, so a filtered view can be
  // shared ("losses to Northwind on price": ?outcome=loss&competitor=northwind&objection=price).
  function setupFinder(form) {
    var list = document.querySelector("[data-finder-list]");
    if (!list) return;
    var cards = Array.prototype.slice.call(list.children);
    var texts = cards.map(function (card) { return card.textContent.toLowerCase(); });
    var count = form.querySelector("[data-finder-count]");
    var empty = document.querySelector("[data-finder-empty]");
    var submit = form.querySelector("[data-finder-submit]");
    if (submit) submit.hidden = true;
    var fields = Array.prototype.slice.call(form.elements).filter(function (el) { return el.name; });

    function readQuery() {
      var params = new URLSearchParams(window.location.search);
      fields.forEach(function (field) {
        var value = params.get(field.name);
        if (value === null) return;
        if (field.tagName === "SELECT" && !field.querySelector('option[value="' + CSS.escape(value) + '"]')) return;
        field.value = value;
      });
    }

    function writeQuery() {
      var params = new URLSearchParams();
      fields.forEach(function (field) { if (field.value.trim()) params.set(field.name, field.value.trim()); });
      var query = params.toString();
      var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
      window.history.replaceState(null, "", url);
    }

    function apply() {
      var words = [];
      var wanted = [];
      fields.forEach(function (field) {
        var value = field.value.trim().toLowerCase();
        if (!value) return;
        if (field.name === "q") words = value.split(/\s+/);
        else wanted.push([field.name.replace(/_/g, "-"), value]);
      });
      var shown = 0;
      cards.forEach(function (card, i) {
        var match = wanted.every(function (pair) {
          return (" " + (card.getAttribute("data-" + pair[0]) || "") + " ").indexOf(" " + pair[1] + " ") >= 0;
        }) && words.every(function (word) { return texts[i].indexOf(word) >= 0; });
        card.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = shown === cards.length
        ? cards.length + " stories"
        : shown + " of " + cards.length + " stories";
      if (empty) empty.hidden = shown !== 0;
    }

    form.addEventListener("input", function () { apply(); writeQuery(); });
    form.addEventListener("change", function () { apply(); writeQuery(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); writeQuery(); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(); writeQuery(); }, 0); });
    var reset = form.querySelector("[data-finder-reset]");
    if (reset) reset.addEventListener("click", function (event) {
      event.preventDefault();
      form.reset(); // fields are cleared when reset() returns
      apply();
      writeQuery();
    });
    readQuery();
    apply();
  }

  // "Copy link" copies the story's permanent URL (without query or fragment).
  function setupPermalink(link) {
    link.addEventListener("click", function (event) {
      if (!navigator.clipboard) return; // fall back to following the link
      event.preventDefault();
      var url = window.location.origin + window.location.pathname;
      navigator.clipboard.writeText(url).then(function () {
        var label = link.textContent;
        link.textContent = "Link copied";
        link.setAttribute("data-copied", "");
        setTimeout(function () { link.textContent = label; link.removeAttribute("data-copied"); }, 2000);
      });
    });
  }

  // Playback speed for a clip's native player. Without this script the
  // buttons stay hidden and the player works as it is.
  function setupSpeed(group) {
    var audio = group.parentNode.querySelector("audio");
    if (!audio) return;
    var buttons = Array.prototype.slice.call(group.querySelectorAll("button[data-speed]"));
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        audio.playbackRate = parseFloat(button.getAttribute("data-speed"));
        buttons.forEach(function (other) { other.setAttribute("aria-pressed", String(other === button)); });
      });
    });
    group.hidden = false;
  }

  // ==== Ramp playbooks, 1:1 coaching packs, clips (issue 8) ====

  // A ramp's ticks stay in this browser: one localStorage entry per ramp and
  // item id (the ids come from content, not position, so editing one item
  // never ticks another). Progress is counted per phase and for the ramp.
  function rampKey(box) {
    var holder = box.closest("[data-ramp]");
    return "playbook:ramp:" + holder.getAttribute("data-ramp") + ":" + box.getAttribute("data-ramp-item");
  }

  function readTick(key) {
    try { return window.localStorage.getItem(key) === "1"; } catch (error) { return false; }
  }

  function writeTick(key, ticked) {
    try {
      if (ticked) window.localStorage.setItem(key, "1");
      else window.localStorage.removeItem(key);
    } catch (error) { /* storage off (private mode): the ticks last for this visit */ }
  }

  function showProgress(holder, boxes) {
    if (!holder) return;
    var done = boxes.filter(function (box) { return box.checked; }).length;
    var bar = holder.querySelector("progress");
    if (bar) { bar.max = boxes.length; bar.value = done; }
    holder.querySelector("[data-ramp-count]").textContent = done + " of " + boxes.length;
    holder.hidden = false;
  }

  function setupRamp() {
    var phases = Array.prototype.slice.call(document.querySelectorAll("[data-ramp-phase]"));
    if (!phases.length) return;
    var all = [];
    function update() {
      phases.forEach(function (phase) {
        showProgress(phase.querySelector("[data-ramp-progress]"),
                     Array.prototype.slice.call(phase.querySelectorAll("[data-ramp-item]")));
      });
      showProgress(document.querySelector("[data-ramp-overall]"), all);
    }
    phases.forEach(function (phase) {
      Array.prototype.forEach.call(phase.querySelectorAll("[data-ramp-item]"), function (box) {
        box.checked = readTick(rampKey(box));
        box.addEventListener("change", function () { writeTick(rampKey(box), box.checked); update(); });
        all.push(box);
      });
    });
    update();
  }

  // One clip at a time: starting a clip pauses any other playing on the page.
  function pauseOtherClips(event) {
    if (!(event.target instanceof HTMLMediaElement)) return;
    Array.prototype.forEach.call(document.querySelectorAll("audio, video"), function (other) {
      if (other !== event.target && !other.paused) other.pause();
    });
  }

  function ready() {
    setupRamp();
    document.addEventListener("play", pauseOtherClips, true); // "play" does not bubble
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    Array.prototype.forEach.call(document.querySelectorAll(".pb-speed"), setupSpeed);
    var form = document.querySelector("[data-finder]");
    if (form) setupFinder(form);
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy-permalink]"), setupPermalink);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
