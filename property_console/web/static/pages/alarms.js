// Alarm handling: list (open first), detail with snapshot and map position, acknowledge, handle.
import { alarmKind, api, can, el, fmtTime, lang, live, siteMap, t, toast } from "/static/app.js";

const state = { filter: "open", alarms: [], devices: [], selected: null, current: null };
const message = (a) => (lang === "en" ? a.message_en : a.message_zh);
const deviceName = (serial) => state.devices.find((d) => d.serial === serial)?.name || serial;

async function loadList() {
  const query = state.filter === "handled" ? "?status=handled&page_size=200" : "?page_size=200";
  const page = await api(`/api/alarms${query}`);
  state.alarms = state.filter === "open" ? page.items.filter((a) => a.status !== "handled") : page.items;
  const fresh = page.items.find((a) => a.id === state.selected);
  if (fresh) state.current = fresh; // the open detail stays, even after it left the open list
  renderList();
}

function renderList() {
  const list = document.getElementById("alarm-list");
  document.getElementById("alarm-empty").hidden = state.alarms.length > 0;
  list.replaceChildren(
    ...state.alarms.map((a) =>
      el("li", {}, [
        el(
          "button",
          {
            type: "button",
            class: `alarm-row ${a.status}`,
            "aria-current": state.selected === a.id ? "true" : null,
            "data-id": a.id,
            onclick: () => select(a.id),
          },
          [
            el("span", { class: "badge", text: t(`alarm.${a.status}`) }),
            el("span", { class: "row-main" }, [
              el("strong", { text: message(a) }),
              el("span", { class: "muted", text: `${deviceName(a.source)} · ${fmtTime(a.raised_at)}` }),
            ]),
          ],
        ),
      ]),
    ),
  );
}

function select(id) {
  state.selected = id;
  state.current = state.alarms.find((a) => a.id === id) || null;
  history.replaceState(null, "", `#${id}`);
  renderList();
  renderDetail();
}

function renderDetail() {
  const a = state.current;
  document.getElementById("alarm-placeholder").hidden = Boolean(a);
  document.getElementById("alarm-body").hidden = !a;
  if (!a) return;
  document.getElementById("d-title").textContent = message(a);
  const status = document.getElementById("d-status");
  status.textContent = t(`alarm.${a.status}`);
  status.className = `badge ${a.status}`;
  document.getElementById("d-kind").textContent = alarmKind(a.kind);
  document.getElementById("d-raised").textContent = fmtTime(a.raised_at);
  document.getElementById("d-source").textContent = `${deviceName(a.source)} (${a.source})`;
  document.getElementById("d-zone").textContent = a.detail.zone || t("common.none");
  const by = [a.acknowledged_by && `${t("alarm.acknowledged")}: ${a.acknowledged_by}`, a.handled_by && `${t("alarm.handled")}: ${a.handled_by}`];
  document.getElementById("d-by").textContent = by.filter(Boolean).join(" · ") || t("common.none");
  document.getElementById("d-disposition").textContent = a.disposition ? t(`disposition.${a.disposition}`) : t("common.none");
  document.getElementById("d-note").textContent = a.note ? `${t("alarm.note")}：${a.note}` : "";
  const img = document.getElementById("d-snapshot");
  const sha = a.detail.capture_sha256;
  img.hidden = !sha;
  document.getElementById("d-no-snapshot").hidden = Boolean(sha);
  if (sha) img.src = `/api/captures/${sha}`;
  const map = document.getElementById("d-map");
  if (state.devices.length) siteMap(map, state.devices, { highlight: a.source });
  else map.replaceChildren(el("p", { class: "muted", text: t("alarm.no_position") }));
  const ack = document.getElementById("ack");
  if (ack) ack.hidden = a.status !== "new";
  const form = document.getElementById("handle-form");
  if (form) form.hidden = a.status === "handled";
}

async function act(path, body) {
  const updated = await api(path, { method: "POST", body });
  const i = state.alarms.findIndex((x) => x.id === updated.id);
  if (i >= 0) state.alarms[i] = updated;
  state.current = updated;
  renderList();
  renderDetail();
  return updated;
}

document.getElementById("ack")?.addEventListener("click", async () => {
  try {
    await act(`/api/alarms/${state.selected}/ack`);
    toast(t("alarm.acknowledged"));
  } catch (e) {
    toast(e.message, "error");
  }
});

document.getElementById("handle-form")?.addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  const error = document.getElementById("handle-error");
  error.textContent = "";
  try {
    const note = form.note.value.trim();
    await act(`/api/alarms/${state.selected}/handle`, { disposition: form.disposition.value, note: note || null });
    form.reset();
    toast(t("alarm.handled"));
  } catch (err) {
    error.textContent = err.lines ? err.lines().join("；") : err.message;
  }
});

for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", async () => {
    for (const other of document.querySelectorAll(".tab")) other.setAttribute("aria-selected", String(other === tab));
    state.filter = tab.dataset.filter;
    await loadList();
    renderDetail();
  });
}

async function start() {
  if (can("devices:read")) state.devices = await api("/api/dashboard/map");
  await loadList();
  const wanted = location.hash.slice(1);
  if (wanted && !state.alarms.some((a) => a.id === wanted)) {
    state.filter = "all";
    for (const tab of document.querySelectorAll(".tab")) tab.setAttribute("aria-selected", String(tab.dataset.filter === "all"));
    await loadList();
  }
  if (wanted) select(wanted);
}

if (can("events:read")) {
  live({
    alarm: async () => {
      await loadList();
      renderDetail();
    },
  });
}
start().catch((e) => toast(e.message, "error"));
