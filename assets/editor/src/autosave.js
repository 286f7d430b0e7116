// Never lose a word: the editor's form is posted to the server's autosave
// a few seconds after the writer stops typing (at most ten after the first
// change), and once more when the tab is hidden or closed; a copy is also
// kept in this browser for when the server cannot be reached. The state
// shows in a line above the form: "حُفظ تلقائيًا 10:42". A heartbeat every
// 20 s tells who else has the article open, and whether someone took the
// editing over (then this editor stops saving and becomes read-only).
import { csrfToken } from "./net.js";

const QUIET = 3000, LONGEST = 10000, BEAT = 20000;

export function startAutosave({ form, editor, syncBody }) {
  const url = form.dataset.autosave;
  if (!url) return;
  const presenceURL = form.dataset.presence;
  const state = document.getElementById("ed-state");
  const show = (msg) => {
    if (!state) return;
    state.hidden = false;
    state.textContent = msg;
  };
  const localKey = "sahafa-autosave:" + url;
  let dirty = false, first = 0, timer = 0, inFlight = false, stopped = false;

  const payload = () => {
    syncBody();
    const fields = new URLSearchParams(new FormData(form));
    fields.set("body_format", "html");
    return fields;
  };
  const keepLocal = () => {
    try {
      localStorage.setItem(localKey, JSON.stringify({ at: Date.now(), title: form.elements.title.value, body: editor.getHTML() }));
    } catch (e) { /* private mode, or full: the server's copy is enough */ }
  };

  const others = document.createElement("div");
  others.className = "alert presence";
  others.setAttribute("role", "status");
  others.hidden = true;
  if (state) state.after(others);
  const handle = (data) => {
    if (!data) return;
    const names = (data.editors || []).map((p) => p.name + " تحرر هذا المقال منذ " + p.since);
    others.hidden = names.length === 0 || document.querySelector(".alert.presence:not([hidden]) form") !== null;
    others.textContent = names.join("، ");
    if (data.taken_by && !stopped) {
      stopped = true;
      clearTimeout(timer);
      editor.setEditable(false);
      show("تولّت " + data.taken_by + " تحرير هذا المقال؛ توقف الحفظ التلقائي هنا وصار المحرر للقراءة فقط. تغييراتك حتى الآن محفوظة.");
    }
  };

  async function save() {
    if (!dirty || inFlight || stopped) return;
    inFlight = true;
    dirty = false;
    try {
      const res = await fetch(url, {
        method: "POST", body: payload(), credentials: "same-origin",
        headers: { "X-CSRF-Token": csrfToken(), Accept: "application/json" },
      });
      const data = await res.json().catch(() => null);
      if (!res.ok) throw new Error((data && data.error) || String(res.status));
      show("حُفظ تلقائيًا " + data.saved_at);
      if (data.conflict) {
        show("حُفظ تلقائيًا " + data.saved_at + ". تنبيه: حفظ أحدهم نسخة أحدث من المقال (" + data.version +
          ") بعد أن فتحته؛ عملك محفوظ، فافتح المقال في نافذة أخرى لترى التعديل قبل أن تحفظ.");
      }
      handle(data);
    } catch (e) {
      dirty = true;
      show("تعذّر الحفظ التلقائي (" + e.message + ")؛ نسخة من عملك محفوظة في هذا المتصفح، وسنعيد المحاولة.");
    } finally {
      inFlight = false;
      if (dirty && !stopped) schedule(QUIET * 3);
    }
  }
  function schedule(wait) {
    clearTimeout(timer);
    timer = setTimeout(save, Math.max(0, Math.min(wait, first + LONGEST - Date.now())));
  }
  const changed = () => {
    if (stopped) return;
    if (!dirty) first = Date.now();
    dirty = true;
    keepLocal();
    show("تغييرات لم تُحفظ بعد…");
    schedule(QUIET);
  };
  editor.on("update", changed);
  form.addEventListener("input", (e) => {
    if (!e.target.closest(".ed-wrap")) changed();
  });
  form.addEventListener("change", (e) => {
    if (!e.target.closest(".ed-wrap")) changed();
  });
  form.addEventListener("submit", () => {
    stopped = true; // the form itself saves now
    clearTimeout(timer);
    try { localStorage.removeItem(localKey); } catch (e) { /* nothing kept */ }
  });
  // Leaving with work the server does not have yet: the browser asks.
  window.addEventListener("beforeunload", (e) => {
    if ((dirty || inFlight) && !stopped) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
  // A hidden or closing tab: one last save that outlives the page (the
  // form carries its CSRF token, which sendBeacon cannot put in a header).
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden" && dirty && !stopped && navigator.sendBeacon) {
      if (navigator.sendBeacon(url, payload())) dirty = false;
    }
  });

  if (presenceURL) {
    setInterval(async () => {
      if (stopped && !document.hidden) return;
      try {
        const res = await fetch(presenceURL, { method: "POST", credentials: "same-origin",
          headers: { "X-CSRF-Token": csrfToken(), Accept: "application/json" } });
        if (res.ok) handle(await res.json());
      } catch (e) { /* the next beat will do */ }
    }, BEAT);
  }

  // A copy in this browser newer than the article and than what opened:
  // the server could not be reached when it was written.
  try {
    const kept = JSON.parse(localStorage.getItem(localKey) || "null");
    const updated = Number(form.dataset.updated || 0);
    if (kept && kept.at > updated && kept.body && kept.body !== editor.getHTML()) {
      const offer = document.createElement("div");
      offer.className = "alert";
      offer.setAttribute("role", "alert");
      const when = new Date(kept.at).toLocaleTimeString("ar", { hour: "2-digit", minute: "2-digit", numberingSystem: "latn" });
      const text = document.createElement("p");
      text.textContent = "في هذا المتصفح نسخة من عملك على هذا المقال من " + when + " لم تصل إلى الخادم.";
      const restore = document.createElement("button");
      restore.type = "button";
      restore.className = "primary";
      restore.textContent = "استعِدها";
      const drop = document.createElement("button");
      drop.type = "button";
      drop.className = "link";
      drop.textContent = "احذفها";
      restore.addEventListener("click", () => {
        editor.commands.setContent(kept.body);
        if (kept.title) form.elements.title.value = kept.title;
        offer.remove();
        changed();
      });
      drop.addEventListener("click", () => {
        localStorage.removeItem(localKey);
        offer.remove();
      });
      offer.append(text, restore, drop);
      form.before(offer);
    }
  } catch (e) { /* no local copy */ }
}
