// The books' dashboard: plain JavaScript, no outside assets. The session token is kept in
// sessionStorage and sent as "Authorization: Bearer".
"use strict";

const state = { token: sessionStorage.getItem("token"), me: null, scenario: null };
const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const kid of kids) node.append(kid);
  return node;
};
const SVG = "http://www.w3.org/2000/svg";
const svg = (tag, attrs = {}) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
};
const fmt = (x) => (x === null || x === undefined) ? "—" :
  Number(x).toLocaleString("en", { maximumFractionDigits: 1 });

async function api(path, options = {}) {
  const headers = Object.assign({ "Content-Type": "application/json" }, options.headers || {});
  if (state.token) headers.Authorization = "Bearer " + state.token;
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401 && path !== "/api/login") { logout(); }
  return response;
}

// --- log in ---------------------------------------------------------------------------------
$("#login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = { name: $("#login-name").value, password: $("#login-password").value };
  const response = await api("/api/login", { method: "POST", body: JSON.stringify(body) });
  if (response.status === 429) {
    $("#login-error").textContent = (await response.json()).detail;
    return;
  }
  if (!response.ok) { $("#login-error").textContent = "Wrong name or password."; return; }
  const data = await response.json();
  state.token = data.token;
  sessionStorage.setItem("token", data.token);
  await start();
});

function logout() {
  state.token = null; state.me = null;
  sessionStorage.removeItem("token");
  $("#nav").hidden = true;
  document.querySelectorAll(".view").forEach((v) => { v.hidden = true; });
  $("#login").hidden = false;
  $("#who").textContent = "";
}
$("#logout").addEventListener("click", async () => {
  await api("/api/logout", { method: "POST" });
  logout();
});

async function start() {
  const me = await api("/api/me");
  if (!me.ok) { logout(); return; }
  state.me = await me.json();
  state.scenario = await (await api("/api/scenario")).json();
  $("#title").textContent = "— " + (state.scenario.title || state.scenario.name);
  $("#who").textContent = state.me.name + " (" + state.me.role +
    (state.me.place ? ", " + state.me.place : "") + ")";
  $("#login").hidden = true;
  $("#nav").hidden = false;
  document.querySelectorAll("[data-council]").forEach((b) => {
    b.hidden = state.me.role !== "council";
  });
  const kinds = kindsFor(state.me.role);
  document.querySelector('[data-view="record"]').hidden = kinds.length === 0;
  const kindSelect = $("#f-kind");
  kindSelect.replaceChildren(...kinds.map((k) => el("option", { value: k }, k)));
  const filterKinds = $("#ledger-filters select[name=kind]");
  filterKinds.replaceChildren(el("option", { value: "" }, "any"),
    ...ALL_KINDS.map((k) => el("option", { value: k }, k)));
  drawFields();
  show("overview");
}

// --- views ----------------------------------------------------------------------------------
document.querySelectorAll("nav [data-view]").forEach((button) => {
  button.addEventListener("click", () => show(button.dataset.view));
});

function show(view) {
  document.querySelectorAll(".view").forEach((v) => { v.hidden = v.id !== view; });
  if (view === "overview") loadOverview();
  if (view === "ledger") loadLedger();
  if (view === "accounts") loadAccounts();
}

// --- accounts (the council's) ---------------------------------------------------------------
async function loadAccounts() {
  const rows = await (await api("/api/accounts")).json();
  $("#account-list tbody").replaceChildren(...rows.map((a) => el("tr", {},
    el("td", {}, a.name), el("td", {}, a.role), el("td", {}, a.place || ""))));
  $("#a-place").replaceChildren(el("option", { value: "" }, "(none)"),
    ...state.scenario.places.map((p) => el("option", { value: p.id }, p.id)));
}

$("#account-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  document.querySelectorAll("#account-form .error").forEach((e) => { e.textContent = ""; });
  const body = { name: $("#a-name").value, password: $("#a-password").value,
    role: $("#a-role").value };
  if ($("#a-place").value) body.place = $("#a-place").value;
  const response = await api("/api/accounts", { method: "POST", body: JSON.stringify(body) });
  if (response.ok) { $("#a-password").value = ""; loadAccounts(); return; }
  const data = await response.json();
  for (const problem of (Array.isArray(data.detail) ? data.detail : [])) {
    const target = $("#aerr-" + (problem.loc[1] || "form")) || $("#aerr-form");
    target.textContent = problem.msg;
  }
});

