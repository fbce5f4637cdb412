// The card of a lead, deal, contact or company: its fields (built-in and custom) with an edit
// form, its stage, what belongs to it (conversion and meetings for a lead; product rows and
// invoices for a deal; requisites for a contact or company) and its timeline with comments.
// Changes by others (events about the record or what it owns) refresh the card in place.

import { h, replaceChildren, keepingFocus, guarded, announce, describeError, formatDateTime, formatMoney } from "./dom.js";
import { openDialog } from "./dialog.js";
import {
  fieldDescriptions, fieldControl, fieldValue, setFieldValue, displayValue, isEditable, orderedFieldNames, withRequiredFields,
} from "./fields.js";
import { pipelineOf, stageTitle, moveToStage } from "./stages.js";
import { timelineSection } from "./timeline.js";
import { users } from "./users.js";
import { convertLead } from "./convert.js";
import { bookMeeting } from "./meeting.js";
import { productRowsSection } from "./products.js";
import { dealInvoicesSection } from "./invoice-create.js";
import { requisitesSection } from "./requisites.js";

const NAMES = { lead: "Лид", deal: "Сделка", contact: "Контакт", company: "Компания" };
const SHOWN_ELSEWHERE = new Set(["id", "title", "version", "pipelineId", "stageId", "stageSemantic", "custom", "createdAt",
  "updatedAt", "createdBy", "updatedBy", "money", "convertedAt"]);

/** Renders the card of `entityType` #`id` into `ctx.view`. */
export async function showRecord(ctx, entityType, id) {
  const { rpc } = ctx;
  const described = await fieldDescriptions(rpc, entityType);
  let record = await rpc.call(`${entityType}.get`, { id });
  const pipeline = record.pipelineId ? await pipelineOf(rpc, entityType, record.pipelineId) : null;
  const titleOf = (stageId) => stageTitle(pipeline, stageId);
  const team = await users(rpc);

  const head = h("div", { class: "screen-head record-head" });
  const fieldsList = h("dl", { class: "fields" });
  const fieldsPanel = h("section", { class: "panel", "aria-labelledby": "fields-heading" },
    h("div", { class: "panel-head" },
      h("h2", { id: "fields-heading", text: "Поля" }),
      h("button", { type: "button", text: "Изменить", on: { click: guarded(() => edit()) } })),
    fieldsList);
  const fieldTitle = (field) => described[field]?.title ?? field;
  const timeline = timelineSection(rpc, entityType, id, { stageTitle: titleOf, fieldTitle });
  let links = await linkTitles(rpc, described, record);
  const owned = ownedSections(ctx, entityType, () => record);

  function render() {
    keepingFocus(head, () => replaceChildren(head,
      h("p", { class: "crumbs" }, h("a", { href: backLink(entityType), text: backTitle(entityType) })),
      h("h1", {}, `${NAMES[entityType]}: ${headline(entityType, record)}`),
      pipeline ? stageControl() : null,
      h("div", { class: "record-actions" }, actions())));
    replaceChildren(fieldsList, fieldRows());
    document.title = `${headline(entityType, record)} — crmd`;
  }

  function stageControl() {
    const select = h("select", { id: "record-stage" },
      pipeline.stages.map((stage) => h("option", { value: stage.id, text: stage.title, selected: stage.id === record.stageId })));
    const move = async () => {
      if (select.value === record.stageId) return;
      try {
        const updated = await moveToStage(rpc, entityType, record, select.value, pipeline);
        if (updated) {
          record = updated;
          render();
          await timeline.refresh();
          announce(`Стадия: «${titleOf(record.stageId)}»`);
        } else {
          select.value = record.stageId;
        }
      } catch (error) {
        select.value = record.stageId;
        announce(describeError(error), "error");
      }
    };
    return h("div", { class: "stage-line" },
      h("label", { for: "record-stage", text: "Стадия " }), select,
      h("button", { type: "button", text: "Перенести", on: { click: move } }));
  }

  function actions() {
    const list = [];
    if (entityType === "lead" && record.stageSemantic === "process") {
      list.push(h("button", { type: "button", class: "primary", text: "Конвертировать", on: { click: guarded(() => convertLead(ctx, record)) } }));
    }
    if (entityType === "lead" || entityType === "deal") {
      list.push(h("button", { type: "button", text: "Назначить встречу", on: { click: guarded(async () => {
        if (await bookMeeting(ctx, entityType, record)) await timeline.refresh();
      }) } }));
    }
    return list;
  }

  function fieldRows() {
    const rows = [];
    for (const name of orderedFieldNames(described)) {
      if (SHOWN_ELSEWHERE.has(name)) continue;
      const description = described[name];
      const value = fieldValue(record, name);
      const shown = showField(name, value, description, team, links);
      if (shown === null) continue;
      rows.push(h("div", { class: "field-row", dataset: { field: name } }, h("dt", { text: description.title }), h("dd", {}, shown)));
    }
    if (record.money) rows.push(moneyRow(record.money, record.currency));
    rows.push(h("div", { class: "field-row meta" }, h("dt", { text: "Изменено" }), h("dd", { text: formatDateTime(record.updatedAt) })));
    return rows;
  }

  async function edit() {
    const names = orderedFieldNames(described).filter((name) => isEditable(described[name]));
    const controls = names.map((name) => fieldControl(name, described[name], fieldValue(record, name)));
    const updated = await openDialog({
      title: `${NAMES[entityType]}: изменить`, name: "edit-record",
      content: h("div", { class: "form-grid" }, controls.map((control) => control.element)),
      onSubmit: async () => {
        const changes = changedFields(controls, record);
        if (!Object.keys(changes).length) return record;
        const saved = await withRequiredFields(rpc,
          (extra) => rpc.call(`${entityType}.update`, { id, fields: { ...changes, ...extra }, expectedVersion: record.version }),
          { title: "Нужно заполнить", record });
        if (!saved) throw new Error("Не сохранено: без обязательных полей изменения не принять");
        return saved;
      },
    });
    if (!updated || updated === record) return;
    record = updated;
    links = await linkTitles(rpc, described, record);
    render();
    await timeline.refresh();
    announce("Сохранено");
  }

  /** After an event: the record re-read (re-drawn only if it changed), its history and parts. */
  async function reload() {
    const fresh = await rpc.call(`${entityType}.get`, { id });
    if (fresh.version !== record.version) {
      record = fresh;
      links = await linkTitles(rpc, described, record);
      render();
    }
    await Promise.all([timeline.refresh(), ...owned.map((section) => section.refresh())]);
  }

  render();
  replaceChildren(ctx.view, head, h("div", { class: "record-body" },
    h("div", { class: "record-main" }, fieldsPanel, owned.map((section) => section.element), await relatedLinks(ctx, entityType, record)),
    timeline.element));
  await Promise.all([timeline.refresh(), ...owned.map((section) => section.refresh())]);

  let pending = null;
  ctx.onEvent((event) => {
    const about = event.entityType === entityType && event.id === id;
    const owner = event.data?.owner;
    const owns = owner && owner.entityType === entityType && owner.id === id;
    if (!about && !owns) return;
    if (event.topic.endsWith(".deleted") && about) {
      announce(`${NAMES[entityType]} удалён(а) другим пользователем`, "error");
      return;
    }
    clearTimeout(pending);
    pending = setTimeout(() => reload().catch((error) => announce(describeError(error), "error")), 150);
  });
}

