// Visitors: who is inside now (count), inviting a visitor, current invitations (revoke, QR), today's passes.
import { ApiError, api, can, el, fmtTime, lang, live, t, toast } from "/static/app.js";

async function loadInside() {
  const data = await api("/api/visitors/inside");
  document.getElementById("inside-count").textContent = data.count;
  document.getElementById("inside-empty").hidden = data.count > 0;
  document.querySelector("#inside tbody").replaceChildren(
    ...data.items.map((v) =>
      el("tr", { "data-pass": v.pass_id }, [
        el("td", { "data-label": t("visitors.name"), text: v.visitor_name }),
        el("td", { "data-label": t("visitors.phone"), text: v.visitor_phone }),
        el("td", { "data-label": t("visitors.entered"), text: fmtTime(v.entered_at) }),
        el("td", { "data-label": t("visitors.door"), text: v.door_name }),
        el("td", { "data-label": t("visitors.by"), text: v.host }),
        el("td", { "data-label": t("visitors.until"), text: fmtTime(v.valid_to) }),
      ]),
    ),
  );
}

async function loadPasses() {
  const rows = await api("/api/visitor-passes");
  document.getElementById("passes-empty").hidden = rows.length > 0;
  document.querySelector("#passes tbody").replaceChildren(
    ...rows.map((p) => {
      const actions = [el("a", { class: "btn btn-small btn-ghost", href: `/api/visitor-passes/t/${p.token}`, target: "_blank", rel: "noopener", text: t("visitors.qr"), "aria-label": `${t("visitors.qr")} ${p.visitor_name}` })];
      if (can("visitor_passes:write") && !p.revoked) {
        actions.push(el("button", { type: "button", class: "btn btn-small btn-danger", text: t("visitors.revoke"), "aria-label": `${t("visitors.revoke")} ${p.visitor_name}`, onclick: () => revoke(p.id) }));
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
    await Promise.all([loadPasses(), loadInside()]);
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

/** A datetime-local value (the browser's local time) for a Date. */
function localValue(d) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

async function setupInvite(form) {
  const now = new Date();
  form.valid_from.value = localValue(now);
  form.valid_to.value = localValue(new Date(now.getTime() + 4 * 3600 * 1000));
  const box = document.getElementById("door-options");
  if (can("devices:read")) {
    const page = await api("/api/devices?kind=door&page_size=200");
    box.replaceChildren(
      ...page.items.map((d, i) =>
        el("label", { class: "check", for: `door-${i}` }, [el("input", { type: "checkbox", id: `door-${i}`, name: "doors", value: d.serial }), `${d.name} (${d.serial})`]),
      ),
    );
  } else {
    form.doors_text.hidden = false;
  }
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    invite(form);
  });
}

function clearErrors(form) {
  form.querySelectorAll(".field-error").forEach((n) => (n.textContent = ""));
  form.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
  document.getElementById("invite-error").textContent = "";
}

function fieldError(form, field, message) {
  const span = document.getElementById(`v-${field}-err`);
  if (!span) return false;
  span.textContent = message;
  const control = field === "doors" ? form.querySelector("[name=doors], [name=doors_text]") : form.elements[field];
  control?.setAttribute("aria-invalid", "true");
  return true;
}

async function invite(form) {
  clearErrors(form);
  const doors = form.doors_text.hidden
    ? [...form.querySelectorAll("[name=doors]:checked")].map((c) => c.value)
    : form.doors_text.value.split(/[,，\s]+/).filter(Boolean);
  let bad = false;
  for (const field of ["visitor_name", "visitor_phone", "valid_from", "valid_to"]) {
    if (!form.elements[field].value.trim()) bad = fieldError(form, field, t("visitors.required")) || bad;
  }
  if (!doors.length) bad = fieldError(form, "doors", t("visitors.pick_door")) || bad;
  if (bad) {
    form.querySelector("[aria-invalid]")?.focus();
    return;
  }
  const body = {
    visitor_name: form.visitor_name.value.trim(),
    visitor_phone: form.visitor_phone.value.trim(),
    doors,
    valid_from: new Date(form.valid_from.value).toISOString(),
    valid_to: new Date(form.valid_to.value).toISOString(),
  };
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const made = await api("/api/visitor-passes", { method: "POST", body });
    const done = document.getElementById("invite-done");
    done.replaceChildren(
      t("visitors.created", { name: made.visitor_name }), " ",
      el("a", { href: `/api/visitor-passes/t/${made.token}`, target: "_blank", rel: "noopener", text: t("visitors.qr") }),
    );
    form.visitor_name.value = "";
    form.visitor_phone.value = "";
    await loadPasses();
  } catch (err) {
    if (err instanceof ApiError) {
      const loose = err.errors.filter((x) => !(x.field && fieldError(form, x.field, lang === "en" ? x.message_en : x.message_zh)));
      document.getElementById("invite-error").textContent = loose.length ? err.message : "";
      form.querySelector("[aria-invalid]")?.focus();
    } else {
      document.getElementById("invite-error").textContent = err.message;
    }
  } finally {
    button.disabled = false;
  }
}

loadInside().catch((e) => toast(e.message, "error"));
loadPasses().catch((e) => toast(e.message, "error"));
loadRecent().catch((e) => toast(e.message, "error"));
if (can("events:read")) {
  // a visitor let in (or out) elsewhere updates the count here at once
  const refresh = () => Promise.all([loadInside(), loadRecent()]).catch((e) => toast(e.message, "error"));
  live({ event: (e) => e.kind === "visitor_pass" && refresh(), resync: refresh });
}
const form = document.getElementById("invite-form");
if (form) setupInvite(form).catch((e) => toast(e.message, "error"));
