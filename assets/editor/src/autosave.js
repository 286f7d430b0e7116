// Autosave is added with the server's autosave endpoint; until then the
// editor keeps a copy in the browser only.
export function startAutosave() {}
