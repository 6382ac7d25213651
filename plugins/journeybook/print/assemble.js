// One print document from pages of the built site (`journeybook pdf`, see pdf.py).
//
// Run by Playwright in a blank page served from the site, so `fetch` reaches every page. It
// takes each page's <article> (nothing of the navigation, header, search or buttons), keeps
// the site's stylesheets, and makes what only works on screen work on paper: the light
// pictures of the charts, checkboxes empty, quiz answers and collapsed notes open, links
// between the printed pages turned into links inside the PDF.
async ({ parts, contentsTitle, partHeadings }) => {
  const parser = new DOMParser();
  const sections = parts.flatMap((part) => part.sections);
  const pages = await Promise.all(sections.map(async (section) => {
    const response = await fetch(section.url);
    if (!response.ok) throw new Error(`${section.url}: HTTP ${response.status}`);
    return parser.parseFromString(await response.text(), "text/html");
  }));
  const pageKey = (url) => { const u = new URL(url); u.hash = ""; return u.href; };
  const sectionOf = new Map(sections.map((section, n) => [pageKey(section.url), n]));

  // The site's look: its stylesheets, language and colours (always the light palette).
  const first = pages[0];
  document.documentElement.lang = first.documentElement.lang;
  document.documentElement.dir = first.documentElement.dir;
  for (const link of first.querySelectorAll('head link[rel="stylesheet"]')) {
    const copy = document.createElement("link");
    copy.rel = "stylesheet";
    copy.href = new URL(link.getAttribute("href"), sections[0].url).href;
    document.head.append(copy);
  }
  for (const style of first.querySelectorAll("head style")) {
    document.head.append(document.importNode(style, true));
  }
  for (const attribute of first.body.attributes) {
    document.body.setAttribute(attribute.name, attribute.value);
  }
  document.body.setAttribute("data-md-color-scheme", "default");

  const content = document.createElement("div");
  content.className = "md-content jb-print";
  const contents = document.createElement("nav");
  contents.className = "md-typeset jb-print-contents";
  const title = document.createElement("p");
  title.className = "jb-print-contents__title";
  title.textContent = contentsTitle;
  contents.append(title);
  content.append(contents);

  const entry = (list, label, target, level) => {
    const item = document.createElement("li");
    item.className = `jb-print-contents__entry jb-print-contents__entry--${level}`;
    const link = document.createElement("a");
    link.href = `#${target}`;
    const text = document.createElement("span");
    text.className = "jb-print-contents__label";
    text.textContent = label;
    const number = document.createElement("span");
    number.className = "jb-print-contents__page";
    number.dataset.target = target;
    link.append(text, number);
    item.append(link);
    list.append(item);
    return item;
  };
  const list = document.createElement("ol");
  contents.append(list);

  let n = 0;
  for (const part of parts) {
    let partList = list;
    if (partHeadings) {
      const item = entry(list, part.title, `s${n}`, 1);
      partList = document.createElement("ol");
      item.append(partList);
    }
    for (const section of part.sections) {
      const article = pages[n].querySelector("article");
      if (!article) throw new Error(`${section.url}: the page has no <article>`);
      const id = `s${n}`;
      entry(partList, section.label, id, partHeadings ? 2 : 1);
      const printed = printable(document.importNode(article, true), section.url, id);
      if (partHeadings) demote(printed, section.opensPart ? part.title : null, section.label);
      content.append(printed);
      n += 1;
    }
  }
  document.body.replaceChildren(content);

  function printable(article, url, id) {
    article.className = "md-content__inner md-typeset jb-print-section";
    article.id = id;
    article.querySelectorAll(
      ".md-content__button, .md-source-file, .headerlink, [class^='jb-quiz-word-']",
    ).forEach((element) => element.remove());
    // Charts: the light picture only, not a link to itself; its data table is for screens
    // (readers and search), the picture says it on paper.
    article.querySelectorAll('img[src*="#only-dark"]').forEach((img) => {
      (img.closest("a") || img).remove();
    });
    article.querySelectorAll("img").forEach((img) => {
      const link = img.closest("a");
      if (link && link.querySelector("img") === img && link.textContent.trim() === "") {
        link.replaceWith(img);
      }
      const paragraph = img.closest("p");
      const next = paragraph && paragraph.nextElementSibling;
      if (next && next.matches("details.info") && img.src.includes("#only-light")) next.remove();
      img.src = new URL(img.getAttribute("src"), url).href;
      img.loading = "eager";
    });
    article.querySelectorAll("details").forEach((details) => { details.open = true; });
    article.querySelectorAll('input[type="checkbox"]').forEach((box) => {
      box.checked = false;
      box.removeAttribute("checked");
    });
    // Ids unique across the document; links to a printed page lead inside the PDF, other
    // links of the site lead nowhere on paper and become text.
    article.querySelectorAll("[id]").forEach((element) => {
      if (element !== article) element.id = `${id}-${element.id}`;
    });
    article.querySelectorAll("a[href]").forEach((link) => {
      const target = new URL(link.getAttribute("href"), url);
      if (target.origin !== location.origin) {
        link.href = target.href;
        return;
      }
      const section = sectionOf.get(pageKey(target.href));
      if (section === undefined) {
        link.replaceWith(...link.childNodes);
      } else {
        const anchor = decodeURIComponent(target.hash.slice(1));
        link.href = anchor ? `#s${section}-${anchor}` : `#s${section}`;
      }
    });
    return article;
  }

  // In the whole playbook a journey's pages sit one level under its title, which heads its
  // overview (``partTitle``); each page's own title says what the contents call it.
  function demote(article, partTitle, label) {
    article.querySelectorAll("h1, h2, h3, h4, h5").forEach((heading) => {
      const lower = document.createElement(`h${Number(heading.tagName[1]) + 1}`);
      for (const attribute of heading.attributes) {
        lower.setAttribute(attribute.name, attribute.value);
      }
      lower.append(...heading.childNodes);
      if (heading.tagName === "H1") {
        lower.classList.add("jb-print-title");
        if (partTitle !== null) lower.textContent = label;
      }
      heading.replaceWith(lower);
    });
    if (partTitle !== null) {
      const title = document.createElement("h1");
      title.textContent = partTitle;
      article.prepend(title);
    }
  }

  // Everything drawn before printing: pictures decoded, stylesheets and fonts loaded.
  await Promise.all([...document.images].map((img) => img.decode().catch(() => {
    throw new Error(`cannot load the picture ${img.src}`);
  })));
  await Promise.all([...document.querySelectorAll('link[rel="stylesheet"]')].map((link) =>
    link.sheet ? null : new Promise((resolve) => {
      link.addEventListener("load", resolve);
      link.addEventListener("error", resolve);
    })));
  await document.fonts.ready;
  return sections.length;
};
