// The node's live dashboard (docs/protocol.md §11): plain browser JavaScript, served by the node
// as it is (no build step). It reads /v1/status every two seconds and follows the WebSocket feed
// /v1/stream for fills, books, batches and state changes; every value goes in as text.

const $ = (id) => document.getElementById(id);
const BATCH_ROWS = 12;
const FILL_ROWS = 20;
/** Batches shown, by number: their status from /v1/batches/:n, and when this page saw each stage. */
const batches = new Map();
const markets = new Map();

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.append(td);
  return td;
}

function setBadge(element, text, className) {
  element.textContent = text;
  element.className = `badge ${className}`;
}

const seconds = (ms) => (ms === undefined ? "" : (ms / 1000).toFixed(1));
const age = (ms) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

function showState(view) {
  if (!view) return;
  setBadge($("state"), view.reason ? `${view.state} (${view.reason})` : view.state, view.state);
  const message = $("state-message");
  message.hidden = !view.message;
  message.textContent = view.message ?? "";
}

function showStatus(s) {
  $("rollup").textContent = s.rollup;
  $("circuit").textContent = s.circuit;
  $("root").textContent = s.stateRoot;
  $("batch-counts").textContent = `${s.batches.sealed} / ${s.batches.landed}`;
  $("l1").textContent = `${s.l1.reachable ? "reachable" : "UNREACHABLE"}, ${s.l1.batchCount} batches, read ${age(s.l1.ageMs)} ago`;
  $("queue").textContent = String(s.queueDepth);
  showState(s.state);
  const fleet = s.provers;
  $("provers").textContent = fleet
    ? `fleet on ${fleet.queue} (${fleet.reachable ? "reachable" : "UNREACHABLE"})` +
      (fleet.jobs ? `, jobs waiting ${fleet.jobs.waiting}, active ${fleet.jobs.active}` : "") +
      fleet.provers.map((p) => `; ${p.name}: ${p.connected ? "connected" : "gone"}, ${p.accepted} proofs${p.refused ? `, ${p.refused} REFUSED` : ""}${p.lastProof ? `, last batch ${p.lastProof.batchNumber} in ${seconds(p.lastProof.ms)} s` : ""}`).join("")
    : "in-process workers";
  for (const m of s.markets ?? []) if (!markets.has(m.id)) addMarket(m);
  const last = s.batches.sealed;
  for (let n = Math.max(1, last - BATCH_ROWS + 1); n <= last; n++) if (!batches.has(n)) batch(n, undefined);
}

async function refreshStatus() {
  try {
    const res = await fetch("/v1/status");
    if (res.ok) showStatus(await res.json());
  } catch {
    setBadge($("state"), "node unreachable", "down");
  }
}

function addMarket(m) {
  const box = document.createElement("div");
  box.className = "book";
  box.id = `book-${m.id}`;
  const title = document.createElement("h3");
  title.textContent = `market ${m.id}: token ${m.baseToken} / token ${m.quoteToken}`;
  box.append(title);
  for (const side of ["bids", "asks"]) {
    const table = document.createElement("table");
    table.innerHTML = `<thead><tr><th>${side}</th><th>quantity</th><th>orders</th></tr></thead><tbody></tbody>`;
    table.dataset.side = side;
    box.append(table);
  }
  $("books").append(box);
  markets.set(m.id, box);
  fetch(`/v1/markets/${m.id}/book`).then((r) => r.json()).then(showBook, () => {});
}

function showBook(book) {
  const box = markets.get(book.market);
  if (!box) return;
  for (const side of ["bids", "asks"]) {
    const body = box.querySelector(`table[data-side=${side}] tbody`);
    body.replaceChildren();
    for (const level of book[side]) {
      const row = document.createElement("tr");
      cell(row, level.price, side === "bids" ? "bid" : "ask");
      cell(row, level.quantity);
      cell(row, String(level.orders));
      body.append(row);
    }
  }
}

function showFill(f) {
  const row = document.createElement("tr");
  cell(row, new Date().toLocaleTimeString());
  cell(row, String(f.market));
  cell(row, f.price);
  cell(row, f.quantity);
  cell(row, `#${f.takerId} → #${f.makerId}`);
  const body = $("fills");
  body.prepend(row);
  while (body.children.length > FILL_ROWS) body.lastChild.remove();
}

/** A batch event (or a batch found in the status): its row, with what /v1/batches/:n says. */
async function batch(n, stage) {
  const seen = batches.get(n) ?? { times: {} };
  batches.set(n, seen);
  if (stage) seen.times[stage] ??= Date.now();
  try {
    const res = await fetch(`/v1/batches/${n}`);
    if (res.ok) seen.status = await res.json();
  } catch {
    // the status answers next time
  }
  showPipeline();
}

function showPipeline() {
  const body = $("pipeline");
  body.replaceChildren();
  const numbers = [...batches.keys()].sort((a, b) => b - a).slice(0, BATCH_ROWS);
  for (const n of numbers) {
    const { status, times } = batches.get(n);
    const row = document.createElement("tr");
    row.dataset.batch = String(n);
    cell(row, String(n));
    const stage = status?.state ?? (times.landed ? "landed" : times.proved ? "proved" : "sealed");
    cell(row, stage === "sealed" ? "sealed, proving" : stage === "proved" ? "proved, landing" : stage, stage);
    cell(row, status ? String(status.fills) : "");
    cell(row, seconds(status?.proveMs));
    cell(row, times.sealed && times.landed ? seconds(times.landed - times.sealed) : "");
    cell(row, status?.gasUsed && status.fills > 0 ? String(Math.round(Number(status.gasUsed) / status.fills)) : "");
    cell(row, status?.txHash ? `${status.txHash.slice(0, 10)}…` : "");
    body.append(row);
  }
}

function follow() {
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/v1/stream`);
  ws.onopen = () => setBadge($("feed"), "feed: live", "live");
  ws.onmessage = (event) => {
    const m = JSON.parse(event.data);
    if (m.type === "fill") showFill(m);
    else if (m.type === "book") showBook(m);
    else if (m.type === "batch") void batch(m.batchNumber, m.state);
    else if (m.type === "state") showState(m);
  };
  ws.onclose = () => {
    setBadge($("feed"), "feed: reconnecting", "down");
    setTimeout(follow, 2000);
  };
}

await refreshStatus();
setInterval(refreshStatus, 2000);
follow();
