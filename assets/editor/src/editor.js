// Sahafa's rich-text article editor, on Tiptap (ProseMirror). It takes the
// place of the Markdown textarea when JavaScript runs; the form still
// posts, with the body as HTML (body_format=html) that the server rebuilds
// and sanitizes (markup.CleanHTML). Without JavaScript the textarea works
// as before.
import { Editor, Extension } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import { TableKit } from "@tiptap/extension-table";
import { Placeholder } from "@tiptap/extensions";
import { Figure, Gallery, Embed, PullQuote, FactBox, RelatedCard } from "./blocks.js";
import { askURL, pickMedia, pickArticle } from "./dialogs.js";
import { request, dataURLToBlob } from "./net.js";
import { startAutosave } from "./autosave.js";
import { countWords, readingMinutes, titleHint } from "./counts.js";
import { Direction } from "./direction.js";
import { cleanPastedHTML } from "./paste.js";
import { startPanels } from "./panels.js";

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  e.append(...kids);
  return e;
}

// upload sends a file to the library and returns the image as the API
// gives it.
export async function upload(file, alt, credit) {
  const fd = new FormData();
  fd.append("file", file);
  fd.append("alt", alt || "");
  fd.append("credit", credit || "");
  const data = await request("POST", "/newsroom/media/upload.json", fd);
  return data.media;
}

// insertBlock inserts an atom block (an image, a card) and puts the cursor
// in a paragraph after it, so that typing or pasting goes on below it
// instead of replacing it.
function insertBlock(editor, node) {
  const { $to } = editor.state.selection;
  const atEnd = $to.pos >= editor.state.doc.content.size - 1;
  editor.chain().focus().insertContent(atEnd ? [node, { type: "paragraph" }] : node).run();
  const sel = editor.state.selection;
  if (sel.node) editor.commands.setTextSelection(sel.to + 1);
}

// figureAttrs are a figure's attributes for a library image.
function figureAttrs(m) {
  return { src: m.src, alt: m.alt, caption: m.caption || "", credit: m.credit || "", mediaId: m.id };
}

// Shortcuts beyond StarterKit's (Mod-b, Mod-i, Mod-z, Mod-Shift-z,
// Mod-Alt-2/3 for the headings, Mod-Shift-7/8 for lists, Mod-Shift-b for
// quotes): Mod-k for a link.
function shortcuts(actions) {
  return Extension.create({
    name: "sahafaShortcuts",
    addKeyboardShortcuts() {
      return { "Mod-k": () => { actions.link(); return true; } };
    },
  });
}

let uploadSeq = 0;

// uploadPasted puts into the library the images a paste or a drop brought
// (data: URLs from Word, addresses of other sites), one at a time, and
// points their figures at the library's copy; an image that cannot be
// uploaded is taken out, with a word saying so.
function uploadPasted(editor, say) {
  const todo = [];
  editor.state.doc.descendants((node, pos) => {
    if (node.type.name !== "figure" || node.attrs.uploading || node.attrs.mediaId) return;
    const src = node.attrs.src || "";
    if (src.startsWith("/media/")) return;
    todo.push({ node, pos });
  });
  if (!todo.length) return;
  let tr = editor.state.tr;
  const ids = todo.map(({ node, pos }) => {
    const id = "u" + ++uploadSeq;
    tr = tr.setNodeMarkup(pos, undefined, { ...node.attrs, uploading: id });
    return { id, src: node.attrs.src, alt: node.attrs.alt };
  });
  tr.setMeta("addToHistory", false);
  editor.view.dispatch(tr);
  const find = (id) => {
    let found = null;
    editor.state.doc.descendants((node, pos) => {
      if (node.type.name === "figure" && node.attrs.uploading === id) found = { node, pos };
    });
    return found;
  };
  (async () => {
    for (const job of ids) {
      let media = null, problem = "";
      try {
        if (job.src.startsWith("data:")) {
          const blob = dataURLToBlob(job.src);
          if (!blob) throw new Error("صورة ملصقة غير مقروءة");
          media = await upload(new File([blob], "pasted", { type: blob.type }), job.alt || "صورة", "");
        } else if (/^https?:\/\//i.test(job.src)) {
          media = (await request("POST", "/newsroom/media/fetch.json", { url: job.src, alt: job.alt || "صورة" })).media;
        } else {
          throw new Error("لم يكن بالإمكان نسخ صورة ملصقة (ملف على جهاز آخر)؛ ارفعها من المكتبة");
        }
      } catch (e) {
        problem = e.message;
      }
      const at = find(job.id);
      if (!at) continue;
      const t = editor.state.tr.setMeta("addToHistory", false);
      if (media) {
        t.setNodeMarkup(at.pos, undefined, { ...at.node.attrs, ...figureAttrs(media), alt: at.node.attrs.alt || media.alt, uploading: false });
      } else {
        t.delete(at.pos, at.pos + at.node.nodeSize);
        say("أُزيلت صورة ملصقة: " + problem);
      }
      editor.view.dispatch(t);
    }
  })();
}

