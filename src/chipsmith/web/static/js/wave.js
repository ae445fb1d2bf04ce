// The Waveform page: a zoomable timing diagram drawn as SVG from the server's windows. Each view
// change asks /wave/window for the visible time span only, decimated to about two changes per
// pixel; a stretch with more is drawn hatched ("busy").
"use strict";
(function () {
  const sid = CS.page().session;
  const base = `/api/s/${encodeURIComponent(sid)}`;
  const LABEL = 190, ROW = 26, AXIS = 26, PAD = 8;
  const st = { path: null, meta: null, selected: [], t0: 0, t1: 1, radix: "hex", rows: [], req: 0, timer: null };
  const box = CS.$("#wave");

  function plotWidth() { return Math.max(200, box.clientWidth - LABEL - PAD * 2); }
  function x(t) { return LABEL + PAD + ((t - st.t0) / (st.t1 - st.t0)) * plotWidth(); }
  function tAt(px) { return st.t0 + ((px - LABEL - PAD) / plotWidth()) * (st.t1 - st.t0); }

  function niceStep(span) {
    const raw = span / 8;
    const mag = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
    for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag;
    return 10 * mag;
  }

  function setView(t0, t1) {
    const end = Math.max(st.meta ? st.meta.end : 1, 1);
    let a = Math.round(t0), b = Math.round(t1);
    if (b - a < 2) b = a + 2;
    if (a < 0) { b -= a; a = 0; }
    if (b > end * 1.05 + 10 && a > 0) { const over = b - Math.round(end * 1.05 + 10); a = Math.max(0, a - over); b -= over; }
    st.t0 = a; st.t1 = b;
    CS.$("#wave-range").textContent = `${CS.fmtTime(a, st.meta.timescale)} \u2013 ${CS.fmtTime(b, st.meta.timescale)}`;
    clearTimeout(st.timer);
    st.timer = setTimeout(fetchWindow, 60);
  }

  async function fetchWindow() {
    if (!st.selected.length) { st.rows = []; draw(); return; }
    const id = ++st.req;
    const q = new URLSearchParams({ path: st.path, t0: st.t0, t1: st.t1, buckets: Math.floor(plotWidth() / 2), radix: st.radix });
    for (const s of st.selected) q.append("signals", s);
    try {
      const data = await CS.api(`${base}/wave/window?${q}`);
      if (id !== st.req) return; // a newer view was asked for meanwhile
      st.rows = data.rows;
      draw();
    } catch (err) { CS.$("#mark-info").textContent = err.message; }
  }

  function segments(row) {
    const out = [];
    const ch = row.changes;
    for (let i = 0; i < ch.length; i++) {
      const a = Math.max(ch[i][0], st.t0);
      const b = i + 1 < ch.length ? ch[i + 1][0] : st.t1;
      if (b >= a) out.push({ a, b, v: ch[i][1] });
    }
    return out;
  }

  function drawBit(g, row, y) {
    const hi = y + 4, lo = y + ROW - 6, mid = (hi + lo) / 2;
    let d = "";
    for (const s of segments(row)) {
      const xa = x(s.a), xb = x(s.b);
      if (s.v === null) { g.append(CS.svg("rect", { x: xa, y: hi, width: Math.max(1, xb - xa), height: lo - hi, class: "w-busy", fill: "url(#busy)" })); continue; }
      if (s.v === "1" || s.v === "0") {
        const yy = s.v === "1" ? hi : lo;
        d += `${d ? "L" : "M"}${xa.toFixed(1)},${yy}L${xb.toFixed(1)},${yy}`;
      } else {
        if (d) { g.append(CS.svg("path", { d, class: "w-bit" })); d = ""; }
        g.append(CS.svg("rect", { x: xa, y: hi, width: Math.max(1, xb - xa), height: lo - hi, class: `w-${s.v}` }));
        g.append(CS.svg("line", { x1: xa, y1: mid, x2: xb, y2: mid, class: `w-${s.v}-line` }));
      }
    }
    if (d) g.append(CS.svg("path", { d, class: "w-bit" }));
  }

  function drawBus(g, row, y) {
    const top = y + 4, bot = y + ROW - 6, mid = (top + bot) / 2;
    for (const s of segments(row)) {
      const xa = x(s.a), xb = x(s.b), w = xb - xa;
      if (s.v === null) { g.append(CS.svg("rect", { x: xa, y: top, width: Math.max(1, w), height: bot - top, class: "w-busy", fill: "url(#busy)" })); continue; }
      const e = Math.min(3, w / 2);
      const cls = /[xz]/.test(s.v) ? "w-bus w-bus-x" : "w-bus";
      g.append(CS.svg("polygon", { points: `${xa},${mid} ${xa + e},${top} ${xb - e},${top} ${xb},${mid} ${xb - e},${bot} ${xa + e},${bot}`, class: cls }));
      if (w > 7 * s.v.length + 6) {
        const t = CS.svg("text", { x: xa + 5, y: mid + 4, class: "w-val" });
        t.textContent = s.v;
        g.append(t);
      }
    }
  }

  function drawAxis(svg, height) {
    const step = niceStep(st.t1 - st.t0);
    const first = Math.ceil(st.t0 / step) * step;
    for (let t = first; t <= st.t1; t += step) {
      const px = x(t);
      svg.append(CS.svg("line", { x1: px, y1: AXIS - 6, x2: px, y2: height, class: "w-grid" }));
      const label = CS.svg("text", { x: px + 2, y: AXIS - 10, class: "w-tick" });
      label.textContent = CS.fmtTime(t, st.meta.timescale);
      svg.append(label);
    }
  }

  function drawMark(svg, height) {
    const m = st.meta && st.meta.mark;
    if (!m || m.time < st.t0 || m.time > st.t1) return;
    const px = x(m.time);
    const line = CS.svg("line", { x1: px, y1: AXIS - 4, x2: px, y2: height, class: "w-mark", id: "mark-line", "data-time": m.time });
    svg.append(line);
    const label = CS.svg("text", { x: px + 4, y: height - 4, class: "w-mark-label", id: "mark-label" });
    label.textContent = `first mismatch ${CS.fmtTime(m.time, st.meta.timescale)}`;
    svg.append(label);
  }

  function draw() {
    const width = box.clientWidth;
    const height = AXIS + ROW * st.rows.length + 20;
    const svg = CS.svg("svg", { width, height, class: "wave-svg", id: "wave-svg" });
    const defs = CS.svg("defs");
    const pat = CS.svg("pattern", { id: "busy", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
    pat.append(CS.svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, class: "w-hatch" }));
    defs.append(pat);
    svg.append(defs);
    drawAxis(svg, height);
    st.rows.forEach((row, i) => {
      const y = AXIS + i * ROW;
      const g = CS.svg("g", { class: "w-row", "data-signal": row.name });
      const label = CS.svg("text", { x: 6, y: y + ROW / 2 + 4, class: "w-label" });
      label.textContent = row.name.split(".").slice(-2).join(".") + (row.width > 1 ? ` [${row.width - 1}:0]` : "");
      const title = CS.svg("title");
      title.textContent = row.name;
      label.append(title);
      g.append(label);
      if (row.width === 1) drawBit(g, row, y); else drawBus(g, row, y);
      svg.append(g);
    });
    drawMark(svg, height);
    box.replaceChildren(svg);
  }

  function signalList() {
    const filter = CS.$("#filter").value.toLowerCase();
    const names = Object.keys(st.meta.signals).filter((n) => n.toLowerCase().includes(filter)).sort();
    CS.$("#signals").replaceChildren(...names.slice(0, 500).map((n) =>
      CS.el("label", { class: "sig" }, CS.el("input", { type: "checkbox", value: n, checked: st.selected.includes(n), onchange: (ev) => {
        if (ev.target.checked) { if (st.selected.length < 64) st.selected.push(n); } else st.selected = st.selected.filter((s) => s !== n);
        fetchWindow();
      } }), ` ${n}` + (st.meta.signals[n] > 1 ? ` [${st.meta.signals[n]}]` : ""))));
  }

  function markInfo() {
    const m = st.meta.mark;
    CS.$("#goto-mark").disabled = !m;
    if (!m) { CS.$("#mark-info").textContent = st.meta.truncated ? "the file ends early (the simulation was stopped)" : ""; return; }
    const diff = (m.differing || []).map((d) => `${d.signal}: got ${d.got}, expected ${d.expected}`).join("; ");
    CS.$("#mark-info").replaceChildren(CS.el("span", { class: "badge not_met", text: "FAIL" }), ` first mismatch at `,
      CS.el("strong", { id: "mark-time", "data-time": m.time, text: CS.fmtTime(m.time, st.meta.timescale) }), ` \u2014 ${m.summary}` + (diff ? ` (${diff})` : ""));
  }

  async function load(path) {
    st.path = path;
    try {
      st.meta = await CS.api(`${base}/wave/meta?path=${encodeURIComponent(path)}`);
    } catch (err) { CS.$("#mark-info").textContent = err.message; return; }
    st.selected = st.meta.default.slice();
    signalList();
    markInfo();
    const m = st.meta.mark;
    if (m) { const span = Math.max(40, st.meta.end / 8); setView(Math.max(0, m.time - span / 2), m.time + span / 2); }
    else setView(0, Math.max(st.meta.end, 10));
    history.replaceState(null, "", `?path=${encodeURIComponent(path)}`);
  }

  function zoom(factor, at) {
    const c = at === undefined ? (st.t0 + st.t1) / 2 : at;
    setView(c - (c - st.t0) * factor, c + (st.t1 - c) * factor);
  }
  function pan(frac) { const d = (st.t1 - st.t0) * frac; setView(st.t0 + d, st.t1 + d); }

  CS.$("#zoom-in").addEventListener("click", () => zoom(0.5));
  CS.$("#zoom-out").addEventListener("click", () => zoom(2));
  CS.$("#zoom-fit").addEventListener("click", () => setView(0, Math.max(st.meta.end, 10)));
  CS.$("#pan-left").addEventListener("click", () => pan(-0.4));
  CS.$("#pan-right").addEventListener("click", () => pan(0.4));
  CS.$("#goto-mark").addEventListener("click", () => { const m = st.meta.mark; const span = st.t1 - st.t0; setView(m.time - span / 2, m.time + span / 2); });
  CS.$("#radix").addEventListener("change", (ev) => { st.radix = ev.target.value; fetchWindow(); });
  CS.$("#filter").addEventListener("input", signalList);
  CS.$("#vcd").addEventListener("change", (ev) => load(ev.target.value));
  box.addEventListener("wheel", (ev) => {
    if (!st.meta) return;
    ev.preventDefault();
    const rect = box.getBoundingClientRect();
    if (ev.shiftKey) pan(ev.deltaY > 0 ? 0.15 : -0.15);
    else zoom(ev.deltaY > 0 ? 1.25 : 0.8, tAt(ev.clientX - rect.left));
  }, { passive: false });
  let drag = null;
  box.addEventListener("mousedown", (ev) => { drag = { x: ev.clientX, t0: st.t0, t1: st.t1 }; });
  window.addEventListener("mouseup", () => { drag = null; });
  window.addEventListener("mousemove", (ev) => {
    if (!drag) return;
    const dt = ((drag.x - ev.clientX) / plotWidth()) * (drag.t1 - drag.t0);
    setView(drag.t0 + dt, drag.t1 + dt);
  });
  window.addEventListener("resize", () => st.meta && fetchWindow());

  CS.api(`${base}/waves`).then((data) => {
    const sel = CS.$("#vcd");
    if (!data.files.length) { CS.$("#mark-info").textContent = "No waveform (.vcd) in this workspace yet: a testbench run by the session writes sim/<top>.vcd."; return; }
    sel.replaceChildren(...data.files.map((f) => CS.el("option", { value: f.path, text: `${f.path} (${Math.round(f.size / 1024)} KiB)` })));
    const wanted = CS.page().path || data.last || data.files[0].path;
    sel.value = wanted;
    load(wanted);
  }).catch((err) => { CS.$("#mark-info").textContent = err.message; });
})();