/** The sections of what a record owns, each `{element, refresh}`. */
function ownedSections(ctx, entityType, currentRecord) {
  switch (entityType) {
    case "deal": return [productRowsSection(ctx, currentRecord), dealInvoicesSection(ctx, currentRecord)];
    case "company":
    case "contact": return [requisitesSection(ctx, entityType, currentRecord)];
    default: return [];
  }
}

function showField(name, value, description, team, links) {
  if (value === null || value === undefined) return null;
  if (description.type === "user") return team.get(value)?.name ?? `#${value}`;
  if (description.type === "link" && description.linkTo) {
    return h("a", { href: `#/${description.linkTo}/${value}`, text: links.get(name) ?? `${NAMES[description.linkTo] ?? description.linkTo} #${value}` });
  }
  return displayValue(value, description, name);
}

function moneyRow(money, currency) {
  return h("div", { class: "field-row", dataset: { field: "money" } }, h("dt", { text: "Оплата по счетам" }),
    h("dd", { text: `выставлено ${formatMoney(money.invoiced, currency)}, оплачено ${formatMoney(money.paid, currency)}, к оплате ${formatMoney(money.due, currency)}` }));
}

/** The names of the records a record links to (its deal's company, contact, lead), by field. */
async function linkTitles(rpc, described, record) {
  const titles = new Map();
  const linked = Object.entries(described).filter(([name, description]) => description.type === "link" && description.linkTo && record[name]);
  await Promise.all(linked.map(async ([name, description]) => {
    try {
      titles.set(name, headline(description.linkTo, await rpc.call(`${description.linkTo}.get`, { id: record[name] })));
    } catch {
      // A record the user may not read, or one deleted meanwhile: its id is shown instead.
    }
  }));
  return titles;
}

/** Only the fields whose value changed; emptied ones are cleared (null, or [] for lists). */
function changedFields(controls, record) {
  const fields = {};
  for (const control of controls) {
    const before = fieldValue(record, control.name);
    const after = control.read();
    const wasEmpty = before === null || before === undefined || before === "" || (Array.isArray(before) && !before.length);
    if (after === undefined) {
      if (!wasEmpty && typeof before !== "boolean") setFieldValue(fields, control.name, Array.isArray(before) ? [] : null);
    } else if (JSON.stringify(after) !== JSON.stringify(before)) {
      setFieldValue(fields, control.name, after);
    }
  }
  return fields;
}

/** Links to the records this one was made from or into (a converted lead's deal). */
async function relatedLinks(ctx, entityType, record) {
  if (entityType !== "lead" || !record.convertedAt) return null;
  const deals = await ctx.rpc.call("deal.list", { filter: { leadId: record.id }, select: ["title"], limit: 10 });
  if (!deals.items.length) return null;
  return h("section", { class: "panel" }, h("h2", { text: "Сделки из лида" }),
    h("ul", {}, deals.items.map((deal) => h("li", {}, h("a", { href: `#/deal/${deal.id}`, text: deal.title })))));
}

function headline(entityType, record) {
  if (entityType === "contact") return [record.name, record.lastName].filter(Boolean).join(" ") || `#${record.id}`;
  return record.title || `#${record.id}`;
}

function backLink(entityType) {
  return entityType === "lead" ? "#/leads" : "#/deals";
}

function backTitle(entityType) {
  return entityType === "lead" ? "← Лиды" : "← Сделки";
}
