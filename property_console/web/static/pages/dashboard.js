// Dashboard: open alarms (with sound until acknowledged), today's counts, live events, site map and devices.
import { api, can, el, fmtTime, icon, lang, live, siteMap, t, toast } from "/static/app.js";

const state = { devices: new Map(), alarms: new Map(), known: new Map(), events: [], soundOn: true };
const MAX_EVENTS = 40;
const VEHICLE = new Set(["vehicle_pass", "vehicle_pending", "vehicle_refused"]);

// ---- today's counts
let summaryTimer;
async function loadSummary() {
  const s = await api("/api/dashboard/summary");
  document.getElementById("today").textContent = s.date;
  for (const box of document.querySelectorAll(".stat")) {
    const kind = box.dataset.kind;
    let value = s.events[kind] || 0;
    if (kind === "alarm") value = s.open_alarms;
    if (kind === "devices") {
      const total = Object.values(s.devices).reduce((a, b) => a + b, 0);
      value = `${s.devices.online || 0} / ${total}`;
      box.classList.toggle("warn", (s.devices.offline || 0) > 0);
    }
    if (kind === "alarm") box.classList.toggle("danger", s.open_alarms > 0);
    box.querySelector("strong").textContent = value;
  }
}
const refreshSummary = () => {
  clearTimeout(summaryTimer);
  summaryTimer = setTimeout(loadSummary, 400);
};

// ---- devices and map
function deviceName(serial) {
  return state.devices.get(serial)?.name || serial;
}
function renderDevices() {
  const map = document.getElementById("site-map");
  if (!map) return;
  const list = [...state.devices.values()];
  siteMap(map, list);
  const body = document.querySelector("#devices tbody");
  body.replaceChildren(
    ...list.map((d) =>
      el("tr", { "data-serial": d.serial }, [
        el("td", { "data-label": t("common.device"), text: d.name }),
        el("td", { "data-label": t("common.status") }, el("span", { class: `dot-label status-${d.status}`, text: t(`status.${d.status}`) })),
        el("td", { "data-label": t("dash.last_seen"), text: d.last_seen_at ? fmtTime(d.last_seen_at) : t("common.none") }),
        ...(can("doors:open") ? [el("td", { "data-label": t("dash.actions") }, d.kind === "door" ? openButton(d) : [])] : []),
      ]),
    ),
  );
}
function openButton(d) {
  const b = el("button", { type: "button", class: "btn btn-ghost btn-small", text: t("door.open") });
  b.addEventListener("click", async () => {
    const reason = window.prompt(`${d.name}: ${t("door.open_reason")}`);
    if (!reason || !reason.trim()) return;
    try {
      await api(`/api/doors/${encodeURIComponent(d.serial)}/open`, { method: "POST", body: { reason: reason.trim() } });
      toast(`${d.name}: ${t("door.opened")}`, "ok");
    } catch (e) {
      toast(e.message, "error");
    }
  });
  return b;
}
async function loadDevices() {
  if (!can("devices:read")) return;
  for (const d of await api("/api/dashboard/map")) state.devices.set(d.serial, d);
  renderDevices();
}

// ---- alarms and sound
let audio;
let beepTimer;
function beep() {
  audio ||= new AudioContext();
  if (audio.state === "suspended") audio.resume().catch(() => {});
  const now = audio.currentTime;
  for (const [offset, freq] of [[0, 880], [0.22, 660]]) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, now + offset);
    gain.gain.exponentialRampToValueAtTime(0.25, now + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.2);
    osc.connect(gain).connect(audio.destination);
    osc.start(now + offset);
    osc.stop(now + offset + 0.21);
  }
}
function updateSound() {
  const ringing = [...state.alarms.values()].some((a) => a.status === "new");
  const button = document.getElementById("sound");
  document.body.classList.toggle("ringing", ringing);
  if (ringing && state.soundOn) {
    if (!beepTimer) {
      beep();
      beepTimer = setInterval(beep, 1600);
    }
  } else {
    clearInterval(beepTimer);
    beepTimer = undefined;
  }
  if (button) {
    const blocked = ringing && state.soundOn && audio && audio.state !== "running";
    button.textContent = blocked ? t("dash.sound_blocked") : t(state.soundOn ? "dash.sound_on" : "dash.sound_off");
    button.setAttribute("aria-pressed", String(state.soundOn));
    button.classList.toggle("attention", Boolean(blocked));
  }
}
function renderAlarms() {
  const list = document.getElementById("open-alarms");
  if (!list) return;
  const open = [...state.alarms.values()]
    .filter((a) => a.status !== "handled")
    .sort((a, b) => (a.status === b.status ? b.raised_at.localeCompare(a.raised_at) : a.status === "new" ? -1 : 1));
  document.getElementById("open-count").textContent = open.length;
  const stat = document.querySelector(".stat[data-kind=alarm]");
  stat.querySelector("strong").textContent = open.length; // live, not waiting for the next summary
  stat.classList.toggle("danger", open.length > 0);
  document.getElementById("no-alarms").hidden = open.length > 0;
  list.replaceChildren(
    ...open.map((a) => {
      const actions = [el("a", { class: "btn btn-small btn-ghost", href: `/alarms#${a.id}`, text: t("alarm.handle") })];
      if (can("alarms:handle") && a.status === "new") {
        actions.unshift(
          el("button", { class: "btn btn-small btn-warn", type: "button", text: t("alarm.ack"), onclick: () => ack(a.id) }),
        );
      }
      return el("li", { class: `alarm-item ${a.status}`, "data-id": a.id }, [
        el("span", { class: "badge", text: t(`alarm.${a.status}`) }),
        el("div", { class: "alarm-text" }, [
          el("strong", { text: lang === "en" ? a.message_en : a.message_zh }),
          el("span", {
            class: "muted",
            text: `${deviceName(a.source)}${a.detail.zone ? ` · ${t("alarm.zone")} ${a.detail.zone}` : ""} · ${fmtTime(a.raised_at)}`,
          }),
        ]),
        el("div", { class: "alarm-actions" }, actions),
      ]);
    }),
  );
  updateSound();
}
async function ack(id) {
  try {
    state.alarms.set(id, await api(`/api/alarms/${id}/ack`, { method: "POST" }));
    renderAlarms();
    refreshSummary();
  } catch (e) {
    toast(e.message, "error");
  }
}
async function loadAlarms() {
  if (!can("alarms:read")) return;
  const page = await api("/api/alarms?page_size=100");
  state.alarms.clear();
  for (const a of page.items) {
    state.known.set(a.id, a);
    if (a.status !== "handled") state.alarms.set(a.id, a);
  }
  renderAlarms();
}

