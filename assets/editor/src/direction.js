// Each block reads in the direction of its text, as the server decides it
// (markup.TextDirection): right to left when at least a quarter of its
// letters are of a right-to-left script, so a paragraph that opens with a
// Latin name or a number stays Arabic, and an English quote is left to
// right. dir="auto" would follow the first letter alone.
import { Extension } from "@tiptap/core";
import { Plugin, PluginKey } from "@tiptap/pm/state";

const rtlLetter = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const letter = /\p{L}/u;

export function textDirection(text) {
  let rtl = 0, all = 0;
  for (const ch of text) {
    if (!letter.test(ch)) continue;
    all++;
    if (rtlLetter.test(ch)) rtl++;
  }
  return all === 0 || 4 * rtl >= all ? "rtl" : "ltr";
}

const blocks = new Set(["paragraph", "heading", "blockquote", "bulletList", "orderedList", "listItem",
  "pullQuote", "factBox", "table", "tableCell", "tableHeader"]);

export const Direction = Extension.create({
  name: "sahafaDirection",
  addProseMirrorPlugins() {
    return [new Plugin({
      key: new PluginKey("sahafaDirection"),
      appendTransaction: (trs, _old, state) => {
        if (!trs.some((tr) => tr.docChanged) && !trs.some((tr) => tr.getMeta("sahafaDirection:all"))) return null;
        let tr = null;
        state.doc.descendants((node, pos) => {
          if (!blocks.has(node.type.name) || !("dir" in node.attrs)) return;
          const dir = textDirection(node.textContent);
          if (node.attrs.dir !== dir) {
            tr = tr || state.tr;
            tr.setNodeAttribute(pos, "dir", dir);
          }
        });
        if (tr) tr.setMeta("addToHistory", false);
        return tr;
      },
    })];
  },
});
