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
// Whole kilograms, as the books give what was pledged and given (a plan's 200.8 kg asked read
// beside a given 200).
const fmtKg = (x) => fmt((x === null || x === undefined) ? x : Math.round(x));

// The scenario's names of its places, routes, goods and modes (ids only where typed).
const named = (what, id) => (state.names && state.names[what][id]) || id;
const placeName = (id) => named("place", id);
const routeName = (id) => named("route", id);
const goodName = (id) => named("good", id);
const modeName = (id) => named("mode", id);
const placeOrRoute = (id) => (state.names.place[id] ? placeName(id) : routeName(id));
const byId = (rows) => Object.fromEntries(rows.map((r) => [r.id, r.name]));
// The books' words (their errors and warnings name ids, as an API client types them) with
// each id said by its name: "high-village gave 500 kg of rice" reads "High village gave
// 500 kg of Rice".
// Words the messages use as words ("expected a front") stay, whatever an id is called.
// Said as nodes (see `unbroken`): a date is never broken across lines.
const ORDINARY = new Set(["front", "depot", "hospital", "locality", "junction", "relay",
  "place", "route", "mode", "good", "goods", "unit", "units", "convoy", "day", "days"]);
const spoken = (text) => unbroken(String(text).replace(/[A-Za-z0-9][A-Za-z0-9_-]*/g,
  (word) => (!ORDINARY.has(word) && state.names && state.names.any[word]) || word));
// Text as nodes to append, where a value is never broken across lines (the ledger's rule):
// a word joined by hyphens, as a date ("2024-11-05" was broken after "2024-") or an id the
// scenario names nothing by, in a span that does not wrap.
const UNBROKEN = /[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+/g;
function unbroken(text) {
  const nodes = [];
  let at = 0;
  for (const m of text.matchAll(UNBROKEN)) {
    if (m.index > at) nodes.push(text.slice(at, m.index));
    nodes.push(el("span", { class: "nowrap" }, m[0]));
    at = m.index + m[0].length;
  }
  if (at < text.length) nodes.push(text.slice(at));
  return nodes;
}
// A count and its unit, one or many: "1 unit", "2 units".
const counted = (x, one, many = one + "s") => fmt(x) + " " + (x === 1 ? one : many);

async function api(path, options = {}) {
  const headers = Object.assign({ "Content-Type": "application/json" }, options.headers || {});
  if (state.token) headers.Authorization = "Bearer " + state.token;
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401 && path !== "/api/login") { logout(); }
  return response;
}

// A response's JSON; an answer that is not JSON (a proxy's error page, a server that failed
// outright) as a problem of its own, so that no form waits for good on "Planning…".
async function answer(response) {
  const text = await response.text();
  try { return JSON.parse(text); } catch (error) {
    return { detail: "the server answered " + response.status + " " + response.statusText +
      (text ? ": " + text.slice(0, 200) : "") };
  }
}

// An error answer as text (nodes to append, as `spoken` says them): each problem as
// "FIELD: expected ..., got ...", the field as the dashboard labels it (an entry's as its
// form does, for `kind`), and left out where the text is shown at that field (`atField`).
const problemText = (detail, { kind = null, atField = false } = {}) => (Array.isArray(detail) ?
  detail.flatMap((d, i) => [i ? "; " : "", d.loc.length > 1 && !atField ?
    fieldLabel(d.loc, kind) + ": " : "", ...spoken(d.msg)]) : spoken(detail));

// How the dashboard labels a field: an entry's (of `kind`) as its form does ("Cargo kg"),
// the others as their boxes are labelled; `short`, without a hint in brackets ("Mode
// (carriers)" is "Mode" in "Warning (Mode): ...", where the brackets read twice).
const LABEL = { as_of: "As of", since: "From", until: "To", kind: "Kind", place: "Place",
  name: "Name", password: "Password", role: "Role" };
function fieldLabel(loc, kind = null, short = false) {
  const name = kind ? fieldOf(loc) : String(loc[loc.length - 1]);
  const field = kind ? fieldsOf(kind).find(([n]) => n === name) : null;
  const label = field ? field[1] : LABEL[name] || name.replaceAll("_", " ");
  return short ? label.replace(/ \([^()]*\)$/, "") : label;
}

// --- log in ---------------------------------------------------------------------------------
$("#login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = { name: $("#login-name").value, password: $("#login-password").value };
  const response = await api("/api/login", { method: "POST", body: JSON.stringify(body) });
  if (response.status === 429) {
    $("#login-error").replaceChildren(...problemText((await answer(response)).detail));
    return;
  }
  if (!response.ok) { $("#login-error").textContent = "Wrong name or password."; return; }
  const data = await answer(response);
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
  const sc = state.scenario;
  state.names = { place: byId(sc.places), route: byId(sc.routes), good: byId(sc.goods),
    mode: byId(sc.modes) };
  state.names.any = Object.assign({}, state.names.mode, state.names.good, state.names.route,
    state.names.place);
  state.today = sc.today;
  $("#title").textContent = "— " + (state.scenario.title || state.scenario.name);
  $("#who").textContent = state.me.name + " (" + state.me.role +
    (state.me.place ? ", " + placeName(state.me.place) : "") + ")";
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
  $("#ledger-filters select[name=place]").replaceChildren(el("option", { value: "" }, "any"),
    ...sc.places.map((p) => el("option", { value: p.id }, p.name)),
    ...sc.routes.map((r) => el("option", { value: r.id }, r.name)));
  $("#replan-date").value = state.today;
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
  if (view === "replan") loadReplan();
}

// --- accounts (the council's) ---------------------------------------------------------------
async function loadAccounts() {
  const rows = await (await api("/api/accounts")).json();
  $("#account-list tbody").replaceChildren(...rows.map((a) => el("tr", {},
    el("td", {}, a.name), el("td", {}, a.role),
    el("td", {}, a.place ? placeName(a.place) : ""))));
  $("#a-place").replaceChildren(el("option", { value: "" }, "(none)"),
    ...state.scenario.places.map((p) => el("option", { value: p.id }, p.name)));
}

$("#account-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  document.querySelectorAll("#account-form .error").forEach((e) => { e.textContent = ""; });
  const body = { name: $("#a-name").value, password: $("#a-password").value,
    role: $("#a-role").value };
  if ($("#a-place").value) body.place = $("#a-place").value;
  // The button waits for the answer: a double click made the account, then said at its
  // name that it exists, as if it had not been made.
  const button = $("#account-submit");
  button.disabled = true;
  let response;
  try {
    response = await api("/api/accounts", { method: "POST", body: JSON.stringify(body) });
  } catch (error) {
    $("#aerr-form").textContent = "No answer from the server (" + error.message + ")";
    return;
  } finally {
    button.disabled = false;
  }
  if (response.ok) { $("#a-password").value = ""; loadAccounts(); return; }
  const data = await answer(response);
  for (const problem of (Array.isArray(data.detail) ? data.detail : [])) {
    const target = $("#aerr-" + (problem.loc[1] || "form")) || $("#aerr-form");
    target.replaceChildren(...spoken(problem.msg));
  }
});