async function loadOverview() {
  const data = await (await api("/api/overview")).json();
  $("#as-of").textContent = "as of " + data.as_of + " · " + data.entries + " entries";
  $("#fronts tbody").replaceChildren(...data.fronts.map((f) => el("tr", {},
    el("td", {}, f.front), el("td", {}, f.good), el("td", { class: "num" }, fmt(f.kg)),
    el("td", { class: "num" }, fmt(f.need_kg_per_day)),
    el("td", { class: "num" + (f.days_of_supply !== null && f.days_of_supply < 3 ? " low" : "") },
      fmt(f.days_of_supply)))));
  $("#stocks tbody").replaceChildren(...data.stocks.map((s) => el("tr",
    { "data-place": s.place, "data-good": s.good },
    el("td", {}, s.place), el("td", {}, s.good), el("td", { class: "num stock-kg" }, fmt(s.kg)))));
  $("#localities tbody").replaceChildren(...data.localities.map((l) => el("tr", {},
    el("td", {}, l.locality), el("td", { class: "num" }, fmt(l.pledged_kg)),
    el("td", { class: "num" }, fmt(l.pledged_due_kg)),
    el("td", { class: "num" + (l.given_kg < l.pledged_due_kg ? " low" : "") }, fmt(l.given_kg)),
    el("td", { class: "num" }, fmt(l.plan_kg)))));
  const lost = [
    ...data.losses.map((l) => fmt(l.kg) + " kg of " + l.good + " (" + l.reason + ")"),
    ...data.units_lost.map((u) => fmt(u.units) + " " + u.mode + " units (" + u.reason + ")")];
  $("#losses").textContent = lost.length ? "Lost on the way: " + lost.join(", ") : "";
  const wounded = Object.entries(data.wounded);
  $("#wounded").textContent = wounded.length ? "Wounded brought in: " +
    wounded.map(([h, n]) => h + " " + n).join(", ") : "";
  state.arrivals = data.arrivals;
  state.compared = null;
  const choice = $("#compare");
  choice.replaceChildren(el("option", { value: "" }, "arrived at the fronts"),
    ...state.scenario.places.filter((p) => p.kind === "locality")
      .map((p) => el("option", { value: "locality|" + p.id }, "given by " + p.id)),
    ...state.scenario.routes.map((r) => el("option", { value: "route|" + r.id },
      "sent over " + r.id)),
    ...state.scenario.places.filter((p) => p.kind === "front")
      .map((p) => el("option", { value: "front|" + p.id }, "arrived at " + p.id)));
  drawChart(data.arrivals);
  drawMap(data.routes);
}

// Plan against actual for one locality, route or front, day by day (cumulative).
$("#compare").addEventListener("change", async () => {
  const value = $("#compare").value;
  if (!value) { drawChart(state.arrivals); return; }
  if (!state.compared) state.compared = await (await api("/api/plan-vs-actual")).json();
  const [what, id] = value.split("|");
  const dates = state.arrivals.dates;
  const planned = dates.map(() => 0), actual = dates.map(() => 0);
  for (const row of state.compared) {
    const i = dates.indexOf(row.date);
    if (row.what === what && row.id === id && i >= 0) {
      planned[i] += row.planned_kg; actual[i] += row.actual_kg;
    }
  }
  const total = (values) => { let sum = 0; return values.map((v) => (sum += v)); };
  drawChart({ dates, planned_kg: total(planned), actual_kg: total(actual) });
});

function drawChart(arrivals) {
  const w = 460, h = 200, pad = 40;
  const top = Math.max(1, ...arrivals.planned_kg, ...arrivals.actual_kg);
  const n = arrivals.dates.length;
  const x = (i) => pad + (w - pad - 10) * i / Math.max(1, n - 1);
  const y = (v) => h - 20 - (h - 40) * v / top;
  const root = svg("svg", { width: w, height: h, role: "img",
    "aria-label": "cumulative kg arrived at the fronts, planned and actual" });
  root.append(svg("line", { x1: pad, y1: h - 20, x2: w - 10, y2: h - 20, stroke: "#999" }));
  root.append(svg("line", { x1: pad, y1: 20, x2: pad, y2: h - 20, stroke: "#999" }));
  const line = (values, colour, dash) => svg("polyline", {
    points: values.map((v, i) => x(i) + "," + y(v)).join(" "), fill: "none",
    stroke: colour, "stroke-width": 2, "stroke-dasharray": dash });
  root.append(line(arrivals.planned_kg, "#1f5f8b", "5,3"), line(arrivals.actual_kg, "#c0392b", ""));
  const label = (tx, ty, text, colour) => {
    const t = svg("text", { x: tx, y: ty, fill: colour }); t.textContent = text; return t;
  };
  root.append(label(pad + 5, 14, "planned (dashed) " + fmt(arrivals.planned_kg[n - 1]) + " kg",
    "#1f5f8b"));
  root.append(label(pad + 230, 14, "actual " + fmt(arrivals.actual_kg[n - 1]) + " kg", "#c0392b"));
  root.append(label(pad, h - 5, arrivals.dates[0], "#555"));
  root.append(label(w - 80, h - 5, arrivals.dates[n - 1], "#555"));
  root.append(label(2, 24, fmt(top), "#555"));
  $("#chart").replaceChildren(root);
}

