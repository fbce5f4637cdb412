// The invoices list (S23, the "Счета" tab): filters by status (overdue included), dates, and
// a search over number, payer and INN; the filters live in the address (`#/invoices?status=paid`)
// so a reload or a shared link keeps them. Pages by cursor; live events refresh the list.

import { h, replaceChildren, keepingFocus, announce, describeError, formatMoney, formatDate } from "./dom.js";
import { STATUS_TITLES } from "./invoice-status.js";

const SELECT = ["number", "date", "dueDate", "payerName", "payerInn", "total", "paid", "currency", "status", "dealId"];
const PAGE = 50;

/** Renders the invoices list into `ctx.view`, filtered by `ctx.query`. */
export async function showInvoices(ctx) {
  const { rpc, query } = ctx;
  const status = h("select", { id: "filter-status", name: "status" },
    h("option", { value: "", text: "Все" }),
    Object.entries(STATUS_TITLES).map(([value, text]) => h("option", { value, text, selected: query.get("status") === value })));
  const search = h("input", { id: "filter-search", name: "q", type: "search", value: query.get("q") ?? "", placeholder: "номер, плательщик, ИНН" });
  const from = h("input", { id: "filter-from", name: "from", type: "date", value: query.get("from") ?? "" });
  const to = h("input", { id: "filter-to", name: "to", type: "date", value: query.get("to") ?? "" });
  const labelled = (control, text) => h("div", { class: "field" }, h("label", { for: control.id, text }), control);
  const form = h("form", { class: "filters", role: "search", "aria-label": "Фильтр счетов" },
    labelled(status, "Статус"), labelled(search, "Поиск"), labelled(from, "С даты"), labelled(to, "По дату"),
    h("button", { type: "submit", class: "primary", text: "Найти" }),
    h("button", { type: "button", text: "Сбросить", on: { click: () => { location.hash = "#/invoices"; } } }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const control of [status, search, from, to]) if (control.value.trim()) next.set(control.name, control.value.trim());
    const hash = `#/invoices${next.size ? `?${next}` : ""}`;
    if (location.hash === hash) load(); else location.hash = hash;
  });

  const tbody = h("tbody");
  const summary = h("p", { class: "hint", "aria-live": "polite" });
  const more = h("button", { type: "button", text: "Показать ещё", hidden: true });
  let cursor = null;

  const params = () => {
    const filter = {};
    if (query.get("status")) filter.status = query.get("status");
    if (query.get("from")) filter[">=date"] = query.get("from");
    if (query.get("to")) filter["<=date"] = query.get("to");
    return { filter, ...(query.get("q") ? { search: query.get("q") } : {}), order: { id: "desc" }, select: SELECT, limit: PAGE };
  };

  async function load(append = false) {
    const page = await rpc.call("invoice.list", { ...params(), ...(append && cursor ? { cursor } : { count: true }) });
    const rows = page.items.map((invoice) => h("tr", { dataset: { id: invoice.id } },
      h("td", {}, h("a", { href: `#/invoice/${invoice.id}`, text: invoice.number })),
      h("td", { text: formatDate(invoice.date) }),
      h("td", { text: [invoice.payerName, invoice.payerInn].filter(Boolean).join(", ") }),
      h("td", { class: "number", text: formatMoney(invoice.total, invoice.currency) }),
      h("td", { class: "number", text: formatMoney(invoice.paid, invoice.currency) }),
      h("td", { text: formatDate(invoice.dueDate) }),
      h("td", {}, h("span", { class: `badge status-${invoice.status}`, text: STATUS_TITLES[invoice.status] ?? invoice.status }))));
    if (append) tbody.append(...rows);
    else keepingFocus(tbody, () => replaceChildren(tbody, rows));
    if (!append) summary.textContent = page.total === 0 ? "Счетов не найдено" : `Найдено счетов: ${page.total}`;
    cursor = page.next;
    more.hidden = !cursor;
  }
  more.addEventListener("click", () => load(true).catch((error) => announce(describeError(error), "error")));

  replaceChildren(ctx.view,
    h("div", { class: "screen-head" }, h("h1", { text: "Счета" })),
    form, summary,
    h("table", { class: "invoices" },
      h("thead", {}, h("tr", {}, ["Номер", "Дата", "Плательщик", "Сумма", "Оплачено", "Оплатить до", "Статус"].map((title) =>
        h("th", { scope: "col", class: title === "Сумма" || title === "Оплачено" ? "number" : null, text: title })))),
      tbody),
    more);
  await load();
  let pending = null;
  ctx.onEvent((event) => {
    if (event.entityType !== "invoice" && event.entityType !== "payment") return;
    clearTimeout(pending);
    pending = setTimeout(() => load().catch((error) => announce(describeError(error), "error")), 200);
  });
}