async function loadOverview() {
  const data = await (await api("/api/overview")).json();
  state.today = data.as_of;
  // The entries the overview counts: those standing, dated up to its day.
  $("#as-of").textContent = "as of " + data.as_of + " · " + fmt(data.entries) +
    (data.entries === 1 ? " entry" : " entries") + " standing";
  $("#fronts tbody").replaceChildren(...data.fronts.map((f) => el("tr", {},
    el("td", {}, placeName(f.front)), el("td", {}, goodName(f.good)),
    el("td", { class: "num" }, fmt(f.kg)), el("td", { class: "num" }, fmt(f.need_kg_per_day)),
    el("td", { class: "num" + (f.days_of_supply !== null && f.days_of_supply < 3 ? " low" : "") },
      fmt(f.days_of_supply)))));
  $("#stocks tbody").replaceChildren(...data.stocks.map((s) => el("tr",
    { "data-place": s.place, "data-good": s.good },
    el("td", {}, placeName(s.place)), el("td", {}, goodName(s.good)),
    el("td", { class: "num stock-kg" }, fmt(s.kg)))));
  // No stocks: said, not a table of headers only.
  $("#stocks-box").hidden = data.stocks.length === 0;
  $("#stocks-none").hidden = data.stocks.length > 0;
  $("#localities tbody").replaceChildren(...data.localities.map((l) => el("tr", {},
    el("td", {}, placeName(l.locality)), el("td", { class: "num" }, fmtKg(l.pledged_kg)),
    el("td", { class: "num" }, fmtKg(l.pledged_due_kg)),
    el("td", { class: "num" + (l.given_kg < l.pledged_due_kg ? " low" : "") },
      fmtKg(l.given_kg)),
    el("td", { class: "num" }, fmtKg(l.plan_kg)))));
  const lost = [
    ...data.losses.map((l) => fmt(l.kg) + " kg of " + goodName(l.good) + " (" + l.reason + ")"),
    ...data.units_lost.map((u) => fmt(u.units) + " " + modeName(u.mode) +
      (u.units === 1 ? " unit (" : " units (") + u.reason + ")")];
  $("#losses").textContent = lost.length ? "Lost on the way: " + lost.join(", ") : "";
  const wounded = Object.entries(data.wounded);
  $("#wounded").textContent = wounded.length ? "Wounded brought in: " +
    wounded.map(([h, n]) => placeName(h) + ": " + counted(n, "person"))
      .join(", ") : "";
  state.arrivals = data.arrivals;
  state.compared = null;
  const sc = state.scenario;
  $("#compare").replaceChildren(el("option", { value: "" }, "arrived at the fronts"),
    ...sc.places.filter((p) => p.kind === "locality")
      .map((p) => el("option", { value: "locality|" + p.id }, "given by " + p.name)),
    // (cargo, as a plan counts it: what is not counted is said under the chart, chartNote)
    ...sc.routes.map((r) => el("option", { value: "route|" + r.id },
      "cargo sent over " + r.name)),
    ...sc.places.filter((p) => p.kind === "front")
      .map((p) => el("option", { value: "front|" + p.id }, "arrived at " + p.name)));
  $("#chart-note").hidden = true;
  drawChart(data.arrivals);
  drawMap(data.routes);
}

// What a route's chart leaves out, said under it: the plan's figures are the cargo alone,
// so the food the convoys' crews eat on the way is taken from what they loaded
// (crew_food_kg), and the route's repair crew eats where the route starts, from the stock
// there (the planner's rule: docs/model.md, "Repair crews"), not carried over the route.
// The chart had said neither, and read as short of what the plan moves for the route.
function chartNote(route, crewFoodKg) {
  const from = placeName(route.from);
  const parts = ["the food the convoys' crews eat on the way (" + fmtKg(crewFoodKg) +
    " kg of what they loaded so far)"];
  if (route.repair_crew > 0) {
    parts.push("the food of its repair crew (" + counted(route.repair_crew, "person") +
      "), who eat at " + from + " from the stock there, not carried over it");
  }
  return "Cargo over " + route.name + " both ways, as the plan counts it. Not in it: " +
    parts.join("; nor ") + ".";
}

// Plan against actual for one locality, route or front, day by day (cumulative).
$("#compare").addEventListener("change", async () => {
  const value = $("#compare").value;
  $("#chart-note").hidden = true;
  if (!value) { drawChart(state.arrivals); return; }
  if (!state.compared) state.compared = await (await api("/api/plan-vs-actual")).json();
  const [what, id] = value.split("|");
  const dates = state.arrivals.dates;
  const planned = dates.map(() => 0), actual = dates.map(() => 0);
  let crewFood = 0;
  for (const row of state.compared) {
    const i = dates.indexOf(row.date);
    if (row.what === what && row.id === id && i >= 0) {
      planned[i] += row.planned_kg; actual[i] += row.actual_kg;
      crewFood += row.crew_food_kg || 0;
    }
  }
  const route = what === "route" && state.scenario.routes.find((r) => r.id === id);
  if (route) {
    $("#chart-note").textContent = chartNote(route, crewFood);
    $("#chart-note").hidden = false;
  }
  const total = (values) => { let sum = 0; return values.map((v) => (sum += v)); };
  drawChart({ dates, planned_kg: total(planned), actual_kg: total(actual),
    plan: state.arrivals.plan });
});

// A figure is drawn as wide as its column (so that its text is of the page's size), then
// scales with it (viewBox).
const figureWidth = (where) => Math.max(300, Math.min(640, $(where).clientWidth || 460));

// When the page's width changes (a phone turned, a window resized), the chart and the map
// are drawn again at their columns' new width, once it has stopped changing for a moment
// (REDRAW_AFTER ms): drawn once, they kept the width of the page they were first drawn on.
// (Only where a column's width changed: a phone's browser says "resize" as its address bar
// comes and goes; a hidden overview is drawn afresh when shown.)
const REDRAW_AFTER = 250;
let redrawTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(redrawTimer);
  redrawTimer = setTimeout(() => {
    if ($("#overview").hidden) return;
    const { chart, map } = state.drawn || {};
    if (chart && chart.w !== null && chart.w !== figureWidth("#chart")) drawChart(chart.series);
    if (map && map.w !== figureWidth("#map")) drawMap(map.routes);
  }, REDRAW_AFTER);
});

// About four round steps from 0 to at least `top`: 1, 2, 2.5 or 5 times a power of ten.
function ticks(top) {
  const rough = top / 4, power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough);
  const out = [];
  for (let v = 0; v < top + step; v += step) out.push(v);
  return out;
}

// How wide `words` are written as the svg text of class `cls` on the page (its font and
// size), in px: measured in an svg of its own, out of sight (the chart is measured before
// it is drawn, and its view may be hidden); where nothing is laid out, 6.5 px a letter.
function textWidth(words, cls) {
  const probe = svg("svg", { width: 0, height: 0, "aria-hidden": "true",
    style: "position:absolute;left:-9999px;visibility:hidden" });
  const t = svg("text", { class: cls });
  t.textContent = words;
  probe.append(t);
  document.body.append(probe);
  const width = t.getComputedTextLength();
  probe.remove();
  return width || 6.5 * words.length;
}

