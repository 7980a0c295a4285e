// playbook serve only: lay the content's problems over the page, and reload once they change.
// Every text is set with textContent: problem messages quote the content, which is hostile.
(function () {
  "use strict";
  var script = document.currentScript;
  var source = script && script.dataset.problems;
  if (!source || !window.fetch) {
    return;
  }
  var shown = null; // the report text on screen, or "" for none

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  var STYLE = [
    // Pixels, not rem: the theme sets its own root size.
    "#pb-serve-problems{position:fixed;inset:0;z-index:10000;overflow:auto;",
    "background:rgba(20,20,24,.72);padding:4vh 12px;font:15px/1.5 system-ui,sans-serif}",
    "#pb-serve-problems .pb-sp-panel{max-width:900px;margin:0 auto;background:#fff;",
    "color:#1d1d22;border-top:6px solid #b3261e;border-radius:6px;padding:16px 20px;",
    "box-shadow:0 10px 40px rgba(0,0,0,.4)}",
    "#pb-serve-problems .pb-sp-panel:focus{outline:none}",
    "#pb-serve-problems h2{margin:0 0 4px;font-size:20px;line-height:1.3;color:#8c1d18}",
    "#pb-serve-problems p{margin:4px 0 12px}",
    "#pb-serve-problems ol{margin:0;padding:0;list-style:none}",
    "#pb-serve-problems li{border-top:1px solid #ddd;padding:10px 0;overflow-wrap:anywhere}",
    "#pb-serve-problems code{font:14px/1.4 ui-monospace,monospace;background:#f1f1f4;",
    "color:#1d1d22;padding:0 3px;border-radius:3px}",
    "#pb-serve-problems .pb-sp-where{font-weight:600}",
    "#pb-serve-problems .pb-sp-error{color:#8c1d18;font-weight:600}",
    "#pb-serve-problems .pb-sp-warning{color:#6b4a00;font-weight:600}",
    "#pb-serve-problems .pb-sp-hint{color:#45454d}",
    "#pb-serve-problems button{font:inherit;margin-top:12px;padding:6px 16px;",
    "border:1px solid #1d1d22;border-radius:4px;background:#fff;color:#1d1d22;cursor:pointer}",
    "#pb-serve-problems button:focus-visible{outline:3px solid #1a56db;outline-offset:2px}"
  ].join("");

  function problemItem(problem) {
    var item = element("li");
    var head = element("div");
    var where = problem.line ? problem.path + ":" + problem.line : problem.path;
    head.appendChild(element("code", "pb-sp-where", where));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(element("span", "pb-sp-" + (problem.severity === "error" ? "error" : "warning"),
                             problem.severity));
    if (problem.field) {
      head.appendChild(document.createTextNode(" ["));
      head.appendChild(element("code", "", problem.field));
      head.appendChild(document.createTextNode("]"));
    }
    item.appendChild(head);
    var message = element("div", "pb-sp-message", problem.message);
    if (problem.code) {
      message.appendChild(document.createTextNode(" "));
      message.appendChild(element("code", "pb-sp-code", "(" + problem.code + ")"));
    }
    item.appendChild(message);
    if (problem.hint) {
      item.appendChild(element("div", "pb-sp-hint", "hint: " + problem.hint));
    }
    return item;
  }

  function show(data) {
    var report = data.report;
    var overlay = element("div");
    overlay.id = "pb-serve-problems";
    overlay.appendChild(element("style", "", STYLE));
    var panel = element("section", "pb-sp-panel");
    panel.setAttribute("role", "alertdialog");
    panel.setAttribute("aria-modal", "true");
    panel.setAttribute("aria-labelledby", "pb-sp-title");
    panel.tabIndex = -1;
    var counts = [];
    if (report.errors) {
      counts.push(plural(report.errors, "error"));
    }
    if (report.warnings) {
      counts.push(plural(report.warnings, "warning"));
    }
    var title = element("h2", "", "The content has " + counts.join(" and ") +
                        "; nothing new was built");
    title.id = "pb-sp-title";
    panel.appendChild(title);
    var about = element("p", "", (data.last_good
      ? "The page behind this is from the last build that worked. "
      : "No build has worked yet. ") +
      "Fix the content and save: this page reloads by itself. The same list: ");
    about.appendChild(element("code", "", "playbook validate"));
    panel.appendChild(about);
    var list = element("ol");
    report.problems.forEach(function (problem) {
      list.appendChild(problemItem(problem));
    });
    panel.appendChild(list);
    var hide = element("button", "", "Hide until the next save");
    hide.type = "button";
    hide.addEventListener("click", function () {
      overlay.remove();
    });
    panel.appendChild(hide);
    overlay.appendChild(panel);
    document.body.appendChild(overlay);
    panel.focus();
  }

  // Read the report; show it the first time, reload the page when it changes.
  function check() {
    fetch(source, { cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (text) {
        var data = text ? JSON.parse(text) : null;
        var now = data && data.report.problems.length ? text : "";
        if (shown === null) {
          shown = now;
          if (now) {
            show(data);
          }
        } else if (now !== shown) {
          location.reload();
          return;
        }
        if (shown) {
          setTimeout(check, 1000); // the 404 page has no live reload of its own
        }
      })
      .catch(function () {
        if (shown) {
          setTimeout(check, 2000); // the server restarts: try again
        }
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", check);
  } else {
    check();
  }
})();
