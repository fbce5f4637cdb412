// The application shell: the session (sign in, sign out), one WebSocket with the event
// subscription shared by every screen, and the router from `location.hash` to a screen.
//
// Routes: #/leads, #/deals (boards, `?pipeline=ID`), #/invoices (`?status=&q=&from=&to=`),
// #/lead/ID, #/deal/ID, #/contact/ID, #/company/ID, #/invoice/ID.
// Each screen gets a context {rpc, user, view, query, onEvent}; what it registers with
// `onEvent` is dropped when the route changes.
//
// Where things are: rpc.js (JSON-RPC over the WebSocket), session.js and login.js (signing in),
// board.js (kanban) with stages.js (moves) and create.js (new lead or deal), record.js (a card)
// with timeline.js, convert.js, meeting.js, products.js, requisites.js and invoice-create.js,
// invoices.js (the list) and invoice.js (one invoice); fields.js (forms from `<entity>.fields`
// and the "fill what is missing" loop), dialog.js (modal forms), dom.js (elements, formats),
// users.js (names of the team), invoice-status.js (status names).

import { RpcClient } from "./rpc.js";
import { h, replaceChildren, announce, describeError } from "./dom.js";
import { currentUser, signOut } from "./session.js";
import { showLogin } from "./login.js";
import { showBoard } from "./board.js";
import { showRecord } from "./record.js";
import { showInvoices } from "./invoices.js";
import { showInvoice } from "./invoice.js";

const ROUTES = [
  [/^\/leads$/, (ctx) => showBoard(ctx, "lead")],
  [/^\/deals$/, (ctx) => showBoard(ctx, "deal")],
  [/^\/invoices$/, (ctx) => showInvoices(ctx)],
  [/^\/invoice\/(\d+)$/, (ctx, id) => showInvoice(ctx, Number(id))],
  [/^\/(lead|deal|contact|company)\/(\d+)$/, (ctx, entityType, id) => showRecord(ctx, entityType, Number(id))],
];

const view = document.getElementById("view");
const topbar = document.getElementById("topbar");
const connection = document.getElementById("connection");

let session = null;
let eventListeners = new Set();
let routeNumber = 0;

async function boot() {
  document.getElementById("skip-link").addEventListener("click", (event) => {
    event.preventDefault();
    view.focus();
  });
  document.getElementById("logout").addEventListener("click", logout);
  try {
    const user = await currentUser();
    if (user) await start(user);
    else showLogin(view, start);
  } catch (error) {
    replaceChildren(view, h("p", { class: "form-error", role: "alert", text: `Сервер недоступен: ${error.message}` }));
  }
}

/** Opens the socket for a signed-in user, subscribes to events and shows the current route. */
async function start(user) {
  const rpc = new RpcClient(RpcClient.sameOriginUrl());
  await rpc.connect();
  rpc.on("event", (event) => {
    for (const listener of eventListeners) listener(event);
  });
  rpc.on("notification", (notification) => announce(notification.text));
  rpc.onStatus((status) => statusChanged(status));
  await rpc.subscribeEvents([]);
  session = { user, rpc };
  document.getElementById("who").textContent = user.name;
  topbar.hidden = false;
  connection.textContent = "";
  if (!location.hash || location.hash === "#" || location.hash === "#/") {
    history.replaceState(null, "", "#/leads");
  }
  await route();
}

async function statusChanged(status) {
  connection.dataset.status = status;
  connection.textContent = status === "open" ? "" : status === "reconnecting" ? "Нет связи с сервером, переподключаемся…" : "Отключено";
  if (status !== "reconnecting" || !session) return;
  // A socket refused at the handshake may mean the session ended (logout elsewhere, token revoked).
  const user = await currentUser().catch(() => undefined);
  if (user === null) endSession("Сессия завершена: войдите снова");
}

function endSession(message) {
  session?.rpc.close();
  session = null;
  eventListeners = new Set();
  topbar.hidden = true;
  showLogin(view, start);
  if (message) announce(message, "error");
}

async function logout() {
  await signOut().catch(() => {});
  history.replaceState(null, "", "#/leads");
  endSession();
}

async function route() {
  if (!session) return;
  const number = ++routeNumber;
  eventListeners = new Set();
  const [path, search = ""] = location.hash.replace(/^#/, "").split("?");
  const found = ROUTES.map(([pattern, screen]) => [pattern.exec(path), screen]).find(([match]) => match);
  const ctx = {
    rpc: session.rpc,
    user: session.user,
    view,
    query: new URLSearchParams(search),
    onEvent: (listener) => {
      if (number === routeNumber) eventListeners.add(listener);
    },
  };
  markCurrentTab(path);
  view.setAttribute("aria-busy", "true");
  try {
    if (!found) {
      replaceChildren(view, h("h1", { text: "Такой страницы нет" }), h("p", {}, h("a", { href: "#/leads", text: "К лидам" })));
    } else {
      const [match, screen] = found;
      await screen(ctx, ...match.slice(1));
    }
  } catch (error) {
    if (number !== routeNumber) return;
    replaceChildren(view, h("h1", { text: "Не удалось открыть" }), h("p", { class: "form-error", role: "alert", text: describeError(error) }));
    console.error(error);
  } finally {
    if (number === routeNumber) {
      view.removeAttribute("aria-busy");
      const heading = view.querySelector("h1");
      if (heading && !view.contains(document.activeElement)) {
        heading.tabIndex = -1;
        heading.focus({ preventScroll: true });
      }
    }
  }
}

function markCurrentTab(path) {
  const section = path.startsWith("/deal") ? "deals" : path.startsWith("/invoice") ? "invoices" : "leads";
  for (const link of topbar.querySelectorAll("nav a")) {
    if (link.dataset.section === section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

window.addEventListener("hashchange", route);
boot();
