// Shared browser helpers: boot data, i18n, API calls, DOM building, toasts, the live stream.
const bootEl = document.getElementById("boot");
export const boot = bootEl ? JSON.parse(bootEl.textContent) : { i18n: {}, me: { permissions: [] }, lang: "zh" };
export const me = boot.me;
export const lang = boot.lang;
const locale = lang === "en" ? "en-GB" : "zh-CN";

/** Translate a key, filling {name} placeholders. */
export function t(key, values) {
  let text = boot.i18n[key] ?? key;
  if (values) for (const [k, v] of Object.entries(values)) text = text.replaceAll(`{${k}}`, String(v));
  return text;
}

/** The label of an option value (opt.<field>.<value>), or the value itself. */
export function opt(field, value) {
  if (value === null || value === undefined || value === "") return t("common.none");
  const key = `opt.${field}.${value}`;
  return key in boot.i18n ? boot.i18n[key] : String(value);
}

export const can = (perm) => me.permissions.includes(perm);

/** Build an element: el("td", {class: "x", text: "y"}, [children]). Text is never parsed as HTML. */
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of [].concat(children)) if (c !== null && c !== undefined) node.append(c);
  return node;
}

/** An error from the API's one error schema, with the message in the UI language. */
export class ApiError extends Error {
  constructor(status, errors) {
    const first = errors[0] || {};
    super(lang === "en" ? first.message_en || `HTTP ${status}` : first.message_zh || `请求失败 (${status})`);
    this.status = status;
    this.errors = errors;
  }
  /** "field: message" lines in the UI language. */
  lines() {
    return this.errors.map((e) => {
      const msg = lang === "en" ? e.message_en : e.message_zh;
      const label = e.field ? t(`field.${e.field}`) : "";
      return e.field && !label.startsWith("field.") ? `${label}：${msg}` : msg;
    });
  }
}

/** Call the JSON API with the session cookie; 401 sends the user to the login page. */
export async function api(path, { method = "GET", body, form } = {}) {
  const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (form) init.body = form;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const res = await fetch(path, init);
  if (res.status === 401) {
    location.href = `/login?next=${encodeURIComponent(location.pathname)}`;
    throw new ApiError(401, []);
  }
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, (data && data.errors) || []);
  return data;
}

export function fmtTime(iso, withDate = true) {
  if (!iso) return t("common.none");
  const d = new Date(iso);
  const opts = { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: boot.timezone };
  if (withDate) Object.assign(opts, { year: "numeric", month: "2-digit", day: "2-digit" });
  return d.toLocaleString(locale, opts);
}

export function fmtNumber(n) {
  return new Intl.NumberFormat(locale).format(n);
}

let toastTimer;
export function toast(message, kind = "info") {
  const box = document.getElementById("toast");
  if (!box) return;
  box.textContent = message;
  box.dataset.kind = kind;
  box.classList.add("show");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => box.classList.remove("show"), 3500);
}

/** Subscribe to the live stream (server-sent events); reconnects on its own and shows the state. */
export function live(handlers) {
  const badge = document.getElementById("live");
  const source = new EventSource("/api/events/stream");
  const show = (ok) => {
    if (!badge) return;
    badge.hidden = false;
    badge.dataset.ok = ok ? "1" : "0";
    badge.textContent = ok ? t("live.connected") : t("live.lost");
  };
  source.addEventListener("open", () => {
    show(true);
    handlers.open?.();
  });
  source.addEventListener("error", () => show(false));
  for (const type of ["event", "alarm", "device", "perimeter", "resync"]) {
    if (handlers[type]) source.addEventListener(type, (e) => handlers[type](JSON.parse(e.data)));
  }
  return source;
}

const ICONS = {
  person: '<circle cx="12" cy="8" r="4"/><path d="M4 21c1-4 4-6 8-6s7 2 8 6"/>',
  vehicle: '<path d="M3 16v-4l2-5h14l2 5v4z"/><circle cx="7.5" cy="16.5" r="1.8"/><circle cx="16.5" cy="16.5" r="1.8"/><path d="M3 12h18"/>',
  alarm: '<path d="M6 17V11a6 6 0 0 1 12 0v6"/><path d="M4 17h16"/><path d="M10 20h4"/><path d="M12 2v2"/>',
  device: '<rect x="4" y="4" width="16" height="12" rx="2"/><path d="M9 20h6M12 16v4"/>',
};
/** One of the console's line icons as an inline SVG element (decorative). */
export function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  svg.innerHTML = ICONS[name] || ICONS.device; // constant markup above, never data
  return svg;
}

/** The label of an alarm kind (devices may send kinds the console has no words for: show them as sent). */
export function alarmKind(kind) {
  const key = `alarmkind.${kind}`;
  return key in boot.i18n ? boot.i18n[key] : kind;
}

/** An SVG site map with device markers; positions are 0–100 on both axes. */
export function siteMap(container, devices, { highlight } = {}) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 100 62");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("dash.map"));
  const shape = (name, attrs) => {
    const n = document.createElementNS(ns, name);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    svg.append(n);
    return n;
  };
  shape("rect", { x: 2, y: 2, width: 96, height: 58, rx: 3, class: "map-boundary" });
  shape("path", { d: "M2 31 H98 M50 2 V60", class: "map-road" });
  for (const [x, y, w, h] of [[8, 36, 16, 18], [30, 36, 16, 18], [56, 36, 16, 18], [78, 36, 14, 18]]) {
    shape("rect", { x, y, width: w, height: h, rx: 1.5, class: "map-building" });
  }
  let n = 0;
  for (const d of devices) {
    if (d.map_x === null || d.map_y === null || d.map_x === undefined) continue;
    const below = n++ % 2 === 1; // alternate labels so neighbours do not overlap
    const x = Math.min(97, Math.max(3, d.map_x));
    const y = Math.min(59, Math.max(3, d.map_y * 0.62));
    const marked = highlight && (highlight instanceof Set ? highlight.has(d.serial) : highlight === d.serial);
    const g = document.createElementNS(ns, "g");
    g.setAttribute("class", `map-device status-${d.status}${marked ? " marked" : ""}`);
    g.dataset.serial = d.serial;
    if (marked) {
      const ring = document.createElementNS(ns, "circle");
      Object.entries({ cx: x, cy: y, r: 5, class: "pulse" }).forEach(([k, v]) => ring.setAttribute(k, v));
      g.append(ring);
    }
    const dot = document.createElementNS(ns, "circle");
    Object.entries({ cx: x, cy: y, r: 2.2 }).forEach(([k, v]) => dot.setAttribute(k, v));
    const title = document.createElementNS(ns, "title");
    title.textContent = `${d.name} · ${d.statusText || t(`status.${d.status}`)}`;
    dot.append(title);
    const label = document.createElementNS(ns, "text");
    Object.entries({ x, y: below ? y + 5.6 : y - 3.4, "text-anchor": "middle" }).forEach(([k, v]) => label.setAttribute(k, v));
    label.textContent = d.name;
    g.append(dot, label);
    svg.append(g);
  }
  container.replaceChildren(svg);
}

function wireChrome() {
  const logout = document.getElementById("logout");
  logout?.addEventListener("click", async () => {
    await fetch("/api/auth/logout", { method: "POST", credentials: "same-origin" });
    location.href = "/login";
  });
  const toggle = document.querySelector(".menu-toggle");
  const nav = document.getElementById("nav");
  toggle?.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
    if (open) nav.querySelector("a")?.focus();
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && nav?.classList.contains("open")) {
      nav.classList.remove("open");
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  });
}

wireChrome();
