// Playbook behaviour on top of static pages. Everything works without it
// except live filtering in the story finder and copy-to-clipboard.
(function () {
  "use strict";

  // ---- Story finder (generator/pages/finder.py) ---------------------------
  // Words and facet filters live in the URL (?q=security+review&outcome=loss
  // &competitor=globex), so a view can be pasted into a 1:1 note. The query
  // runs against the Pagefind index (generator/search_index.py), read and
  // ranked by playbook-query.js: words that name a filter ("lost", "Globex")
  // become filters, the rest must match ("quoted phrases" as phrases),
  // results are ranked by relevance with words and newest first without.
  // The URL keeps the words as typed. Content reaches the page only as text
  // nodes: never innerHTML.
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

  // Query reading (words that name filters, typos, stop words) lives in
  // playbook-query.js, loaded before this file.
  function editDistance(a, b) { return window.PlaybookQuery.editDistance(a, b); }

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

    // Without the query data (an old bundle, a failed request) words are
    // still searched; they only name no filters.
    var noNames = { filters: { outcome: { values: outcomeTitles } }, names: {}, outcome_words: {} };
    var loadWords = window.PlaybookQuery.wordsLoader(form.getAttribute("data-site-root"));
    function load() {
      if (!engine) {
        engine = Promise.all([
          import(bundleUrl).then(function (pagefind) {
            return pagefind.options({ baseUrl: siteRoot, excerptLength: 24 }).then(function () { return pagefind; });
          }),
          window.PlaybookQuery.load(form.getAttribute("data-site-root")).catch(function () { return noNames; })
        ]);
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
      if (highlight) {
        var excerpt = ownExcerpt(data, highlight);
        if (excerpt) item.appendChild(excerpt);
      }
      var facts = [];
      // The facts the story's card shows, joined by the generator (card_facts).
      if (meta.facts) facts.push(meta.facts);
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

    var highlight = "";  // the words a card's excerpt marks
    var queryNotes = form.querySelector("[data-query-notes]");
    var suggestions = document.querySelector("[data-query-suggestions]");

    function run() {
      var mine = ++generation;
      var set = {};
      selects.forEach(function (select) { if (select.value) set[select.name] = select.value; });
      list.removeAttribute("data-finder-ready");
      form.setAttribute("aria-busy", "true");
      return load().then(function (loaded) {
        return window.PlaybookQuery.search(loaded[0], input.value, loaded[1], set, loadWords);
      }).then(function (finding) {
        if (mine !== generation || !finding) return;
        results = finding.results;
        highlight = finding.terms.map(function (t) { return t.used || t.term; })
          .concat(finding.filters.map(function (f) { return f.typed; })).join(" ");
        shown = 0;
        list.replaceChildren();
        var words = finding.terms.length > 0;
        count.textContent = (results.length === total ? total + " stories" : results.length + " of " + total + " stories") +
          (finding.mode === "most" ? ", most words first" : words ? ", best match first" : ", newest first");
        showQueryNotes(finding);
        showSuggestions(finding);
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

    // ---- Queries in a manager's words (playbook-query.js) ----------------
    // What the finder read from the words: the filters they name, as chips
    // that remove their words; the words searched; corrected typos; and,
    // when no story holds every word, that the list is ranked by how many.
    function quoted(text) { return "\u201c" + text.replace(/^"|"$/g, "") + "\u201d"; }

    function withoutSpans(text, spans) {
      spans.slice().sort(function (a, b) { return b[0] - a[0]; }).forEach(function (span) {
        text = text.slice(0, span[0]) + text.slice(span[1]);
      });
      return text.replace(/\s+/g, " ").trim();
    }

    function urlWith(q, dropParam) {
      var params = new URLSearchParams();
      if (q) params.set("q", q);
      selects.forEach(function (select) { if (select.value && select.name !== dropParam) params.set(select.name, select.value); });
      var query = params.toString();
      return window.location.pathname + (query ? "?" + query : "");
    }

    // A link that puts the finder in another state at once (and works as a plain link).
    function stateLink(text, q, dropParam) {
      var link = el("a", null, text);
      link.href = urlWith(q, dropParam);
      link.addEventListener("click", function (event) {
        event.preventDefault();
        input.value = q;
        if (dropParam) form.querySelector("select[name=" + dropParam + "]").value = "";
        notices.replaceChildren();
        changed();
      });
      return link;
    }

    function filterName(filter) { return filter.label + ": " + filter.title; }

    function showQueryNotes(finding) {
      queryNotes.replaceChildren();
      var line = function (className) { var p = el("p", className); queryNotes.appendChild(p); return p; };
      if (finding.filters.length) {
        var chips = line("pb-query__chips");
        chips.appendChild(document.createTextNode("Filters from your words: "));
        finding.filters.forEach(function (filter) {
          var chip = el("button", "pb-chip");
          chip.type = "button";
          chip.setAttribute("data-query-chip", filter.param);
          chip.setAttribute("aria-label", "Remove " + filterName(filter) + " (" + quoted(filter.typed) + ")");
          chip.title = "From " + quoted(filter.typed) + "; remove it";
          chip.appendChild(document.createTextNode(filterName(filter) + " "));
          var cross = el("span", "pb-chip__remove", "\u00d7");
          cross.setAttribute("aria-hidden", "true");
          chip.appendChild(cross);
          chip.addEventListener("click", function () {
            input.value = withoutSpans(input.value, filter.spans);
            changed();
            input.focus();
          });
          chips.appendChild(chip);
          chips.appendChild(document.createTextNode(" "));
        });
      }
      if (finding.terms.length && (finding.filters.length || finding.stopped.length)) {
        var searching = line("pb-query__words");
        searching.appendChild(document.createTextNode("Searching for: "));
        searching.appendChild(el("strong", null, finding.terms.map(function (t) { return t.used || t.term; }).join(" ")));
        if (finding.stopped.length) searching.appendChild(document.createTextNode(" (left out: " + finding.stopped.join(", ") + ")"));
      }
      if (finding.corrections.length) {
        var fixed = line("pb-query__fixed");
        fixed.appendChild(document.createTextNode("Showing results for "));
        finding.corrections.forEach(function (c, index) {
          if (index) fixed.appendChild(document.createTextNode(", "));
          fixed.appendChild(el("strong", null, c.used));
          fixed.appendChild(document.createTextNode(" (you typed " + c.typed + ")"));
        });
      }
      if (finding.mode === "most") {
        var items = finding.terms.map(function (t) { return quoted(t.used || t.term); })
          .concat(finding.filters.map(function (f) { return quoted(f.typed); }));
        var most = line("pb-query__most");
        most.textContent = "No story holds all of " + items.join(", ") + ": these hold the most of them, most first" +
          (finding.missing.length ? "; none holds " + finding.missing.map(function (t) { return quoted(t.typed); }).join(" or ") : "") + ".";
      } else if (finding.mode === "all" && finding.filters.length && finding.tagged < finding.results.length) {
        var rest = finding.results.length - finding.tagged;
        var tags = finding.filters.map(function (f) { return f.title; }).join(" and ");
        var said = finding.filters.map(function (f) { return quoted(f.typed); }).join(" or ");
        line("pb-query__tagged").textContent = finding.tagged ?
          "Stories tagged " + tags + " first (" + finding.tagged + "), then " + rest + " more that " +
            (rest === 1 ? "says " : "say ") + said + " instead." :
          "No story tagged " + tags + " holds the other words; " + (rest === 1 ? "this one says " : "these say ") +
            said + " instead.";
      }
      queryNotes.hidden = !queryNotes.firstChild;
    }

    // The empty state: words near the ones no story holds, and what dropping one filter finds.
    function showSuggestions(finding) {
      suggestions.replaceChildren();
      var q = input.value;
      finding.suggestions.forEach(function (s) {
        var item = el("li", null, "Did you mean ");
        s.words.forEach(function (word, index) {
          if (index) item.appendChild(document.createTextNode(" or "));
          var term = finding.terms.filter(function (t) { return t.typed === s.typed; })[0];
          item.appendChild(stateLink(word, term ? q.slice(0, term.start) + word + q.slice(term.end) : q));
        });
        item.appendChild(document.createTextNode(" for " + quoted(s.typed) + "?"));
        suggestions.appendChild(item);
      });
      finding.drops.forEach(function (drop) {
        var item = el("li", null, "Drop ");
        var filter = drop.filter;
        item.appendChild(filter.explicit ? stateLink(filterName(filter), q.trim(), filter.param)
                                         : stateLink(filterName(filter), withoutSpans(q, filter.spans)));
        item.appendChild(document.createTextNode(" (" + drop.count + (drop.count === 1 ? " story)" : " stories)")));
        suggestions.appendChild(item);
      });
      if (!suggestions.firstChild && finding.terms.length) suggestions.appendChild(el("li", null, "Try other words."));
      suggestions.hidden = !suggestions.firstChild;
    }
    // ---- end of queries in a manager's words -----------------------------

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
  }

  // ==== Site search: the header's search dialog (partials/playbook-search.html) ====
  // One Pagefind index serves the whole site (generator/search_index.py); each
  // page carries its kind as a filter. Results are grouped by kind, stories
  // first with their outcome, each group capped, and the stories link to the
  // finder with the words kept; stories are found as the finder finds them.
  // Content reaches the page only as text nodes.
  var SEARCH_GROUPS = [  // kind (search_index.KINDS), heading, how many are shown
    { kind: "story", title: "Stories", shown: 5 },
    { kind: "skill", title: "Skills", shown: 3 },
    { kind: "criterion", title: "Coaching criteria", shown: 3 },
    { kind: "topic", title: "Topics", shown: 4 },
    { kind: "ramp", title: "Ramp playbooks", shown: 2 },
    { kind: "scenario", title: "Practice scenarios", shown: 3 },
    { kind: "coaching", title: "1:1 coaching packs", shown: 2 },
    { kind: "guide", title: "Guides and pages", shown: 3 }
  ];

  function siteSearchFinderUrl(dialog, words) {
    var url = new URL(dialog.querySelector("form").getAttribute("action"), window.location.href);
    url.search = new URLSearchParams({ q: words }).toString();
    return url.href;
  }

  // A query's words and "quoted phrases" for the pages that are not stories
  // (quotes pair up from the left, as in the finder; an unpaired one is a space).
  function siteSearchTerms(text) {
    var parts = String(text).split('"');
    if (parts.length % 2 === 0) parts[parts.length - 2] += " " + parts.pop();
    var isWord = function (piece) { return /[\p{L}\p{N}]/u.test(piece); };
    var terms = [];
    parts.forEach(function (part, index) {
      var words = part.split(/\s+/).filter(isWord);
      if (index % 2 === 1 && words.length > 1) terms.push('"' + words.join(" ") + '"');
      else terms = terms.concat(words);
    });
    return terms;
  }

  // Each group's results. Stories as the finder reads the words (PlaybookQuery:
  // facet words become filters, typos are corrected, a long query falls back to
  // the stories holding most of its words), so "See all N" is the finder's N.
  // Every other kind: one search, less the pages that miss a word (Pagefind
  // leaves out a word that matches nothing).
  function siteSearchGroups(pagefind, queryData, loadWords, query) {
    return window.PlaybookQuery.search(pagefind, query, queryData, {}, loadWords).then(function (finding) {
      // A word the finder corrected ("secuirty") is searched corrected on every page.
      var fixed = {};
      finding.corrections.forEach(function (fix) { fixed[fix.typed.toLowerCase()] = fix.used; });
      var terms = siteSearchTerms(query).map(function (term) { return fixed[term.toLowerCase()] || term; });
      var words = terms.join(" ");
      var byKind = Promise.all(SEARCH_GROUPS.slice(1).map(function (group) {
        return pagefind.search(words, { filters: { kind: group.kind } });
      }));
      var alone = Promise.all(terms.length > 1 ? terms.map(function (term) { return pagefind.search(term); }) : []);
      return Promise.all([byKind, alone]).then(function (found) {
        var sets = found[1].map(function (search) {
          var ids = {};
          search.results.forEach(function (r) { ids[r.id] = true; });
          return ids;
        });
        var groups = [finding.results].concat(found[0].map(function (search) {
          return search.results.filter(function (r) { return sets.every(function (ids) { return ids[r.id]; }); });
        }));
        groups.stories = finding;  // corrections, partial matches
        return groups;
      });
    });
  }

  function siteSearchHit(group, data, query) {
    var meta = data.meta || {};
    var item = el("li", "pb-site-search__item");
    var link = el("a", "pb-site-search__hit");
    link.href = data.url;
    var line = el("span", "pb-site-search__line");
    if (group.kind === "story" && meta.outcome && meta.outcome_title) {
      line.appendChild(el("span", "pb-outcome pb-outcome--" + meta.outcome, meta.outcome_title));
      line.appendChild(document.createTextNode(" "));
    }
    if (meta.vocabulary) line.appendChild(el("span", "pb-site-search__vocabulary", meta.vocabulary + ": "));
    line.appendChild(el("span", "pb-site-search__title", meta.title || data.url));
    link.appendChild(line);
    // Stories: the excerpt from their own words, not the hidden title and alias words.
    var excerpt = ownExcerpt(group.kind === "story" ? data : { content: data.content, meta: {} }, query);
    if (excerpt) {
      excerpt.className = "pb-site-search__excerpt";
      link.appendChild(excerpt);
    } else if (meta.quote) {
      link.appendChild(el("p", "pb-site-search__excerpt", meta.quote));
    }
    item.appendChild(link);
    return item;
  }

  function setupSiteSearch(dialog) {
    var opener = document.querySelector("[data-pb-search-open]");
    var input = dialog.querySelector("[data-pb-search-input]");
    var status = dialog.querySelector("[data-pb-search-status]");
    var output = dialog.querySelector("[data-pb-search-results]");
    if (!opener || !input || typeof dialog.showModal !== "function" || !window.PlaybookQuery) return;
    var bundleUrl = new URL(dialog.getAttribute("data-pagefind"), window.location.href);
    var siteRoot = new URL("..", bundleUrl).pathname;  // the bundle is <site>/pagefind/
    var engine = null;
    var generation = 0;
    var timer = null;
    // Without the finder's query data, words are still searched; they name no filters.
    var noNames = { filters: { outcome: { values: {} } }, names: {}, outcome_words: {} };
    var loadWords = window.PlaybookQuery.wordsLoader(siteRoot);

    function load() {
      if (!engine) {
        engine = Promise.all([
          import(bundleUrl.href).then(function (pagefind) {
            return pagefind.options({ baseUrl: siteRoot }).then(function () { return pagefind; });
          }),
          window.PlaybookQuery.load(siteRoot).catch(function () { return noNames; })
        ]);
      }
      return engine;
    }

    function show(groups, pages, words) {
      output.replaceChildren();
      var total = 0;
      var finding = groups.stories || {};
      // Marked in the excerpts: the words searched, less stop words, as the finder marks them.
      var marked = (finding.terms || []).map(function (t) { return t.used || t.term; })
        .concat((finding.filters || []).map(function (f) { return f.typed; })).join(" ") || words;
      // Stories that hold only some of the words (the finder's fallback for a
      // long query) come after the pages that hold them all.
      var partial = finding.mode === "most";
      var order = groups.map(function (_, index) { return index; });
      if (partial) order.push(order.shift());
      order.forEach(function (index) {
        var results = groups[index];
        var group = SEARCH_GROUPS[index];
        total += results.length;
        if (!results.length) return;
        var section = el("section", "pb-site-search__group pb-site-search__group--" + group.kind);
        var title = group.kind === "story" && partial ? "Stories with some of the words" : group.title;
        var heading = el("h2", "pb-site-search__heading", title + " (" + results.length + ")");
        heading.id = "pb-site-search-" + group.kind;
        section.setAttribute("aria-labelledby", heading.id);
        section.appendChild(heading);
        var list = el("ul", "pb-site-search__list");
        section.appendChild(list);
        pages[index].forEach(function (data) { list.appendChild(siteSearchHit(group, data, marked)); });
        if (group.kind === "story") {
          var all = el("a", "pb-site-search__all",
                       "See all " + results.length + (results.length === 1 ? " story" : " stories") + " in the finder \u2192");
          all.href = siteSearchFinderUrl(dialog, words);
          section.appendChild(all);
        }
        output.appendChild(section);
      });
      status.textContent = total ? total + (total === 1 ? " result." : " results.")
        : "Nothing matches \u201c" + words + "\u201d. Try fewer words.";
      (finding.corrections || []).forEach(function (fix) {
        status.textContent += " Showing results for " + fix.used + " (you typed " + fix.typed + ").";
      });
      dialog.setAttribute("data-pb-search-ready", "");
    }

    function run() {
      var words = input.value.trim();
      var mine = ++generation;
      dialog.removeAttribute("data-pb-search-ready");
      if (!siteSearchTerms(words).length) {
        output.replaceChildren();
        status.textContent = "";
        return;
      }
      var groups;
      load().then(function (loaded) {
        return siteSearchGroups(loaded[0], loaded[1], loadWords, words);
      }).then(function (found) {
        groups = found;
        // The shown results' pages, each group's in rank order.
        return Promise.all(groups.map(function (results, index) {
          return Promise.all(results.slice(0, SEARCH_GROUPS[index].shown).map(function (r) { return r.data(); }));
        }));
      }).then(function (pages) {
        if (mine === generation) show(groups, pages, words);
      }, function () {
        if (mine !== generation) return;
        // No index: a copy opened from disk, or the bundle missing.
        output.replaceChildren();
        status.textContent = "Search needs the site served over HTTP. ";
        var link = el("a", "pb-site-search__all", "Open the story finder");
        link.href = siteSearchFinderUrl(dialog, words);
        status.appendChild(link);
        dialog.setAttribute("data-pb-search-ready", "");
      });
    }

    function links() {
      return Array.prototype.slice.call(output.querySelectorAll("a[href]"));
    }

    function open() {
      if (dialog.open) return;
      dialog.showModal();
      input.focus();
      input.select();
      load().catch(function () { /* said when a search runs */ });
    }

    opener.hidden = false;
    opener.addEventListener("click", open);
    dialog.addEventListener("close", function () { opener.focus(); });
    // A click on the backdrop (outside the panel) closes it.
    dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
    dialog.querySelector("[data-pb-search-close]").addEventListener("click", function () { dialog.close(); });
    input.addEventListener("input", function () {
      generation++;  // a search under way is for words no longer there
      dialog.removeAttribute("data-pb-search-ready");
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    });
    dialog.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      var first = links()[0];
      if (first && dialog.hasAttribute("data-pb-search-ready")) window.location.href = first.href;
      else if (input.value.trim()) window.location.href = siteSearchFinderUrl(dialog, input.value.trim());
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {  // at once: in a search box the first Escape only clears it
        event.preventDefault();
        dialog.close();
        return;
      }
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      var stops = [input].concat(links());
      var at = stops.indexOf(document.activeElement);
      var next = at + (event.key === "ArrowDown" ? 1 : -1);
      if (next < 0 || next >= stops.length) return;
      event.preventDefault();
      stops[next].focus();
    });
    // "/" opens the search from anywhere but a field being typed in.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || dialog.open) return;
      var target = event.target;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      event.preventDefault();
      open();
    });
  }
  // ==== end of site search ====

  // ---- end of story finder ------------------------------------------------

  // ---- Finder on phones: folded filters, "Copy link to this view" (issue 20) ----
  // On a phone the filter boxes fold behind one "Filters (N)" summary (N: the
  // filters set), so the first result is in the first screen; elsewhere, and
  // without this script, they stay open. The count follows the selects
  // whenever the form changes or the finder shows a new count (a filter set
  // from the URL, a suggestion or "Clear all").
  var PHONE = "(max-width: 44.9375em)";
  function setupFinderFilters(form) {
    var filters = form.querySelector("[data-finder-filters]");
    if (!filters) return;
    var shown = filters.querySelector("[data-finder-filter-count]");
    var selects = Array.prototype.slice.call(filters.querySelectorAll("select[name]"));
    // Filters picked in a box and those read from the words (chips) alike.
    function count() {
      var set = selects.filter(function (select) { return select.value; }).length +
        form.querySelectorAll("[data-query-chip]").length;
      shown.textContent = "(" + set + ")";
    }
    if (window.matchMedia && window.matchMedia(PHONE).matches) filters.open = false;
    form.addEventListener("change", count);
    var status = form.querySelector("[data-finder-count]");
    if (status && "MutationObserver" in window) {
      [status, form.querySelector("[data-query-notes]")].forEach(function (watched) {
        if (watched) new MutationObserver(count).observe(watched, { childList: true, characterData: true, subtree: true });
      });
    }
    count();
  }

  // The finder's address holds its words and filters (writeQuery keeps it so).
  function setupFinderCopy(form) {
    var button = form.querySelector("[data-finder-copy]");
    if (!button || !navigator.clipboard) return; // stays hidden: the address bar has the link
    var label = button.textContent;
    var timer = null;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(window.location.href).then(function () {
        button.textContent = "Copied";
        button.setAttribute("data-copied", "");
        clearTimeout(timer);
        timer = setTimeout(function () { button.textContent = label; button.removeAttribute("data-copied"); }, 2000);
      });
    });
  }
  // ---- end of finder on phones ------------------------------------------------

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

  // ---- Ramp gates and progress shared by link (issue 20) ------------------
  // A phase's gate opens only once every item of the phase is ticked; unticking
  // an item closes it again. "Send progress to my manager" is a link whose
  // ?progress= holds the ticked items' codes (generator/pages/ramp.py's
  // share_code: six base64url characters from each item's id, so a link made
  // before the ramp changed never ticks another item). A page opened from such
  // a link shows those ticks read-only and never reads or writes this
  // browser's own ticks.
  var PROGRESS_FORMAT = "1";
  var CODE_LENGTH = 6;

  // The ticks a link carries: null without ?progress=, {codes: null} if damaged.
  function sharedProgress() {
    var params = new URLSearchParams(window.location.search);
    var value = params.get("progress");
    if (value === null) return null;
    var date = params.get("as-of") || "";
    var shared = { codes: null, date: /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : "" };
    var match = /^([0-9]+)\.([A-Za-z0-9_-]*)$/.exec(value);
    if (!match || match[1] !== PROGRESS_FORMAT || match[2].length % CODE_LENGTH) return shared;
    shared.codes = {};
    for (var at = 0; at < match[2].length; at += CODE_LENGTH) shared.codes[match[2].substr(at, CODE_LENGTH)] = true;
    return shared;
  }

  function progressLink(boxes) {
    var codes = boxes.filter(function (box) { return box.checked; })
      .map(function (box) { return box.getAttribute("data-ramp-code"); }).join("");
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var params = new URLSearchParams({
      progress: PROGRESS_FORMAT + "." + codes,
      "as-of": now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()),
    });
    return window.location.origin + window.location.pathname + "?" + params.toString();
  }

  function showSharedBanner(banner, shared, boxes) {
    if (!banner) return;
    var known = {};
    boxes.forEach(function (box) { known[box.getAttribute("data-ramp-code")] = true; });
    var head = el("p", "pb-ramp-shared__head");
    head.appendChild(el("strong", null, "Progress shared by link, read-only"));
    head.appendChild(document.createTextNode(shared.date ? " (as of " + shared.date + ")." : "."));
    banner.appendChild(head);
    var text;
    if (shared.codes === null) {
      text = "This link is damaged or was made by a newer version of the playbook, so no tick is shown. Ask for a new link.";
    } else {
      var gone = Object.keys(shared.codes).filter(function (code) { return !known[code]; }).length;
      text = "These are the ticks of whoever sent the link; your own ticks on this ramp are not shown or changed." +
        (gone ? " " + gone + (gone === 1 ? " tick is for an item" : " ticks are for items") + " no longer in this ramp." : "");
    }
    banner.appendChild(el("p", null, text));
    var own = el("a", null, "Open my own progress");
    own.href = window.location.pathname;
    var back = el("p");
    back.appendChild(own);
    banner.appendChild(back);
    banner.hidden = false;
  }

  // Close a gate whose phase has items left, and say how many; true if one closed.
  function updateGate(phase, shared) {
    var gate = phase.querySelector("[data-ramp-gate]");
    if (!gate) return false;
    var items = Array.prototype.filter.call(phase.querySelectorAll("[data-ramp-item]"),
                                            function (box) { return box !== gate; });
    var left = items.filter(function (box) { return !box.checked; }).length;
    var closed = false;
    if (left && gate.checked) {
      gate.checked = false;
      closed = true;
    }
    gate.disabled = Boolean(shared) || left > 0;
    var reason = phase.querySelector("[data-ramp-gate-reason]");
    if (reason) {
      reason.hidden = !left;
      reason.textContent = left ? "Opens when every item of this phase is ticked: " + left + " of " +
        items.length + " to go." : "";
    }
    return closed;
  }

  function setupRamp() {
    var phases = Array.prototype.slice.call(document.querySelectorAll("[data-ramp-phase]"));
    if (!phases.length) return;
    var shared = sharedProgress();
    var all = [];
    var shareLink = document.querySelector("[data-ramp-share]");
    var shareStatus = document.querySelector("[data-ramp-share-status]");
    function update() {
      phases.forEach(function (phase) {
        var gate = phase.querySelector("[data-ramp-gate]");
        if (updateGate(phase, shared) && !shared) writeTick(rampKey(gate), false);
        showProgress(phase.querySelector("[data-ramp-progress]"),
                     Array.prototype.slice.call(phase.querySelectorAll("[data-ramp-item]")));
      });
      showProgress(document.querySelector("[data-ramp-overall]"), all);
      if (shareLink && !shared) shareLink.href = progressLink(all);
    }
    phases.forEach(function (phase) {
      Array.prototype.forEach.call(phase.querySelectorAll("[data-ramp-item]"), function (box) {
        if (shared) {
          box.checked = Boolean(shared.codes && shared.codes[box.getAttribute("data-ramp-code")]);
          box.disabled = true;
        } else {
          box.checked = readTick(rampKey(box));
          box.addEventListener("change", function () {
            writeTick(rampKey(box), box.checked);
            if (shareStatus) shareStatus.textContent = "";
            update();
          });
        }
        all.push(box);
      });
    });
    if (shared) {
      document.documentElement.setAttribute("data-ramp-read-only", "");
      showSharedBanner(document.querySelector("[data-ramp-shared-banner]"), shared, all);
    } else if (shareLink) {
      shareLink.closest("[data-ramp-share-row]").hidden = false;
      shareLink.addEventListener("click", function (event) {
        if (!navigator.clipboard) return; // the link itself: its address is the one to send
        event.preventDefault();
        navigator.clipboard.writeText(shareLink.href).then(function () {
          shareStatus.textContent = "Link copied: paste it into a message to your manager. It opens your ticks read-only.";
        });
      });
    }
    update();
  }
  // ---- end of ramp gates and shared progress --------------------------------

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

  // ==== Practice scenarios (issue 23) ====
  // The buyer's card prints on page two even where CSS cannot open a closed
  // <details> (no ::details-content): open it for printing, then fold it again.
  function setupScenarioPrint() {
    var folded = document.querySelectorAll(".pb-scenario-buyer");
    if (!folded.length) return;
    var opened = [];
    window.addEventListener("beforeprint", function () {
      Array.prototype.forEach.call(folded, function (details) {
        if (!details.open) { details.open = true; opened.push(details); }
      });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (details) { details.open = false; });
      opened = [];
    });
  }
  // ==== end of practice scenarios ====

  // ---- What wins (generator/pages/what_wins.py) ----------------------------
  // Every term's table is in the page, so it reads without JavaScript; the
  // select only shows the chosen one and hides the rest. The choice is kept in
  // the URL's fragment (#by-competitors.globex), so a view can be linked.
  function setupWhatWinsBreakdown(pick) {
    var select = pick.querySelector("[data-what-wins-select]");
    var sections = document.querySelectorAll("[data-what-wins-term]");
    if (!select || !sections.length) return;
    var wanted = window.location.hash.replace(/^#by-/, "");
    try { wanted = decodeURIComponent(wanted); } catch (error) { /* a damaged link: the default */ }
    if (Array.prototype.some.call(select.options, function (o) { return o.value === wanted; })) {
      select.value = wanted;
    }
    function show() {
      Array.prototype.forEach.call(sections, function (section) {
        section.hidden = section.getAttribute("data-what-wins-term") !== select.value;
      });
    }
    select.addEventListener("change", function () {
      show();
      history.replaceState(null, "", "#by-" + select.value);
    });
    pick.hidden = false;
    show();
  }
  // ---- end of what wins -----------------------------------------------------

  function ready() {
    nameSectionNavigation();
    setupScenarioPrint();
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
    if (form) { setupFinderFilters(form); setupFinderCopy(form); }
    var siteSearch = document.querySelector("[data-pb-search]");
    if (siteSearch) setupSiteSearch(siteSearch);
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy-permalink]"), setupPermalink);
    var whatWins = document.querySelector("[data-what-wins-pick]");
    if (whatWins) setupWhatWinsBreakdown(whatWins);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
