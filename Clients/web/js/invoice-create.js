// A deal's invoices and "Create invoice" (S20–S21). `invoice.createFromDeal` names everything the
// invoice lacks at once (1001: payer, productRows, payer.requisites, seller, seller.requisites,
// seller.bank); one form asks for all of it, writes it where it belongs (the deal's payer, the
// payer's and our company's requisites and bank account), and the invoice is created again.

import { h, replaceChildren, guarded, announce, describeError, formatMoney, formatDate } from "./dom.js";
import { openDialog } from "./dialog.js";
import { ErrorCode } from "./rpc.js";
import { STATUS_TITLES } from "./invoice-status.js";

/** The invoices panel of a deal with the "create invoice" button; `refresh()` reloads it. */
export function dealInvoicesSection(ctx, currentDeal) {
  const { rpc } = ctx;
  const body = h("div");
  const element = h("section", { class: "panel", "aria-labelledby": "deal-invoices-heading" },
    h("div", { class: "panel-head" },
      h("h2", { id: "deal-invoices-heading", text: "Счета" }),
      h("button", { type: "button", class: "primary", text: "Создать счёт", on: { click: guarded(() => createInvoice(ctx, currentDeal())) } })),
    body);

  async function refresh() {
    const page = await rpc.call("invoice.list", {
      filter: { dealId: currentDeal().id }, order: { id: "desc" }, select: ["number", "date", "total", "currency", "status"], limit: 50,
    });
    replaceChildren(body, page.items.length
      ? h("ul", { class: "plain" }, page.items.map((invoice) => h("li", {},
        h("a", { href: `#/invoice/${invoice.id}`, text: `Счёт № ${invoice.number} от ${formatDate(invoice.date)}` }),
        ` — ${formatMoney(invoice.total, invoice.currency)}, ${STATUS_TITLES[invoice.status] ?? invoice.status}`)))
      : h("p", { class: "hint", text: "Счетов ещё нет" }));
  }
  return { element, refresh: () => refresh().catch((error) => announce(describeError(error), "error")) };
}

/** Creates an invoice from `deal`, asking for what is missing; opens it when made. */
async function createInvoice(ctx, deal) {
  const { rpc } = ctx;
  for (;;) {
    try {
      const invoice = await rpc.call("invoice.createFromDeal", { dealId: deal.id });
      announce(`Счёт № ${invoice.number} создан`);
      location.hash = `#/invoice/${invoice.id}`;
      return invoice;
    } catch (error) {
      if (error.code !== ErrorCode.requiredFieldsMissing) {
        announce(describeError(error), "error");
        return null;
      }
      const wanted = new Set(error.data.missing.map((item) => item.field));
      const filled = await askInvoiceNeeds(ctx, deal, wanted);
      if (!filled) return null;
      if (wanted.has("productRows")) {
        announce("Добавьте в сделку товары или услуги, затем создайте счёт", "error");
        document.getElementById("product-rows")?.focus();
        return null;
      }
      deal = await rpc.call("deal.get", { id: deal.id });
    }
  }
}