function drawMap(routes) {
  const places = state.scenario.places;
  const w = 460, h = 300, pad = 30;
  const lats = places.map((p) => p.lat), lons = places.map((p) => p.lon);
  const [la0, la1, lo0, lo1] = [Math.min(...lats), Math.max(...lats), Math.min(...lons),
    Math.max(...lons)];
  const px = (p) => pad + (w - 2 * pad) * (p.lon - lo0) / Math.max(1e-9, lo1 - lo0);
  const py = (p) => h - pad - (h - 2 * pad) * (p.lat - la0) / Math.max(1e-9, la1 - la0);
  const at = Object.fromEntries(places.map((p) => [p.id, p]));
  const colour = { open: "#2e7d32", damaged: "#ef6c00", closed: "#b00020" };
  const root = svg("svg", { width: w, height: h, role: "img", "aria-label": "routes today" });
  for (const r of routes) {
    const a = at[r.from], b = at[r.to];
    const line = svg("line", { x1: px(a), y1: py(a), x2: px(b), y2: py(b),
      stroke: colour[r.status], "stroke-width": 3,
      "stroke-dasharray": r.status === "closed" ? "6,4" : "", "data-route": r.id,
      "data-status": r.status });
    const tip = svg("title"); tip.textContent = r.name + ": " + r.status +
      (r.capacity_lost ? " (" + Math.round(100 * r.capacity_lost) + " % of capacity lost)" : "");
    line.append(tip);
    root.append(line);
  }
  for (const p of places) {
    root.append(svg("circle", { cx: px(p), cy: py(p), r: 5,
      fill: p.kind === "front" ? "#b00020" : p.kind === "locality" ? "#555" : "#1f5f8b" }));
    const t = svg("text", { x: px(p) + 7, y: py(p) + 3, "data-place": p.id,
      "data-x": px(p) });
    t.textContent = p.name;
    root.append(t);
  }
  $("#map").replaceChildren(root,
    el("p", {}, "green: open · orange: damaged · red, dashed: closed"));
  root.querySelectorAll("text[data-place]").forEach((t) => fitLabel(t, w));
}

// A place's name that would run off the map's right edge is written on the left of its
// place instead; one too long for either side is shortened (the whole name as its tooltip).
function fitLabel(t, w) {
  const x = Number(t.dataset.x);
  const box = () => t.getBBox();
  if (box().width === 0) return;  // not drawn (the view is hidden)
  if (box().x + box().width > w - 2) {
    t.setAttribute("text-anchor", "end");
    t.setAttribute("x", x - 7);
  }
  if (box().x < 2) {
    t.setAttribute("text-anchor", "start");
    t.setAttribute("x", x + 7);
    const full = t.textContent;
    let n = full.length;
    while (n > 1 && box().x + box().width > w - 2) {
      n -= 1;
      t.textContent = full.slice(0, n) + "…";
    }
    const tip = svg("title"); tip.textContent = full; t.append(tip);
  }
}

// --- record ---------------------------------------------------------------------------------
const ALL_KINDS = ["pledge", "contribution", "labour", "dispatch", "receipt", "wounded", "route"];
function kindsFor(role) {
  if (role === "council") return ALL_KINDS;
  if (role === "commune") return ["contribution", "pledge", "labour"];
  if (role === "depot") return ["dispatch", "receipt"];
  return [];
}

function placesOf(kinds) {
  return state.scenario.places.filter((p) => kinds.includes(p.kind)).map((p) => p.id);
}

