// Perimeter: partitions (arm / disarm with PIN / reset), zones (bypass), the zone map with alarms highlighted,
// recent perimeter alarms with their zone on the map, snapshots and clips. Live through the event stream.
import { api, can, el, fmtTime, lang, live, siteMap, t, toast } from "/static/app.js";

const ALWAYS = new Set(["24h", "tamper", "fire", "safety"]);
const state = { partitions: new Map(), zones: new Map(), alarms: new Map(), selected: null, connected: false };
const text = (a) => (lang === "en" ? a.message_en : a.message_zh);

function zoneStatus(z) {
  if (z.alarm && z.alarm.length) return "alarm";
  if (!z.host_online) return "offline";
  if (z.fault) return "fault";
  if (z.tamper) return "tamper";
  if (z.bypass) return "bypassed";
  return z.open ? "open" : "normal";
}

function mapZones(zones) {
  return zones
    .filter((z) => z.location)
    .map((z) => ({ serial: z.id, name: z.name, map_x: z.location.x, map_y: z.location.y, status: zoneStatus(z), statusText: t(`zstate.${zoneStatus(z)}`) }));
}

// ---- commands
async function command(path, body) {
  const result = await api(`/api/perimeter${path}`, { method: "POST", body: body ?? {} });
  apply(result);
  toast(t("perimeter.done"), "ok");
  return result;
}
const run = (path, body) => command(path, body).catch((e) => toast(e.message, "error"));

function apply(view) {
  state.connected = view.connected ?? view.partitions.length > 0;
  for (const p of view.partitions) state.partitions.set(p.id, p);
  for (const z of view.zones) state.zones.set(z.id, z);
  render();
}

// ---- dialogs
function dialog(id, title, submit) {
  const box = document.getElementById(id);
  const form = box.querySelector("form");
  const error = form.querySelector(".form-error");
  box.querySelector("h2").textContent = title;
  form.reset();
  error.textContent = "";
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    try {
      await submit(new FormData(form));
      box.close();
    } catch (e) {
      error.textContent = e.lines ? e.lines().join("；") : e.message;
    }
  };
  box.querySelectorAll("[data-close]").forEach((b) => (b.onclick = () => box.close()));
  box.showModal();
}

function disarm(p) {
  dialog("pin-dialog", `${t("perimeter.disarm")} · ${p.name}`, (form) => {
    const pin = form.get("pin");
    const body = pin ? { pin } : { password: form.get("password") };
    return command(`/partitions/${encodeURIComponent(p.id)}/disarm`, body);
  });
}

function setPin() {
  dialog("pin-dialog", t("perimeter.set_pin"), async (form) => {
    await api("/api/perimeter/pin", { method: "PUT", body: { pin: form.get("pin"), password: form.get("password") } });
    toast(t("perimeter.pin_saved"), "ok");
  });
}

function bypass(z) {
  dialog("bypass-dialog", `${t("perimeter.bypass")} · ${z.name}`, (form) =>
    command(`/zones/${encodeURIComponent(z.id)}/bypass`, { reason: form.get("reason"), minutes: Number(form.get("minutes")) }),
  );
}

// ---- rendering
function button(label, cls, onclick) {
  return el("button", { class: `btn btn-small ${cls}`, type: "button", text: label, onclick });
}

function renderPartitions() {
  const rows = [...state.partitions.values()].map((p) => {
    const actions = [];
    if (p.state === "disarmed" && can("perimeter:arm")) actions.push(button(t("perimeter.arm"), "btn-primary", () => run(`/partitions/${encodeURIComponent(p.id)}/arm`)));
    if (p.state !== "disarmed" && can("perimeter:disarm")) actions.push(button(t("perimeter.disarm"), "btn-warn", () => disarm(p)));
    if (p.alarms.length && can("perimeter:reset")) actions.push(button(t("perimeter.reset"), "btn-ghost", () => run(`/partitions/${encodeURIComponent(p.id)}/reset`)));
    return el("tr", { "data-partition": p.id }, [
      el("th", { scope: "row", text: p.name }),
      el("td", { "data-label": t("perimeter.state") }, el("span", { class: `pstate ${p.state}`, text: t(`pstate.${p.state}`) })),
      el("td", { "data-label": t("perimeter.siren"), text: p.siren ? t("perimeter.siren_on") : "—" }),
      el("td", { "data-label": t("perimeter.actions") }, actions),
    ]);
  });
  document.querySelector("#partitions tbody").replaceChildren(...rows);
}

function zoneState(z) {
  const s = zoneStatus(z);
  if (s === "bypassed") {
    const until = fmtTime(new Date(z.bypass.until * 1000).toISOString());
    return t("perimeter.bypassed_until", { until, who: z.bypass.who, reason: z.bypass.reason });
  }
  return t(`zstate.${s}`);
}

