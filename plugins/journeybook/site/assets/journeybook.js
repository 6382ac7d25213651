/* Journeybook: checklist ticks remembered in this browser, progress, glossary focus, and the
   journeys index's search field and sortable columns.
   No server and no account: ticks live in localStorage, keyed by page and item text. */
(function () {
  "use strict";

  var TEXT = {
    vi: { progress: "Đã làm", reset: "Xoá đánh dấu của trang này", search: "Tìm kiếm" },
    en: { progress: "Done", reset: "Clear this page's ticks", search: "Search" }
  };

  function labels() {
    var lang = (document.documentElement.lang || "en").slice(0, 2).toLowerCase();
    return TEXT[lang] || TEXT.en;
  }

  function storageKey() {
    return "journeybook:ticks:" + location.pathname;
  }

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey()) || "{}") || {};
    } catch (error) {
      return {};
    }
  }

  function save(state) {
    try {
      window.localStorage.setItem(storageKey(), JSON.stringify(state));
    } catch (error) {
      /* storage full or disabled: ticks simply do not persist */
    }
  }

  function itemText(box) {
    var item = box.closest("li");
    return item ? item.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function setup() {
    // Material's search is a dialog without a name; screen readers announce this one.
    var search = document.querySelector(".md-search[role=dialog]");
    if (search && !search.hasAttribute("aria-label")) {
      search.setAttribute("aria-label", labels().search);
    }
    var article = document.querySelector("article.md-content__inner");
    if (!article) {
      return;
    }
    // Make every glossary term reachable with the keyboard, so its definition shows on focus.
    Array.prototype.forEach.call(article.querySelectorAll("abbr[title]"), function (abbr) {
      abbr.tabIndex = 0;
    });
    var boxes = Array.prototype.slice.call(
      article.querySelectorAll(".task-list-item input[type=checkbox]"));
    if (!boxes.length || article.querySelector(".jb-progress")) {
      return;
    }
    var t = labels();
    var state = load();
    var seen = {};
    boxes.forEach(function (box) {
      var text = itemText(box);
      seen[text] = (seen[text] || 0) + 1;
      box.dataset.jbKey = seen[text] > 1 ? text + " #" + seen[text] : text;
      box.disabled = false;
      box.setAttribute("aria-label", text);
      box.checked = state[box.dataset.jbKey] === true;
    });

    var bar = document.createElement("div");
    bar.className = "jb-progress";
    var count = document.createElement("span");
    count.className = "jb-progress__count";
    count.setAttribute("role", "status");
    count.setAttribute("aria-live", "polite");
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "md-button jb-progress__reset";
    reset.textContent = t.reset;
    bar.appendChild(count);
    bar.appendChild(reset);
    var heading = article.querySelector("h1");
    if (heading && heading.nextSibling) {
      heading.parentNode.insertBefore(bar, heading.nextSibling);
    } else {
      article.insertBefore(bar, article.firstChild);
    }

    function update() {
      var done = boxes.filter(function (box) { return box.checked; }).length;
      count.textContent = t.progress + ": " + done + "/" + boxes.length;
      bar.classList.toggle("jb-progress--complete", done === boxes.length);
    }

    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        var current = load();
        if (box.checked) {
          current[box.dataset.jbKey] = true;
        } else {
          delete current[box.dataset.jbKey];
        }
        save(current);
        update();
      });
    });
    reset.addEventListener("click", function () {
      try {
        window.localStorage.removeItem(storageKey());
      } catch (error) {
        /* nothing stored */
      }
      boxes.forEach(function (box) { box.checked = false; });
      update();
    });
    update();
  }

  /* --- The journeys index: find a journey by typing, sort the table by any column. ---------
     The template writes the words of the field into a hidden paragraph (.jb-journey-finder)
     just before the table, in the site's language; the sanitiser keeps its classes, not
     inputs or buttons, so those are made here. Without this script the page is a plain table. */

  // "Gọi tổng đài" and "goi tong dai" alike: no case, no diacritics ("đ" is a letter of its
  // own, not a "d" with a mark, so it is folded by hand).
  function foldLetters(text) {
    return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/[đĐ]/g, "d").toLowerCase();
  }

  function fold(text) {
    return foldLetters(text).replace(/\s+/g, " ").trim();
  }

  function finderText(words, name) {
    var element = words.querySelector(".jb-journey-finder__" + name);
    return element ? element.textContent.trim() : "";
  }

  // The table that follows the words (Material may have wrapped it in scrolling boxes).
  function tableAfter(words, article) {
    return Array.prototype.filter.call(article.querySelectorAll("table"), function (table) {
      return words.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING;
    })[0] || null;
  }

  function topLevel(element, article) {
    while (element.parentNode && element.parentNode !== article) {
      element = element.parentNode;
    }
    return element;
  }

  // The per-journey sections below the table: "## group", then "### journey" and what follows
  // it, up to the next heading. Each journey is found by its link, the one its row has too.
  function journeySections(start, article) {
    var groups = [];
    var group = null;
    var journey = null;
    for (var node = start.nextElementSibling; node; node = node.nextElementSibling) {
      if (node.matches("aside, form, .md-source-file, .md-feedback")) {
        break;  // the theme's own parts after the page's text
      }
      if (node.tagName === "H2") {
        group = { nodes: [node], journeys: [] };
        groups.push(group);
        journey = null;
      } else if (node.tagName === "H3" && group) {
        var link = node.querySelector("a:not(.headerlink)");
        journey = { nodes: [node], href: link ? link.href : "" };
        group.journeys.push(journey);
      } else if (journey) {
        journey.nodes.push(node);
      }
    }
    return groups;
  }

  function setHidden(nodes, hidden) {
    nodes.forEach(function (node) { node.hidden = hidden; });
  }

  function setupJourneyIndex(article) {
    var words = article.querySelector("p.jb-journey-finder");
    var table = words && tableAfter(words, article);
    if (!table || !table.tHead || !table.tBodies.length || article.querySelector(".jb-finder")) {
      return;
    }
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, index) {
      var link = row.querySelector("a");
      return { row: row, index: index, text: fold(row.textContent),
               href: link ? link.href : "" };
    });

    // The field, its label and the count of journeys shown, above the table.
    var finder = document.createElement("div");
    finder.className = "jb-finder";
    var label = document.createElement("label");
    label.htmlFor = "jb-finder-query";
    label.textContent = finderText(words, "label");
    var field = document.createElement("input");
    field.type = "search";
    field.id = "jb-finder-query";
    field.className = "jb-finder__query";
    field.autocomplete = "off";
    field.spellcheck = false;
    field.placeholder = finderText(words, "hint");
    var status = document.createElement("span");
    status.className = "jb-finder__status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var pattern = finderText(words, "status");
    finder.appendChild(label);
    finder.appendChild(field);
    finder.appendChild(status);
    var tableBlock = topLevel(table, article);
    article.insertBefore(finder, tableBlock);
    var sections = journeySections(tableBlock, article);

    function filter() {
      var terms = fold(field.value).split(" ").filter(Boolean);
      var shown = {};
      var count = 0;
      rows.forEach(function (entry) {
        var match = terms.every(function (term) { return entry.text.indexOf(term) !== -1; });
        entry.row.hidden = !match;
        shown[entry.href] = match;
        count += match ? 1 : 0;
      });
      sections.forEach(function (group) {
        var any = false;
        group.journeys.forEach(function (journey) {
          var match = shown[journey.href] !== false;
          setHidden(journey.nodes, !match);
          any = any || match;
        });
        setHidden(group.nodes, !any);
      });
      status.textContent = pattern.replace("{shown}", String(count));
    }
    field.addEventListener("input", filter);
    filter();

    // Every column header becomes a button: a first press sorts ascending, the next reverses.
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var collator = new Intl.Collator(document.documentElement.lang || undefined,
                                     { numeric: true, sensitivity: "base" });
    headers.forEach(function (header, column) {
      var numeric = rows.every(function (entry) {
        var cell = entry.row.cells[column];
        return cell && /^\s*-?\d+\s*$/.test(cell.textContent);
      });
      var button = document.createElement("button");
      button.type = "button";
      button.className = "jb-sort";
      while (header.firstChild) {
        button.appendChild(header.firstChild);
      }
      // A glossary term in a header is part of the button now, not a stop of its own.
      Array.prototype.forEach.call(button.querySelectorAll("abbr"), function (abbr) {
        abbr.removeAttribute("tabindex");
      });
      header.appendChild(button);
      button.addEventListener("click", function () {
        var direction = header.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        header.setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
        var key = function (entry) {
          var text = entry.row.cells[column].textContent.trim();
          return numeric ? parseInt(text, 10) : text;
        };
        rows.slice().sort(function (a, b) {
          var order = numeric ? key(a) - key(b) : collator.compare(key(a), key(b));
          // Equal rows keep the playbook's order, whichever the direction.
          return direction * order || a.index - b.index;
        }).forEach(function (entry) { body.appendChild(entry.row); });
      });
    });
  }

  /* Progress: every page opened is remembered (its path and the day); the progress page
     reads that, the checklist ticks and the quiz scores back for each page it lists. */
  var VISITED = "journeybook:visited:";
  var QUIZ = "journeybook:quiz:";  // {"right": n, "total": m}, written by the quiz script

  function remember(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (error) {
      /* storage full or disabled: progress simply does not persist */
    }
  }

  function recall(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null;
    }
  }

  function ticksOn(path) {
    try {
      var state = JSON.parse(recall("journeybook:ticks:" + path) || "{}") || {};
      return Object.keys(state).filter(function (item) { return state[item]; }).length;
    } catch (error) {
      return 0;
    }
  }

  function setupProgress(article) {
    var marker = article.querySelector("p.jb-study");
    if (!marker) {
      return;
    }
    marker.hidden = true;  // "needs JavaScript"
    var rows = Array.prototype.slice.call(article.querySelectorAll("table tbody tr"));
    var opened = 0, ticked = 0, items = 0;
    rows.forEach(function (row) {
      var link = row.cells[0] && row.cells[0].querySelector("a[href]");
      if (!link || row.cells.length < 4) {
        return;
      }
      var path = new URL(link.getAttribute("href"), location.href).pathname;
      var day = recall(VISITED + path);
      row.cells[1].textContent = day ? "\u2713 " + day : "\u2013";
      opened += day ? 1 : 0;
      var total = /\/(\d+)$/.exec(row.cells[2].textContent.trim());
      if (total) {
        var done = Math.min(ticksOn(path), Number(total[1]));
        row.cells[2].textContent = done + "/" + total[1];
        ticked += done;
        items += Number(total[1]);
      }
      try {
        var quiz = JSON.parse(recall(QUIZ + path) || "null");
        if (quiz && typeof quiz.right === "number" && typeof quiz.total === "number") {
          row.cells[3].textContent = quiz.right + "/" + quiz.total;
        }
      } catch (error) { /* an unreadable score shows as none */ }
    });
    // The page carries its words (from the locale files), hidden until used here.
    var words = {};
    ["opened", "done", "reset", "confirm"].forEach(function (name) {
      var word = article.querySelector("p.jb-study__" + name);
      words[name] = word ? word.textContent.trim() : name;
      if (word) {
        word.hidden = true;
      }
    });
    var summary = document.createElement("p");
    summary.className = "jb-study__summary";
    summary.setAttribute("data-progress", opened + "/" + rows.length + ";" + ticked + "/" + items);
    summary.textContent = words.opened + ": " + opened + "/" + rows.length + " \u00b7 " +
      words.done + ": " + ticked + "/" + items;
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "md-button jb-study__reset";
    reset.textContent = words.reset;
    reset.addEventListener("click", function () {
      if (!window.confirm(words.confirm)) {
        return;
      }
      try {
        Object.keys(window.localStorage).forEach(function (key) {
          if (key.indexOf("journeybook:") === 0) {
            window.localStorage.removeItem(key);
          }
        });
      } catch (error) { /* nothing stored */ }
      location.reload();
    });
    marker.parentNode.insertBefore(summary, marker);
    marker.parentNode.insertBefore(reset, marker);
  }

  /* Quizzes: the multiple-choice questions of a stage page (markers: see stage.md.j2) become
     radio buttons or checkboxes with immediate feedback; each question's latest answer and the
     page's score live in localStorage under journeybook:quiz:<path> (read by the progress
     page). Without JavaScript the answers stay in their collapsed blocks. */
  function quizState() {
    try {
      var state = JSON.parse(recall(QUIZ + location.pathname) || "null");
      return state && typeof state.answers === "object" ? state : { answers: {} };
    } catch (error) {
      return { answers: {} };
    }
  }

  function sameChoices(a, b) {
    return a.length === b.length && a.every(function (n) { return b.indexOf(n) !== -1; });
  }

  function setupQuiz(article) {
    var quizzes = Array.prototype.slice.call(article.querySelectorAll("div.jb-quiz"));
    if (!quizzes.length || article.querySelector(".jb-quiz-score")) {
      return;
    }
    var words = {};
    ["score", "check", "right", "wrong", "reset"].forEach(function (name) {
      var word = article.querySelector("p.jb-quiz-word-" + name);
      words[name] = word ? word.textContent.trim() : name;
      if (word) {
        word.hidden = true;
      }
    });
    var state = quizState();
    var score = document.createElement("p");
    score.className = "jb-quiz-score";
    score.setAttribute("role", "status");

    function save(store) {
      var right = quizzes.filter(function (quiz) { return quiz.jbRight; }).length;
      state.right = right;
      state.total = quizzes.length;
      score.setAttribute("data-quiz-score", right + "/" + quizzes.length);
      score.textContent = words.score + ": " + right + "/" + quizzes.length;
      if (store) {  // only once the reader has answered (or cleared) something
        remember(QUIZ + location.pathname, JSON.stringify(state));
      }
    }

    quizzes.forEach(function (quiz, index) {
      var list = quiz.querySelector(":scope > ol");
      var answer = quiz.querySelector(":scope > details.jb-quiz-answer");
      var title = quiz.querySelector(":scope > .admonition-title");
      if (!list) {
        return;
      }
      var several = quiz.classList.contains("jb-quiz-several");
      var correct = Array.prototype.slice.call(quiz.classList)
        .map(function (name) { return /^jb-correct-(\d+)$/.exec(name); })
        .filter(Boolean).map(function (match) { return Number(match[1]); });
      var group = document.createElement("fieldset");
      group.className = "jb-quiz-choices";
      var legend = document.createElement("legend");
      legend.textContent = title ? title.textContent.trim() : "";
      legend.className = "jb-visually-hidden";
      group.appendChild(legend);
      var inputs = Array.prototype.map.call(list.children, function (item, position) {
        var label = document.createElement("label");
        var input = document.createElement("input");
        input.type = several ? "checkbox" : "radio";
        input.name = "jb-quiz-" + index;
        input.value = String(position + 1);
        label.appendChild(input);
        var text = document.createElement("span");
        text.innerHTML = item.innerHTML;  // the choice as the page rendered it
        label.appendChild(text);
        group.appendChild(label);
        return input;
      });
      var feedback = document.createElement("p");
      feedback.className = "jb-quiz-feedback";
      feedback.setAttribute("aria-live", "polite");
      list.hidden = true;
      list.parentNode.insertBefore(group, list);
      list.parentNode.insertBefore(feedback, list.nextSibling);

      function chosen() {
        return inputs.filter(function (input) { return input.checked; })
          .map(function (input) { return Number(input.value); });
      }

      function judge(remembered) {
        var picked = chosen();
        if (!picked.length) {
          return;
        }
        quiz.jbRight = sameChoices(picked, correct);
        feedback.textContent = quiz.jbRight ? words.right : words.wrong;
        feedback.className = "jb-quiz-feedback " + (quiz.jbRight ? "jb-right" : "jb-wrong");
        if (answer) {
          answer.open = true;
        }
        state.answers[index] = picked;
        if (!remembered) {
          save(true);
        }
      }

      if (several) {
        var check = document.createElement("button");
        check.type = "button";
        check.className = "md-button jb-quiz-check";
        check.textContent = words.check;
        check.addEventListener("click", function () { judge(false); });
        group.appendChild(check);
      } else {
        inputs.forEach(function (input) {
          input.addEventListener("change", function () { judge(false); });
        });
      }
      var before = state.answers[index];
      if (Array.isArray(before)) {
        inputs.forEach(function (input) {
          input.checked = before.indexOf(Number(input.value)) !== -1;
        });
        judge(true);
      }
    });

    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "md-button jb-quiz-reset";
    reset.textContent = words.reset;
    reset.addEventListener("click", function () {
      try {
        window.localStorage.removeItem(QUIZ + location.pathname);
      } catch (error) { /* nothing stored */ }
      state = { answers: {} };
      quizzes.forEach(function (quiz) {
        quiz.jbRight = false;
        Array.prototype.forEach.call(quiz.querySelectorAll("input"), function (input) {
          input.checked = false;
        });
        var feedback = quiz.querySelector(".jb-quiz-feedback");
        if (feedback) {
          feedback.textContent = "";
          feedback.className = "jb-quiz-feedback";
        }
        var answer = quiz.querySelector(":scope > details.jb-quiz-answer");
        if (answer) {
          answer.open = false;
        }
      });
      save(true);
    });
    var first = quizzes[0];
    first.parentNode.insertBefore(score, first);
    first.parentNode.insertBefore(reset, first);
    save(false);
  }

  // --- Search: a word typed without diacritics marks the words it found ------------------
  // Material marks the words of the search (`?h=…` in the address) on the page it opens, as
  // typed. The search also finds "tổng" for "tong" (lunr.fold.js); this marks those words too.
  // Words typed with diacritics, and words written as typed, are left to Material.

  function foldedWithPositions(text) {
    // The folded text, and for each of its characters the index in `text` it came from.
    var folded = "";
    var from = [];
    for (var i = 0; i < text.length; i++) {
      var part = foldLetters(text.charAt(i));
      for (var j = 0; j < part.length; j++) {
        folded += part.charAt(j);
        from.push(i);
      }
    }
    from.push(text.length);
    return { text: folded, from: from };
  }

  function setupFoldedHighlight(article) {
    var query = new URLSearchParams(location.search).get("h");
    if (!query) {
      return;
    }
    var terms = query.toLowerCase().split(/[\s*+\-:~^]+/).filter(function (term) {
      return term && foldLetters(term) === term;
    });
    if (!terms.length) {
      return;
    }
    var pattern = new RegExp("(^|[^\\p{L}\\p{N}])(" + terms.map(function (term) {
      return term.replace(/[|\\{}()[\]^$+*?.-]/g, "\\$&");
    }).join("|") + ")", "gu");
    var walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    var found = [];
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.closest("mark, script, style, .md-search")) {
        found.push(node);
      }
    }
    found.forEach(function (node) {
      var text = node.textContent;
      var folded = foldedWithPositions(text);
      var marks = [];
      var match;
      pattern.lastIndex = 0;
      while ((match = pattern.exec(folded.text)) !== null) {
        var start = folded.from[match.index + match[1].length];
        var end = folded.from[match.index + match[0].length];
        // Written as typed: Material has marked it already.
        if (text.slice(start, end).toLowerCase() !== match[2]) {
          marks.push([start, end]);
        }
      }
      for (var k = marks.length - 1; k >= 0; k--) {
        var word = node.splitText(marks[k][0]);
        word.splitText(marks[k][1] - marks[k][0]);
        var mark = document.createElement("mark");
        mark.setAttribute("data-md-highlight", "");
        word.parentNode.replaceChild(mark, word);
        mark.appendChild(word);
      }
    });
  }

  function setupAll() {
    setup();
    var article = document.querySelector("article.md-content__inner");
    remember(VISITED + location.pathname, new Date().toISOString().slice(0, 10));
    if (article) {
      setupJourneyIndex(article);
      setupProgress(article);
      setupQuiz(article);
      setupFoldedHighlight(article);
    }
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setupAll);  // Material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
})();
