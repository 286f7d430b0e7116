// The article blocks Sahafa adds to Tiptap's: images with caption and
// credit, galleries, link cards, pull quotes, fact boxes and related-article
// cards. Their HTML is the contract with the server (markup.CleanHTML),
// which rebuilds it on save whatever the browser sent.
import { Node, mergeAttributes } from "@tiptap/core";

// text is the text of the first element matching selector under el.
function text(el, selector) {
  const found = el.querySelector(selector);
  return found ? found.textContent.trim() : "";
}

// captionOf reads a figcaption: its own text, and the credit apart.
function captionOf(figure) {
  const cap = figure.querySelector("figcaption");
  if (!cap) return { caption: "", credit: "" };
  const credit = cap.querySelector(".credit");
  const creditText = credit ? credit.textContent.trim() : "";
  let caption = cap.textContent.trim();
  if (creditText && caption.endsWith(creditText)) caption = caption.slice(0, -creditText.length).trim();
  return { caption, credit: creditText };
}

function captionSpec(caption, credit) {
  if (!caption && !credit) return null;
  const parts = ["figcaption", { dir: "auto" }];
  if (caption) parts.push(caption);
  if (credit) parts.push(["span", { class: "credit" }, credit]);
  return parts;
}

// field makes a labelled input of a node view that edits one attribute.
function field(label, value, onInput) {
  const wrap = document.createElement("label");
  wrap.className = "ed-field";
  const span = document.createElement("span");
  span.textContent = label;
  const input = document.createElement("input");
  input.value = value || "";
  input.dir = "auto";
  input.addEventListener("input", () => onInput(input.value));
  wrap.append(span, input);
  return { wrap, input };
}

// attrSetter returns a function that sets one attribute of the node a
// node view shows, as an undoable step.
function attrSetter(editor, getPos) {
  return (name, value) => {
    const pos = getPos();
    if (typeof pos !== "number") return;
    editor.view.dispatch(editor.view.state.tr.setNodeAttribute(pos, name, value));
  };
}

export const Figure = Node.create({
  name: "figure",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return {
      src: { default: "" },
      alt: { default: "" },
      caption: { default: "" },
      credit: { default: "" },
      mediaId: { default: null },
      uploading: { default: false, rendered: false },
    };
  },
  parseHTML() {
    const fromImg = (img) => ({ src: img.getAttribute("src") || "", alt: img.getAttribute("alt") || "" });
    return [
      {
        tag: "figure",
        priority: 40,
        getAttrs: (el) => {
          if (el.classList.contains("embed") || el.classList.contains("gallery")) return false;
          const img = el.querySelector("img");
          if (!img) return false;
          return { ...fromImg(img), ...captionOf(el) };
        },
      },
      { tag: "img[src]", getAttrs: (el) => fromImg(el) },
    ];
  },
  renderHTML({ node }) {
    const { src, alt, caption, credit } = node.attrs;
    const out = ["figure", { class: "image" }, ["img", { src, alt }]];
    const cap = captionSpec(caption, credit);
    if (cap) out.push(cap);
    return out;
  },
  addNodeView() {
    return ({ node, editor, getPos }) => {
      const set = attrSetter(editor, getPos);
      const dom = document.createElement("figure");
      dom.className = "image ed-figure";
      dom.contentEditable = "false";
      const img = document.createElement("img");
      const alt = field("النص البديل", node.attrs.alt, (v) => set("alt", v));
      const caption = field("التعليق", node.attrs.caption, (v) => set("caption", v));
      const credit = field("المصوّر أو الوكالة", node.attrs.credit, (v) => set("credit", v));
      const status = document.createElement("p");
      status.className = "ed-status";
      dom.append(img, status, caption.wrap, credit.wrap, alt.wrap);
      const show = (n) => {
        img.src = n.attrs.src;
        img.alt = n.attrs.alt;
        status.textContent = n.attrs.uploading ? "جارٍ رفع الصورة إلى المكتبة…" : "";
        for (const [f, v] of [[alt, n.attrs.alt], [caption, n.attrs.caption], [credit, n.attrs.credit]]) {
          if (document.activeElement !== f.input && f.input.value !== v) f.input.value = v;
        }
      };
      show(node);
      return {
        dom,
        update: (n) => {
          if (n.type.name !== "figure") return false;
          show(n);
          return true;
        },
        stopEvent: (e) => e.target instanceof HTMLInputElement,
        ignoreMutation: () => true,
      };
    };
  },
});