function renderZones() {
  const rows = [...state.zones.values()].map((z) => {
    const actions = [];
    if (can("perimeter:bypass") && !ALWAYS.has(z.type)) {
      if (z.bypass) actions.push(button(t("perimeter.unbypass"), "btn-ghost", () => run(`/zones/${encodeURIComponent(z.id)}/unbypass`)));
      else actions.push(button(t("perimeter.bypass"), "btn-ghost", () => bypass(z)));
    }
    const partition = state.partitions.get(z.partition);
    return el("tr", { class: `zone-row ${zoneStatus(z)}`, "data-zone": z.id }, [
      el("th", { scope: "row", text: z.name }),
      el("td", { "data-label": t("perimeter.type"), text: t(`ztype.${z.type}`) }),
      el("td", { "data-label": t("perimeter.partitions"), text: partition ? partition.name : z.partition }),
      el("td", { "data-label": t("perimeter.state"), class: "zone-state", text: zoneState(z) }),
      el("td", { "data-label": t("perimeter.actions") }, actions),
    ]);
  });
  document.querySelector("#zones tbody").replaceChildren(...rows);
}

function renderMap() {
  const zones = [...state.zones.values()];
  const alarmed = new Set(zones.filter((z) => z.alarm && z.alarm.length).map((z) => z.id));
  siteMap(document.getElementById("zone-map"), mapZones(zones), { highlight: alarmed });
}

function renderAlarms() {
  const list = [...state.alarms.values()].sort((a, b) => b.raised_at.localeCompare(a.raised_at)).slice(0, 30);
  document.getElementById("zone-empty").hidden = list.length > 0;
  document.getElementById("zone-alarms").replaceChildren(
    ...list.map((a) =>
      el("li", { class: `alarm-item ${a.status}`, "data-id": a.id }, [
        el("span", { class: "badge", text: t(`alarm.${a.status}`) }),
        el("div", { class: "alarm-text" }, [
          el("button", { class: "link-button", type: "button", text: text(a), onclick: () => select(a.id) }),
          el("span", { class: "muted", text: fmtTime(a.raised_at) }),
        ]),
      ]),
    ),
  );
  if (state.selected) renderDetail();
}

function renderDetail() {
  const a = state.alarms.get(state.selected);
  const box = document.getElementById("alarm-detail");
  box.hidden = !a;
  if (!a) return;
  document.getElementById("ad-title").textContent = text(a);
  const zone = state.zones.get(a.detail.zone);
  document.getElementById("ad-meta").textContent = `${t("alarm.zone")} ${zone ? zone.name : a.detail.zone || "—"} · ${fmtTime(a.raised_at)} · ${t(`alarm.${a.status}`)}`;
  const where = zone ? mapZones([zone]) : [];
  siteMap(document.getElementById("ad-map"), where, { highlight: zone ? zone.id : null });
  const snaps = a.detail.snapshots || [];
  document.getElementById("ad-snaps").replaceChildren(
    ...(snaps.length
      ? snaps.map((s) =>
          el("figure", {}, [
            s.capture_sha256 ? el("img", { src: `/api/captures/${s.capture_sha256}`, alt: `${t("alarm.snapshot")} ${s.camera}` }) : null,
            el("figcaption", {}, [
              el("span", { text: s.camera }),
              s.clip_sha256 ? el("a", { class: "clip-link", href: `/api/captures/${s.clip_sha256}`, download: `${a.id}-${s.camera}.avi`, text: ` · ${t("perimeter.clip")}` }) : null,
            ]),
          ]),
        )
      : [el("p", { class: "muted", text: t("alarm.no_snapshot") })]),
  );
}

function select(id) {
  state.selected = id;
  renderDetail();
}

function render() {
  document.getElementById("offline").hidden = state.connected;
  renderPartitions();
  renderZones();
  renderMap();
  if (state.selected) renderDetail();
}

async function load() {
  apply(await api("/api/perimeter"));
  if (can("alarms:read")) {
    const page = await api("/api/alarms?page_size=100");
    state.alarms.clear();
    for (const a of page.items) if (a.kind.startsWith("perimeter_")) state.alarms.set(a.id, a);
    renderAlarms();
  }
}

document.getElementById("set-pin")?.addEventListener("click", setPin);
live({
  perimeter: (m) => {
    const { kind, ...item } = m;
    (kind === "zone" ? state.zones : state.partitions).set(item.id, item);
    state.connected = true;
    render();
  },
  alarm: (a) => {
    if (!a.kind.startsWith("perimeter_")) return;
    state.alarms.set(a.id, a);
    renderAlarms();
  },
  resync: () => load().catch((e) => toast(e.message, "error")),
});
load().catch((e) => toast(e.message, "error"));
