// What a paste from Word, Google Docs or a web page brings is cleaned
// before ProseMirror reads it: read in an inert document (DOMParser: no
// style is applied, nothing loads, the newsroom's CSP is not tripped),
// bold and italic that were styles become <strong> and <em>, and every
// style, class and Office tag goes. The server rebuilds the result again
// on save (markup.CleanHTML).
export function cleanPastedHTML(html) {
  // Style attributes are renamed before parsing: a document the page
  // parses has the page's CSP, which reports every inline style it sees.
  html = html.replace(/<[^>]*>/g, (tag) => tag.replace(/(\s)style(\s*=)/gi, "$1data-paste-style$2"));
  const doc = new DOMParser().parseFromString(html, "text/html");
  const unwrap = (el) => el.replaceWith(...el.childNodes);
  for (const el of [...doc.querySelectorAll("style, script, meta, link, title, xml")]) el.remove();
  for (const el of [...doc.body.querySelectorAll("*")]) {
    if (el.tagName.includes(":")) { // o:p, v:shape and the like
      unwrap(el);
      continue;
    }
    const style = (el.getAttribute("data-paste-style") || "").toLowerCase().replace(/\s+/g, "");
    el.removeAttribute("data-paste-style");
    el.removeAttribute("class");
    el.removeAttribute("lang");
    el.removeAttribute("id");
    if (el.tagName === "B" && style.includes("font-weight:normal")) { // Google Docs' wrapper
      unwrap(el);
      continue;
    }
    if (el.tagName === "SPAN" || el.tagName === "FONT") {
      let tag = "";
      if (/font-weight:(bold|bolder|[6-9]00)/.test(style)) tag = "strong";
      else if (style.includes("font-style:italic")) tag = "em";
      if (tag) {
        const w = doc.createElement(tag);
        w.append(...el.childNodes);
        el.replaceWith(w);
      } else {
        unwrap(el);
      }
    }
  }
  return doc.body.innerHTML;
}