// Cumulative kg, planned (dashed, the whole horizon) and actual (to today, where a marker
// stands); a message instead when there is no plan and nothing recorded. The left margin
// is as wide as the widest tick's label ("10,000,000 kg" was cut at a margin of 72 px).
function drawChart(series) {
  state.drawn = Object.assign({}, state.drawn, { chart: { series, w: null } });
  const { dates, planned_kg: planned } = series;
  const n = dates.length;
  const today = Math.max(0, dates.indexOf(state.today));
  // (the overview's actual figures stop at today: none, null, after it)
  const actual = series.actual_kg.slice(0, today + 1).filter((v) => v !== null);
  const anything = (values) => values.some((v) => v > 0);
  if (!anything(planned) && !anything(actual)) {
    $("#chart").replaceChildren(el("p", { class: "empty" }, series.plan === null ?
      "No plan yet, and nothing recorded: the council plans under Re-plan." :
      "Nothing planned or recorded for this yet."));
    return;
  }
  const marks = ticks(Math.max(...planned, ...actual));
  const most = marks[marks.length - 1];
  const label = (v) => fmt(v) + " kg";
  const widest = Math.max(...marks.map((v) => textWidth(label(v), "tick")));
  const w = figureWidth("#chart"), h = 240, right = 14, top = 40, bottom = 34;
  const left = Math.ceil(widest) + 6 + 4;  // (a tick's label ends 6 px left of the axis)
  state.drawn.chart.w = w;  // (drawn again where its column's width changes)
  const x = (i) => left + (w - left - right) * i / Math.max(1, n - 1);
  const y = (v) => h - bottom - (h - top - bottom) * v / most;
  const root = svg("svg", { viewBox: `0 0 ${w} ${h}`, class: "figure", role: "img",
    "aria-label": "cumulative kg, planned and actual" });
  const text = (tx, ty, words, attrs = {}) => {
    const t = svg("text", Object.assign({ x: tx, y: ty, fill: "#555" }, attrs));
    t.textContent = words; return t;
  };
  for (const v of marks) {
    root.append(svg("line", { x1: left, y1: y(v), x2: w - right, y2: y(v),
      stroke: v === 0 ? "#999" : "#eee" }));
    root.append(text(left - 6, y(v) + 4, label(v), { "text-anchor": "end", class: "tick" }));
  }
  root.append(svg("line", { x1: left, y1: top, x2: left, y2: h - bottom, stroke: "#999" }));
  root.append(svg("line", { x1: x(today), y1: top, x2: x(today), y2: h - bottom,
    stroke: "#888", "stroke-dasharray": "2,3", class: "today" }));
  const line = (values, colour, dash, name) => svg("polyline", {
    points: values.map((v, i) => x(i) + "," + y(v)).join(" "), fill: "none",
    stroke: colour, "stroke-width": 2, "stroke-dasharray": dash, "data-series": name });
  if (series.plan !== null) root.append(line(planned, "#1f5f8b", "5,3", "planned"));
  root.append(line(actual, "#c0392b", "", "actual"));
  root.append(svg("circle", { cx: x(today), cy: y(actual[actual.length - 1]), r: 3.5,
    fill: "#c0392b" }));
  // (the captions start at the figure's edge: a wide margin left them too little room)
  root.append(text(4, 12, series.plan === null ? "no plan in force" :
    "planned (dashed): " + fmt(planned[n - 1]) + " kg by " + dates[n - 1], { fill: "#1f5f8b" }));
  root.append(text(4, 27, "actual: " + fmt(actual[actual.length - 1]) + " kg by today",
    { fill: "#c0392b" }));
  root.append(text(left, h - bottom + 14, dates[0]));
  root.append(text(w - right, h - bottom + 14, dates[n - 1], { "text-anchor": "end" }));
  root.append(text(x(today), h - 4, "today " + dates[today],
    { "text-anchor": today < n / 2 ? "start" : "end" }));
  $("#chart").replaceChildren(root);
}

const PLACE_COLOUR = { front: "#b00020", locality: "#555", depot: "#1f5f8b",
  junction: "#1f5f8b", hospital: "#00897b" };
const ROUTE_COLOUR = { open: "#2e7d32", damaged: "#ef6c00", closed: "#b00020" };

// A route's line from a to b: straight, or bent round the markers of the places it would
// cross (and `apart` px out from another route joining the same places, on top of its
// bend, which then goes the same way). As the report's map bends them
// (supplyline/report/map.py): at most MAX_BEND of the route's length out at its middle,
// and not round a marker too near one of its ends (no bend avoids that one); bent by whole
// pixels, short routes on a narrow screen had looped.
const PASS_CLEARANCE = 14, MAX_BEND = 0.35;
function routePath(a, b, markers, apart) {
  const dx = b[0] - a[0], dy = b[1] - a[1], length = Math.hypot(dx, dy) || 1;
  markers = markers.filter(([mx, my]) => Math.hypot(mx - a[0], my - a[1]) >= PASS_CLEARANCE
    && Math.hypot(mx - b[0], my - b[1]) >= PASS_CLEARANCE);
  const [nx, ny] = [-dy / length, dx / length];
  const mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  const curve = (k) => {
    const c = [mid[0] + 2 * k * nx, mid[1] + 2 * k * ny];
    const at = (t) => [(1 - t) ** 2 * a[0] + 2 * t * (1 - t) * c[0] + t * t * b[0],
      (1 - t) ** 2 * a[1] + 2 * t * (1 - t) * c[1] + t * t * b[1]];
    return { c, at };
  };
  const clearance = (k) => {  // how near the line comes to another place's marker
    const { at } = curve(k);
    let nearest = Infinity;
    for (let t = 0.05; t < 1; t += 0.05) {
      const [px, py] = at(t);
      for (const [mx, my] of markers) nearest = Math.min(nearest, Math.hypot(mx - px, my - py));
    }
    return nearest;
  };
  const bends = [0];  // how far out the line's middle is, gentlest first
  for (let i = 1; i <= 12; i += 1) {
    const out = MAX_BEND * length * i / 12;
    bends.push(...[out, -out].filter((b) => b * apart >= 0));
  }
  const k = apart + (bends.find((b) => clearance(b + apart) >= PASS_CLEARANCE) ??
    bends.reduce((best, b) => (clearance(b + apart) > clearance(best + apart) ? b : best)));
  const { c } = curve(k);
  return `M${a[0]},${a[1]} Q${c[0]},${c[1]} ${b[0]},${b[1]}`;
}

