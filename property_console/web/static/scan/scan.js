// Scan page actions: OTP login, registrations, confirmations, notes and flags through the JSON API.
(() => {
  "use strict";
  const plate = document.querySelector("[data-token]");
  const token = plate ? plate.dataset.token : "";
  const toast = document.getElementById("toast");

  function say(text, error) {
    toast.textContent = text;
    toast.className = error ? "error" : "";
    toast.hidden = false;
    clearTimeout(say.timer);
    say.timer = setTimeout(() => { toast.hidden = true; }, 4000);
  }

  async function post(url, body) {
    const r = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(body || {}),
    });
    const data = r.status === 204 ? {} : await r.json().catch(() => ({}));
    if (!r.ok) {
      const e = (data.errors && data.errors[0]) || {};
      throw new Error(e.message_zh || "操作失败，请稍后重试");
    }
    return data;
  }

  async function run(action, okText) {
    try {
      await action();
      say(okText);
      setTimeout(() => location.reload(), 600);
    } catch (err) {
      say(err.message, true);
    }
  }

  function fileBase64(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(",")[1]);
      reader.onerror = reject;
      reader.readAsDataURL(file);
    });
  }

  const otpForm = document.querySelector("[data-otp]");
  if (otpForm) {
    otpForm.querySelector("[data-otp-send]").addEventListener("click", async () => {
      try {
        await post("/api/doorplate/otp/request", { phone: otpForm.phone.value });
        say("验证码已发送");
      } catch (err) { say(err.message, true); }
    });
    otpForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      run(() => post("/api/doorplate/otp/verify", { phone: otpForm.phone.value, code: otpForm.code.value }), "登录成功");
    });
  }

  document.querySelectorAll("[data-logout]").forEach((b) =>
    b.addEventListener("click", () => run(() => post("/api/auth/logout"), "已退出")));

  const reg = document.querySelector("[data-register]");
  if (reg) {
    const today = new Date();
    reg.start_date.value = new Date(today.getTime() - today.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
    reg.addEventListener("submit", (ev) => {
      ev.preventDefault();
      run(async () => {
        const body = {
          token, name: reg.name.value, id_number: reg.id_number.value, relation: reg.relation.value,
          start_date: reg.start_date.value,
          for_self: reg.for_self.type === "checkbox" ? reg.for_self.checked : true,
        };
        if (reg.phone.value) body.phone = reg.phone.value;
        const file = reg.photo.files[0];
        if (file) { body.photo_base64 = await fileBase64(file); body.photo_type = file.type; }
        const out = await post("/api/doorplate/registrations/move-in", body);
        if (out.status === "confirmed") say("登记已生效");
      }, "登记已提交");
    });
  }

  document.querySelectorAll("[data-moveout]").forEach((b) => b.addEventListener("click", () => {
    const end = prompt(`${b.dataset.name} 的迁出日期（YYYY-MM-DD）`, new Date().toISOString().slice(0, 10));
    if (end) run(() => post("/api/doorplate/registrations/move-out", { token, residency_id: b.dataset.moveout, end_date: end }), "迁出登记已提交");
  }));

  document.querySelectorAll("[data-phone]").forEach((b) => b.addEventListener("click", () => {
    const phone = prompt(`${b.dataset.name} 的新手机号`);
    if (phone) run(() => post("/api/doorplate/registrations/update-phone", { token, residency_id: b.dataset.phone, phone }), "变更已提交");
  }));

  document.querySelectorAll("[data-post]").forEach((b) => b.addEventListener("click", () => {
    const body = b.dataset.body ? JSON.parse(b.dataset.body) : undefined;
    run(() => post(b.dataset.post, body), "已完成");
  }));

  document.querySelectorAll("[data-note]").forEach((f) => f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    run(() => post(f.dataset.note, { text: f.text.value }), "已保存");
  }));

  document.querySelectorAll("time[data-local]").forEach((t) => {
    t.textContent = new Date(t.dataset.local).toLocaleString("zh-CN", { hour12: false });
  });
})();
