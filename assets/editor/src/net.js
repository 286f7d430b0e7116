// Requests to the newsroom: JSON in and out, with the session's CSRF token.

export function csrfToken() {
  const f = document.querySelector('input[name="csrf"]');
  return f ? f.value : "";
}

// request sends a request and returns its JSON body; a refusal throws an
// Error whose message is the server's (in Arabic), with .status set.
export async function request(method, url, body) {
  const headers = { "X-CSRF-Token": csrfToken(), Accept: "application/json" };
  let payload = body;
  if (body && !(body instanceof FormData)) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const res = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null;
  }
  if (!res.ok) {
    const err = new Error((data && data.error) || "تعذّر الاتصال بالخادم (" + res.status + ")");
    err.status = res.status;
    err.data = data;
    throw err;
  }
  return data;
}

// dataURLToBlob turns a data: URL (an image pasted from Word) into a Blob,
// without fetch, which the newsroom's CSP keeps to the site.
export function dataURLToBlob(url) {
  const m = /^data:([^;,]+)(;base64)?,(.*)$/s.exec(url);
  if (!m) return null;
  const raw = m[2] ? atob(m[3]) : decodeURIComponent(m[3]);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return new Blob([bytes], { type: m[1] });
}
