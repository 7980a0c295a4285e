// Queries in a manager's words (issue 20): "lost to Globex on security",
// "won with references", "secuirty". Reads a query into filters and words to
// search, runs it on the finder's Pagefind index and ranks what it finds. No
// page markup here: the story finder (setupFinder in playbook.js) renders the
// outcome, and any other search box can too. One global, PlaybookQuery:
//
//   PlaybookQuery.load(siteRoot)           -> Promise of the build's query data
//   PlaybookQuery.parse(text, data, set)   -> {filters, terms, stopped}
//   PlaybookQuery.search(pagefind, text, data, set, loadWords) -> Promise of a finding
//   PlaybookQuery.editDistance(a, b)
//
// `data` is stories/query-terms.json (generator/pages/finder.py): the filters
// and the names that stand for one filter value, all from the declared
// vocabularies. `set` holds the filters the page already sets ({competitor:
// "globex"}): a word never overrides one of those.
(function () {
  "use strict";

  // Left out of the words searched, unless they are all the query holds or
  // sit inside a "quoted phrase".
  var STOP_WORDS = {};
  ("a an and are as at be but by did do does for from had has have how i in is it its " +
   "me my of on or our so than that the their them then there they this to too us very " +
   "was we were what when where which who why will with you your").split(" ")
    .forEach(function (word) { STOP_WORDS[word] = true; });

  // A word as the index splits text: letters and digits, lowercase.
  function words(text) {
    return String(text).toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  // Optimal string alignment distance: an edit is an insertion, a deletion,
  // a substitution or two neighbours swapped ("secuirty" is one from "security").
  function editDistance(a, b) {
    var rows = [];
    for (var i = 0; i <= a.length; i++) {
      rows.push([i]);
      for (var j = 1; j <= b.length; j++) {
        if (i === 0) { rows[0].push(j); continue; }
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          best = Math.min(best, rows[i - 2][j - 2] + 1);
        }
        rows[i].push(best);
      }
    }
    return rows[a.length][b.length];
  }

  // The query's pieces with where each sits in the text: words, and "quoted
  // phrases". Quotes pair up from the left; a quote left without its pair is
  // punctuation, so it can neither hide the words after it nor glue two words
  // together. Pieces without a letter or digit are punctuation, not words.
  function pieces(text) {
    var quotes = [];
    for (var i = 0; i < text.length; i++) if (text[i] === '"') quotes.push(i);
    if (quotes.length % 2) quotes.pop();
    var found = [];
    function outside(from, to) {
      var pattern = /[^\s"]+/g, match;
      var part = text.slice(from, to);
      while ((match = pattern.exec(part))) {
        if (words(match[0]).length) {
          found.push({ text: match[0], start: from + match.index, end: from + match.index + match[0].length,
                       words: words(match[0]), quoted: false });
        }
      }
    }
    var at = 0;
    for (var q = 0; q < quotes.length; q += 2) {
      outside(at, quotes[q]);
      var inner = text.slice(quotes[q] + 1, quotes[q + 1]).split(/\s+/).filter(function (w) { return words(w).length; });
      if (inner.length) {
        found.push({ text: inner.length > 1 ? '"' + inner.join(" ") + '"' : inner[0], start: quotes[q],
                     end: quotes[q + 1] + 1, words: words(inner.join(" ")), quoted: true });
      }
      at = quotes[q + 1] + 1;
    }
    outside(at, text.length);
    return found;
  }

  // A filter a name stands for, unless the page sets that filter already.
  function named(name, data, set) {
    var owner = data.names[name];
    if (!owner || set[owner[0]]) return null;
    var filter = data.filters[owner[0]];
    return { param: owner[0], value: owner[1], label: filter.label,
             title: filter.values[owner[1]] || owner[1],
             // The words that also count in a story's text: every word of an outcome ("lost", "loss").
             text: owner[0] === "outcome" && data.outcome_words[owner[1]] ? data.outcome_words[owner[1]] : [name] };
  }

  // The query read as filters and the words left to search. A word or phrase
  // that names a filter value (the longest name first: "security review"
  // before "security") becomes that filter; quoted phrases stay words.
  function parse(text, data, set) {
    set = set || {};
    var all = pieces(String(text));
    var longest = 1;
    Object.keys(data.names).forEach(function (name) { longest = Math.max(longest, name.split(" ").length); });
    var filters = [], terms = [], stopped = [];
    for (var i = 0; i < all.length;) {
      var match = null;
      if (!all[i].quoted) {
        for (var size = Math.min(longest, all.length - i); size >= 1 && !match; size--) {
          var run = all.slice(i, i + size);
          if (run.some(function (p) { return p.quoted; })) continue;
          var filter = named(run.map(function (p) { return p.words.join(" "); }).join(" "), data, set);
          if (filter) match = { filter: filter, run: run };
        }
      }
      if (match) {
        var typed = match.run.map(function (p) { return p.text; }).join(" ");
        var span = [match.run[0].start, match.run[match.run.length - 1].end];
        var same = filters.filter(function (f) { return f.param === match.filter.param && f.value === match.filter.value; })[0];
        if (same) { same.spans.push(span); }
        else {
          match.filter.typed = typed;
          match.filter.spans = [span];
          filters.push(match.filter);
        }
        i += match.run.length;
        continue;
      }
      var piece = all[i];
      if (!piece.quoted && piece.words.every(function (w) { return STOP_WORDS[w]; })) stopped.push(piece);
      else terms.push({ term: piece.text, typed: piece.text, quoted: piece.quoted, start: piece.start, end: piece.end });
      i++;
    }
    if (!terms.length && !filters.length) {  // only stop words: search them as typed
      terms = stopped.map(function (p) { return { term: p.text, typed: p.text, quoted: false, start: p.start, end: p.end }; });
      stopped = [];
    }
    return { filters: filters, terms: terms, stopped: stopped.map(function (p) { return p.text; }) };
  }

  // The nearest words of `list` (commonest first) to `word`, within `most` edits.
  function nearest(word, list, most, count) {
    word = word.toLowerCase();
    var best = [], bestDistance = most + 1;
    list.forEach(function (candidate) {
      if (candidate === word || Math.abs(candidate.length - word.length) > most) return;
      var d = editDistance(word, candidate);
      if (d > most) return;
      if (d < bestDistance) { best = [candidate]; bestDistance = d; }
      else if (d === bestDistance) best.push(candidate);
    });
    return best.slice(0, count);
  }

  // How far a word may be from the word it is corrected to.
  function tolerance(word) { return word.length <= 4 ? 1 : 2; }

  function load(siteRoot) {
    var url = new URL("stories/query-terms.json", new URL(siteRoot, window.location.href)).href;
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error("query terms: " + response.status);
      return response.json();
    });
  }

  function wordsLoader(siteRoot) {
    var words = null;
    return function () {
      if (!words) {
        var url = new URL("stories/query-words.json", new URL(siteRoot, window.location.href)).href;
        words = fetch(url).then(function (r) { return r.ok ? r.json() : { words: [] }; })
          .then(function (d) { return d.words || []; }, function () { return []; });
      }
      return words;
    };
  }

  function ids(found) {
    var map = {};
    found.results.forEach(function (r) { map[r.id] = r; });
    return map;
  }

  function union(maps) {
    var all = {};
    maps.forEach(function (map) { Object.keys(map).forEach(function (id) { if (!all[id]) all[id] = map[id]; }); });
    return all;
  }

  // Runs the query. The finding:
  //   results: Pagefind results, best first
  //   mode: "all" (every word and filter holds), "most" (none holds them all:
  //         ranked by how many they hold), or "none"
  //   filters, terms, stopped: as parse() read them (a term's `used` is the
  //         word searched, when a typo was corrected)
  //   corrections: [{typed, used}]; missing: the terms no story holds
  //   tagged: results[0..tagged) carry every word-made filter's tag
  //   held: for "most", how many of the words each result holds (by id)
  //   drops: for "none", [{filter, count}] what dropping one filter would find
  //   suggestions: for "none", [{typed, words}] near words for missing terms
  // A word-made filter keeps the stories that only say its words: each finds
  // a story tagged with it or holding its words, tagged stories first.
  function search(pagefind, text, data, set, loadWords) {
    set = set || {};
    var parsed = parse(text, data, set);
    var every = Object.keys(set).length ? set : { outcome: { any: Object.keys(data.filters.outcome.values) } };
    var finding = { filters: parsed.filters, terms: parsed.terms, stopped: parsed.stopped,
                    corrections: [], missing: [], results: [], mode: "none", tagged: 0, held: {},
                    drops: [], suggestions: [] };
    // The index holds every page of the site (generator/search_index.py): a
    // word's own search keeps to the stories, or a guide that holds the word
    // (or the lone letter Pagefind falls back to for a word it lacks) would
    // stop the word being corrected.
    var find = function (words, filters) {
      return pagefind.search(words, { filters: filters || { kind: "story" } }).then(ids);
    };

    // Each word alone: Pagefind leaves out a word that matches nothing, so a
    // story holds the query only if each word's own search finds it.
    var termSearches = parsed.terms.map(function (term) {
      return find(term.term).then(function (hits) {
        if (Object.keys(hits).length || term.quoted || words(term.term).length !== 1) return hits;
        return loadWords().then(function (list) {
          var near = nearest(words(term.term).join(""), list, tolerance(term.term), 1);
          if (!near.length) return hits;
          return find(near[0]).then(function (fixed) {
            if (!Object.keys(fixed).length) return hits;
            term.used = near[0];
            finding.corrections.push({ typed: term.typed, used: near[0] });
            return fixed;
          });
        });
      }).then(function (hits) { term.hits = hits; });
    });
    var filterSearch = function (filter) {
      var tagged = {};
      Object.keys(set).forEach(function (k) { tagged[k] = set[k]; });
      tagged[filter.param] = filter.value;
      return Promise.all([find(null, tagged)].concat(filter.text.map(function (w) { return find(w); })))
        .then(function (found) { filter.tagged = found[0]; filter.hits = union(found); });
    };

    return Promise.all(termSearches.concat(parsed.filters.map(filterSearch))).then(function () {
      // A corrected word may name a filter: "globx" is the competitor Globex.
      var made = [];
      parsed.terms.slice().forEach(function (term) {
        var filter = term.used && named(term.used, data, set);
        if (!filter || parsed.filters.some(function (f) { return f.param === filter.param && f.value === filter.value; })) return;
        filter.typed = term.typed;
        filter.spans = [[term.start, term.end]];
        parsed.terms.splice(parsed.terms.indexOf(term), 1);
        parsed.filters.push(filter);
        made.push(filter);
      });
      parsed.filters.sort(function (a, b) { return a.spans[0][0] - b.spans[0][0]; });  // as typed
      return Promise.all(made.map(filterSearch));
    }).then(function () {
      var searched = parsed.terms.map(function (t) { return t.used || t.term; }).join(" ");
      return pagefind.search(searched || null, searched ? { filters: every } : { filters: every, sort: { date: "desc" } });
    }).then(function (base) {
      var items = parsed.terms.concat(parsed.filters);
      finding.missing = parsed.terms.filter(function (t) { return !Object.keys(t.hits).length; });
      var tags = function (r) { return parsed.filters.filter(function (f) { return f.tagged[r.id]; }).length; };
      var byTags = function (list) {
        return list.map(function (r, index) { return { r: r, index: index, tags: tags(r) }; })
          .sort(function (a, b) { return b.tags - a.tags || a.index - b.index; });
      };
      var all = base.results.filter(function (r) { return items.every(function (item) { return item.hits[r.id]; }); });
      if (all.length) {
        var ranked = byTags(all);
        finding.mode = "all";
        finding.results = ranked.map(function (x) { return x.r; });
        finding.tagged = ranked.filter(function (x) { return x.tags === parsed.filters.length; }).length;
        return finding;
      }
      // Nothing holds every word: rank the stories by how many they hold.
      return (items.length > 1 ? find(null, every) : Promise.resolve({})).then(function (allowed) {
        var candidates = union(items.map(function (item) { return item.hits; }));
        var scored = Object.keys(candidates).filter(function (id) { return allowed[id]; }).map(function (id) {
          var held = items.filter(function (item) { return item.hits[id]; });
          var score = parsed.terms.reduce(function (sum, t) { return sum + (t.hits[id] ? t.hits[id].score || 0 : 0); }, 0);
          return { r: candidates[id], held: held.length, tags: tags(candidates[id]), score: score };
        }).sort(function (a, b) {
          return b.held - a.held || b.tags - a.tags || b.score - a.score || (a.r.id < b.r.id ? -1 : 1);
        });
        if (scored.length) {
          finding.mode = "most";
          finding.results = scored.map(function (x) { finding.held[x.r.id] = x.held; return x.r; });
          return finding;
        }
        return suggest(finding, base, items, every);
      });
    });

    // Nothing found: which single filter to drop, and words near the missing ones.
    function suggest(finding, base, items, every) {
      var drops = parsed.filters.map(function (filter) {
        var rest = items.filter(function (item) { return item !== filter; });
        var count = base.results.filter(function (r) { return rest.every(function (item) { return item.hits[r.id]; }); }).length;
        return Promise.resolve({ filter: filter, count: count });
      }).concat(Object.keys(set).map(function (param) {
        var fewer = {};
        Object.keys(set).forEach(function (k) { if (k !== param) fewer[k] = set[k]; });
        if (!Object.keys(fewer).length) fewer = { outcome: { any: Object.keys(data.filters.outcome.values) } };
        var searched = parsed.terms.map(function (t) { return t.used || t.term; }).join(" ");
        return pagefind.search(searched || null, { filters: fewer }).then(function (found) {
          var count = found.results.filter(function (r) { return items.every(function (item) { return item.hits[r.id]; }); }).length;
          var filter = data.filters[param] || { label: param, values: {} };
          return { filter: { param: param, value: set[param], label: filter.label, title: filter.values[set[param]] || set[param], explicit: true }, count: count };
        });
      }));
      var near = loadWords().then(function (list) {
        return finding.missing.filter(function (t) { return !t.quoted; }).map(function (t) {
          // Further than a correction goes only for long words: a short one is near too many.
          var word = words(t.term).join("");
          return { typed: t.typed, words: nearest(word, list, Math.max(tolerance(word), Math.floor(word.length / 3)), 3) };
        }).filter(function (s) { return s.words.length; });
      });
      return Promise.all([Promise.all(drops), near]).then(function (found) {
        finding.drops = found[0].filter(function (d) { return d.count > 0; });
        finding.suggestions = found[1];
        return finding;
      });
    }
  }

  window.PlaybookQuery = {
    load: load, wordsLoader: wordsLoader, parse: parse, search: search,
    editDistance: editDistance, nearest: nearest, words: words
  };
})();
