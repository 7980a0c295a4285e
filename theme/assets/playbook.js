// Playbook behaviour on top of static pages. Everything works without it
// except live filtering in the story finder and copy-to-clipboard.
(function () {
  "use strict";

  // ---- Story finder (generator/pages/finder.py) ---------------------------
  // Words and facet filters live in the URL (?q=security+review&outcome=loss
  // &competitor=globex), so a view can be pasted into a 1:1 note. The query
  // runs against the Pagefind index (generator/search_index.py): every word
  // must match, "quoted phrases" match as phrases (a quote without its pair
  // is punctuation: see queryTerms), results are ranked by
  // relevance with words and newest first without. Content reaches the page
  // only as text nodes: never innerHTML.
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // A result's excerpt, from the story's own words: the densest window of
  // EXCERPT_WORDS words around the query's words. Pagefind's own excerpt may
  // come from the hidden record at the end of a story page, whose title and
  // alias words are there to be found, not read.
  var EXCERPT_WORDS = 24;
  function stem(word) {
    word = word.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
    return word.length > 5 ? word.slice(0, word.length - 2) : word;
  }
  function ownExcerpt(data, query) {
    var text = String(data.content || "");
    var title = (data.meta && data.meta.title) || "";
    var cut = title ? text.lastIndexOf(title) : -1;
    if (cut > 0) text = text.slice(0, cut);
    var stems = query.replace(/"/g, " ").split(/\s+/).map(stem).filter(Boolean);
    var tokens = text.split(/\s+/).filter(Boolean);
    // Like the index, a token's words are split at punctuation ("we'll", "a/b").
    var hits = tokens.map(function (token) {
      return token.toLowerCase().split(/[^\p{L}\p{N}]+/u).some(function (part) {
        return part !== "" && stems.some(function (s) { return part.indexOf(s) === 0; });
      });
    });
    var best = -1, bestCount = 0;
    for (var start = 0; start < tokens.length; start++) {
      if (!hits[start]) continue;
      var count = 0;
      for (var i = start; i < Math.min(tokens.length, start + EXCERPT_WORDS); i++) if (hits[i]) count++;
      if (count > bestCount) { best = start; bestCount = count; }
    }
    if (best < 0) return null;
    var from = Math.max(0, best - 4);
    var node = el("p", "pb-card__excerpt");
    if (from > 0) node.appendChild(document.createTextNode("\u2026 "));
    tokens.slice(from, from + EXCERPT_WORDS).forEach(function (token, index) {
      if (index) node.appendChild(document.createTextNode(" "));
      if (hits[from + index]) node.appendChild(el("mark", null, token));
      else node.appendChild(document.createTextNode(token));
    });
    if (from + EXCERPT_WORDS < tokens.length) node.appendChild(document.createTextNode(" \u2026"));
    return node;
  }

  // The query as the finder searches it: a list of words and "quoted phrases".
  // Quotes pair up from the left; a quote left without its pair is punctuation
  // (a space), so it can neither hide the words after it nor glue two words
  // together. Pieces without a letter or digit are punctuation, not words.
  function queryTerms(query) {
    var parts = String(query).split('"');
    if (parts.length % 2 === 0) {  // an odd number of quotes: the last has no pair
      var rest = parts.pop();
      parts[parts.length - 1] += " " + rest;
    }
    var isWord = function (piece) { return /[\p{L}\p{N}]/u.test(piece); };
    var terms = [];
    parts.forEach(function (part, index) {
      var words = part.split(/\s+/).filter(isWord);
      if (index % 2 === 0) terms = terms.concat(words);  // outside quotes
      else if (words.length > 1) terms.push('"' + words.join(" ") + '"');
      else terms = terms.concat(words);
    });
    return terms;
  }

  function editDistance(a, b) {
    var row = [];
    for (var j = 0; j <= b.length; j++) row.push(j);
    for (var i = 1; i <= a.length; i++) {
      var previous = row[0];
      row[0] = i;
      for (j = 1; j <= b.length; j++) {
        var kept = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = kept;
      }
    }
    return row[b.length];
  }

  // A filter value from the URL: a term id, or an alias or title of one.
  function resolveOption(select, value) {
    var wanted = value.trim().toLowerCase();
    var options = Array.prototype.slice.call(select.options).filter(function (o) { return o.value; });
    var names = function (o) {
      var aliases = o.getAttribute("data-aliases");
      return [o.value, o.getAttribute("data-title") || ""].concat(aliases ? aliases.split("|") : [])
        .map(function (n) { return n.toLowerCase(); });
    };
    var exact = options.filter(function (o) { return o.value === value; })[0];
    if (exact) return { option: exact };
    var named = options.filter(function (o) { return names(o).indexOf(wanted) >= 0; })[0];
    if (named) return { option: named, alias: true };
    var best = null;
    var bestDistance = Infinity;
    options.forEach(function (o) {
      names(o).forEach(function (n) {
        var d = editDistance(wanted, n);
        if (d < bestDistance) { best = o; bestDistance = d; }
      });
    });
    var close = best && bestDistance <= Math.max(2, Math.floor(wanted.length / 3));
    return { option: null, suggestion: close ? best : null };
  }

  function setupFinder(form) {
    var list = document.querySelector("[data-finder-list]");
    if (!list) return;
    var input = form.querySelector("input[name=q]");
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[name]"));
    var count = form.querySelector("[data-finder-count]");
    var notices = form.querySelector("[data-finder-notices]");
    var empty = document.querySelector("[data-finder-empty]");
    var more = document.querySelector("[data-finder-more]");
    var offline = document.querySelector("[data-finder-offline]");
    var submit = form.querySelector("[data-finder-submit]");
    var total = parseInt(form.getAttribute("data-total"), 10) || 0;
    var pageSize = parseInt(form.getAttribute("data-page-size"), 10) || 12;
    var outcomeTitles = {};
    Array.prototype.forEach.call(form.querySelector("select[name=outcome]").options, function (o) {
      if (o.value) outcomeTitles[o.value] = o.textContent.replace(/\s*\(\d+\)$/, "");
    });
    var bundleUrl = new URL(form.getAttribute("data-pagefind"), window.location.href).href;
    var siteRoot = new URL(form.getAttribute("data-site-root"), window.location.href).pathname;
    var engine = null;
    var results = [];
    var shown = 0;
    var generation = 0;
    var loading = false;
    if (submit) submit.hidden = true;

    function load() {
      if (!engine) {
        engine = import(bundleUrl).then(function (pagefind) {
          return pagefind.options({ baseUrl: siteRoot, excerptLength: 24 }).then(function () { return pagefind; });
        });
      }
      return engine;
    }

    function notice(parts) {
      var line = el("p", "pb-notice");
      parts.forEach(function (part) {
        if (typeof part === "string") line.appendChild(document.createTextNode(part));
        else line.appendChild(part);
      });
      notices.appendChild(line);
    }

    function readQuery() {
      var params = new URLSearchParams(window.location.search);
      notices.replaceChildren();
      input.value = params.get("q") || "";
      selects.forEach(function (select) {
        select.value = "";
        var value = params.get(select.name);
        if (value === null || value === "") return;
        var singular = select.getAttribute("data-singular") || select.name;
        var found = resolveOption(select, value);
        if (found.option) {
          select.value = found.option.value;
          if (found.alias) notice(["Showing " + singular + " " + (found.option.getAttribute("data-title") || found.option.value) + " for \u201c" + value + "\u201d."]);
          return;
        }
        var parts = ["No " + singular + " \u201c" + value + "\u201d"];
        if (found.suggestion) {
          var suggestion = found.suggestion;
          var link = el("a", null, suggestion.getAttribute("data-title") || suggestion.value);
          link.href = "?" + (function () { var p = new URLSearchParams(window.location.search); p.set(select.name, suggestion.value); return p.toString(); })();
          link.addEventListener("click", function (event) {
            event.preventDefault();
            select.value = suggestion.value;
            notices.replaceChildren();
            changed();
          });
          parts.push("; did you mean ", link, "?");
        } else {
          parts.push(".");
        }
        parts.push(" Showing every " + singular + ".");
        notice(parts);
      });
    }

    function writeQuery() {
      var params = new URLSearchParams();
      if (input.value.trim()) params.set("q", input.value.trim());
      selects.forEach(function (select) { if (select.value) params.set(select.name, select.value); });
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }

    function card(data) {
      var meta = data.meta || {};
      var outcome = outcomeTitles[meta.outcome] ? meta.outcome : "";
      var item = el("li", "pb-card" + (outcome ? " pb-card--" + outcome : ""));
      var head = el("p", "pb-card__head");
      if (outcome) {
        head.appendChild(el("span", "pb-outcome pb-outcome--" + outcome, outcomeTitles[outcome]));
        head.appendChild(document.createTextNode(" "));
      }
      var title = el("a", "pb-card__title", meta.title || data.url);
      title.href = data.url;
      head.appendChild(title);
      item.appendChild(head);
      if (meta.quote) item.appendChild(el("p", "pb-card__quote", meta.quote));
      if (input.value.trim()) {
        var excerpt = ownExcerpt(data, queryTerms(input.value).join(" "));
        if (excerpt) item.appendChild(excerpt);
      }
      var facts = [];
      if (meta.competitor) facts.push("vs " + meta.competitor);
      ["role", "stage"].forEach(function (key) { if (meta[key]) facts.push(meta[key]); });
      var line = el("p", "pb-card__meta", facts.join(" \u00b7 ") + (facts.length ? " \u00b7 " : ""));
      if (meta.date) {
        var time = el("time", null, meta.date);
        time.setAttribute("datetime", meta.date);
        line.appendChild(time);
      }
      item.appendChild(line);
      return item;
    }

    function showMore() {
      if (loading || shown >= results.length) return Promise.resolve();
      loading = true;
      var mine = generation;
      var batch = results.slice(shown, shown + pageSize);
      return Promise.all(batch.map(function (r) { return r.data(); })).then(function (items) {
        loading = false;
        if (mine !== generation) return;
        items.forEach(function (data) { list.appendChild(card(data)); });
        shown += items.length;
        more.hidden = shown >= results.length;
        more.textContent = "Show " + Math.min(pageSize, results.length - shown) + " more of " + (results.length - shown);
        list.setAttribute("data-finder-ready", "");
      }, function () { loading = false; });
    }

    function run() {
      var mine = ++generation;
      var terms = queryTerms(input.value);
      var words = terms.join(" ");
      var filters = {};
      selects.forEach(function (select) { if (select.value) filters[select.name] = select.value; });
      if (!Object.keys(filters).length) filters.outcome = { any: Object.keys(outcomeTitles) };
      list.removeAttribute("data-finder-ready");
      form.setAttribute("aria-busy", "true");
      return load().then(function (pagefind) {
        var searches = [pagefind.search(words || null, words ? { filters: filters } : { filters: filters, sort: { date: "desc" } })];
        // Pagefind leaves out a word that matches nothing at all, so each word
        // and phrase of a longer query is also searched alone: a story is
        // listed only if every one of them finds it.
        if (terms.length > 1) terms.forEach(function (term) { searches.push(pagefind.search(term)); });
        return Promise.all(searches);
      }).then(function (found) {
        var search = found && found[0];
        if (mine !== generation || !search) return;
        results = search.results;
        found.slice(1).forEach(function (alone) {
          var ids = {};
          alone.results.forEach(function (r) { ids[r.id] = true; });
          results = results.filter(function (r) { return ids[r.id]; });
        });
        shown = 0;
        list.replaceChildren();
        count.textContent = (results.length === total ? total + " stories" : results.length + " of " + total + " stories") +
          (words ? ", best match first" : ", newest first");
        empty.hidden = results.length !== 0;
        more.hidden = true;
        return showMore();
      }).then(function () {
        if (mine === generation) form.removeAttribute("aria-busy");
      }, function () {
        // No index: a file opened from disk, or the search bundle missing.
        offline.hidden = false;
        form.removeAttribute("aria-busy");
      });
    }

    var timer = null;
    function changed() {
      writeQuery();
      list.removeAttribute("data-finder-ready");
      clearTimeout(timer);
      timer = setTimeout(run, 150);
    }

    form.addEventListener("input", function (event) { if (event.target === input) changed(); });
    form.addEventListener("change", function (event) { if (event.target !== input) { notices.replaceChildren(); changed(); } });
    form.addEventListener("submit", function (event) { event.preventDefault(); writeQuery(); run(); });
    more.addEventListener("click", showMore);
    if ("IntersectionObserver" in window) {
      new IntersectionObserver(function (entries) {
        if (entries.some(function (e) { return e.isIntersecting; }) && !more.hidden) showMore();
      }, { rootMargin: "200px" }).observe(more);
    }
    var reset = form.querySelector("[data-finder-reset]");
    if (reset) reset.addEventListener("click", function (event) {
      event.preventDefault();
      input.value = "";
      selects.forEach(function (select) { select.value = ""; });
      notices.replaceChildren();
      writeQuery();
      run();
    });
    window.addEventListener("popstate", function () { readQuery(); run(); });
    readQuery();
    writeQuery(); // aliases in the URL become the terms' ids
    run();
    // Material's search also reads ?q= and opens itself over the finder with
    // it once its index loads; the finder already shows those words, so close it.
    var words = input.value.trim();
    var toggle = document.querySelector("[data-md-toggle=search]");
    var headerInput = document.querySelector(".md-search__input");
    var started = Date.now();
    var watch = words && toggle && headerInput && setInterval(function () {
      if (toggle.checked && headerInput.value.trim() === words) {
        toggle.checked = false;
        headerInput.blur();
      }
      if (Date.now() - started > 4000) clearInterval(watch);
    }, 50);
  }

  // The header search hands its words to the finder: Enter in the search box
  // opens the finder with them, and a link above the results does the same,
  // so stories are found by one engine. Hand-written pages and criteria are
  // still listed below it by Material's search.
  function finderUrl(words) {
    var config = document.getElementById("__config");
    var base = ".";
    try { base = JSON.parse(config.textContent).base || "."; } catch (error) { /* keep "." */ }
    var url = new URL(base.replace(/\/?$/, "/") + "stories/", window.location.href);
    url.search = new URLSearchParams({ q: words }).toString();
    return url.href;
  }

  function setupHeaderSearch(searchInput) {
    var wrap = document.querySelector(".md-search__scrollwrap");
    // The link sits in the header, whose text is white, over the panel's
    // page-coloured background: playbook.css gives it its own colours.
    var link = el("a", "pb-search-finder");
    var label = el("span", "pb-search-finder__label");
    // Enter does what the link does; say so, since nothing else in the panel does.
    var hint = el("span", "pb-search-finder__hint", "Press Enter to open the story finder");
    link.appendChild(label);
    link.appendChild(hint);
    link.hidden = true;
    if (wrap) wrap.insertBefore(link, wrap.firstChild);
    function update() {
      var words = searchInput.value.trim();
      link.hidden = !words;
      label.textContent = "Find stories matching \u201c" + words + "\u201d \u2192";
      link.href = words ? finderUrl(words) : "#";
    }
    searchInput.addEventListener("input", update);
    window.addEventListener("keydown", function (event) {
      if (event.target !== searchInput || event.key !== "Enter" || !searchInput.value.trim()) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      window.location.href = finderUrl(searchInput.value.trim());
    }, true);
    update();
  }
  // ---- end of story finder ------------------------------------------------

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

  // ---- Accessibility (issue 20): names for Material's section navigation ----
  // With navigation.indexes, each section's sub-navigation <nav> is labelled by
  // its expand toggle, which holds only an icon: on a phone, where the drawer
  // shows them, the sections are nameless navigation landmarks, all alike (axe's
  // landmark-unique). The toggle takes its section's title as its name, which
  // names the <nav> too. Material finds the <nav> by that aria-labelledby, so it stays.
  function nameSectionNavigation() {
    Array.prototype.forEach.call(document.querySelectorAll("nav[aria-labelledby]"), function (nav) {
      var toggle = document.getElementById(nav.getAttribute("aria-labelledby"));
      if (!toggle || toggle.textContent.trim() || toggle.hasAttribute("aria-label")) return;
      var section = toggle.parentNode.querySelector("a");
      var title = section && section.textContent.trim();
      if (title) toggle.setAttribute("aria-label", title);
    });
  }

  // Material lets the keyboard reach (and so scroll) a code block wider than the
  // page, except on a touch screen; a phone or tablet can have a keyboard too.
  function focusableWideCode() {
    Array.prototype.forEach.call(document.querySelectorAll("pre > code"), function (code) {
      if (!code.hasAttribute("tabindex") && code.scrollWidth > code.clientWidth) {
        code.setAttribute("tabindex", "0");
      }
    });
  }
  // ---- end of accessibility -------------------------------------------------

  function ready() {
    nameSectionNavigation();
    focusableWideCode();
    setupRamp();
    document.addEventListener("play", pauseOtherClips, true); // "play" does not bubble
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    Array.prototype.forEach.call(document.querySelectorAll(".pb-speed"), setupSpeed);
    var form = document.querySelector("[data-finder]");
    if (form) setupFinder(form);
    var headerSearch = document.querySelector(".md-search__input");
    if (headerSearch) setupHeaderSearch(headerSearch);
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy-permalink]"), setupPermalink);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
