// The editor form's side panels, and the newsroom pages that share them:
// choosing a library image by thumbnail and search (lead image, share
// image, an author's photo), the live search-result and share-card
// previews of the SEO panel, length counts, and byline completion from
// the author directory. Each finds its fields by data attributes and does
// nothing on a page without them; without JavaScript the number fields
// and the server's previews still work.
import { pickMedia } from "./dialogs.js";
import { request } from "./net.js";

// upload is the editor's upload (passed in, to keep one copy).
export function startPanels(upload) {
  imagePickers(upload);
  seoPreviews();
  lengthCounts();
  bylineCompletion();
}

function setField(id, value, onlyIfEmpty) {
  const f = id && document.getElementById(id);
  if (!f || (onlyIfEmpty && f.value)) return;
  f.value = value;
  f.dispatchEvent(new Event("input", { bubbles: true }));
}

function imagePickers(upload) {
  document.querySelectorAll("[data-pick-image]").forEach((btn) => {
    btn.hidden = false;
    btn.addEventListener("click", async () => {
      const m = await pickMedia({ upload });
      if (!m) return;
      setField(btn.dataset.pickImage, String(m.id));
      setField(btn.dataset.altField, m.alt || "", true);
      const preview = btn.dataset.thumb && document.getElementById(btn.dataset.thumb);
      if (preview) {
        const img = document.createElement("img");
        img.src = m.thumb;
        img.alt = m.alt || "";
        img.width = 120;
        img.className = "lead-thumb";
        preview.replaceChildren(img);
      }
      // The share card shows the lead image until a share image is set.
      if (btn.dataset.pickImage === "image_id") {
        const share = document.getElementById("share-image");
        const own = document.getElementById("social_image_id");
        if (share && own && !own.value) {
          const img = document.createElement("img");
          img.src = m.thumb;
          img.alt = "";
          share.replaceChildren(img);
        }
      }
    });
  });
}

// seoPreviews keeps each [data-shows="a|b|c"] showing the first of the
// fields a, b, c that is not empty, as search engines and share cards
// fall back.
function seoPreviews() {
  const targets = [...document.querySelectorAll("[data-shows]")];
  if (!targets.length) return;
  const fields = new Set();
  const show = () => {
    for (const t of targets) {
      let text = "";
      for (const id of t.dataset.shows.split("|")) {
        const f = document.getElementById(id);
        if (f && "value" in f && f.value.trim()) {
          text = f.value.trim();
          break;
        }
      }
      t.textContent = text;
    }
  };
  for (const t of targets) for (const id of t.dataset.shows.split("|")) fields.add(id);
  for (const id of fields) {
    const f = document.getElementById(id);
    if (f) f.addEventListener("input", show);
  }
  show();
}

// lengthCounts shows "n / max" beside a field, marked past the length
// search engines show.
function lengthCounts() {
  document.querySelectorAll("[data-count-for]").forEach((out) => {
    const f = document.getElementById(out.dataset.countFor);
    if (!f) return;
    const max = Number(out.dataset.countMax) || 0;
    const show = () => {
      const n = [...f.value.trim()].length;
      out.textContent = n ? "(" + n + " / " + max + ")" : "";
      out.classList.toggle("over", max > 0 && n > max);
    };
    f.addEventListener("input", show);
    show();
  });
}

// bylineCompletion suggests names from the author directory for the name
// being typed after the last comma, in a <datalist>.
function bylineCompletion() {
  const input = document.querySelector("[data-authors]");
  if (!input) return;
  const list = document.createElement("datalist");
  list.id = input.id + "-suggestions";
  input.after(list);
  input.setAttribute("list", list.id);
  let timer = 0, seq = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const parts = input.value.split(/[,،]/);
      const last = parts.pop().trim();
      if ([...last].length < 2) return list.replaceChildren();
      const mine = ++seq;
      try {
        const data = await request("GET", input.dataset.authors + "?q=" + encodeURIComponent(last));
        if (mine !== seq) return;
        const head = parts.map((p) => p.trim()).filter(Boolean);
        list.replaceChildren(...(data.authors || []).map((a) => {
          const o = document.createElement("option");
          o.value = [...head, a.name].join("، ");
          o.label = a.name + " (" + a.articles + ")";
          return o;
        }));
      } catch (e) {
        list.replaceChildren();
      }
    }, 200);
  });
}