/** One form for every missing item; resolves true once all it asked for is written. */
async function askInvoiceNeeds(ctx, deal, wanted) {
  const { rpc } = ctx;
  const parts = [];
  const seller = (await rpc.call("company.list", { filter: { isMyCompany: true }, select: ["title"], limit: 1 })).items[0] ?? null;

  let payerSelect = null;
  if (wanted.has("payer")) {
    const companies = (await rpc.call("company.list", { filter: { isMyCompany: false }, order: { title: "asc" }, select: ["title"], limit: 500 })).items;
    payerSelect = h("select", { id: "invoice-payer", required: true },
      h("option", { value: "", text: "— выберите компанию —" }),
      companies.map((company) => h("option", { value: company.id, text: company.title })));
    parts.push(section("Плательщик", "В сделке не указан плательщик: выберите компанию клиента.", labelled(payerSelect, "Компания-плательщик")));
  }
  if (wanted.has("productRows")) {
    parts.push(section("Товары", "В сделке нет ни одного товара или услуги — их добавляют в карточке сделки, в разделе «Товары и услуги»."));
  }
  const payerInn = wanted.has("payer.requisites") ? input("invoice-payer-inn", { pattern: "[0-9]{10}([0-9]{2})?", required: true }) : null;
  if (payerInn) {
    parts.push(section("Реквизиты плательщика", "У плательщика нет реквизитов. Введите ИНН — остальное заполнится из реестра ФНС.",
      labelled(payerInn, "ИНН плательщика")));
  }
  const sellerTitle = wanted.has("seller") ? input("invoice-seller-title", { required: true }) : null;
  if (sellerTitle) parts.push(section("Наша компания", "Не указана компания-продавец (в счёте — «Поставщик»).", labelled(sellerTitle, "Название нашей компании")));
  const sellerRequisites = wanted.has("seller.requisites") || wanted.has("seller")
    ? {
      inn: input("invoice-seller-inn", { pattern: "[0-9]{10}([0-9]{2})?", required: true }),
      kpp: input("invoice-seller-kpp", { pattern: "[0-9A-Z]{9}" }),
      shortName: input("invoice-seller-name"),
      legalAddress: input("invoice-seller-address"),
      directorName: input("invoice-seller-director"),
    }
    : null;
  if (sellerRequisites) {
    parts.push(section("Реквизиты нашей компании", "ИНН обязателен; если компания есть в реестре, остальное заполнится из него.",
      labelled(sellerRequisites.inn, "ИНН"), labelled(sellerRequisites.kpp, "КПП"), labelled(sellerRequisites.shortName, "Краткое наименование"),
      labelled(sellerRequisites.legalAddress, "Юридический адрес"), labelled(sellerRequisites.directorName, "Руководитель")));
  }
  const bank = wanted.has("seller.bank") || sellerRequisites
    ? {
      bik: input("invoice-bank-bik", { pattern: "[0-9]{9}", required: true }),
      bankName: input("invoice-bank-name"),
      account: input("invoice-bank-account", { pattern: "[0-9]{20}", required: true }),
    }
    : null;
  if (bank) {
    parts.push(section("Банковский счёт нашей компании", "Куда клиент переведёт деньги.",
      labelled(bank.bik, "БИК"), labelled(bank.bankName, "Банк"), labelled(bank.account, "Расчётный счёт")));
  }

  return openDialog({
    title: "Для счёта не хватает данных", name: "invoice-needs", submitLabel: "Сохранить и создать счёт",
    content: parts,
    onSubmit: async () => {
      let payer = deal.companyId ? { entityType: "company", id: deal.companyId } : deal.contactId ? { entityType: "contact", id: deal.contactId } : null;
      if (payerSelect) {
        const companyId = Number(payerSelect.value);
        await rpc.call("deal.update", { id: deal.id, fields: { companyId } });
        payer = { entityType: "company", id: companyId };
      }
      if (payerInn && payer) await addRequisite(rpc, payer, { inn: payerInn.value.trim() }, true);
      let sellerId = seller?.id ?? null;
      if (sellerTitle) sellerId = (await rpc.call("company.add", { fields: { title: sellerTitle.value.trim(), isMyCompany: true } })).id;
      let requisiteId = null;
      if (sellerRequisites && sellerId) {
        const fields = Object.fromEntries(Object.entries(sellerRequisites).map(([key, control]) => [key, control.value.trim()]).filter(([, value]) => value));
        requisiteId = (await addRequisite(rpc, { entityType: "company", id: sellerId }, fields, false)).id;
      }
      if (bank && sellerId) {
        requisiteId ??= (await rpc.call("requisite.list", { entityType: "company", entityId: sellerId })).items[0]?.id;
        const fields = Object.fromEntries(Object.entries(bank).map(([key, control]) => [key, control.value.trim()]).filter(([, value]) => value));
        await rpc.call("bankDetail.add", { requisiteId, fields });
      }
      return true;
    },
  });
}

/**
 * Adds requisites filled from the registry by INN; an INN the registry does not know (1002) is
 * stored as typed. `rename`: a payer company takes its registered name (S16), ours keeps its own.
 */
async function addRequisite(rpc, owner, fields, rename) {
  const preset = fields.inn.length === 12 ? "ip" : "legal";
  const base = { entityType: owner.entityType, entityId: owner.id, preset, fields };
  try {
    return await rpc.call("requisite.add", { ...base, lookup: true, renameEntity: rename && owner.entityType === "company" });
  } catch (error) {
    if (error.code !== ErrorCode.notFound) throw error;
    return rpc.call("requisite.add", base);
  }
}

function input(id, props = {}) {
  return h("input", { id, ...props });
}

function labelled(control, text) {
  return h("div", { class: "field" }, h("label", { for: control.id, text: text + (control.required ? " *" : "") }), control);
}

function section(title, text, ...controls) {
  return h("fieldset", { class: "need" }, h("legend", { text: title }), h("p", { class: "hint", text }), controls);
}
