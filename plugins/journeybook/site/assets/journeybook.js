/* Journeybook: checklist ticks remembered in this browser, progress, glossary focus.
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

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);  // Material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
