// The Session page: the transcript of finished turns, then the live turn streamed as server-sent
// events: text as it arrives, each tool call as a collapsible card (arguments, duration, verdict),
// checks, the outcome with its evidence, and the budget.
"use strict";
(function () {
  const sid = CS.page().session;
  const transcript = CS.$("#transcript");
  let source = null;

  function turnNode(turn, request) {
    let node = transcript.querySelector(`article[data-turn="${turn}"]`);
    if (!node) {
      node = CS.el("article", { class: "turn", "data-turn": turn },
        CS.el("div", { class: "request" }, CS.el("span", { class: "who", text: `you (turn ${turn})` }), CS.el("div", { class: "text" })),
        CS.el("div", { class: "steps" }),
        CS.el("div", { class: "answer" }, CS.el("span", { class: "who", text: "assistant" }), CS.el("div", { class: "text" })),
        CS.el("div", { class: "outcome" }));
      transcript.append(node);
    }
    if (request) CS.$(".request .text", node).textContent = request;
    return node;
  }

  function brief(args) {
    return Object.entries(args || {}).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ");
  }

  function toolStart(node, ev) {
    const d = ev.data;
    const key = `${ev.agent}:${ev.depth}:${d.call}`;
    const rows = Object.entries(d.args || {}).map(([k, v]) =>
      CS.el("tr", {}, CS.el("th", { text: k }), CS.el("td", { class: "mono", text: typeof v === "string" ? v : JSON.stringify(v) })));
    const card = CS.el("details", { class: `tool-card running depth-${ev.depth}`, "data-call": key, "data-tool": d.tool, "data-agent": ev.agent },
      CS.el("summary", {},
        CS.el("span", { class: "tool-name", text: ev.depth ? `${ev.agent} \u203a ${d.tool}` : d.tool }),
        CS.el("span", { class: "tool-args", text: brief(d.args).slice(0, 140) }),
        CS.el("span", { class: "tool-status badge running", text: "running" }),
        CS.el("span", { class: "tool-duration" })),
      CS.el("div", { class: "tool-body" },
        CS.el("table", { class: "kv" }, ...rows),
        CS.el("div", { class: "tool-verdict" }),
        CS.el("div", { class: "tool-error error" })));
    CS.$(".steps", node).append(card);
  }

  function toolEnd(node, ev) {
    const d = ev.data;
    const key = `${ev.agent}:${ev.depth}:${d.call}`;
    let card = CS.$(`.tool-card[data-call="${CSS.escape(key)}"]`, node);
    if (!card) { toolStart(node, ev); card = CS.$(`.tool-card[data-call="${CSS.escape(key)}"]`, node); }
    card.classList.remove("running");
    card.classList.add(d.status || "ok");
    const badge = CS.$(".tool-status", card);
    badge.textContent = d.status || "ok";
    badge.className = `tool-status badge ${d.status || "ok"}`;
    CS.$(".tool-duration", card).textContent = d.duration_s !== undefined ? `${Number(d.duration_s).toFixed(2)} s` : "";
    CS.$(".tool-verdict", card).textContent = d.verdict || "";
    CS.$(".tool-error", card).textContent = d.error || "";
    const summary = CS.$("summary", card);
    if (d.verdict && !CS.$(".tool-verdict-brief", summary)) summary.append(CS.el("span", { class: "tool-verdict-brief", text: d.verdict.slice(0, 120) }));
  }

  function line(node, cls, text, badge) {
    const row = CS.el("div", { class: `step ${cls}` });
    if (badge) row.append(CS.el("span", { class: `badge ${badge}`, text: badge === "met" ? "pass" : badge === "not_met" ? "fail" : badge }), " ");
    row.append(text);
    CS.$(".steps", node).append(row);
  }

  // A reply that calls tools is a step, not the answer: its text (streamed, or the recorded
  // preview) becomes a line above the cards it leads to.
  function thought(node, preview) {
    const answer = CS.$(".answer .text", node);
    const text = answer.textContent || preview || "";
    answer.textContent = "";
    if (text.trim()) line(node, "thought", text.trim());
  }

  function outcome(node, o) {
    const box = CS.$(".outcome", node);
    const answer = CS.$(".answer .text", node);
    if (!answer.textContent && o.answer) answer.textContent = o.answer;
    box.replaceChildren(
      CS.el("div", { class: "verdict" }, CS.el("span", { class: `badge ${o.status}`, id: `verdict-${o.turn}`, text: o.status.replace("_", " ").toUpperCase() }),
        o.notice ? CS.el("span", { class: "note", text: ` ${o.notice}` }) : null),
      o.reasons && o.reasons.length ? CS.el("ul", { class: "reasons" }, ...o.reasons.map((r) => CS.el("li", { text: r }))) : null,
      o.report ? CS.el("details", { class: "evidence" }, CS.el("summary", { text: "evidence (checks, PPA, files)" }), CS.el("pre", { text: o.report })) : null);
  }

  function usage(u) {
    const lim = u.limits || {};
    const cost = u.cost_usd === null || u.cost_usd === undefined ? "unknown (no price for this model)" : `$${Number(u.cost_usd).toFixed(4)}`;
    const rows = [
      ["tokens in / out", `${u.input_tokens} / ${u.output_tokens}`, lim.max_tokens],
      ["cost", cost, lim.max_usd !== null && lim.max_usd !== undefined ? `$${lim.max_usd}` : null],
      ["model calls", `${u.model_calls} (+${u.cached_calls} cached)`, lim.max_model_calls],
      ["tool calls", String(u.tool_calls), lim.max_tool_calls],
      ["time in turns", `${Number(u.wall_s).toFixed(1)} s`, lim.max_wall_s ? `${lim.max_wall_s} s` : null],
    ];
    CS.$("#usage").replaceChildren(...rows.map(([k, v, l]) =>
      CS.el("tr", {}, CS.el("th", { text: k }), CS.el("td", { text: v + (l !== null && l !== undefined ? ` of ${l}` : "") }))));
  }

  function apply(ev, live) {
    if (ev.kind === "error" && !ev.turn) { setStatus(ev.data.message, true); return; }
    const node = turnNode(ev.turn, ev.kind === "turn_start" ? ev.data.request : null);
    const d = ev.data || {};
    switch (ev.kind) {
      case "turn_start": if (d.notice) line(node, "notice", `model: ${d.model}`); break;
      case "text": if (ev.depth === 0) CS.$(".answer .text", node).textContent += d.delta; break;
      case "model": if (ev.depth === 0 && (d.tool_calls || []).length) thought(node, d.text); break;
      case "tool_start": toolStart(node, ev); break;
      case "tool_end": toolEnd(node, ev); break;
      case "progress": line(node, `progress depth-${ev.depth}`, `${ev.agent}: ${d.text}`); break;
      case "check": line(node, "check", d.summary || "", d.passed ? "met" : "not_met"); break;
      case "retrieval": line(node, "notice", "documents: " + (d.sources || []).map((s) => s.source).join(", ")); break;
      case "notice": line(node, "notice", d.text || ""); break;
      case "error": line(node, "error", d.message || "error"); break;
      case "usage": usage(d); break;
      case "outcome": outcome(node, d); if (d.usage) usage(d.usage); break;
      default: break;
    }
    if (live) node.scrollIntoView({ block: "end" });
  }

  function setStatus(text, isError) {
    const s = CS.$("#status");
    s.textContent = text || "";
    s.className = isError ? "error" : "note";
  }

  function busy(on) {
    CS.$("#send").disabled = on;
    CS.$("#cancel").disabled = !on;
    document.body.dataset.turn = on ? "running" : "idle";
    if (on) setStatus("working\u2026");
  }

  function follow() {
    if (source) source.close();
    busy(true);
    source = new EventSource(`/api/sessions/${encodeURIComponent(sid)}/live`);
    source.addEventListener("session", (m) => apply(JSON.parse(m.data), true));
    source.addEventListener("end", () => {
      source.close();
      source = null;
      busy(false);
      setStatus("");
    });
  }

  async function load() {
    const t = await CS.api(`/api/sessions/${encodeURIComponent(sid)}/transcript`);
    for (const turn of t.turns) {
      for (const ev of turn.events) apply(ev, false);
      if (!turn.outcome) line(turnNode(turn.turn), "error", "this turn was interrupted (its process stopped); the next turn continues from what it had done");
    }
    usage(t.usage);
    if (t.running) follow(); else busy(false);
  }

  CS.$("#composer").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = CS.$("#message").value.trim();
    if (!text) return;
    try {
      busy(true);
      await CS.api(`/api/sessions/${encodeURIComponent(sid)}/messages`, { json: { text, model: CS.$("#turn-model").value.trim() || null } });
      CS.$("#message").value = "";
      follow();
    } catch (err) {
      busy(false);
      setStatus(err.message, true);
    }
  });
  CS.$("#message").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) CS.$("#composer").requestSubmit();
  });
  CS.$("#cancel").addEventListener("click", async () => {
    try {
      await CS.api(`/api/sessions/${encodeURIComponent(sid)}/cancel`, { json: {} });
      setStatus("stopping at the next step\u2026");
    } catch (err) { setStatus(err.message, true); }
  });
  load().catch((err) => setStatus(err.message, true));
})();