// The network drawn to one scale across and up (a degree of longitude is cos(latitude) of
// a degree of latitude, taken at the map's middle latitude), centred in its box: stretched
// to fill the box on each axis on its own, a north-south corridor was drawn twice as wide.
function drawMap(routes) {
  const places = state.scenario.places;
  const w = figureWidth("#map"), h = Math.round(w * 0.65), pad = 30;
  state.drawn = Object.assign({}, state.drawn, { map: { routes, w } });
  const lats = places.map((p) => p.lat), lons = places.map((p) => p.lon);
  const [la0, la1, lo0, lo1] = [Math.min(...lats), Math.max(...lats), Math.min(...lons),
    Math.max(...lons)];
  const across = Math.cos((la0 + la1) / 2 * Math.PI / 180);
  const wide = (lo1 - lo0) * across, high = la1 - la0;
  const scale = Math.min((w - 2 * pad) / Math.max(1e-9, wide),
    (h - 2 * pad) / Math.max(1e-9, high));
  const left = (w - wide * scale) / 2, bottom = (h - high * scale) / 2;
  const px = (p) => left + (p.lon - lo0) * across * scale;
  const py = (p) => h - bottom - (p.lat - la0) * scale;
  const root = drawNetwork(routes, places, places, w, h, px, py, "routes today");
  const swatch = (drawn) => {
    const box = svg("svg", { width: 22, height: 12, "aria-hidden": "true" });
    box.append(drawn);
    return box;
  };
  const kinds = [["front", "front"], ["locality", "locality"], ["depot", "depot or junction"],
    ["hospital", "hospital"]].filter(([k]) => places.some((p) => p.kind === k ||
      (k === "depot" && p.kind === "junction")));
  const legend = el("ul", { class: "legend" },
    ...kinds.map(([k, words]) => el("li", {}, swatch(svg("circle", { cx: 11, cy: 6, r: 5,
      fill: PLACE_COLOUR[k] })), words)),
    ...Object.entries(ROUTE_COLOUR).map(([status, colour]) => el("li", {},
      swatch(svg("line", { x1: 1, y1: 6, x2: 21, y2: 6, stroke: colour, "stroke-width": 3,
        "stroke-dasharray": status === "closed" ? "6,4" : "" })), "route " + status)));
  const says = $("#map-says");  // (below the inset too, which a tap may name from)
  says.textContent = "Tap or point at a place or a route to name it.";
  says.className = "empty";
  $("#map").replaceChildren(root, legend);
  const key = placeLabels(root, w, h, true);
  if (key.length) {  // the places numbered on the map, by their numbers
    root.after(el("ol", { class: "map-key", "aria-label": "places numbered on the map" },
      ...key.map(([n, place, name]) => el("li", { value: n, "data-place": place }, name))));
  }
  drawInset(routes, places, root, w, px, py);
}

// The routes and the places `shown` (markers and names) on one svg w × h, each place at
// (px, py) (`places`: all of them, where the routes end): the map, or its inset (`clipped`:
// a route that passes nowhere in the box is left out, not drawn, reached or read unseen).
function drawNetwork(routes, places, shown, w, h, px, py, label, clipped = false) {
  const at = Object.fromEntries(places.map((p) => [p.id, [px(p), py(p)]]));
  // (a group, not an image: its markers and routes are reached with Tab, each named)
  const root = svg("svg", { viewBox: `0 0 ${w} ${h}`, class: "figure", role: "group",
    "aria-label": label });
  const pairs = {};
  for (const r of routes) {
    const pair = [r.from, r.to].sort().join("|");
    const apart = 8 * (pairs[pair] = (pairs[pair] ?? -1) + 1);
    const others = shown.filter((p) => p.id !== r.from && p.id !== r.to).map((p) => at[p.id]);
    const line = svg("path", { d: routePath(at[r.from], at[r.to], others, apart),
      fill: "none", stroke: ROUTE_COLOUR[r.status], "stroke-width": 3,
      "stroke-dasharray": r.status === "closed" ? "6,4" : "", "data-route": r.id,
      "data-status": r.status });
    if (clipped && !curvePoints(line).some(([x, y]) => x >= 0 && x <= w && y >= 0 &&
      y <= h)) continue;
    root.append(saysOnTap(line, r.name + ": " + r.status + (r.capacity_lost ? " (" +
      Math.round(100 * r.capacity_lost) + " % of capacity lost, repaired in " +
      r.repaired_in_days + " day" + (r.repaired_in_days === 1 ? "" : "s") + ")" : "")));
  }
  for (const p of shown) {  // each marker names its place (its name may not fit)
    const marker = svg("circle", { cx: px(p), cy: py(p), r: 5, fill: PLACE_COLOUR[p.kind],
      stroke: "#fff", "stroke-width": 1, "data-marker": p.id });
    root.append(saysOnTap(marker, p.name));
  }
  root.addEventListener("click", (e) => {  // the nearest marker within a finger's reach,
    const screen = root.getScreenCTM();  // else the nearest route
    const at = new DOMPoint(e.clientX, e.clientY).matrixTransform(screen.inverse());
    const [x, y, reach] = [at.x, at.y, TAP_REACH / screen.a];
    const place = shown.map((p) => [Math.hypot(px(p) - x, py(p) - y), p])
      .filter(([d]) => d <= reach).sort((a, b) => a[0] - b[0])[0];
    if (place) {
      say(place[1].name);
      return;
    }
    const route = [...root.querySelectorAll("path[data-route]")].map((path) => [Math.min(
      ...curvePoints(path).map(([qx, qy]) => Math.hypot(qx - x, qy - y))), path])
      .filter(([d]) => d <= reach).sort((a, b) => a[0] - b[0])[0];
    if (route) say(route[1].getAttribute("aria-label"));
  });
  // After every line and marker, the names stay on top; a screen reader skips them (each
  // marker says its name).
  for (const p of shown) {
    const t = svg("text", { x: px(p) + 7, y: py(p) + 4, "data-place": p.id, "data-x": px(p),
      "data-y": py(p), "data-rank": NAME_RANK[p.kind], "aria-hidden": "true" });
    t.textContent = p.name;
    root.append(t);
  }
  return root;
}

// Where the map leaves names out for want of room round a front, that area magnified below
// it, as the report's map has an inset: round the front with the most places left unnamed
// within an eighth of the map's width (the first such front, where several are crowded),
// the box holding them and the front drawn as large as the map's width and height allow
// (at most INSET_MAX_ZOOM times: the box is at most a quarter of the map's width, so at
// least about 3 times), with every place whose marker falls wholly in it or its margin. A
// name there that would cover another place's marker is left out. None where no front has
// two unnamed places near it, or where the inset would name none of them.
const INSET_MAX_ZOOM = 8;
function drawInset(routes, places, main, w, px, py) {
  const named = new Set([...main.querySelectorAll("text[data-place]")]
    .map((t) => t.dataset.place));
  const near = (p) => places.filter((q) => !named.has(q.id) && q !== p &&
    Math.hypot(px(q) - px(p), py(q) - py(p)) <= w / 8);
  const front = places.filter((p) => p.kind === "front").reduce((best, p) =>
    (best === null || near(p).length > near(best).length ? p : best), null);
  $("#map-inset").replaceChildren();
  if (front === null || near(front).length < 2) return;
  const crowd = [front, ...near(front)], pad = 36;  // (the margin round the box, in px)
  const [x0, x1] = [Math.min(...crowd.map(px)), Math.max(...crowd.map(px))];
  const [y0, y1] = [Math.min(...crowd.map(py)), Math.max(...crowd.map(py))];
  const zoom = Math.min(INSET_MAX_ZOOM, (w - 2 * pad) / (x1 - x0),
    (w * 0.65 - 2 * pad) / (y1 - y0));  // (one place above another: only its height)
  const h = Math.round((y1 - y0) * zoom + 2 * pad), left = (w - (x1 - x0) * zoom) / 2;
  const ipx = (p) => left + (px(p) - x0) * zoom, ipy = (p) => pad + (py(p) - y0) * zoom;
  const shown = places.filter((p) => ipx(p) >= 6 && ipx(p) <= w - 6 && ipy(p) >= 6 &&
    ipy(p) <= h - 6);  // (a marker reaches 5 px from its centre)
  const title = "Around " + front.name + " (×" + zoom.toFixed(1) + ")";
  const inset = drawNetwork(routes, places, shown, w, h, ipx, ipy, title, true);
  $("#map-inset").replaceChildren(el("p", { class: "inset-title" }, title), inset);
  placeLabels(inset, w, h);
  // (an inset that names no place the map left out says nothing more: none)
  if (![...inset.querySelectorAll("text[data-place]")].some((t) => !named.has(t.dataset.place)))
    $("#map-inset").replaceChildren();
}

