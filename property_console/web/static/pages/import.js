// Excel import: upload, then the row-level error report right in the page.
import { ApiError, api, el, lang, t, toast } from "/static/app.js";

const form = document.getElementById("import-form");
const kind = document.getElementById("kind");
const wanted = new URLSearchParams(location.search).get("kind");
if (wanted && [...kind.options].some((o) => o.value === wanted)) kind.value = wanted;
const syncTemplate = () => (document.getElementById("template-link").href = `/api/import/${kind.value}/template`);
kind.addEventListener("change", syncTemplate);
syncTemplate();

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  const error = document.getElementById("import-error");
  error.textContent = "";
  const file = form.file.files[0];
  if (!file) {
    error.textContent = t("import.file");
    form.file.focus();
    return;
  }
  const data = new FormData();
  data.append("file", file);
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const report = await api(`/api/import/${kind.value}?partial=${form.partial.checked}`, { method: "POST", form: data });
    show(report);
  } catch (err) {
    error.textContent = err instanceof ApiError ? err.lines().join("；") : err.message;
  } finally {
    button.disabled = false;
  }
});

function show(report) {
  const box = document.getElementById("import-result");
  box.hidden = false;
  const n = report.errors.length;
  const summary = document.getElementById("import-summary");
  const key = n === 0 ? "import.ok" : report.written ? "import.partial_done" : "import.failed";
  summary.textContent = t(key, { rows: report.rows, created: report.created, errors: n });
  summary.dataset.kind = n === 0 ? "ok" : report.written ? "warn" : "error";
  const table = document.getElementById("import-errors");
  table.hidden = n === 0;
  table.tBodies[0].replaceChildren(
    ...report.errors.map((x) =>
      el("tr", {}, [
        el("td", { "data-label": t("import.row"), text: x.row }),
        el("td", { "data-label": t("import.column"), text: x.column || t("common.none") }),
        el("td", { "data-label": t("import.reason"), text: lang === "en" ? x.message_en : x.message_zh }),
      ]),
    ),
  );
  box.scrollIntoView({ behavior: "smooth", block: "start" });
  if (n === 0) toast(summary.textContent);
}