function start() {
  const form = document.getElementById("article-form");
  const textarea = document.getElementById("body");
  const initial = document.getElementById("body-html");
  if (!form || !textarea || !initial) return;

  const mount = el("div", { class: "ed-editor article-body" });
  const status = el("p", { class: "ed-status", role: "status", "aria-live": "polite" });
  const counter = el("p", { class: "ed-counts muted" });
  const toolbar = el("div", { class: "ed-toolbar", role: "toolbar", "aria-label": "تنسيق المقال" });
  const wrap = el("div", { class: "ed-wrap" }, toolbar, mount, counter, status);
  textarea.before(wrap);
  document.documentElement.classList.add("rich-editor");
  const say = (msg) => { status.textContent = msg; };

  let ready = false; // onUpdate runs during construction, before the widgets exist
  const editor = new Editor({
    element: mount,
    textDirection: "auto",
    injectCSS: false, // the newsroom's CSP allows its own stylesheets only: editor.css has Tiptap's rules
    editorProps: {
      attributes: { dir: "rtl", class: "ed-content", "aria-label": "نص المقال", "aria-multiline": "true", role: "textbox" },
      transformPastedHTML: cleanPastedHTML,
      handlePaste: (view, event) => {
        const files = [...(event.clipboardData ? event.clipboardData.files : [])].filter((f) => f.type.startsWith("image/"));
        if (!files.length) return false;
        insertFiles(files);
        return true;
      },
      handleDrop: (view, event) => {
        const files = [...(event.dataTransfer ? event.dataTransfer.files : [])].filter((f) => f.type.startsWith("image/"));
        if (!files.length) return false;
        insertFiles(files);
        return true;
      },
    },
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3] },
        code: false,
        codeBlock: false,
        underline: false,
        link: { openOnClick: false, autolink: true, linkOnPaste: true, defaultProtocol: "https",
          protocols: ["http", "https", "mailto"], HTMLAttributes: { rel: null, target: null } },
      }),
      TableKit.configure({ table: { resizable: false } }),
      Placeholder.configure({ placeholder: "اكتب نص المقال هنا…" }),
      Figure, Gallery, Embed, PullQuote, FactBox, RelatedCard, Direction,
      shortcuts({ link: () => actions.link() }),
    ],
    content: initial.innerHTML,
    onUpdate: () => {
      if (!ready) return;
      showCounts();
      uploadPasted(editor, say);
    },
  });

  async function insertFiles(files) {
    for (const f of files) {
      say("جارٍ رفع " + f.name + "…");
      try {
        const m = await upload(f, "", "");
        insertBlock(editor, { type: "figure", attrs: figureAttrs(m) });
        say("");
      } catch (e) {
        say(e.message);
      }
    }
  }

  const actions = {
    link: async () => {
      const prev = editor.getAttributes("link").href || "";
      const url = await askURL("رابط", "عنوان الرابط", prev);
      if (url === null) return editor.commands.focus();
      if (url === "") return editor.chain().focus().extendMarkRange("link").unsetLink().run();
      if (!/^(https?:\/\/|mailto:|\/)/i.test(url)) return say("استخدم رابطًا يبدأ بـ https:// أو http:// أو mailto: أو / لصفحة في الموقع");
      if (editor.state.selection.empty && !editor.isActive("link")) {
        return editor.chain().focus().insertContent({ type: "text", text: url, marks: [{ type: "link", attrs: { href: url } }] }).run();
      }
      editor.chain().focus().extendMarkRange("link").setLink({ href: url }).run();
    },
    image: async () => {
      const m = await pickMedia({ upload });
      if (m) insertBlock(editor, { type: "figure", attrs: figureAttrs(m) });
      else editor.commands.focus();
    },
    gallery: async () => {
      const list = await pickMedia({ multiple: true, upload });
      if (list && list.length) {
        insertBlock(editor, { type: "gallery", attrs: { images: list.map((m) => ({ src: m.src, alt: m.alt, mediaId: m.id })) } });
      } else editor.commands.focus();
    },
    embed: async () => {
      const url = await askURL("بطاقة رابط", "رابط فيديو أو منشور (يوتيوب، إكس، ساوندكلاود…)", "");
      if (url && /^https?:\/\//i.test(url)) insertBlock(editor, { type: "embed", attrs: { href: url } });
      else editor.commands.focus();
    },
    related: async () => {
      const a = await pickArticle();
      if (a) insertBlock(editor, { type: "relatedCard", attrs: { id: String(a.id), href: a.path, title: a.title } });
      else editor.commands.focus();
    },
    factBox: () => editor.chain().focus().insertContent({ type: "factBox", content: [{ type: "paragraph", content: [{ type: "text", marks: [{ type: "bold" }], text: "حقائق" }] }, { type: "bulletList", content: [{ type: "listItem", content: [{ type: "paragraph" }] }] }] }).run(),
    pullQuote: () => editor.chain().focus().setNode("pullQuote").run(),
    table: () => editor.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
  };

  const buttons = [
    ["عريض", "ع", () => editor.chain().focus().toggleBold().run(), "bold", "Ctrl+B"],
    ["مائل", "م", () => editor.chain().focus().toggleItalic().run(), "italic", "Ctrl+I"],
    ["يتوسطه خط", "ش", () => editor.chain().focus().toggleStrike().run(), "strike"],
    ["رابط", "رابط", actions.link, "link", "Ctrl+K"],
    "|",
    ["عنوان فرعي", "ع٢", () => editor.chain().focus().toggleHeading({ level: 2 }).run(), "heading:2", "Ctrl+Alt+2"],
    ["عنوان أصغر", "ع٣", () => editor.chain().focus().toggleHeading({ level: 3 }).run(), "heading:3", "Ctrl+Alt+3"],
    ["فقرة", "¶", () => editor.chain().focus().setParagraph().run(), "paragraph"],
    ["اقتباس", "❝", () => editor.chain().focus().toggleBlockquote().run(), "blockquote", "Ctrl+Shift+B"],
    ["اقتباس بارز", "❝❝", actions.pullQuote, "pullQuote"],
    ["قائمة", "•", () => editor.chain().focus().toggleBulletList().run(), "bulletList", "Ctrl+Shift+8"],
    ["قائمة مرقمة", "١.", () => editor.chain().focus().toggleOrderedList().run(), "orderedList", "Ctrl+Shift+7"],
    "|",
    ["صورة", "صورة", actions.image, "figure"],
    ["معرض صور", "معرض", actions.gallery, "gallery"],
    ["بطاقة رابط", "بطاقة", actions.embed, "embed"],
    ["مقال ذو صلة", "ذو صلة", actions.related, "relatedCard"],
    ["صندوق حقائق", "حقائق", actions.factBox, "factBox"],
    ["جدول", "جدول", actions.table, "table"],
    ["فاصل", "—", () => editor.chain().focus().setHorizontalRule().run(), "horizontalRule"],
    "|",
    ["تراجع", "↶", () => editor.chain().focus().undo().run(), "", "Ctrl+Z"],
    ["إعادة", "↷", () => editor.chain().focus().redo().run(), "", "Ctrl+Shift+Z"],
  ];
  const stateButtons = [];
  for (const b of buttons) {
    if (b === "|") {
      toolbar.append(el("span", { class: "ed-sep", "aria-hidden": "true" }));
      continue;
    }
    const [label, face, run, state, keys] = b;
    const btn = el("button", { type: "button", title: keys ? label + " (" + keys + ")" : label, "aria-label": label, text: face });
    btn.addEventListener("mousedown", (e) => e.preventDefault()); // keep the selection
    btn.addEventListener("click", run);
    if (state) stateButtons.push([btn, state]);
    toolbar.append(btn);
  }
  // Table tools appear while the cursor is in a table.
  const tableTools = el("span", { class: "ed-table-tools", hidden: "" });
  for (const [label, run] of [
    ["صف بعد", () => editor.chain().focus().addRowAfter().run()],
    ["عمود بعد", () => editor.chain().focus().addColumnAfter().run()],
    ["احذف الصف", () => editor.chain().focus().deleteRow().run()],
    ["احذف العمود", () => editor.chain().focus().deleteColumn().run()],
    ["احذف الجدول", () => editor.chain().focus().deleteTable().run()],
  ]) {
    const btn = el("button", { type: "button", text: label });
    btn.addEventListener("mousedown", (e) => e.preventDefault());
    btn.addEventListener("click", run);
    tableTools.append(btn);
  }
  toolbar.append(tableTools);
  const showState = () => {
    for (const [btn, state] of stateButtons) {
      const [name, level] = state.split(":");
      const on = level ? editor.isActive(name, { level: Number(level) }) : editor.isActive(name);
      btn.setAttribute("aria-pressed", on ? "true" : "false");
    }
    tableTools.hidden = !editor.isActive("table");
  };
  editor.on("selectionUpdate", showState);
  editor.on("transaction", showState);

  // Word count and reading time; headline length.
  const title = document.getElementById("title");
  const hint = el("p", { class: "ed-hint muted", "aria-live": "polite" });
  if (title) title.after(hint);
  const showCounts = () => {
    const n = countWords(editor.getText());
    counter.textContent = n + " كلمة · " + readingMinutes(n) + " دقيقة قراءة";
    if (title) hint.textContent = titleHint(title.value);
  };
  if (title) title.addEventListener("input", showCounts);
  showCounts();

  // The form posts the editor's HTML in place of the textarea's Markdown.
  const format = el("input", { type: "hidden", name: "body_format", value: "html" });
  form.append(format);
  const syncBody = () => { textarea.value = editor.getHTML(); };
  form.addEventListener("submit", syncBody);
  textarea.required = false;

  ready = true;
  // Directions of the blocks as opened (a Markdown article has none yet).
  editor.view.dispatch(editor.state.tr.setMeta("sahafaDirection:all", true).setMeta("addToHistory", false));
  startAutosave({ form, editor, syncBody, say });
  window.sahafaEditor = editor; // for the browser tests
}

function boot() {
  startPanels(upload);
  start();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