// A phone shows no hover text, and a name that does not fit is left off the map: a tap or
// a click near a marker or a route (or Enter on one reached by Tab) says below the map
// what it is. TAP_REACH: how far from a marker's centre or a route's line a tap still
// names it, in screen px (a marker is 10 px across and a line 3, less than a fingertip).
const TAP_REACH = 12;
const say = (words) => { const p = $("#map-says"); p.textContent = words; p.className = ""; };
function saysOnTap(node, words) {
  const tip = svg("title"); tip.textContent = words; node.append(tip);
  node.setAttribute("tabindex", "0");
  node.setAttribute("aria-label", words);
  node.addEventListener("keydown", (e) => { if (e.key === "Enter") say(words); });
  return node;
}

// Where a place's name goes, as the report's map places them (supplyline/report/map.py):
// a name never covers another name or any place's marker. Of eight spots next to its
// marker and, where those are taken, spots further out at the end of a leader line (16 to
// 90 px), the cheapest that stays on the map, the further the dearer, and each route line
// it covers dearer still; a spot as near another place's marker as its own counts 20 px
// further out (it read as that place's name). A name with no free spot is a
// number on the map (at the end of a leader line where it stands away), keyed below it
// (`numbers`: the map; the inset leaves it out). Fronts are named first, then hospitals,
// depots and junctions, then localities. A long name may take two lines. Every marker
// names its place on hover or a tap.
const NAME_RANK = { front: 0, hospital: 1, depot: 2, junction: 2, locality: 3 };
const LEADER_RINGS = [16, 28, 44, 64, 90], NUMBER_RINGS = [...LEADER_RINGS, 120, 160, 210, 270];
const ROUTE_COVER_COST = 6, MARKER_R = 6, LEADER = "#666";

// Points along a route's line (its path: M a Q c b), every 3 px or closer: what a name is
// judged to cover, and how near a tap falls.
function curvePoints(path) {
  const [ax, ay, cx, cy, bx, by] = (path.getAttribute("d").match(/-?[\d.]+/g) || [])
    .map(Number);
  const steps = Math.max(20, Math.ceil((Math.hypot(cx - ax, cy - ay) +
    Math.hypot(bx - cx, by - cy)) / 3));
  const points = [];
  for (let t = 0; t <= 1.0001; t += 1 / steps) {
    const u = 1 - t;
    points.push([u * u * ax + 2 * u * t * cx + t * t * bx,
      u * u * ay + 2 * u * t * cy + t * t * by]);
  }
  return points;
}

function routePoints(root) {
  return [...root.querySelectorAll("path[data-route]")].flatMap(curvePoints);
}

// A name cut in two at the space nearest its middle (null for a short name, or one word).
function twoLines(name) {
  if (name.length < 16) return null;
  const spaces = [...name.matchAll(/ /g)].map((m) => m.index);
  if (!spaces.length) return null;
  const at = spaces.reduce((a, b) => Math.abs(b - name.length / 2) <
    Math.abs(a - name.length / 2) ? b : a);
  return [name.slice(0, at), name.slice(at + 1)];
}

// Write a name's lines starting at (x, y), the first line's baseline.
function writeLines(t, lines, x, y) {
  t.setAttribute("x", x);
  t.setAttribute("y", y);
  if (lines.length === 1) {
    t.textContent = lines[0];
    return;
  }
  t.replaceChildren(...lines.map((line, i) => {
    const span = svg("tspan", { x, dy: i ? "1.15em" : "0" });
    span.textContent = line;
    return span;
  }));
}

const boxesMeet = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width &&
  a.y < b.y + b.height && b.y < a.y + a.height;

// The spots for a bw × bh box by the place at (x, y): [cost, box, leader's start or null].
function labelSpots(x, y, bw, bh, rings) {
  const r = 5, g = 3, out = [];
  [[x + r + g, y - bh / 2], [x - r - g - bw, y - bh / 2], [x - bw / 2, y - r - g - bh],
    [x - bw / 2, y + r + g], [x + r * 0.7 + g, y - r * 0.7 - bh],
    [x - r * 0.7 - g - bw, y - r * 0.7 - bh], [x + r * 0.7 + g, y + r * 0.7],
    [x - r * 0.7 - g - bw, y + r * 0.7]].forEach(([bx, by], i) =>
    out.push([0.5 * i, { x: bx, y: by, width: bw, height: bh }, null]));
  for (const ring of rings) {
    for (let k = 0; k < 16; k += 1) {
      const cx = Math.cos(2 * Math.PI * k / 16), cy = Math.sin(2 * Math.PI * k / 16);
      const qx = x + (r + ring) * cx, qy = y + (r + ring) * cy;
      const bx = cx > 0.38 ? qx : cx < -0.38 ? qx - bw : qx - bw / 2;
      const by = cy > 0.38 ? qy : cy < -0.38 ? qy - bh : qy - bh / 2;
      out.push([ring, { x: bx, y: by, width: bw, height: bh }, [x + r * cx, y + r * cy]]);
    }
  }
  return out;
}

// Where a leader line from `start` meets the box `b` (its nearest point).
const leaderEnd = (start, b) => [Math.min(Math.max(start[0], b.x), b.x + b.width),
  Math.min(Math.max(start[1], b.y), b.y + b.height)];

