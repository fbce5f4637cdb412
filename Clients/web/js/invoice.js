// One invoice (S22): its details, the document itself (invoice.render html, shown in a frame that
// runs no script), and what can be done with it — download the PDF, print, send by e-mail with
// the PDF attached or as a link (invoice.send), make a public link (invoice.publicLink, served
// by the bridge at /i/{token} and /i/{token}.pdf), mark it sent or cancel it.

import { h, replaceChildren, keepingFocus, guarded, announce, describeError, formatMoney, formatDate } from "./dom.js";
import { openDialog } from "./dialog.js";
import { STATUS_TITLES } from "./invoice-status.js";

/** Renders invoice #`id` into `ctx.view`. */
export async function showInvoice(ctx, id) {
  const { rpc } = ctx;
  let invoice = await rpc.call("invoice.get", { id });
  const head = h("div", { class: "screen-head" });
  const details = h("dl", { class: "fields" });
  const linkBox = h("div", { class: "public-link", "aria-live": "polite" });
  const frame = h("iframe", { class: "invoice-frame", title: "Счёт на оплату", sandbox: "allow-same-origin allow-modals" });

  function render() {
    const money = (amount) => formatMoney(amount, invoice.currency);
    keepingFocus(head, () => replaceChildren(head,
      h("p", { class: "crumbs" }, h("a", { href: "#/invoices", text: "← Счета" }), " · ",
        h("a", { href: `#/deal/${invoice.dealId}`, text: `Сделка #${invoice.dealId}` })),
      h("h1", { text: `Счёт № ${invoice.number} от ${formatDate(invoice.date)}` }),
      h("p", {}, h("span", { class: `badge status-${invoice.status}`, text: STATUS_TITLES[invoice.status] ?? invoice.status })),
      h("div", { class: "record-actions" },
        h("button", { type: "button", class: "primary", text: "Скачать PDF", on: { click: guarded(() => downloadPdf(rpc, invoice)) } }),
        h("button", { type: "button", text: "Печать", on: { click: () => frame.contentWindow?.print() } }),
        h("button", { type: "button", text: "Отправить по e-mail", on: { click: guarded(async () => (await sendByEmail(rpc, invoice)) && reload()) } }),
        h("button", { type: "button", text: "Публичная ссылка", on: { click: guarded(() => makePublicLink(rpc, invoice, linkBox)) } }),
        invoice.status === "draft" ? h("button", { type: "button", text: "Отметить отправленным", on: { click: () => setStatus("sent") } }) : null,
        ["draft", "sent", "overdue"].includes(invoice.status) ? h("button", { type: "button", class: "danger", text: "Отменить счёт", on: { click: () => setStatus("cancelled") } }) : null)));
    const rows = [
      ["Плательщик", [invoice.payerName, invoice.payerInn ? `ИНН ${invoice.payerInn}` : null].filter(Boolean).join(", ")],
      ["Поставщик", invoice.seller?.name],
      ["Сумма", money(invoice.total)],
      ["Оплачено", money(invoice.paid)],
      ["К оплате", money(invoice.due)],
      ["Оплатить до", formatDate(invoice.dueDate)],
      ["Сумма прописью", invoice.amountInWords],
    ];
    replaceChildren(details, rows.filter(([, value]) => value).map(([title, value]) =>
      h("div", { class: "field-row" }, h("dt", { text: title }), h("dd", { text: value }))),
    invoice.payments.length ? h("div", { class: "field-row" }, h("dt", { text: "Платежи" }), h("dd", {},
      h("ul", { class: "plain" }, invoice.payments.map((payment) =>
        h("li", { text: `${formatDate(payment.date)}: ${money(payment.amount)}${payment.reference ? ` (${payment.reference})` : ""}` }))))) : null);
  }

  async function setStatus(status) {
    try {
      invoice = await rpc.call("invoice.setStatus", { id, status });
      render();
      announce(`Счёт: ${STATUS_TITLES[invoice.status]}`);
    } catch (error) {
      failed(error);
    }
  }

  /** After an event or a sending: re-drawn only if the invoice changed. */
  async function reload() {
    const fresh = await rpc.call("invoice.get", { id });
    if (fresh.version === invoice.version) return;
    invoice = fresh;
    render();
    await showDocument();
  }

  async function showDocument() {
    const html = await rpc.call("invoice.render", { id, format: "html" });
    frame.srcdoc = new TextDecoder().decode(decodeBase64(html.data));
  }

  render();
  replaceChildren(ctx.view, head,
    h("section", { class: "panel", "aria-labelledby": "invoice-details-heading" },
      h("h2", { id: "invoice-details-heading", text: "Счёт" }), details, linkBox),
    h("section", { class: "panel invoice-preview", "aria-label": "Документ" }, frame));
  await showDocument();
  ctx.onEvent((event) => {
    if (event.entityType === "invoice" && event.id === id) reload().catch(failed);
    if (event.entityType === "payment" && event.data?.owner?.entityType === "invoice" && event.data.owner.id === id) reload().catch(failed);
  });
}

