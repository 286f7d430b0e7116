// A live page (تغطية مباشرة): while the coverage runs, ask the server for
// this page again every few seconds — answered 304 while nothing changed —
// and offer the updates that are new: a button in the line that counts
// them says how many, and shows them on top when pressed (so that nothing
// moves under the reader's eyes unasked). The server renders every update
// (its time, digits and direction); this script only moves them in.
const box = document.querySelector("section.live.running");
if (box) {
  const every = Math.max(Number(box.dataset.every) || 15000, 250);
  const list = box.querySelector(".live-updates");
  const more = box.querySelector(".live-more");
  // Counts in the site's digits (its setting: Arabic-Indic or Latin).
  const num = (n) => (box.dataset.digits === "arabic" ? String(n).replace(/\d/g, (d) => "٠١٢٣٤٥٦٧٨٩"[d]) : String(n));
  let pending = []; // new updates not shown yet, newest first
  let etag = "";
  let timer = 0;

  const ids = (root) => [...root.querySelectorAll(".live-update")].map((li) => li.dataset.id);

  async function poll() {
    timer = 0;
    if (document.hidden) return; // resumed when the tab is shown again
    try {
      const res = await fetch(location.pathname, {
        cache: "no-cache",
        headers: etag ? { "If-None-Match": etag } : {},
        credentials: "omit",
      });
      if (res.status === 200) {
        etag = res.headers.get("ETag") || "";
        apply(new DOMParser().parseFromString(await res.text(), "text/html"));
      }
    } catch {
      // offline or the server is restarting: try again at the next turn
    }
    if (box.classList.contains("running")) schedule();
  }

  function apply(doc) {
    const next = doc.querySelector("section.live");
    if (!next) return;
    if (!next.classList.contains("running")) {
      // Ended: the final state, as the server writes it, and no more asking.
      box.classList.remove("running");
      box.replaceWith(document.importNode(next, true));
      return;
    }
    const fresh = next.querySelector(".live-updates");
    const keep = new Set(ids(fresh));
    for (const li of [...list.querySelectorAll(".live-update")]) {
      if (!keep.has(li.dataset.id)) li.remove();
    }
    const have = new Set(ids(list));
    pending = [...fresh.querySelectorAll(".live-update")]
      .filter((li) => !have.has(li.dataset.id))
      .map((li) => document.importNode(li, true));
    const total = box.querySelector(".live-total");
    const nextTotal = next.querySelector(".live-total");
    if (total && nextTotal) total.textContent = nextTotal.textContent;
    if (more) {
      more.textContent = pending.length === 1 ? "تحديث جديد: اعرضه" : `تحديثات جديدة (${num(pending.length)}): اعرضها`;
      more.classList.toggle("waiting", pending.length > 0);
    }
  }

  function show() {
    for (const node of pending.reverse()) {
      node.classList.add("live-new");
      list.insertBefore(node, list.firstElementChild);
    }
    pending = [];
    more.classList.remove("waiting");
    list.firstElementChild?.querySelector("a")?.focus({ preventScroll: true });
  }
  more?.addEventListener("click", show);

  function schedule() {
    if (!timer) timer = setTimeout(poll, every);
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && box.classList.contains("running")) schedule();
  });
  schedule();
}
