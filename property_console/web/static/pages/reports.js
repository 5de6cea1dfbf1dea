// Reports: passes per hour/day, alarms by kind/disposition, visitors, device availability (Chart.js, vendored).
import { ApiError, alarmKind, api, el, t, toast } from "/static/app.js";

const Chart = window.Chart;
const PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#f59e0b", "#7c3aed", "#0891b2", "#db2777", "#64748b"];
const charts = {};
Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
Chart.defaults.color = "#475569";
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.animation = { duration: 300 };

function draw(id, config) {
  charts[id]?.destroy();
  charts[id] = new Chart(document.getElementById(id), config);
}

function passSets(rows, kinds) {
  return kinds.map((k, i) => ({
    label: t(`kind.${k}`),
    data: rows.map((r) => r[k]),
    backgroundColor: PALETTE[i % PALETTE.length],
    borderColor: PALETTE[i % PALETTE.length],
  }));
}

function label(map, prefix) {
  return Object.keys(map).map((k) => {
    const key = `${prefix}.${k}`;
    const text = t(key);
    return text === key ? (k === "new" || k === "acknowledged" ? t(`alarm.${k}`) : k) : text;
  });
}

async function load(days) {
  document.getElementById("report-export").href = `/api/reports/export?days=${days}`;
  const [passes, alarms, devices, visitors] = await Promise.all([
    api(`/api/reports/passes?days=${days}`),
    api(`/api/reports/alarms?days=${days}`),
    api(`/api/reports/devices?days=${days}`),
    api(`/api/reports/visitors?days=${days}`),
  ]);
  const stacked = { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } };
  draw("chart-hour", { type: "bar", data: { labels: passes.hours.map((h) => `${h.hour}:00`), datasets: passSets(passes.hours, passes.kinds) }, options: { scales: stacked } });
  draw("chart-day", {
    type: "line",
    data: { labels: passes.days.map((d) => d.date.slice(5)), datasets: passSets(passes.days, passes.kinds).map((s) => ({ ...s, fill: false, tension: 0.25 })) },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  draw("chart-alarm-kind", {
    type: "doughnut",
    data: { labels: Object.keys(alarms.by_kind).map(alarmKind), datasets: [{ data: Object.values(alarms.by_kind), backgroundColor: PALETTE }] },
    options: { plugins: { legend: { position: "right" } } },
  });
  draw("chart-alarm-disp", {
    type: "bar",
    data: { labels: label(alarms.by_disposition, "disposition"), datasets: [{ label: t("kind.alarm"), data: Object.values(alarms.by_disposition), backgroundColor: PALETTE[1] }] },
    options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  draw("chart-visitors", {
    type: "bar",
    data: {
      labels: visitors.days.map((d) => d.date.slice(5)),
      datasets: [
        { label: t("reports.visits"), data: visitors.days.map((d) => d.visits), backgroundColor: PALETTE[5] },
        { label: t("reports.invitations"), data: visitors.days.map((d) => d.invitations), backgroundColor: PALETTE[4] },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  document.getElementById("visitor-totals").textContent =
    `${t("reports.visits")} ${visitors.visits} · ${t("reports.invitations")} ${visitors.invitations}`;
  const known = devices.filter((d) => d.availability !== null);
  draw("chart-avail", {
    type: "bar",
    data: {
      labels: known.map((d) => d.name),
      datasets: [{ label: t("reports.availability"), data: known.map((d) => Math.round(d.availability * 1000) / 10), backgroundColor: known.map((d) => (d.availability >= 0.99 ? PALETTE[2] : d.availability >= 0.9 ? PALETTE[3] : PALETTE[1])) }],
    },
    options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } } },
  });
  document.querySelector("#avail-table tbody").replaceChildren(
    ...devices.map((d) =>
      el("tr", {}, [
        el("td", { "data-label": t("common.device"), text: d.name }),
        el("td", { "data-label": t("common.status") }, el("span", { class: `dot-label status-${d.status}`, text: t(`status.${d.status}`) })),
        el("td", { "data-label": t("reports.availability"), text: d.availability === null ? t("reports.no_data") : `${(d.availability * 100).toFixed(1)}%` }),
        el("td", { "data-label": t("reports.offline_events"), text: d.offline_events }),
      ]),
    ),
  );
  document.body.dataset.chartsReady = "1";
}

/** Download the PDF with a progress bar: building (indeterminate), then the bytes as they arrive. */
async function exportPdf(button) {
  const box = document.getElementById("pdf-box");
  const bar = document.getElementById("pdf-progress");
  const status = document.getElementById("pdf-status");
  button.disabled = true;
  box.hidden = false;
  bar.removeAttribute("value");
  status.textContent = t("reports.exporting");
  try {
    const res = await fetch(`/api/reports/export/pdf?days=${days.value}`, { credentials: "same-origin" });
    if (!res.ok) {
      const data = await res.json().catch(() => null);
      throw new ApiError(res.status, (data && data.errors) || []);
    }
    const total = Number(res.headers.get("Content-Length")) || 0;
    const reader = res.body.getReader();
    const chunks = [];
    let got = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      got += value.length;
      if (total) {
        bar.value = Math.round((got / total) * 100);
        status.textContent = t("reports.downloading", { percent: bar.value });
      }
    }
    const name = decodeURIComponent((res.headers.get("Content-Disposition") || "").split("''")[1] || "report.pdf");
    const link = el("a", { href: URL.createObjectURL(new Blob(chunks, { type: "application/pdf" })), download: name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    bar.value = 100;
    status.textContent = t("reports.exported");
    document.body.dataset.pdfBytes = String(got);
  } catch (e) {
    status.textContent = e.message;
    toast(e.message, "error");
  } finally {
    button.disabled = false;
  }
}

const days = document.getElementById("days");
const pdfButton = document.getElementById("report-pdf");
pdfButton.addEventListener("click", () => exportPdf(pdfButton));
days.addEventListener("change", () => load(days.value).catch((e) => toast(e.message, "error")));
load(days.value).catch((e) => toast(e.message, "error"));