function failed(error) {
  announce(describeError(error), "error");
}

function decodeBase64(data) {
  return Uint8Array.from(atob(data), (char) => char.charCodeAt(0));
}

/** Saves the PDF crmd writes (fonts embedded, payment QR code) under its own file name. */
async function downloadPdf(rpc, invoice) {
  const pdf = await rpc.call("invoice.render", { id: invoice.id, format: "pdf" });
  const url = URL.createObjectURL(new Blob([decodeBase64(pdf.data)], { type: pdf.contentType }));
  const link = h("a", { href: url, download: pdf.fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  announce(`PDF сохранён: ${pdf.fileName}`);
}

/** Asks for recipients and the way (PDF attached or a link), then queues the e-mail. */
async function sendByEmail(rpc, invoice) {
  const to = h("input", { id: "send-to", type: "text", inputmode: "email", "aria-describedby": "send-to-hint" });
  const cc = h("input", { id: "send-cc", type: "text", inputmode: "email" });
  const subject = h("input", { id: "send-subject", value: `Счёт № ${invoice.number} от ${formatDate(invoice.date)}` });
  const mode = (value, text, checked) => h("div", { class: "choice" },
    h("input", { type: "radio", id: `send-mode-${value}`, name: "mode", value, checked }),
    h("label", { for: `send-mode-${value}`, text }));
  const list = (control) => control.value.split(",").map((item) => item.trim()).filter(Boolean);
  const sent = await openDialog({
    title: "Отправить счёт по e-mail", name: "send-invoice", submitLabel: "Отправить",
    content: [
      h("div", { class: "field" }, h("label", { for: "send-to", text: "Кому" }), to,
        h("small", { id: "send-to-hint", class: "hint", text: "Пусто — на e-mail плательщика; несколько — через запятую" })),
      h("div", { class: "field" }, h("label", { for: "send-cc", text: "Копия" }), cc),
      h("div", { class: "field" }, h("label", { for: "send-subject", text: "Тема" }), subject),
      h("fieldset", {}, h("legend", { text: "Как отправить" }),
        mode("attachment", "PDF во вложении", true), mode("link", "Ссылкой на счёт", false)),
    ],
    onSubmit: (form) => {
      const params = { id: invoice.id, mode: new FormData(form).get("mode"), subject: subject.value.trim() || undefined };
      if (list(to).length) params.to = list(to);
      if (list(cc).length) params.cc = list(cc);
      return rpc.call("invoice.send", params);
    },
  });
  if (sent) announce("Письмо поставлено в очередь на отправку");
  return sent;
}

/** Makes (or returns) the invoice's public link and shows it with its PDF. */
async function makePublicLink(rpc, invoice, box) {
  const link = await rpc.call("invoice.publicLink", { id: invoice.id });
  const page = link.url ?? new URL(`/i/${link.token}`, location.origin).href;
  const pdf = new URL(`/i/${link.token}.pdf`, location.origin).href;
  const field = h("input", { id: "public-link", readonly: true, value: page });
  replaceChildren(box,
    h("label", { for: "public-link", text: "Ссылка для клиента" }), field,
    h("button", { type: "button", text: "Копировать", on: { click: async () => {
      field.select();
      await navigator.clipboard?.writeText(page).catch(() => {});
      announce("Ссылка скопирована");
    } } }),
    h("p", {}, h("a", { href: page, target: "_blank", rel: "noopener", text: "Открыть страницу счёта" }), " · ",
      h("a", { href: pdf, target: "_blank", rel: "noopener", class: "public-pdf", text: "PDF по ссылке" })));
  field.focus();
  field.select();
}