// Place the names of `root`'s places (see NAME_RANK); with `numbers`, those with no free
// spot numbered, returned as [number, place, name] for the key.
function placeLabels(root, w, h, numbers = false) {
  const lines = routePoints(root);
  const markers = [...root.querySelectorAll("circle[data-marker]")].map((c) =>
    [Number(c.getAttribute("cx")), Number(c.getAttribute("cy"))]);
  const symbols = markers.map(([mx, my]) => ({ x: mx - MARKER_R, y: my - MARKER_R,
    width: 2 * MARKER_R, height: 2 * MARKER_R }));
  const placed = [], key = [];
  // Leader lines go in one group drawn under the names (before the first name: a name
  // with no free spot is removed, and a line put before it then had nowhere to go).
  const leaders = svg("g", { "data-leaders": "" });
  root.insertBefore(leaders, root.querySelector("text[data-place]"));
  const onMap = (b) => b.x >= 2 && b.y >= 2 && b.x + b.width <= w - 2 && b.y + b.height <= h - 2;
  const covered = (b) => lines.filter(([qx, qy]) => qx > b.x && qx < b.x + b.width &&
    qy > b.y && qy < b.y + b.height).length;
  const gap = (b, [mx, my]) => Math.hypot(Math.max(b.x - mx, 0, mx - b.x - b.width),
    Math.max(b.y - my, 0, my - b.y - b.height));
  const crosses = (start, b) => {  // a leader line across a name or number placed before
    const end = leaderEnd(start, b);
    for (let i = 0; i < 8; i += 1) {
      const t = 0.15 + 0.1 * i, qx = start[0] + (end[0] - start[0]) * t;
      const qy = start[1] + (end[1] - start[1]) * t;
      if (placed.some((o) => qx > o.x && qx < o.x + o.width && qy > o.y && qy < o.y + o.height))
        return true;
    }
    return false;
  };
  const cheapest = (x, y, bw, bh, rings, crossNames = false) => {
    let best = null;
    for (const [cost, b, start] of labelSpots(x, y, bw, bh, rings)) {
      if (best !== null && cost >= best.total) continue;
      if (!onMap(b) || placed.some((o) => boxesMeet(o, b)) ||
        symbols.some((o) => boxesMeet(o, b))) continue;
      let total = cost + ROUTE_COVER_COST * covered(b);
      const own = gap(b, [x, y]);  // as near another place's marker as its own
      if (markers.some((m) => (m[0] !== x || m[1] !== y) && gap(b, m) < own + 4)) total += 20;
      if (best !== null && total >= best.total) continue;
      if (start !== null && !crossNames && crosses(start, b)) continue;
      best = { total, b, start };
    }
    return best;
  };
  const leader = (start, b, place) => {  // drawn under the names
    const end = leaderEnd(start, b);
    leaders.appendChild(svg("line", { x1: start[0], y1: start[1], x2: end[0], y2: end[1],
      stroke: LEADER, "stroke-width": 0.9, "data-leader": place }));
    const n = Math.max(2, Math.round(Math.hypot(end[0] - start[0], end[1] - start[1]) / 3));
    for (let i = 0; i <= n; i += 1) lines.push([start[0] + (end[0] - start[0]) * i / n,
      start[1] + (end[1] - start[1]) * i / n]);  // (a name after it keeps off it too)
  };
  const names = [...root.querySelectorAll("text[data-place]")];
  names.sort((a, b) => Number(a.dataset.rank) - Number(b.dataset.rank));  // (stable)
  for (const t of names) {
    const x = Number(t.dataset.x), y = Number(t.dataset.y), place = t.dataset.place;
    if (t.getBBox().width === 0) continue;  // not drawn (the view is hidden)
    const name = t.dataset.name || t.textContent;
    t.dataset.name = name;
    t.setAttribute("text-anchor", "start");
    let best = null;
    for (const layout of [[name], twoLines(name)].filter(Boolean)) {
      writeLines(t, layout, 0, 0);
      const at = t.getBBox();
      const spot = cheapest(x, y, at.width + 2, at.height, LEADER_RINGS);
      if (spot !== null) spot.total += 0.5 * (layout.length - 1);
      if (spot !== null && (best === null || spot.total < best.total))
        best = { ...spot, layout, at };
    }
    if (best !== null) {
      writeLines(t, best.layout, best.b.x + 1 - best.at.x, best.b.y - best.at.y);
      placed.push(best.b);
      if (best.start !== null) leader(best.start, best.b, place);
      continue;
    }
    t.remove();  // no free spot: its marker names it on hover or a tap
    if (!numbers) continue;
    const number = key.length + 1;
    key.push([number, place, name]);
    const spot = cheapest(x, y, 14, 14, NUMBER_RINGS) ||
      cheapest(x, y, 14, 14, NUMBER_RINGS, true);
    const b = spot ? spot.b : { x: x - 7, y: y - 7, width: 14, height: 14 };
    placed.push(b);
    if (spot && spot.start !== null) leader(spot.start, b, place);
    const badge = svg("g", { class: "map-number", "data-number": place, "aria-hidden": "true" });
    badge.append(svg("circle", { cx: b.x + 7, cy: b.y + 7, r: 7, fill: "#fff", stroke: "#333" }));
    const digits = svg("text", { x: b.x + 7, y: b.y + 10.5, "text-anchor": "middle",
      "font-size": 10, "font-weight": 700 });
    digits.textContent = number;
    badge.append(digits);
    root.append(badge);
  }
  return key;
}

// --- record ---------------------------------------------------------------------------------
const ALL_KINDS = ["pledge", "contribution", "labour", "dispatch", "receipt", "wounded", "route",
  "cancel"];
function kindsFor(role) {
  if (role === "council") return ALL_KINDS;
  if (role === "commune") return ["contribution", "pledge", "labour", "cancel"];
  if (role === "depot") return ["dispatch", "receipt", "cancel"];
  return [];
}

// How the value of an entry's field is shown: by its name where it names something.
const NAMED_BY = { locality: placeName, at: placeName, from: placeName, to: placeName,
  front: placeName, hospital: placeName, good: goodName, mode: modeName, route: routeName };
const choice = (field, v) => (v === "" ? "" : (NAMED_BY[field] || String)(v));

function placesOf(kinds) {
  return state.scenario.places.filter((p) => kinds.includes(p.kind)).map((p) => p.id);
}

function fieldsOf(kind) {
  const sc = state.scenario, me = state.me;
  const mine = (kinds) => (me.place && me.role !== "council") ? [me.place] : placesOf(kinds);
  const localities = mine(["locality"]);
  const all = placesOf(["locality", "depot", "junction", "front", "hospital"]);
  const depots = placesOf(["depot", "junction", "front", "hospital"]);
  const goods = sc.goods.map((g) => g.id), modes = sc.modes.map((m) => m.id);
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
      // A share, where the ledger and the map say it in %: 50 % is typed 0.5.
      ["capacity_lost", "Share of capacity lost (0 to 1)", "number", "0.5 for 50 %"]],
    // A cancellation names the entry it cancels where a correction names the one it corrects.
    cancel: [date, ["corrects", "Cancel entry #", "number"], ["reason", "Reason", "text"], note],
  };
  return kind === "cancel" ? table.cancel : [...table[kind], note, corrects];
}

// The kind's fields; a date starts as the one typed before, else the books' today; a field's
// hint, where it has one, is written in its empty box.
function drawFields() {
  const kind = $("#f-kind").value;
  if (!kind) return;
  const rows = fieldsOf(kind).map(([name, label, type, hint]) => {
    const id = "f-" + name;
    let input;
    if (Array.isArray(type)) {
      input = el("select", { name, id },
        ...type.map((v) => el("option", { value: v }, choice(name, v))));
    } else {
      input = el("input", { name, id, type: type === "number" ? "text" : type,
        inputmode: type === "number" ? "decimal" : "text",
        ...(hint ? { placeholder: hint } : {}) });
      if (type === "date") input.value = ($("#" + id) || {}).value || state.today;
    }
    return el("div", { class: "field" }, el("label", { for: id }, label), input,
      el("span", { class: "error", id: "err-" + name }));
  });
  $("#fields").replaceChildren(...rows);
  if (kind === "dispatch") {
    $("#f-from").addEventListener("change", nextPlace);
    $("#f-mode").addEventListener("change", nextPlace);
    nextPlace();
  }
}
$("#f-kind").addEventListener("change", drawFields);

// A convoy's "To" starts at a place the chosen mode may go to from its "From", as the books
// say it (/api/scenario's next_places: it started at "From" itself, which the books refuse,
// and then at places a one-way route leaves against its current).
function nextPlace() {
  const from = $("#f-from").value, mode = $("#f-mode").value;
  const joined = (state.scenario.next_places[mode] || {})[from] || [];
  if (joined.length && !joined.includes($("#f-to").value)) $("#f-to").value = joined[0];
}

const PLAIN_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const ENTRY_IDS = ["corrects", "dispatch"];

