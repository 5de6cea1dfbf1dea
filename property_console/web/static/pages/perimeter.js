// Perimeter: until the control interface lands, the recent zone alarms (read-only).
import { api, el, fmtTime, lang, t, toast } from "/static/app.js";

async function load() {
  const page = await api("/api/alarms?page_size=100");
  const rows = page.items.filter((a) => a.detail && a.detail.zone);
  document.getElementById("zone-empty").hidden = rows.length > 0;
  document.querySelector("#zone-alarms tbody").replaceChildren(
    ...rows.map((a) =>
      el("tr", {}, [
        el("td", { "data-label": t("alarm.raised_at"), text: fmtTime(a.raised_at) }),
        el("td", { "data-label": t("alarm.zone"), text: a.detail.zone }),
        el("td", { "data-label": t("alarm.source"), text: a.source }),
        el("td", { "data-label": t("common.details") }, el("a", { href: `/alarms#${a.id}`, text: lang === "en" ? a.message_en : a.message_zh })),
        el("td", { "data-label": t("common.status") }, el("span", { class: `badge ${a.status}`, text: t(`alarm.${a.status}`) })),
      ]),
    ),
  );
}
load().catch((e) => toast(e.message, "error"));
