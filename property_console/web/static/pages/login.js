// Login form: POST /api/auth/login sets the session cookie, then go where the user was heading.
const form = document.getElementById("login-form");
const error = document.getElementById("login-error");
const zh = document.documentElement.lang !== "en";

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  error.textContent = "";
  const body = { username: form.username.value.trim(), password: form.password.value };
  if (!body.username || !body.password) {
    error.textContent = zh ? "请输入用户名和密码" : "Enter your username and password";
    return;
  }
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const res = await fetch("/api/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    if (res.ok) {
      location.href = form.dataset.next || "/";
      return;
    }
    const data = await res.json().catch(() => ({ errors: [] }));
    const first = (data.errors || [])[0] || {};
    error.textContent = (zh ? first.message_zh : first.message_en) || (zh ? "登录失败" : "Login failed");
    form.password.select();
  } finally {
    button.disabled = false;
  }
});