function entryFromForm() {
  const form = new FormData($("#entry-form"));
  const value = (k) => { const v = form.get(k); return v === null || v === "" ? undefined : v; };
  // A number as typed: an entry's number may be written as the ledger shows it ("#12");
  // anything else that is not a plain number goes as typed, for the books to refuse at
  // its field ("1,200", "12 kg"), never as nothing.
  const number = (k) => {
    const typed = value(k);
    if (typed === undefined) return undefined;
    const text = ENTRY_IDS.includes(k) ? typed.trim().replace(/^#/, "") : typed.trim();
    return PLAIN_NUMBER.test(text) ? Number(text) : typed;
  };
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
  if (kind === "cancel") take("reason");
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
  document.querySelectorAll("#entry-form .bad, #entry-form .warned")
    .forEach((e) => e.classList.remove("bad", "warned"));
  $("#entry-ok").textContent = "";
  $("#entry-warnings").replaceChildren();
}

// What the scenario says against an entry that was written all the same: listed under
// "Recorded", the field it names marked.
function showWarnings(warnings) {
  const kind = $("#f-kind").value;
  $("#entry-warnings").replaceChildren(...warnings.map((w) =>
    el("li", {}, "Warning" + (w.loc.length > 1 ? " (" + fieldLabel(w.loc, kind, true) + ")" :
      "") + ": ", ...spoken(w.msg))));
  for (const w of warnings) {
    const input = $("#f-" + fieldOf(w.loc));
    if (input) input.classList.add("warned");
  }
}

// A key for each entry sent (the API's Idempotency-Key): the same entry sent again after an
// answer that never came (the network failed) is written once. The button waits for the
// answer, so a double click sends one request.
let unanswered = null;  // { body, key } of an entry sent whose answer never came
function requestKey(body) {
  if (unanswered && unanswered.body === body) return unanswered.key;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const key = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  unanswered = { body, key };
  return key;
}

$("#entry-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors();
  const body = JSON.stringify(entryFromForm());
  const button = $("#entry-submit");
  button.disabled = true;
  let response;
  try {
    response = await api("/api/entries", { method: "POST", body,
      headers: { "Idempotency-Key": requestKey(body) } });
  } catch (error) {
    $("#err-form").textContent = "No answer from the server (" + error.message + "): " +
      "nothing is known to be written; Record again to send the same entry once.";
    return;
  } finally {
    button.disabled = false;
  }
  // A server that answered (not a proxy that gave up waiting for it: 502-504) has said
  // whether the entry was written: the next Record is a new entry.
  if (response.status < 502 || response.status > 504) unanswered = null;
  const data = await answer(response);
  if (response.ok) {
    $("#entry-ok").textContent = "Recorded as entry #" + data.id + ".";
    showWarnings(data.warnings || []);
    return;
  }
  const problems = Array.isArray(data.detail) ? data.detail :
    [{ loc: ["body"], msg: String(data.detail) }];
  for (const problem of problems) {
    const name = fieldOf(problem.loc);
    const atField = $("#err-" + name);
    const target = atField || $("#err-form");
    // (elsewhere: the field named)
    const said = problemText([problem], { kind: $("#f-kind").value, atField: !!atField });
    target.append(target.textContent ? "; " : "", ...said);
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

// An entry as text: its fields by name, the empty ones and those in their own columns left
// out; a value is never broken across lines.
const LEDGER_LABEL = { cargo_kg: "cargo", received_kg: "received", units_lost: "units lost",
  capacity_lost: "capacity lost", dispatch: "convoy", locality: "", good: "", kg: "",
  persons: "", days: "", mode: "", units: "", note: "note" };
const LEDGER_UNIT = { persons: ["person", "persons"], units: ["unit", "units"],
  days: ["day", "days"], kg: ["kg", "kg"] };
function ledgerValue(field, v) {
  const kg = (good, x) => goodName(good) + " " + fmt(x) + " kg";
  if (field === "cargo_kg" || field === "received_kg") {
    return Object.entries(v).map(([good, x]) => kg(good, x)).join(", ");
  }
  if (field === "losses") return v.map((l) => kg(l.good, l.kg) + " (" + l.reason + ")").join(", ");
  if (field === "units_lost") {
    return v.map((u) => fmt(u.units) + " (" + u.reason + ")").join(", ");
  }
  if (field === "capacity_lost") return fmt(100 * v) + " %";
  if (field === "dispatch") return "#" + v;
  if (field === "note" || field === "reason") return "“" + v + "”";
  if (typeof v === "number") {
    return LEDGER_UNIT[field] ? counted(v, ...LEDGER_UNIT[field]) : fmt(v);
  }
  return choice(field, v);
}
function describeEntry(entry) {
  const parts = [];
  const { note, ...fields } = entry;  // the note last
  for (const [field, v] of Object.entries({ ...fields, note })) {
    const empty = v === null || v === "" || (typeof v === "object" && Object.keys(v).length === 0);
    if (empty || ["kind", "date", "corrects"].includes(field)) continue;
    const label = LEDGER_LABEL[field] ?? field.replaceAll("_", " ");
    const words = (label ? label + " " : "") + ledgerValue(field, v);
    if (parts.length) parts.push(" · ");
    parts.push(el("span", { class: field === "note" ? "" : "token" }, words));
  }
  return parts;
}

// An entry cancelled or corrected since stays in the ledger, struck through, saying which
// entry replaced it.
function replacedBy(r) {
  if (r.cancelled_by) return { class: "cancelled", words: "cancelled by #" + r.cancelled_by };
  if (r.corrected_by) return { class: "corrected", words: "corrected by #" + r.corrected_by };
  return null;
}

// A ledger answer that is a refusal (a filter "To" before "From"), said beside the filters;
// true when the answer can be used.
async function ledgerAnswered(response) {
  $("#err-ledger").textContent = "";
  if (response.ok) return true;
  $("#err-ledger").replaceChildren(...problemText((await answer(response)).detail));
  return false;
}

// The ledger a page at a time, newest first: "Show older entries" adds the next page (the
// API gives at most 1,000 entries an answer, and the oldest were left out without a word),
// while the API's count of the entries that match (X-Total-Count) says more are there.
const LEDGER_PAGE = 500;
let ledgerAsked = 0;  // the latest ledger request: a slower, earlier answer is dropped
async function loadLedger(older = false) {
  const body = $("#entries tbody");
  const offset = older ? body.children.length : 0;
  const asked = ++ledgerAsked;
  const response = await api("/api/entries?newest=true&limit=" + LEDGER_PAGE + "&offset=" +
    offset + "&" + ledgerQuery());
  if (asked !== ledgerAsked) return;
  if (!(await ledgerAnswered(response))) return;
  const total = Number(response.headers.get("X-Total-Count"));
  const rows = await answer(response);
  if (asked !== ledgerAsked) return;
  // (an entry written meanwhile moves the pages by one: what is shown already is not again)
  const lowest = older && body.lastElementChild ?
    Number(body.lastElementChild.firstChild.textContent) : Infinity;
  const made = rows.filter((r) => r.id < lowest).map((r) => {
    const replaced = replacedBy(r);
    const entry = el("td", { class: "entry" }, ...describeEntry(r.entry));
    if (replaced) entry.prepend(el("span", { class: "replaced-by" }, replaced.words), " · ");
    // What the scenario said against it when it was written, kept with it.
    if (r.warnings.length) entry.append(el("ul", { class: "warning" }, ...r.warnings.map((w) =>
      el("li", {}, "Warning (" + fieldLabel(w.loc, r.kind, true) + "): ", ...spoken(w.msg)))));
    return el("tr", replaced ? { class: "replaced " + replaced.class } : {},
      el("td", { class: "num" }, String(r.id)), el("td", {}, r.kind),
      el("td", { class: "nowrap" }, r.date), el("td", {}, placeOrRoute(r.place)), entry,
      el("td", { class: "num" }, r.corrects ? "#" + r.corrects : ""), el("td", {}, r.author),
      el("td", { class: "nowrap" }, r.written_at.slice(0, 16).replace("T", " ") + " UTC"));
  });
  if (older) body.append(...made); else body.replaceChildren(...made);
  // Where more entries match than are shown: say how many, and offer the next page (none
  // after a page that was not full: an entry written meanwhile is newer than those shown).
  $("#ledger-more").hidden = rows.length < LEDGER_PAGE || body.children.length >= total;
  $("#ledger-shown").textContent = "The newest " + fmt(body.children.length) + " of " +
    fmt(total) + " entries are shown.";
  // (an empty table said nothing: a header row alone)
  $("#ledger-empty").textContent = ledgerQuery() ? "No entry matches these filters." :
    "The books hold no entries yet.";
  $("#ledger-empty").hidden = body.children.length > 0;
}
$("#ledger-older").addEventListener("click", () => loadLedger(true));
$("#ledger-filters").addEventListener("submit", (event) => { event.preventDefault(); loadLedger(); });
$("#csv").addEventListener("click", async () => {
  const response = await api("/api/entries.csv?" + ledgerQuery());
  if (!(await ledgerAnswered(response))) return;
  const url = URL.createObjectURL(await response.blob());
  const link = el("a", { href: url, download: "entries.csv" });
  document.body.append(link); link.click(); link.remove();
});

// --- re-plan --------------------------------------------------------------------------------
// "As of" starts at the books' today, asked afresh each time the page is shown, unless a
// day was typed there since the last re-plan: kept at the day of the log-in, it left out of
// a re-plan the entries recorded since (those dated that day are not in the State a
// re-plan from it starts from; those after it were refused).
let replanDayTyped = false;
$("#replan-date").addEventListener("input", () => { replanDayTyped = true; });

// The re-plan in force and what it changed, as answered when it was made (after a reload
// too: nothing is planned again). Where none is in force, one line says which plan is, and
// what to do: on books without a plan, plan from the scenario's start first.
async function loadReplan() {
  if (!replanDayTyped) {
    const sc = await answer(await api("/api/scenario"));
    if (sc && sc.today && !replanDayTyped) $("#replan-date").value = sc.today;
  }
  if ($("#changes tbody").children.length) return;  // a re-plan made here: shown as made
  const kept = await answer(await api("/api/replan"));
  if (kept && kept.id) {
    $("#replan-status").textContent = "Plan #" + kept.id + ", a re-plan from " + kept.as_of +
      " (" + kept.status + "), is in force" + (kept.in_force === null ? "." :
      ", made against plan #" + kept.in_force + ".");
    $("#replan-outcome").replaceChildren(...kept.outcome.map((words) => el("li", {}, words)));
    showChanges(kept.changes, kept.in_force);
    return;
  }
  $("#changes-box").hidden = true;
  const plans = await answer(await api("/api/plans"));
  const force = Array.isArray(plans) && plans.length ? plans[plans.length - 1] : null;
  const after = "choose a day after " + state.scenario.start_date + " under As of and press " +
    "“Re-plan the rest of the horizon”; what it changes is listed here.";
  $("#replan-none").textContent = force === null ?
    "No plan in force yet: press “Plan from the scenario's start” to plan the whole " +
    "horizon from the scenario. To plan the rest of it from what the books recorded, " + after :
    "No re-plan yet: plan #" + force.id + ", planned from the scenario's start, is in " +
    "force. To plan the rest of the horizon from what the books recorded, " + after;
  $("#replan-none").hidden = false;
}

// A re-plan's changes against the plan that was in force (`inForce`, null where none was),
// those that change first; a table whose every row is unchanged says so.
function showChanges(changes, inForce) {
  const what = { locality: placeName, front: placeName, route: routeName };
  const change = (c) => Math.round(c.replan_kg) - Math.round(c.in_force_kg);
  const rows = [...changes].sort((a, b) => (change(a) === 0) - (change(b) === 0));
  $("#changes-before").textContent = inForce === null ? "Plan before (kg)" :
    "Plan #" + inForce + " (kg)";
  $("#changes tbody").replaceChildren(...rows.map((c) => el("tr", {},
    el("td", {}, c.what), el("td", {}, what[c.what](c.id)),
    el("td", { class: "num" }, inForce === null ? "—" : fmtKg(c.in_force_kg)),
    el("td", { class: "num" }, fmtKg(c.replan_kg)),
    el("td", { class: "num" }, inForce === null ? "—" :
      (change(c) > 0 ? "+" : "") + fmtKg(change(c))))));
  const same = inForce !== null && changes.every((c) => change(c) === 0);
  $("#changes-none").textContent = same ?
    "The re-plan asks what plan #" + inForce + " asked, to the kilogram, everywhere." : "";
  $("#changes-none").hidden = !same;
  $("#replan-none").hidden = true;
  $("#changes-box").hidden = false;
}

// While a plan or a re-plan is being made (a minute or two on the built-in scenario), neither
// button sends another.
const planning = (busy) => ["#replan-button", "#plan-button"].forEach((b) => {
  $(b).disabled = busy;
});

$("#replan-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("#err-as_of").textContent = "";
  $("#replan-status").textContent = "Planning…";
  $("#replan-outcome").replaceChildren();
  planning(true);  // one plan at a time (a double click made two)
  let response;
  try {
    response = await api("/api/replan", { method: "POST",
      body: JSON.stringify({ as_of: $("#replan-date").value }) });
  } catch (error) {
    $("#replan-status").textContent = "";
    $("#err-as_of").textContent = "No answer from the server (" + error.message + ")";
    return;
  } finally {
    planning(false);
  }
  const data = await answer(response);
  if (!response.ok) {
    $("#replan-status").textContent = "";
    $("#err-as_of").replaceChildren(...problemText(data.detail, { atField: true }));
    return;
  }
  replanDayTyped = false;  // (the next re-plan starts at the books' today again)
  $("#replan-status").textContent = "Re-plan " + data.status + ", kept as plan #" + data.id +
    " (now in force)" + (data.in_force === null ? "; there was no plan in force before." :
    ", against plan #" + data.in_force + ".");
  // How short it leaves the fronts, and what else it could not do: as the command says it.
  $("#replan-outcome").replaceChildren(...data.outcome.map((words) => el("li", {}, words)));
  showChanges(data.changes, data.in_force);
});

$("#plan-button").addEventListener("click", async () => {
  // What a re-plan said, and its table of changes, are not this plan's.
  $("#replan-outcome").replaceChildren();
  $("#changes tbody").replaceChildren();
  $("#changes-none").hidden = true;
  $("#replan-status").textContent = "Planning from the scenario's start…";
  planning(true);  // (a double click kept two plans, one after the other)
  let response;
  try {
    response = await api("/api/plans", { method: "POST" });
  } catch (error) {
    $("#replan-status").textContent = "The plan failed: no answer from the server (" +
      error.message + ")";
    return;
  } finally {
    planning(false);
  }
  const data = await answer(response);
  $("#replan-status").replaceChildren(...(response.ok ?
    ["Plan " + data.status + ", kept as plan #" + data.id + " (now in force)."] :
    ["The plan failed: ", ...problemText(data.detail)]));
  // (after a failure the page keeps saying so: the re-plan in force is not what was asked)
  if (response.ok) loadReplan();
});

if (state.token) start(); else logout();
