"use strict";
(function () {
  const form = CS.$("#new-session");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    CS.$("#new-error").textContent = "";
    CS.$("#new-go").disabled = true;
    try {
      const info = await CS.api("/api/sessions", { json: { title: CS.$("#new-title").value, model: CS.$("#new-model").value || null } });
      window.location.href = `/s/${encodeURIComponent(info.id)}`;
    } catch (err) {
      CS.$("#new-error").textContent = err.message;
      CS.$("#new-go").disabled = false;
    }
  });
})();
