// The run view: progress of each run (polled while one is in progress) and bench report's own HTML.
"use strict";
(function () {
  const query = CS.page().query;
  let seen = null;

  function pct(r) { return r.expected ? `${Math.round((100 * r.records) / r.expected)} %` : "-"; }

  async function poll() {
    let rows;
    try { rows = await CS.api(`/api/runs/status?${query}`); } catch (err) { return; }
    const table = CS.$("#progress");
    for (const old of table.querySelectorAll("tr.run")) old.remove();
    for (const r of rows) {
      const classes = Object.entries(r.failure_classes).map(([k, n]) => `${k} ${n}`).join(", ");
      table.append(CS.el("tr", { class: "run", "data-run": r.id },
        CS.el("td", { text: r.id }), CS.el("td", { text: r.expected ? `${r.records} / ${r.expected}` : String(r.records) }),
        CS.el("td", {}, CS.el("progress", { max: r.expected || 1, value: r.expected ? r.records : 0 }), ` ${pct(r)}`),
        CS.el("td", { text: r.pass_at_1 === null ? "-" : r.pass_at_1.toFixed(3) }), CS.el("td", { class: "small", text: classes || "-" }),
        CS.el("td", {}, CS.el("span", { class: `badge ${r.in_progress ? "running" : "idle"}`, text: r.in_progress ? "in progress" : "finished" }))));
    }
    const key = rows.map((r) => r.records).join(",");
    if (seen !== null && key !== seen) CS.$("#report").setAttribute("src", `/api/runs/report?${query}&t=${Date.now()}`);
    seen = key;
    if (rows.some((r) => r.in_progress)) setTimeout(poll, 3000);
  }
  poll();
})();
