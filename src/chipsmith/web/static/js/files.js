// The Files page: the workspace tree, a file highlighted (any recorded version), diffs between versions.
"use strict";
(function () {
  const sid = CS.page().session;
  const base = `/api/s/${encodeURIComponent(sid)}`;
  let current = null;

  function folder(node, depth) {
    const list = CS.el("ul", { class: "tree-list" });
    for (const d of node.dirs) {
      list.append(CS.el("li", {}, CS.el("details", { open: depth < 2 }, CS.el("summary", { text: d.name + "/" }), folder(d, depth + 1))));
    }
    for (const f of node.files) {
      const label = f.versions > 1 ? `${f.name} (${f.versions} versions)` : f.name;
      list.append(CS.el("li", {}, CS.el("button", { type: "button", class: "file-link", "data-path": f.path, text: label, onclick: () => open(f.path) })));
    }
    return list;
  }

  function versionLabel(v) {
    return `turn ${v.turn}, ${v.origin === "user" ? "yours" : "the session's"}, ${v.sha.slice(0, 8)}`;
  }

  function fillVersions(data) {
    const sel = CS.$("#version");
    const against = CS.$("#diff-base");
    sel.replaceChildren(CS.el("option", { value: "", text: "as it is now" }));
    against.replaceChildren(CS.el("option", { value: "", text: "the previous version" }));
    for (const v of data.versions.slice().reverse()) {
      sel.append(CS.el("option", { value: v.sha, text: versionLabel(v) }));
      against.append(CS.el("option", { value: v.sha, text: versionLabel(v) }));
    }
  }

  async function open(path, version) {
    current = path;
    CS.$("#file-name").textContent = path;
    CS.$("#diff-headline").textContent = "";
    CS.$("#raw-link").setAttribute("href", `${base}/raw?path=${encodeURIComponent(path)}`);
    for (const b of document.querySelectorAll(".file-link")) b.classList.toggle("on", b.dataset.path === path);
    try {
      const q = new URLSearchParams({ path });
      if (version) q.set("version", version);
      const data = await CS.api(`${base}/source?${q}`);
      if (!version) fillVersions(data);
      CS.$("#file-note").textContent = data.binary ? `binary file, ${data.size} bytes` : `${data.lines} lines${data.cut ? " (cut: see raw)" : ""}`;
      if (data.binary) CS.$("#source").replaceChildren(); else CS.trusted(CS.$("#source"), data.html);
      history.replaceState(null, "", `?path=${encodeURIComponent(path)}`);
    } catch (err) {
      CS.$("#file-note").textContent = err.message;
      CS.$("#source").replaceChildren();
    }
  }

  async function diff() {
    if (!current) return;
    const q = new URLSearchParams({ path: current });
    const a = CS.$("#diff-base").value;
    const b = CS.$("#version").value;
    if (a) q.set("a", a);
    if (b) q.set("b", b);
    try {
      const data = await CS.api(`${base}/diff?${q}`);
      CS.$("#diff-headline").textContent = data.headline;
      if (data.html) CS.trusted(CS.$("#source"), data.html);
    } catch (err) {
      CS.$("#diff-headline").textContent = err.message;
    }
  }

  CS.$("#version").addEventListener("change", () => current && open(current, CS.$("#version").value || null));
  CS.$("#show-diff").addEventListener("click", diff);

  CS.api(`${base}/files`).then((data) => {
    CS.$("#tree").replaceChildren(CS.el("p", { class: "note mono small", text: data.workspace }), ...data.tree[0].dirs.length || data.tree[0].files.length ? [folder(data.tree[0], 0)] : [CS.el("p", { text: "The workspace is empty." })]);
    const wanted = CS.page().path;
    if (wanted) open(wanted);
  }).catch((err) => { CS.$("#tree").textContent = err.message; });
})();
