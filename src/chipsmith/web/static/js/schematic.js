// The Schematic page: the design synthesized to the library's cells (server), drawn by netlistsvg
// (vendored, with elkjs) in the page; OpenSTA's critical path coloured on it.
"use strict";
(function () {
  const sid = CS.page().session;
  const base = `/api/s/${encodeURIComponent(sid)}`;
  const status = CS.$("#schematic-status");

  // The drawing is SVG text: parse it as XML, keep drawing elements only, then adopt it.
  function clean(svgText) {
    const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
    const root = doc.documentElement;
    if (root.nodeName !== "svg") throw new Error("netlistsvg returned no SVG");
    for (const bad of root.querySelectorAll("script, foreignObject, style, a, iframe, image, use")) bad.remove();
    for (const node of root.querySelectorAll("*")) {
      for (const attr of Array.from(node.attributes)) {
        if (/^on/i.test(attr.name) || /href$/i.test(attr.name) || attr.name === "style") node.removeAttribute(attr.name);
      }
    }
    return document.importNode(root, true);
  }

  function mark(svg, hl) {
    const ids = new Set([...hl.cells, ...hl.ports].map((n) => `cell_${n}`));
    const cellClasses = new Set(hl.cells.map((n) => `cell_${n}`));
    const nets = new Set(hl.bits.map((b) => `net_${b}`));
    let found = 0;
    for (const node of svg.querySelectorAll("[id], [class]")) {
      if (node.id && ids.has(node.id)) { node.classList.add("crit"); found += 1; }
      for (const c of Array.from(node.classList)) {
        if (cellClasses.has(c)) node.classList.add("crit");
        if (nets.has(c)) node.classList.add("crit-net");
      }
    }
    return found;
  }

  function facts(data) {
    const rows = [
      ["top", data.top], ["cells", String(data.cell_count)], ["area", `${data.area_um2.toFixed(3)} um^2`],
      ["delay", data.delay_ps === null ? "-" : `${data.delay_ps.toFixed(1)} ps`],
      ["power", data.power_w === null ? "-" : `${data.power_w.toExponential(3)} W`],
      ["library", data.liberty.map((l) => l.split("/").pop()).join(", ")],
    ];
    CS.$("#ppa").replaceChildren(...rows.map(([k, v]) => CS.el("tr", {}, CS.el("th", { text: k }), CS.el("td", { text: v }))));
    const p = data.path;
    CS.$("#path").replaceChildren(...p.points.map((pt) => CS.el("li", { text: `${pt.name} (${pt.kind})` })));
    CS.$("#path-note").textContent = p.arrival_ps === null ? "OpenSTA reported no path" : `arrival ${p.arrival_ps} ps from ${p.startpoint} to ${p.endpoint}`;
  }

  async function drawDesign() {
    const path = CS.$("#design").value;
    if (!path) return;
    const q = new URLSearchParams({ path });
    if (CS.$("#top").value.trim()) q.set("top", CS.$("#top").value.trim());
    status.textContent = `synthesizing ${path}\u2026`;
    CS.$("#schematic").replaceChildren();
    document.body.dataset.schematic = "loading";
    try {
      const data = await CS.api(`${base}/schematic?${q}`);
      facts(data);
      status.textContent = `laying out ${data.cell_count} cells\u2026`;
      const text = await netlistsvg.render(netlistsvg.digitalSkin, data.netlist);
      const svg = clean(text);
      svg.setAttribute("id", "schematic-svg");
      CS.$("#schematic").replaceChildren(svg);
      const found = mark(svg, data.highlight);
      status.textContent = `${data.top}: ${data.cell_count} cells; critical path (red): ${data.highlight.cells.length} cells, ${found} marked`;
      document.body.dataset.schematic = "ready";
      history.replaceState(null, "", `?path=${encodeURIComponent(path)}`);
    } catch (err) {
      status.textContent = err.message || String(err);
      document.body.dataset.schematic = "error";
    }
  }

  CS.$("#draw").addEventListener("click", drawDesign);
  CS.api(`${base}/designs`).then((data) => {
    const sel = CS.$("#design");
    if (!data.designs.length) { status.textContent = "No design (a Verilog module that is not a testbench) in this workspace yet."; return; }
    sel.replaceChildren(...data.designs.map((d) => CS.el("option", { value: d, text: d })));
    const wanted = CS.page().path;
    if (wanted && data.designs.includes(wanted)) sel.value = wanted;
    drawDesign();
  }).catch((err) => { status.textContent = err.message; });
})();
