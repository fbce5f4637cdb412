// Invoice statuses as the screens name them (invoice.json#/$defs/InvoiceStatus).

export const STATUS_TITLES = Object.freeze({
  draft: "Черновик",
  sent: "Отправлен",
  partiallyPaid: "Оплачен частично",
  paid: "Оплачен",
  overdue: "Просрочен",
  cancelled: "Отменён",
});
