// Shared helpers. Everything from the server is put into the page as text (textContent), never as
// markup, except HTML the server produced itself from escaped text (Pygments output, our SVG).
"use strict";

const CS = {
  $(sel, root) { return (root || document).querySelector(sel); },

  el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  },

  svg(tag, attrs) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  },

  async api(path, options) {
    const opts = Object.assign({ headers: {} }, options || {});
    if (opts.json !== undefined) {
      opts.method = opts.method || "POST";
      opts.body = JSON.stringify(opts.json);
      opts.headers["Content-Type"] = "application/json";
      delete opts.json;
    }
    const res = await fetch(path, opts);
    const type = res.headers.get("content-type") || "";
    const body = type.includes("application/json") ? await res.json() : await res.text();
    if (!res.ok) {
      const detail = body && body.detail ? body.detail : String(body).slice(0, 300);
      const err = new Error(detail || res.statusText);
      err.status = res.status;
      throw err;
    }
    return body;
  },

  // Server HTML that we produced ourselves from escaped text (Pygments, our SVG charts).
  trusted(container, html) {
    const tpl = document.createElement("template");
    tpl.innerHTML = html;
    for (const bad of tpl.content.querySelectorAll("script, iframe, object, embed, foreignObject")) bad.remove();
    container.replaceChildren(tpl.content);
  },

  units: ["fs", "ps", "ns", "us", "ms", "s"],

  // A time in the waveform's unit as text: 245000 at 1ps -> "245 ns".
  fmtTime(t, timescale) {
    const m = /^(\d+)\s*(fs|ps|ns|us|ms|s)$/.exec(timescale || "");
    if (!m || m[1] !== "1") return timescale ? `${t} x ${timescale}` : String(t);
    let i = CS.units.indexOf(m[2]);
    let v = Number(t);
    while (v !== 0 && Math.abs(v) >= 1000 && i < CS.units.length - 1) { v /= 1000; i += 1; }
    const text = Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+$/, "");
    return `${text} ${CS.units[i]}`;
  },

  page() { return CS.$("#app").dataset; },
};
