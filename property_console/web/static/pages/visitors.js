// Visitors: current invitations (revoke, QR link) and today's visitor passes from the event log.
import { api, can, el, fmtTime, t, toast } from "/static/app.js";

async function loadPasses() {
  const rows = await api("/api/visitor-passes");
  document.getElementById("passes-empty").hidden = rows.length > 0;
  document.querySelector("#passes tbody").replaceChildren(
    ...rows.map((p) => {
      const actions = [el("a", { class: "btn btn-small btn-ghost", href: `/api/visitor-passes/t/${p.token}`, target: "_blank", rel: "noopener", text: t("visitors.qr") })];
      if (can("visitor_passes:write") && !p.revoked) {
        actions.push(el("button", { type: "button", class: "btn btn-small btn-danger", text: t("visitors.revoke"), onclick: () => revoke(p.id) }));
      }
      return el("tr", { "data-id": p.id, class: p.revoked ? "ended" : null }, [
        el("td", { "data-label": t("visitors.name"), text: p.visitor_name }),
        el("td", { "data-label": t("visitors.phone"), text: p.visitor_phone }),
        el("td", { "data-label": t("visitors.doors"), text: p.doors.join("、") }),
        el("td", { "data-label": t("visitors.window"), text: `${fmtTime(p.valid_from)} – ${fmtTime(p.valid_to)}` }),
        el("td", { "data-label": t("visitors.by"), text: p.created_by }),
        el("td", { "data-label": t("common.status") }, el("span", { class: `badge ${p.revoked ? "" : "handled"}`, text: p.revoked ? t("visitors.revoked") : t("visitors.valid") })),
        el("td", { class: "row-actions" }, actions),
      ]);
    }),
  );
}

async function revoke(id) {
  try {
    await api(`/api/visitor-passes/${id}/revoke`, { method: "POST" });
    toast(t("visitors.revoked"));
    await loadPasses();
  } catch (e) {
    toast(e.message, "error");
  }
}

async function loadRecent() {
  const list = document.getElementById("recent");
  if (!list) return;
  const since = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  const page = await api(`/api/events?kind=visitor_pass&page_size=50&since=${encodeURIComponent(since)}`);
  document.getElementById("recent-empty").hidden = page.items.length > 0;
  list.replaceChildren(
    ...page.items.map((e) =>
      el("li", { class: "event" }, [
        e.capture_url ? el("img", { class: "thumb", src: e.capture_url, alt: e.subject_name || "", width: 56, height: 56 }) : null,
        el("div", { class: "event-text" }, [
          el("strong", { text: e.subject_name || e.subject || t("common.none") }),
          el("span", { class: "muted", text: `${e.device_serial} · ${fmtTime(e.device_time)}` }),
        ]),
      ]),
    ),
  );
}

loadPasses().catch((e) => toast(e.message, "error"));
loadRecent().catch((e) => toast(e.message, "error"));