function fieldsOf(kind) {
  const sc = state.scenario, me = state.me;
  const mine = (kinds) => (me.place && me.role !== "council") ? [me.place] : placesOf(kinds);
  const localities = mine(["locality"]);
  const all = placesOf(["locality", "depot", "junction", "front", "hospital"]);
  const depots = placesOf(["depot", "junction", "front", "hospital"]);
  const goods = sc.goods, modes = sc.modes.map((m) => m.id);
  const date = ["date", "Date", "date"];
  const note = ["note", "Note", "text"], corrects = ["corrects", "Corrects entry #", "number"];
  const table = {
    pledge: [date, ["locality", "Locality", localities], ["good", "Good", goods],
      ["kg", "kg", "number"], ["by", "By", "date"]],
    contribution: [date, ["locality", "Locality", localities], ["good", "Good", goods],
      ["kg", "kg", "number"], ["at", "Received at", [...localities, ...depots]]],
    labour: [date, ["locality", "Locality", localities], ["persons", "Persons", "number"],
      ["days", "Days", "number"], ["role", "Role", ["carrier", "road_crew", "stretcher_bearer"]],
      ["mode", "Mode (carriers)", ["", ...sc.modes.filter((m) => m.units_from === "labour")
        .map((m) => m.id)]]],
    dispatch: [date, ["from", "From", me.role === "depot" ? [me.place] : all],
      ["to", "To", all], ["mode", "Mode", modes], ["units", "Units", "number"],
      ["good", "Good", goods], ["cargo_kg", "Cargo kg", "number"],
      ["route", "Route (where several)", ["", ...sc.routes.map((r) => r.id)]]],
    receipt: [date, ["dispatch", "Convoy (dispatch #)", "number"], ["good", "Good", goods],
      ["received_kg", "Received kg", "number"], ["lost", "Lost kg", "number"],
      ["reason", "Reason of loss", ["", "strike", "raid", "spoilage", "eaten"]],
      ["units_lost", "Units lost", "number"],
      ["unit_reason", "Reason units were lost",
        ["", "strike", "raid", "breakdown", "illness", "desertion"]]],
    wounded: [date, ["front", "Front", placesOf(["front"])],
      ["hospital", "Hospital", placesOf(["hospital"])], ["persons", "Persons", "number"]],
    route: [date, ["route", "Route", sc.routes.map((r) => r.id)],
      ["status", "Status", ["strike", "damage", "repaired", "closed", "reopened"]],
      ["capacity_lost", "Share of capacity lost", "number"]],
  };
  return [...table[kind], note, corrects];
}

function drawFields() {
  const kind = $("#f-kind").value;
  if (!kind) return;
  const rows = fieldsOf(kind).map(([name, label, type]) => {
    const id = "f-" + name;
    let input;
    if (Array.isArray(type)) {
      input = el("select", { name, id }, ...type.map((v) => el("option", { value: v }, v)));
    } else {
      input = el("input", { name, id, type: type === "number" ? "text" : type,
        inputmode: type === "number" ? "decimal" : "text" });
      if (type === "date") input.value = state.scenario.start_date;
    }
    return el("div", { class: "field" }, el("label", { for: id }, label), input,
      el("span", { class: "error", id: "err-" + name }));
  });
  $("#fields").replaceChildren(...rows);
}
$("#f-kind").addEventListener("change", drawFields);

function entryFromForm() {
  const form = new FormData($("#entry-form"));
  const value = (k) => { const v = form.get(k); return v === null || v === "" ? undefined : v; };
  const number = (k) => value(k) === undefined ? undefined : Number(value(k));
  const kind = value("kind");
  const entry = { kind, date: value("date"), note: value("note"), corrects: number("corrects") };
  const take = (...keys) => keys.forEach((k) => { entry[k] = value(k); });
  const takeNumber = (...keys) => keys.forEach((k) => { entry[k] = number(k); });
  if (kind === "pledge") { take("locality", "good", "by"); takeNumber("kg"); }
  if (kind === "contribution") { take("locality", "good", "at"); takeNumber("kg"); }
  if (kind === "labour") { take("locality", "role", "mode"); takeNumber("persons", "days"); }
  if (kind === "dispatch") {
    take("from", "to", "mode", "route"); takeNumber("units");
    if (value("cargo_kg") !== undefined) entry.cargo_kg = { [value("good")]: number("cargo_kg") };
  }
  if (kind === "receipt") {
    takeNumber("dispatch");
    if (value("received_kg") !== undefined) {
      entry.received_kg = { [value("good")]: number("received_kg") };
    }
    if (value("lost") !== undefined) {
      entry.losses = [{ good: value("good"), kg: number("lost"), reason: value("reason") }];
    }
    if (value("units_lost") !== undefined) {
      entry.units_lost = [{ units: number("units_lost"), reason: value("unit_reason") }];
    }
  }
  if (kind === "wounded") { take("front", "hospital"); takeNumber("persons"); }
  if (kind === "route") { take("route", "status"); takeNumber("capacity_lost"); }
  for (const k of Object.keys(entry)) if (entry[k] === undefined) delete entry[k];
  return entry;
}

