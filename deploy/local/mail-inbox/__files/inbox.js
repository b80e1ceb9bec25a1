// The local mail inbox: lists what GreenMail holds (its HTTP API, proxied on this port under /api/)
// and shows a message's text, or its HTML in a sandboxed frame (no scripts, no requests out).
"use strict";

let messages = [];
let selected = null;

async function json(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) throw new Error(path + " answered " + response.status);
  return response.json();
}

/** Every recipient's messages, newest first; a message to several recipients once. */
async function load() {
  const users = await json("/api/user");
  const seen = new Map();
  for (const user of users) {
    for (const message of await json("/api/user/" + encodeURIComponent(user.email) + "/messages/")) {
      const parsed = parse(message.mimeMessage);
      const key = parsed.headers["message-id"] || message.mimeMessage;
      if (!seen.has(key)) seen.set(key, parsed);
    }
  }
  return [...seen.values()].sort((a, b) => b.time - a.time);
}

function splitHeaders(raw) {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? "" : raw.slice(at).replace(/^\r?\n\r?\n/, "");
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function decodeQuotedPrintable(text) {
  const bytes = [];
  const soft = text.replace(/=\r?\n/g, "");
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...new TextEncoder().encode(soft[i]));
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function decodeBody(part) {
  const encoding = (part.headers["content-transfer-encoding"] || "").toLowerCase();
  if (encoding === "quoted-printable") return decodeQuotedPrintable(part.body);
  if (encoding === "base64") {
    try {
      const binary = atob(part.body.replace(/\s+/g, ""));
      return new TextDecoder().decode(Uint8Array.from(binary, c => c.charCodeAt(0)));
    } catch (malformed) {
      return part.body; // shown as it came rather than hiding the whole inbox
    }
  }
  return part.body;
}

/** The text/plain and text/html parts, however deeply nested in multiparts. */
function collect(part, found) {
  const type = (part.headers["content-type"] || "text/plain").toLowerCase();
  const boundary = /boundary="?([^";]+)"?/i.exec(part.headers["content-type"] || "");
  if (type.startsWith("multipart/") && boundary) {
    for (const chunk of part.body.split("--" + boundary[1]).slice(1)) {
      if (chunk.startsWith("--")) break;
      collect(splitHeaders(chunk.replace(/^\r?\n/, "")), found);
    }
  } else if (type.startsWith("text/html") && found.html === undefined) {
    found.html = decodeBody(part);
  } else if (type.startsWith("text/plain") && found.text === undefined) {
    found.text = decodeBody(part);
  }
  return found;
}

function parse(raw) {
  const message = splitHeaders(raw);
  const found = collect(message, {});
  const received = /;\s*(.+)$/.exec(message.headers["received"] || "");
  const date = new Date(message.headers["date"] || (received && received[1]) || 0);
  return { headers: message.headers, text: found.text, html: found.html, time: date.getTime() || 0, date };
}

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
  children.forEach(child => node.append(child));
  return node;
}

function renderList() {
  const list = document.getElementById("list");
  list.replaceChildren();
  if (messages.length === 0) {
    list.append(el("p", { class: "empty" }, "No email yet. Disable a token, or wait for a reminder."));
    return;
  }
  messages.forEach((message, index) => {
    const button = el("button", { type: "button" },
      el("span", { class: "subject" }, message.headers["subject"] || "(no subject)"),
      el("span", { class: "meta" }, "to " + (message.headers["to"] || "?") + " · " + message.date.toLocaleString()));
    if (selected === index) button.setAttribute("aria-current", "true");
    button.addEventListener("click", () => { selected = index; renderList(); renderMessage("text"); });
    list.append(button);
  });
}

function renderMessage(view) {
  const pane = document.getElementById("message");
  const message = messages[selected];
  if (!message) { pane.hidden = true; return; }
  pane.hidden = false;
  const fields = el("dl");
  for (const name of ["subject", "from", "to", "date"]) {
    fields.append(el("dt", {}, name[0].toUpperCase() + name.slice(1)), el("dd", {}, message.headers[name] || ""));
  }
  const tabs = el("div", { class: "tabs" });
  for (const [name, label] of [["text", "Text"], ["html", "HTML"]]) {
    const tab = el("button", { type: "button", "aria-pressed": String(view === name) }, label);
    if (name === "html" && message.html === undefined) tab.disabled = true;
    tab.addEventListener("click", () => renderMessage(name));
    tabs.append(tab);
  }
  let body;
  if (view === "html" && message.html !== undefined) {
    body = el("iframe", { sandbox: "", title: "The email's HTML part", referrerpolicy: "no-referrer" });
    body.srcdoc = message.html;
  } else {
    body = el("pre", {}, message.text !== undefined ? message.text : "(no text part)");
  }
  pane.replaceChildren(fields, tabs, body);
}

async function refresh() {
  try {
    const current = messages[selected];
    messages = await load();
    if (current) {
      const kept = messages.findIndex(m => m.headers["message-id"] === current.headers["message-id"]);
      selected = kept >= 0 ? kept : null;
    }
    if (selected === null && messages.length > 0) selected = 0;
    renderList();
    if (messages[selected] !== current) renderMessage("text");
  } catch (error) {
    document.getElementById("list").replaceChildren(el("p", { class: "empty" }, "The mail catcher is not answering: " + error.message));
  }
}

refresh();
setInterval(refresh, 3000);
