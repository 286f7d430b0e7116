// Builds the newsroom editor's bundle: src/editor.js and what it imports
// (Tiptap, ProseMirror) into one minified file, committed at
// assets/static/newsroom/editor.js so that `go run ./cmd/sahafa` needs no
// Node; and the live page's small script, src/live.js, into
// assets/static/live/live.js. CI runs `npm ci && node build.mjs` and fails when the result
// differs from the committed file. Prints the bundle's size, and its size
// gzipped against the editor page's budget (250 KB).
import { build } from "esbuild";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";

// bundle builds one entry point of src/ into a minified file of ../static.
const bundle = (entry, outfile) =>
  build({
    metafile: true,
    entryPoints: [new URL("src/" + entry, import.meta.url).pathname],
    bundle: true,
    minify: true,
    format: "iife",
    target: ["es2020"],
    legalComments: "none",
    charset: "utf8",
    outfile,
    logLevel: "warning",
  });

const out = new URL("../static/newsroom/editor.js", import.meta.url).pathname;
const result = await bundle("editor.js", out);
// The licences of the packages in the bundle, beside it (they are MIT;
// their notices must travel with the code).
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (!m || packages.has(m[1])) continue;
  const dir = join(new URL(".", import.meta.url).pathname, "node_modules", m[1]);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  let text = "";
  for (const name of ["LICENSE", "LICENSE.md", "LICENSE.txt", "license"]) {
    if (existsSync(join(dir, name))) { text = readFileSync(join(dir, name), "utf8").trim(); break; }
  }
  if (!text) text = "License: " + (pkg.license || "see the package") + " (no licence file in the package)";
  packages.set(m[1], `${pkg.name} ${pkg.version}\n${text}`);
}
writeFileSync(out + ".LICENSES.txt", "Packages bundled in editor.js, and their licences.\n\n" +
  [...packages.keys()].sort().map((k) => packages.get(k)).join("\n\n" + "-".repeat(72) + "\n\n") + "\n");
// The live page's script: ours alone, no packages, for public pages.
const live = new URL("../static/live/live.js", import.meta.url).pathname;
await bundle("live.js", live);
const liveGz = gzipSync(readFileSync(live), { level: 9 }).length;
console.log(`live.js: ${(liveGz / 1024).toFixed(1)} KB gzipped`);
const bytes = readFileSync(out);
const gz = gzipSync(bytes, { level: 9 }).length;
console.log(`editor.js: ${(bytes.length / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzipped (budget 250 KB)`);
if (gz > 250 * 1024) {
  console.error("editor.js is over its budget");
  process.exit(1);
}
