// Sahafa newsroom: live preview, Markdown toolbar, media insertion and a
// warning before leaving unsaved changes. Every page works without it:
// the server renders the preview on each save and the forms post as usual.
"use strict";

(function () {
  var root = document.documentElement;
  root.classList.add("js");

  function csrfToken() {
    var f = document.querySelector('input[name="csrf"]');
    return f ? f.value : "";
  }

  // Insert text at the cursor of a textarea, or wrap the selection.
  function wrap(ta, before, after, placeholder) {
    var start = ta.selectionStart, end = ta.selectionEnd;
    var sel = ta.value.slice(start, end) || placeholder || "";
    ta.setRangeText(before + sel + after, start, end, "end");
    if (!ta.value.slice(start, end)) {
      ta.setSelectionRange(start + before.length, start + before.length + sel.length);
    }
    ta.focus();
    ta.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // Prefix every line of the selection (headings, quotes, lists).
  function prefixLines(ta, prefix, numbered) {
    var start = ta.value.lastIndexOf("\n", ta.selectionStart - 1) + 1;
    var end = ta.selectionEnd;
    var lines = ta.value.slice(start, end).split("\n");
    var out = lines.map(function (l, i) { return (numbered ? (i + 1) + ". " : prefix) + l; }).join("\n");
    ta.setRangeText(out, start, end, "end");
    ta.focus();
    ta.dispatchEvent(new Event("input", { bubbles: true }));
  }

  var actions = {
    bold: function (ta) { wrap(ta, "**", "**", "نص عريض"); },
    italic: function (ta) { wrap(ta, "_", "_", "نص مائل"); },
    heading: function (ta) { prefixLines(ta, "## "); },
    quote: function (ta) { prefixLines(ta, "> "); },
    list: function (ta) { prefixLines(ta, "- "); },
    olist: function (ta) { prefixLines(ta, "", true); },
    link: function (ta) {
      var url = window.prompt("عنوان الرابط (https://…)", "https://");
      if (url) { wrap(ta, "[", "](" + url + ")", "نص الرابط"); }
    }
  };

  document.querySelectorAll(".toolbar [data-md]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var ta = document.getElementById(btn.closest(".toolbar").dataset.for);
      if (ta && actions[btn.dataset.md]) { actions[btn.dataset.md](ta); }
    });
  });

  document.querySelectorAll("[data-insert]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var ta = document.getElementById(btn.dataset.for || "body");
      if (!ta) { return; }
      var text = btn.dataset.insert;
      var before = ta.value.slice(0, ta.selectionStart);
      // An image alone in its paragraph becomes a figure with its caption.
      var lead = before === "" || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
      wrap(ta, lead + text + "\n\n", "", "");
    });
  });

  document.querySelectorAll("[data-lead]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var id = document.getElementById("image_id"), alt = document.getElementById("image_alt");
      if (id) { id.value = btn.dataset.lead; id.dispatchEvent(new Event("input", { bubbles: true })); }
      if (alt && !alt.value) { alt.value = btn.dataset.alt || ""; }
    });
  });

  // The focal point: a click on the image sets it (the form saves it).
  var framed = document.getElementById("framing-image");
  var fx = document.getElementById("focus_x"), fy = document.getElementById("focus_y");
  if (framed && fx && fy) {
    var mark = framed.parentNode.querySelector(".focus-mark");
    if (mark) {
      // The CSP allows no style attribute: the mark is placed from here.
      mark.style.setProperty("--x", fx.value + "%"); mark.style.setProperty("--y", fy.value + "%");
      mark.hidden = false;
    }
    var hint = document.querySelector(".framing-form .js-only");
    if (hint) { hint.hidden = false; }
    framed.style.cursor = "crosshair";
    framed.addEventListener("click", function (e) {
      var box = framed.getBoundingClientRect();
      var x = Math.round(1000 * (e.clientX - box.left) / box.width) / 10;
      var y = Math.round(1000 * (e.clientY - box.top) / box.height) / 10;
      fx.value = String(Math.min(100, Math.max(0, x)));
      fy.value = String(Math.min(100, Math.max(0, y)));
      if (mark) { mark.style.setProperty("--x", fx.value + "%"); mark.style.setProperty("--y", fy.value + "%"); }
    });
  }

  // "Select all" of a list's bulk actions.
  document.querySelectorAll(".bulk-all").forEach(function (all) {
    var table = all.closest("table");
    all.hidden = false;
    all.addEventListener("change", function () {
      table.querySelectorAll('input[name="ids"]').forEach(function (c) { c.checked = all.checked; });
    });
  });

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.dataset.confirm)) { e.preventDefault(); }
    });
  });

  // Live preview: the server renders and sanitizes, exactly as on save.
  var body = document.getElementById("body");
  var preview = document.getElementById("preview");
  if (body && preview) {
    var timer = 0, seq = 0;
    body.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var mine = ++seq;
        var data = new URLSearchParams();
        data.set("body", body.value);
        fetch("/newsroom/preview", {
          method: "POST",
          headers: { "X-CSRF-Token": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
          body: data.toString(),
          credentials: "same-origin"
        }).then(function (r) {
          if (r.status === 413) {
            // Too long to preview: say so instead of a stale preview.
            if (mine === seq) {
              var p = document.createElement("ul"), li = document.createElement("li");
              p.className = "problems"; p.setAttribute("role", "alert");
              li.textContent = "النص أطول من أن يُعاين أو يُحفظ؛ قسّمه إلى أكثر من مقال.";
              p.appendChild(li); preview.replaceChildren(p); preview.classList.remove("stale");
            }
            return null;
          }
          if (!r.ok) { throw new Error(r.status); }
          return r.text();
        }).then(function (html) {
          if (html !== null && mine === seq) { preview.innerHTML = html; preview.classList.remove("stale"); }
        }).catch(function () { preview.classList.add("stale"); });
      }, 300);
    });
  }

  // Warn before leaving the editor with unsaved changes.
  var form = document.getElementById("article-form");
  if (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (e) {
      // With the rich-text editor, its autosave decides: work already
      // saved on the server is not lost by leaving.
      if (dirty && !root.classList.contains("rich-editor")) { e.preventDefault(); e.returnValue = ""; }
    });
  }
})();
