// The editor's dialogs: a link, a URL, the media library, the archive.
// Each returns a promise of what was chosen (null when cancelled).
import { request } from "./net.js";

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  e.append(...kids.filter((k) => k !== null && k !== undefined));
  return e;
}

// dialog opens a modal <dialog> built by build(dialog, done) and resolves
// with what done is given; Escape or the close button give null.
function dialog(title, build) {
  return new Promise((resolve) => {
    const d = el("dialog", { class: "ed-dialog", "aria-label": title });
    const close = el("button", { type: "button", class: "ed-close", "aria-label": "إغلاق", text: "×" });
    let settled = false;
    const done = (value) => {
      if (settled) return;
      settled = true;
      d.close();
      d.remove();
      resolve(value);
    };
    close.addEventListener("click", () => done(null));
    d.addEventListener("cancel", () => done(null));
    d.append(el("div", { class: "ed-dialog-head" }, el("h2", { text: title }), close));
    build(d, done);
    document.body.append(d);
    d.showModal();
  });
}

// askURL asks for a URL (a link, a card), with an optional initial value.
export function askURL(title, label, initial) {
  return dialog(title, (d, done) => {
    const input = el("input", { type: "url", dir: "ltr", placeholder: "https://", id: "ed-url" });
    input.value = initial || "";
    const form = el("form", { method: "dialog", class: "ed-form" },
      el("label", { for: "ed-url", text: label }), input,
      el("div", { class: "ed-actions" },
        el("button", { type: "submit", class: "primary", text: "تم" }),
        initial ? el("button", { type: "button", class: "danger", "data-remove": "1", text: "أزل الرابط" }) : null));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      done(input.value.trim());
    });
    const remove = form.querySelector("[data-remove]");
    if (remove) remove.addEventListener("click", () => done(""));
    d.append(form);
    setTimeout(() => input.focus(), 0);
  });
}

// pickMedia shows the library, searchable, with an upload field; resolves
// with one image (or, with multiple, a list) as the API gives them.
export function pickMedia({ multiple = false, upload } = {}) {
  return dialog(multiple ? "اختر صور المعرض" : "اختر صورة من المكتبة", (d, done) => {
    const search = el("input", { type: "search", placeholder: "ابحث في الوصف والتعليق والمصوّر", "aria-label": "بحث في المكتبة" });
    const grid = el("ul", { class: "ed-media-grid", role: "listbox", "aria-multiselectable": multiple ? "true" : "false" });
    const status = el("p", { class: "ed-status", "aria-live": "polite" });
    const chosen = new Map();
    const file = el("input", { type: "file", accept: "image/jpeg,image/png,image/webp", "aria-label": "رفع صورة" });
    const alt = el("input", { type: "text", placeholder: "وصف الصورة (النص البديل، مطلوب)", dir: "auto", "aria-label": "النص البديل" });
    const credit = el("input", { type: "text", placeholder: "المصوّر أو الوكالة", dir: "auto", "aria-label": "المصوّر" });
    const up = el("button", { type: "button", text: "ارفع" });
    const finish = el("button", { type: "button", class: "primary", text: "أدرج المختارة" });
    const render = (items) => {
      grid.replaceChildren(...items.map((m) => {
        const b = el("button", { type: "button", role: "option", "aria-selected": chosen.has(m.id) ? "true" : "false", title: m.alt },
          el("img", { src: m.thumb, alt: m.alt, loading: "lazy", width: "160" }),
          el("span", { text: m.alt }));
        if (m.status && m.status !== "ready") b.append(el("small", { text: "قيد المعالجة" }));
        b.addEventListener("click", () => {
          if (!multiple) return done(m);
          if (chosen.has(m.id)) chosen.delete(m.id);
          else chosen.set(m.id, m);
          b.setAttribute("aria-selected", chosen.has(m.id) ? "true" : "false");
        });
        return el("li", {}, b);
      }));
      if (!items.length) status.textContent = "لا صور تطابق البحث.";
    };
    let timer = 0;
    const load = async () => {
      status.textContent = "جارٍ التحميل…";
      try {
        const data = await request("GET", "/newsroom/media.json?limit=48&q=" + encodeURIComponent(search.value.trim()));
        status.textContent = "";
        render(data.media || []);
      } catch (e) {
        status.textContent = e.message;
      }
    };
    search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(load, 250);
    });
    up.addEventListener("click", async () => {
      if (!file.files.length) {
        status.textContent = "اختر ملف صورة أولًا.";
        return;
      }
      status.textContent = "جارٍ الرفع…";
      try {
        const m = await upload(file.files[0], alt.value.trim(), credit.value.trim());
        status.textContent = "";
        if (!multiple) return done(m);
        chosen.set(m.id, m);
        load();
      } catch (e) {
        status.textContent = e.message;
      }
    });
    finish.addEventListener("click", () => done([...chosen.values()]));
    d.append(
      el("div", { class: "ed-form" }, search),
      status,
      grid,
      el("fieldset", { class: "ed-upload" }, el("legend", { text: "رفع صورة جديدة" }), file, alt, credit, up),
      multiple ? el("div", { class: "ed-actions" }, finish) : null,
    );
    load();
  });
}

// pickArticle searches the published archive for a related-article card.
export function pickArticle() {
  return dialog("اختر مقالًا ذا صلة", (d, done) => {
    const search = el("input", { type: "search", placeholder: "ابحث في الأرشيف", "aria-label": "بحث في الأرشيف" });
    const list = el("ul", { class: "ed-article-list" });
    const status = el("p", { class: "ed-status", "aria-live": "polite", text: "اكتب كلمات من العنوان أو النص." });
    let timer = 0;
    const load = async () => {
      const q = search.value.trim();
      if (!q) return;
      status.textContent = "جارٍ البحث…";
      try {
        const data = await request("GET", "/newsroom/articles.json?q=" + encodeURIComponent(q));
        const items = data.articles || [];
        status.textContent = items.length ? "" : "لا نتائج.";
        list.replaceChildren(...items.map((a) => {
          const b = el("button", { type: "button" }, el("strong", { text: a.title }), el("small", { text: a.section + " · " + a.date }));
          b.addEventListener("click", () => done(a));
          return el("li", {}, b);
        }));
      } catch (e) {
        status.textContent = e.message;
      }
    };
    search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(load, 250);
    });
    d.append(el("div", { class: "ed-form" }, search), status, list);
    setTimeout(() => search.focus(), 0);
  });
}
