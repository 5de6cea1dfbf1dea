// Gate confirmations: temporary vehicles waiting at a barrier; staff open or refuse with one click.
import { api, can, el, fmtTime, live, t, toast } from "/static/app.js";

async function load() {
  const rows = await api("/api/gates/pending");
  document.getElementById("pending-empty").hidden = rows.length > 0;
  document.getElementById("pending").replaceChildren(...rows.map(card));
}

function card(e) {
  const decide = async (action, button) => {
    button.disabled = true;
    try {
      await api(`/api/gates/pending/${e.id}/confirm`, { method: "POST", body: { action } });
      toast(t(action === "open" ? "gates.decided_open" : "gates.decided_refuse"));
      await load();
    } catch (err) {
      toast(err.message, "error");
      button.disabled = false;
      await load();
    }
  };
  const buttons = can("gates:confirm")
    ? [
        el("button", { type: "button", class: "btn btn-primary", text: t("gates.open"), onclick: (ev) => decide("open", ev.currentTarget) }),
        el("button", { type: "button", class: "btn btn-danger", text: t("gates.refuse"), onclick: (ev) => decide("refuse", ev.currentTarget) }),
      ]
    : [];
  return el("li", { class: "card pending-card", "data-id": e.id }, [
    e.capture_url ? el("img", { class: "plate-shot", src: e.capture_url, alt: e.subject || "" }) : el("div", { class: "plate-shot placeholder", text: "🚗", "aria-hidden": "true" }),
    el("div", { class: "pending-info" }, [
      el("span", { class: "plate big", text: e.subject || t("common.none") }),
      el("span", { class: "muted", text: `${e.device_serial} · ${fmtTime(e.device_time)}` }),
      e.detail && e.detail.reason ? el("span", { text: String(e.detail.reason) }) : null,
    ]),
    el("div", { class: "pending-actions" }, buttons),
  ]);
}

live({ event: (e) => /^vehicle_/.test(e.kind) && load(), resync: load });
load().catch((e) => toast(e.message, "error"));