// ---- live events
function eventItem(e) {
  const vehicle = VEHICLE.has(e.kind);
  const alarm = e.alarm_id ? state.known.get(e.alarm_id) : null;
  const who = alarm ? (lang === "en" ? alarm.message_en : alarm.message_zh) : e.subject_name || e.subject || t("common.none");
  const kindIcon = vehicle ? "vehicle" : e.kind === "alarm" ? "alarm" : e.kind.startsWith("device") ? "device" : "person";
  const thumb = e.capture_url
    ? el("img", { class: "thumb", src: e.capture_url, alt: who, loading: "lazy", width: 56, height: 56 })
    : el("span", { class: "thumb placeholder" }, icon(kindIcon));
  const refused = /refused|pending/.test(e.kind);
  return el("li", { class: `event kind-${e.kind}${refused ? " attention" : ""}`, "data-id": e.id }, [
    thumb,
    el("div", { class: "event-text" }, [
      el("div", {}, [
        el("span", { class: "kind-chip", text: t(`kind.${e.kind}`) }),
        vehicle && e.subject ? el("span", { class: "plate", text: e.subject }) : el("strong", { text: who }),
      ]),
      el("span", { class: "muted", text: `${deviceName(e.device_serial)} · ${fmtTime(e.device_time, false)}` }),
    ]),
  ]);
}
function renderEvents() {
  const list = document.getElementById("events");
  list.replaceChildren(...state.events.map(eventItem));
  document.getElementById("no-events").hidden = state.events.length > 0;
}
async function loadEvents() {
  const page = await api(`/api/events?page_size=${MAX_EVENTS}`);
  state.events = page.items;
  renderEvents();
}
function onEvent(e) {
  if (state.events.some((x) => x.id === e.id)) return;
  state.events.unshift(e);
  state.events.length = Math.min(state.events.length, MAX_EVENTS);
  const list = document.getElementById("events");
  const item = eventItem(e);
  item.classList.add("fresh");
  list.prepend(item);
  while (list.children.length > MAX_EVENTS) list.lastElementChild.remove();
  document.getElementById("no-events").hidden = true;
  refreshSummary();
}

// Live messages that arrive while the page is (re)loading wait, then replay on top of the fresh lists:
// otherwise an event committed after a list was fetched but pushed before it rendered would vanish.
let loading = true;
const backlog = [];
const queued = (fn) => (msg) => (loading ? backlog.push(() => fn(msg)) : fn(msg));

async function loadAll() {
  loading = true;
  try {
    await loadDevices(); // first, so everything below shows device names
    await Promise.all([loadSummary(), loadAlarms()]);
    await loadEvents(); // after the alarms, so alarm events show their message
  } finally {
    loading = false;
    while (backlog.length) backlog.shift()();
  }
}

document.getElementById("sound")?.addEventListener("click", () => {
  state.soundOn = !state.soundOn || (audio && audio.state !== "running");
  audio ||= new AudioContext();
  audio.resume().finally(updateSound);
});

live({
  event: queued(onEvent),
  alarm: queued((a) => {
    state.known.set(a.id, a);
    if (a.status === "handled") state.alarms.delete(a.id);
    else state.alarms.set(a.id, a);
    renderAlarms();
    refreshSummary();
  }),
  device: queued((d) => {
    state.devices.set(d.serial, { ...state.devices.get(d.serial), ...d });
    renderDevices();
    refreshSummary();
  }),
  resync: () => loadAll().catch((e) => toast(e.message, "error")),
});
loadAll().catch((e) => toast(e.message, "error"));
