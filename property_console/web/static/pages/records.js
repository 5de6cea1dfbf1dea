// 一标三实 records: search, list, view, edit (the API validates), residency history.
import { ApiError, api, boot, can, el, opt, t, toast } from "/static/app.js";

const OPTIONS = {
  gender: ["male", "female", "unknown"],
  id_type: ["resident_id", "passport", "hk_macau_permit", "taiwan_permit", "foreign_permanent", "other"],
  population_type: ["registered", "floating", "overseas"],
  use: ["residential", "commercial", "office", "mixed", "other"],
  ownership: ["private", "public", "company", "other"],
  rental_status: ["self_occupied", "rented", "partly_rented", "vacant"],
  plate_color: ["blue", "yellow", "green", "yellow_green", "white", "black"],
  pass_type: ["resident", "monthly", "whitelist", "blacklist"],
};
// columns: shown in the table; view: shown in the dialog; edit: field -> input type (the API re-validates).
const ENTITIES = {
  persons: {
    search: "q",
    columns: ["name", "gender", "id_number", "phone", "population_type"],
    view: ["name", "gender", "id_type", "id_number", "birth_date", "ethnicity", "phone", "population_type", "special_categories", "note"],
    edit: { name: "text", ethnicity: "text", phone: "tel", population_type: "select", note: "textarea" },
    history: (id) => `/api/persons/${id}/residencies`,
    title: (r) => r.name,
  },
  houses: {
    search: "q",
    columns: ["address_name", "address_code", "use", "rental_status", "area_m2", "flagged"],
    view: ["address_name", "address_code", "use", "ownership", "rental_status", "area_m2", "flagged", "note"],
    edit: { use: "select", ownership: "select", rental_status: "select", area_m2: "number", flagged: "checkbox", note: "textarea" },
    history: (id) => `/api/houses/${id}/residencies`,
    title: (r) => r.address_name,
  },
  vehicles: {
    search: "plate",
    columns: ["plate", "plate_color", "pass_type", "vehicle_color", "brand", "valid_until"],
    view: ["plate", "plate_color", "pass_type", "vehicle_color", "brand", "valid_until"],
    edit: { plate_color: "select", pass_type: "select", vehicle_color: "text", brand: "text", valid_until: "date" },
    title: (r) => r.plate,
  },
  organisations: {
    search: "q",
    columns: ["name", "credit_code", "kind", "contact_name", "contact_phone", "employees"],
    view: ["name", "credit_code", "kind", "contact_name", "contact_phone", "employees"],
    edit: { name: "text", kind: "text", contact_name: "text", contact_phone: "tel", employees: "number" },
    title: (r) => r.name,
  },
};
const entity = boot.entity;
const spec = ENTITIES[entity];
const writable = can(`${entity}:write`);
document.getElementById("q").placeholder = t(`records.search.${entity}`);
const state = { page: 1, pageSize: 20, total: 0, query: "", rows: [], current: null };

function show(field, value) {
  if (value === null || value === undefined || value === "") return t("common.none");
  if (typeof value === "boolean") return t(value ? "common.yes" : "common.no");
  if (Array.isArray(value)) return value.length ? value.map((v) => opt(field, v)).join("、") : t("common.none");
  if (field in OPTIONS) return opt(field, value);
  return String(value);
}

async function load() {
  const params = new URLSearchParams({ page: state.page, page_size: state.pageSize });
  if (state.query) params.set(spec.search, state.query);
  const data = await api(`/api/${entity}?${params}`);
  Object.assign(state, { rows: data.items, total: data.total });
  render();
}

function render() {
  const table = document.getElementById("records");
  table.tHead.replaceChildren(
    el("tr", {}, [...spec.columns.map((c) => el("th", { scope: "col", text: t(`field.${c}`) })), el("th", { scope: "col" }, el("span", { class: "sr-only", text: t("common.details") }))]),
  );
  table.tBodies[0].replaceChildren(
    ...state.rows.map((r) =>
      el("tr", { "data-id": r.id }, [
        ...spec.columns.map((c, i) =>
          el("td", { "data-label": t(`field.${c}`), class: c === "plate" ? "mono" : null }, i === 0 ? el("button", { type: "button", class: "link", text: show(c, r[c]), onclick: () => open(r.id) }) : show(c, r[c])),
        ),
        el("td", { class: "row-actions" }, el("button", { type: "button", class: "btn btn-small btn-ghost", text: writable ? t("common.edit") : t("common.view"), onclick: () => open(r.id) })),
      ]),
    ),
  );
  document.getElementById("records-empty").hidden = state.rows.length > 0;
  const pages = Math.max(1, Math.ceil(state.total / state.pageSize));
  document.getElementById("page-info").textContent = t("common.page", { page: state.page, pages, total: state.total });
  document.getElementById("prev").disabled = state.page <= 1;
  document.getElementById("next").disabled = state.page >= pages;
}

