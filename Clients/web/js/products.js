// A deal's goods and services (S18–S19): the rows with their exact totals as the server computes
// them (deal.productRows.get), and an editor that replaces them (deal.productRows.set), each row a
// catalog product (product.list) or a free-form line such as a one-time payment.

import { h, replaceChildren, guarded, announce, describeError, formatMoney } from "./dom.js";
import { openDialog } from "./dialog.js";

const VAT_RATES = [["22", "НДС 22%"], ["20", "НДС 20%"], ["10", "НДС 10%"], ["7", "НДС 7%"], ["5", "НДС 5%"], ["0", "НДС 0%"], ["none", "Без НДС"]];
const AMOUNT = "[0-9]+([.,][0-9]{1,2})?";
const QUANTITY = "[0-9]+([.,][0-9]{1,3})?";

/** The product rows panel of a deal; `refresh()` reloads it. */
export function productRowsSection(ctx, currentDeal) {
  const { rpc } = ctx;
  const body = h("div", { class: "product-rows" });
  let current = { rows: [], totals: null };
  const element = h("section", { class: "panel", id: "product-rows", "aria-labelledby": "product-rows-heading", tabindex: "-1" },
    h("div", { class: "panel-head" },
      h("h2", { id: "product-rows-heading", text: "Товары и услуги" }),
      h("button", { type: "button", text: "Изменить товары", on: { click: guarded(() => edit()) } })),
    body);

  async function refresh() {
    current = await rpc.call("deal.productRows.get", { id: currentDeal().id });
    render();
  }

  function render() {
    const { rows, totals } = current;
    if (!rows.length) {
      replaceChildren(body, h("p", { class: "hint", text: "В сделке нет товаров" }));
      return;
    }
    const money = (amount) => formatMoney(amount, totals.currency);
    replaceChildren(body, h("table", {},
      h("thead", {}, h("tr", {}, ["Наименование", "Кол-во", "Цена", "Скидка", "НДС", "Сумма"].map((title, index) =>
        h("th", { scope: "col", class: index ? "number" : null, text: title })))),
      h("tbody", {}, rows.map((row) => h("tr", {},
        h("td", { text: row.name }),
        h("td", { class: "number", text: `${row.quantity} ${row.unit.name}` }),
        h("td", { class: "number", text: money(row.price) }),
        h("td", { class: "number", text: row.discount ? money(row.discountAmount) : "—" }),
        h("td", { class: "number", text: row.vatRate === "none" ? "без НДС" : `${row.vatRate}%: ${money(row.vat)}` }),
        h("td", { class: "number", text: money(row.total) })))),
      h("tfoot", {},
        h("tr", {}, h("th", { scope: "row", colspan: 5, text: "НДС" }), h("td", { class: "number", text: money(totals.vat) })),
        h("tr", {}, h("th", { scope: "row", colspan: 5, text: "Итого" }), h("td", { class: "number total", text: money(totals.total) })))));
  }

  async function edit() {
    const catalog = (await rpc.call("product.list", { filter: { active: true }, order: { name: "asc" }, limit: 500 })).items;
    const list = h("ol", { class: "row-editor" });
    const addRow = (row) => list.append(rowEditor(catalog, row, list));
    for (const row of current.rows) addRow(row);
    if (!current.rows.length) addRow(null);
    const result = await openDialog({
      title: "Товары и услуги сделки", name: "product-rows", submitLabel: "Сохранить товары",
      content: [list, h("button", { type: "button", text: "Добавить строку", on: { click: () => {
        addRow(null);
        list.lastElementChild.querySelector("select, input").focus();
      } } })],
      onSubmit: () => rpc.call("deal.productRows.set", {
        id: currentDeal().id, rows: [...list.children].map((item) => item.readRow()).filter(Boolean),
      }),
    });
    if (!result) return;
    current = result;
    render();
    announce(`Товары сохранены: итого ${formatMoney(result.totals.total, result.totals.currency)}`);
  }

  return { element, refresh: () => refresh().catch((error) => announce(describeError(error), "error")) };
}

/** One editable row; the list item gets `readRow()` giving the row to send (null when blank). */
function rowEditor(catalog, row, list) {
  const n = ++rowEditor.count;
  const labelled = (control, text) => h("div", { class: "field" }, h("label", { for: control.id, text }), control);
  const product = h("select", { id: `row-product-${n}` },
    h("option", { value: "", text: "— своя строка —" }),
    catalog.map((item) => h("option", { value: item.id, text: `${item.name} (${formatMoney(item.price, item.currency)})`, selected: item.id === row?.productId })));
  const name = h("input", { id: `row-name-${n}`, value: row?.name ?? "", maxlength: 1000 });
  const quantity = h("input", { id: `row-quantity-${n}`, value: row?.quantity ?? "1", inputmode: "decimal", pattern: QUANTITY, required: true });
  const price = h("input", { id: `row-price-${n}`, value: row?.price ?? "", inputmode: "decimal", pattern: AMOUNT });
  const vat = h("select", { id: `row-vat-${n}` },
    h("option", { value: "", text: "как у товара" }),
    VAT_RATES.map(([value, text]) => h("option", { value, text, selected: value === row?.vatRate })));
  const discount = h("input", { id: `row-discount-${n}`, value: row?.discount?.type === "percent" ? row.discount.value : "", inputmode: "decimal", pattern: AMOUNT });
  const item = h("li", { class: "row-edit" },
    labelled(product, "Товар"), labelled(name, "Наименование"), labelled(quantity, "Количество"),
    labelled(price, "Цена"), labelled(vat, "НДС"), labelled(discount, "Скидка, %"),
    h("button", { type: "button", class: "danger", text: "Удалить строку", on: { click: () => {
      item.remove();
      list.querySelector("select")?.focus();
    } } }));
  const decimal = (input) => input.value.trim().replace(",", ".");
  item.readRow = () => {
    if (!product.value && !name.value.trim()) return null;
    const out = { quantity: decimal(quantity) || "1" };
    if (product.value) out.productId = Number(product.value);
    if (name.value.trim() && !(product.value && row?.productId === Number(product.value) && name.value.trim() === row.name)) out.name = name.value.trim();
    if (decimal(price)) out.price = decimal(price);
    if (vat.value) out.vatRate = vat.value;
    if (decimal(discount)) out.discount = { type: "percent", value: decimal(discount) };
    if (row && row.productId === (out.productId ?? null)) {
      out.unit = { code: row.unit.code };
      if (row.discount?.type === "amount" && !out.discount) out.discount = row.discount;
      out.vatIncluded = row.vatIncluded;
    }
    return out;
  };
  return item;
}
rowEditor.count = 0;
