// Minimal console shell: login, who am I, first page of persons (the full UI grows with later issues).
const $ = (s) => document.querySelector(s);
const POP = { registered: "户籍", floating: "流动", overseas: "境外" };

async function api(path, opts = {}) {
  const r = await fetch(path, { credentials: "same-origin", headers: { "Content-Type": "application/json" }, ...opts });
  const body = r.status === 204 ? null : await r.json();
  if (!r.ok) throw new Error((body && body.errors && body.errors.map((e) => e.message_zh).join("；")) || r.statusText);
  return body;
}

async function showHome() {
  const me = await api("/api/auth/me");
  $("#who").textContent = `${me.username}（${me.role_zh}）`;
  $("#login").hidden = true;
  $("#home").hidden = false;
  if (me.permissions.includes("persons:read")) {
    const page = await api("/api/persons?page_size=20");
    $("#counts").innerHTML = `<li>登记人员：${page.total}</li>`;
    $("#persons tbody").innerHTML = page.items
      .map((p) => `<tr><td>${p.name}</td><td>${p.id_number}</td><td>${p.phone ?? ""}</td><td>${POP[p.population_type] ?? ""}</td></tr>`)
      .join("");
  }
}

$("#login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("#login-error").textContent = "";
  try {
    await api("/api/auth/login", { method: "POST", body: JSON.stringify({ username: $("#username").value, password: $("#password").value }) });
    await showHome();
  } catch (e) {
    $("#login-error").textContent = e.message;
  }
});
$("#logout").addEventListener("click", async () => { await api("/api/auth/logout", { method: "POST" }); location.reload(); });
showHome().catch(() => {});