function input(field, kind, value) {
  const id = `f-${field}`;
  const common = { id, name: field, "aria-describedby": `${id}-err`, disabled: !writable };
  let control;
  if (kind === "select") {
    control = el("select", common, OPTIONS[field].map((v) => el("option", { value: v, text: opt(field, v), selected: v === value })));
  } else if (kind === "textarea") {
    control = el("textarea", { ...common, rows: 2, maxlength: 500 });
    control.value = value ?? "";
  } else if (kind === "checkbox") {
    control = el("input", { ...common, type: "checkbox", checked: Boolean(value) });
  } else {
    control = el("input", { ...common, type: kind, value: value ?? "", step: kind === "number" ? "any" : null });
  }
  return el("div", { class: `field field-${kind}` }, [
    el("label", { for: id, text: t(`field.${field}`) }),
    control,
    el("span", { class: "field-error", id: `${id}-err` }),
  ]);
}

async function open(id) {
  const record = await api(`/api/${entity}/${id}`);
  state.current = record;
  document.getElementById("dialog-title").textContent = spec.title(record);
  const fields = document.getElementById("record-fields");
  const facts = el(
    "dl",
    { class: "facts" },
    spec.view.filter((f) => !(writable && f in spec.edit) && f in record).flatMap((f) => [el("dt", { text: t(`field.${f}`) }), el("dd", { text: show(f, record[f]) })]),
  );
  const edits = Object.entries(spec.edit).filter(([f]) => f in record || writable).map(([f, kind]) => input(f, kind, record[f]));
  fields.replaceChildren(facts, ...edits);
  document.getElementById("record-error").textContent = "";
  document.getElementById("save").hidden = !writable;
  await loadHistory(id);
  const dialog = document.getElementById("record-dialog");
  dialog.showModal();
  (dialog.querySelector("input:not([disabled]),select:not([disabled]),textarea:not([disabled])") || dialog.querySelector("[data-close]")).focus();
}

async function loadHistory(id) {
  const box = document.getElementById("history");
  box.hidden = !spec.history || !can("residencies:read");
  if (box.hidden) return;
  const rows = await api(spec.history(id));
  const table = box.querySelector("table");
  const cols = entity === "persons" ? ["address_name", "relation", "start_date", "end_date"] : ["person_name", "relation", "start_date", "end_date"];
  table.tHead.replaceChildren(el("tr", {}, cols.map((c) => el("th", { scope: "col", text: t(`field.${c}`) }))));
  table.tBodies[0].replaceChildren(
    ...rows.map((r) =>
      el("tr", { class: r.end_date ? "ended" : "current" }, cols.map((c) => el("td", { "data-label": t(`field.${c}`), text: c === "relation" ? opt("relation", r[c]) : c === "end_date" && !r[c] ? t("records.current") : show(c, r[c]) }))),
    ),
  );
}

function changes(form) {
  const out = {};
  for (const [field, kind] of Object.entries(spec.edit)) {
    const control = form.elements[field];
    if (!control) continue;
    let value = kind === "checkbox" ? control.checked : control.value.trim();
    if (kind === "number" && value !== "") value = Number(value);
    if (value === "") value = null;
    const before = state.current[field] ?? null;
    if (String(value) !== String(before)) out[field] = value;
  }
  return out;
}

document.getElementById("record-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  for (const span of form.querySelectorAll(".field-error")) span.textContent = "";
  form.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
  const error = document.getElementById("record-error");
  error.textContent = "";
  const body = changes(form);
  if (!Object.keys(body).length) {
    document.getElementById("record-dialog").close();
    return;
  }
  try {
    await api(`/api/${entity}/${state.current.id}`, { method: "PATCH", body });
    document.getElementById("record-dialog").close();
    toast(t("common.saved"));
    await load();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const general = [];
    err.errors.forEach((x, i) => {
      const control = x.field && form.elements[x.field.split(".")[0]];
      if (control) {
        control.setAttribute("aria-invalid", "true");
        document.getElementById(`f-${x.field.split(".")[0]}-err`).textContent = err.lines()[i].split("：").pop();
      } else general.push(err.lines()[i]);
    });
    const placed = err.errors.length - general.length;
    error.textContent = general.join("；") || (placed ? "" : t("common.error"));
    form.querySelector("[aria-invalid]")?.focus();
  }
});

for (const button of document.querySelectorAll("[data-close]")) button.addEventListener("click", () => document.getElementById("record-dialog").close());
document.getElementById("search").addEventListener("submit", (e) => {
  e.preventDefault();
  state.query = document.getElementById("q").value.trim();
  state.page = 1;
  load().catch((x) => toast(x.message, "error"));
});
document.getElementById("prev").addEventListener("click", () => {
  state.page -= 1;
  load();
});
document.getElementById("next").addEventListener("click", () => {
  state.page += 1;
  load();
});
load().catch((e) => toast(e.message, "error"));