function fieldOf(loc) {
  const path = loc.slice(1).map(String);
  if (path[0] === "losses") return path[2] === "reason" ? "reason" : "lost";
  if (path[0] === "units_lost") return path[2] === "reason" ? "unit_reason" : "units_lost";
  return path[0] || "form";
}

function clearErrors() {
  document.querySelectorAll("#entry-form .error").forEach((e) => { e.textContent = ""; });
  document.querySelectorAll("#entry-form .bad").forEach((e) => e.classList.remove("bad"));
  $("#entry-ok").textContent = "";
}

$("#entry-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors();
  const response = await api("/api/entries", { method: "POST",
    body: JSON.stringify(entryFromForm()) });
  const data = await response.json();
  if (response.ok) {
    $("#entry-ok").textContent = "Recorded as entry #" + data.id + ".";
    return;
  }
  const problems = Array.isArray(data.detail) ? data.detail :
    [{ loc: ["body"], msg: String(data.detail) }];
  for (const problem of problems) {
    const name = fieldOf(problem.loc);
    const target = $("#err-" + name) || $("#err-form");
    target.textContent = (target.textContent ? target.textContent + "; " : "") + problem.msg;
    const input = $("#f-" + name);
    if (input) input.classList.add("bad");
  }
});

// --- ledger ---------------------------------------------------------------------------------
function ledgerQuery() {
  const form = new FormData($("#ledger-filters"));
  const q = new URLSearchParams();
  for (const k of ["kind", "place", "since", "until"]) if (form.get(k)) q.set(k, form.get(k));
  if (form.get("effective")) q.set("effective", "true");
  return q.toString();
}

async function loadLedger() {
  const rows = await (await api("/api/entries?newest=true&" + ledgerQuery())).json();
  $("#entries tbody").replaceChildren(...rows.map((r) => el("tr", {},
    el("td", {}, String(r.id)), el("td", {}, r.kind), el("td", {}, r.date),
    el("td", {}, r.place), el("td", {}, r.corrects ? String(r.corrects) : ""),
    el("td", {}, r.author), el("td", {}, r.written_at.slice(0, 19).replace("T", " ")),
    el("td", {}, JSON.stringify(r.entry)))));
}
$("#ledger-filters").addEventListener("submit", (event) => { event.preventDefault(); loadLedger(); });
$("#csv").addEventListener("click", async () => {
  const response = await api("/api/entries.csv?" + ledgerQuery());
  const url = URL.createObjectURL(await response.blob());
  const link = el("a", { href: url, download: "entries.csv" });
  document.body.append(link); link.click(); link.remove();
});

// --- re-plan --------------------------------------------------------------------------------
$("#replan-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("#err-as_of").textContent = "";
  $("#replan-status").textContent = "Planning…";
  const response = await api("/api/replan", { method: "POST",
    body: JSON.stringify({ as_of: $("#replan-date").value }) });
  const data = await response.json();
  if (!response.ok) {
    $("#replan-status").textContent = "";
    $("#err-as_of").textContent = Array.isArray(data.detail) ?
      data.detail.map((d) => d.msg).join("; ") : String(data.detail);
    return;
  }
  $("#replan-status").textContent = "Re-plan " + data.status + ", kept as plan #" + data.id +
    " (now in force)" + (data.in_force === null ? "; there was no plan in force before." :
    ", against plan #" + data.in_force + ".");
  $("#changes tbody").replaceChildren(...data.changes.map((c) => el("tr", {},
    el("td", {}, c.what), el("td", {}, c.id),
    el("td", { class: "num" }, data.in_force === null ? "—" : fmt(c.in_force_kg)),
    el("td", { class: "num" }, fmt(c.replan_kg)))));
});

$("#plan-button").addEventListener("click", async () => {
  $("#replan-status").textContent = "Planning from the scenario's start…";
  const response = await api("/api/plans", { method: "POST" });
  const data = await response.json();
  $("#replan-status").textContent = response.ok ?
    "Plan " + data.status + ", kept as plan #" + data.id + " (now in force)." :
    "The plan failed: " + JSON.stringify(data.detail);
});

if (state.token) start(); else logout();