export const Gallery = Node.create({
  name: "gallery",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return {
      images: { default: [] }, // [{src, alt, mediaId}]
      caption: { default: "" },
      credit: { default: "" },
    };
  },
  parseHTML() {
    return [
      {
        tag: "figure.gallery",
        priority: 60,
        getAttrs: (el) => ({
          images: [...el.querySelectorAll("img")].map((img) => ({ src: img.getAttribute("src") || "", alt: img.getAttribute("alt") || "" })),
          ...captionOf(el),
        }),
      },
    ];
  },
  renderHTML({ node }) {
    const out = ["figure", { class: "gallery" }, ...node.attrs.images.map((i) => ["img", { src: i.src, alt: i.alt }])];
    const cap = captionSpec(node.attrs.caption, node.attrs.credit);
    if (cap) out.push(cap);
    return out;
  },
  addNodeView() {
    return ({ node, editor, getPos }) => {
      const set = attrSetter(editor, getPos);
      const dom = document.createElement("figure");
      dom.className = "gallery ed-figure";
      dom.contentEditable = "false";
      const grid = document.createElement("div");
      grid.className = "ed-gallery";
      const caption = field("تعليق المعرض", node.attrs.caption, (v) => set("caption", v));
      const credit = field("المصوّر أو الوكالة", node.attrs.credit, (v) => set("credit", v));
      dom.append(grid, caption.wrap, credit.wrap);
      const show = (n) => {
        grid.replaceChildren(...n.attrs.images.map((i) => {
          const img = document.createElement("img");
          img.src = i.src;
          img.alt = i.alt;
          return img;
        }));
      };
      show(node);
      return {
        dom,
        update: (n) => {
          if (n.type.name !== "gallery") return false;
          show(n);
          return true;
        },
        stopEvent: (e) => e.target instanceof HTMLInputElement,
        ignoreMutation: () => true,
      };
    };
  },
});

// Embed is a link card: the server makes the card of a known media host
// (YouTube, X …) and a plain link of anything else; nothing is loaded
// from those hosts, in the editor or on the page.
export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return { href: { default: "" }, label: { default: "" }, domain: { default: "" } };
  },
  parseHTML() {
    return [
      {
        tag: "figure.embed",
        priority: 60,
        getAttrs: (el) => {
          const a = el.querySelector("a[href]");
          if (!a) return false;
          return { href: a.getAttribute("href"), label: a.textContent.trim(), domain: text(el, "figcaption") };
        },
      },
    ];
  },
  renderHTML({ node }) {
    const { href, label, domain } = node.attrs;
    const out = ["figure", { class: "embed" }, ["a", { class: "embed-link", href }, label || href]];
    if (domain) out.push(["figcaption", {}, domain]);
    return out;
  },
});

export const PullQuote = Node.create({
  name: "pullQuote",
  group: "block",
  content: "inline*",
  defining: true,
  parseHTML() {
    return [{ tag: "blockquote.pullquote", priority: 60, contentElement: "p" }];
  },
  renderHTML({ HTMLAttributes }) {
    return ["blockquote", mergeAttributes(HTMLAttributes, { class: "pullquote" }), ["p", 0]];
  },
});

export const FactBox = Node.create({
  name: "factBox",
  group: "block",
  content: "(paragraph | heading | bulletList | orderedList)+",
  defining: true,
  parseHTML() {
    return [{ tag: "aside.factbox", priority: 60 }];
  },
  renderHTML({ HTMLAttributes }) {
    return ["aside", mergeAttributes(HTMLAttributes, { class: "factbox" }), 0];
  },
});

export const RelatedCard = Node.create({
  name: "relatedCard",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return { id: { default: "" }, href: { default: "" }, title: { default: "" } };
  },
  parseHTML() {
    return [
      {
        tag: "aside.related-card[data-article]",
        priority: 60,
        getAttrs: (el) => {
          const a = el.querySelector("a");
          return { id: el.getAttribute("data-article"), href: a ? a.getAttribute("href") : "", title: a ? a.textContent.trim() : "" };
        },
      },
    ];
  },
  renderHTML({ node }) {
    return ["aside", { class: "related-card", "data-article": node.attrs.id }, ["a", { href: node.attrs.href }, node.attrs.title]];
  },
});
