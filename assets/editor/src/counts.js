// Word counts and hints, counted as an Arabic reader reads.

// countWords counts the words of text: runs between spaces that hold a
// letter or a digit of any script, so "و" alone and "2026" count, and
// punctuation standing apart (« — ،) does not.
export function countWords(text) {
  let n = 0;
  for (const w of text.split(/\s+/)) {
    if (/[\p{L}\p{N}]/u.test(w)) n++;
  }
  return n;
}

// readingMinutes at 180 words a minute (Arabic news prose reads slower
// than English), at least one.
export function readingMinutes(words) {
  return Math.max(1, Math.round(words / 180));
}

// titleHint says how a headline's length fits search results and share
// cards: about 70 characters show in full.
export function titleHint(title) {
  const n = [...title.trim()].length;
  if (n === 0) return "";
  if (n > 110) return "العنوان طويل جدًا (" + n + " حرفًا): قصّره؛ تعرض نتائج البحث نحو 70 حرفًا.";
  if (n > 70) return "العنوان " + n + " حرفًا: قد يُقتطع في نتائج البحث بعد 70 حرفًا؛ اكتب عنوانًا لمحركات البحث في لوحة الظهور.";
  if (n < 20) return "العنوان قصير (" + n + " حرفًا): هل يقول للقارئ ما الخبر؟";
  return "طول العنوان مناسب (" + n + " حرفًا).";
}
