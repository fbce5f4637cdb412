// Record fields as forms and as text, driven by `<entity>.fields` (the server's description of
// every built-in and custom field), and the S4/S17 loop: a write refused with 1001 asks for
// exactly the fields its `data.missing` names, then is tried again with them.

import { h, formatMoney, formatDate, formatDateTime } from "./dom.js";
import { openDialog } from "./dialog.js";
import { ErrorCode } from "./rpc.js";

const descriptions = new Map();

/** `<entityType>.fields`, fetched once per page load (or again with `fresh`). */
export async function fieldDescriptions(rpc, entityType, { fresh = false } = {}) {
  if (fresh || !descriptions.has(entityType)) {
    descriptions.set(entityType, rpc.call(`${entityType}.fields`, {}));
  }
  try {
    return await descriptions.get(entityType);
  } catch (error) {
    descriptions.delete(entityType);
    throw error;
  }
}

/** The value of `name` (`title`, `custom.site_area`) in a record. */
export function fieldValue(record, name) {
  if (name.startsWith("custom.")) return record?.custom?.[name.slice(7)];
  return record?.[name];
}

/** Puts `value` under `name` in a `fields` object as the update methods take it. */
export function setFieldValue(fields, name, value) {
  if (name.startsWith("custom.")) {
    fields.custom = { ...(fields.custom ?? {}), [name.slice(7)]: value };
  } else {
    fields[name] = value;
  }
  return fields;
}

/** Both `fields` objects in one; the second wins, custom values merged. */
export function mergeFields(first, second) {
  const merged = { ...first, ...second };
  if (first.custom || second.custom) merged.custom = { ...(first.custom ?? {}), ...(second.custom ?? {}) };
  return merged;
}

function isEmpty(value) {
  return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
}

/** A field's value as a manager reads it; null when empty. */
export function displayValue(value, description = {}, name = "") {
  if (isEmpty(value)) return null;
  switch (description.type) {
    case "enum":
      return OPTION_TITLES[name]?.[value] ?? String(value);
    case "phones":
    case "emails":
      return value.map((point) => point.value).join(", ");
    case "boolean":
      return value ? "Да" : "Нет";
    case "money":
      return formatMoney(value);
    case "date":
      return formatDate(value);
    case "datetime":
      return formatDateTime(value);
    case "requisites":
      return Object.entries(value).map(([key, text]) => `${REQUISITE_TITLES[key] ?? key} ${text}`).join(", ");
    default:
      if (Array.isArray(value)) return value.join(", ");
      if (typeof value === "object") return JSON.stringify(value);
      return String(value);
  }
}

/** Built-in fields in the order a manager reads a card; custom fields follow, then the rest. */
const READING_ORDER = ["title", "name", "secondName", "lastName", "companyTitle", "clientType", "companyType", "phones",
  "emails", "city", "address", "topic", "opportunity", "currency", "contactId", "companyId", "leadId", "contractNumber",
  "contractDate", "website", "source", "comments", "requisites", "assignedTo", "opened"];

/** The names of `described` (an `<entity>.fields` map) in reading order. */
export function orderedFieldNames(described) {
  const rank = (name) => {
    const known = READING_ORDER.indexOf(name);
    if (known >= 0) return known;
    return name.startsWith("custom.") ? READING_ORDER.length : READING_ORDER.length + 1;
  };
  return Object.keys(described).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Russian names of the built-in enums' values (custom enums are written in Russian already). */
const OPTION_TITLES = {
  clientType: { company: "Компания", ip: "ИП", person: "Частное лицо" },
  companyType: { CUSTOMER: "Клиент", SUPPLIER: "Поставщик", PARTNER: "Партнёр", OTHER: "Другое" },
};

/** Types a form can edit; the others (ids, stages, structured values) are shown only. */
const EDITABLE = new Set(["string", "text", "url", "address", "integer", "decimal", "money", "date", "datetime",
  "boolean", "enum", "phones", "emails", "requisites"]);

/** The requisites a lead keeps from the client (S8), as the form asks for them. */
const LEAD_REQUISITES = [["inn", "ИНН"], ["kpp", "КПП"], ["ogrn", "ОГРН"], ["ogrnip", "ОГРНИП"], ["shortName", "Наименование"],
  ["legalAddress", "Юридический адрес"], ["directorName", "Руководитель"]];
const REQUISITE_TITLES = Object.fromEntries(LEAD_REQUISITES);

export function isEditable(description) {
  return description && !description.isReadOnly && EDITABLE.has(description.type);
}

/**
 * A labelled control for one field. `read()` gives the value to send (undefined when left empty),
 * in the type the API takes: numbers for integers, decimal strings for money, `[{value}]` lists.
 */
export function fieldControl(name, description, value, { required = false } = {}) {
  const id = `field-${name.replace(/\W/g, "-")}-${++fieldControl.count}`;
  const type = description?.type ?? "string";
  const multiple = description?.isMultiple && !["phones", "emails"].includes(type);
  const title = description?.title ?? name;
  let control;
  let read;
  const text = (input) => input.value.trim();
  if (type === "requisites") return requisitesControl(name, title, value ?? {});
  if (type === "boolean") {
    control = h("input", { id, type: "checkbox", name, checked: Boolean(value) });
    read = () => control.checked;
  } else if (type === "enum" && !multiple) {
    control = h("select", { id, name, required },
      h("option", { value: "", text: "—" }),
      (description.options ?? []).map((option) =>
        h("option", { value: option, text: OPTION_TITLES[name]?.[option] ?? option, selected: option === value })));
    read = () => control.value || undefined;
  } else if (type === "text") {
    control = h("textarea", { id, name, rows: 3, required, value: value ?? "" });
    read = () => text(control) || undefined;
  } else if (type === "phones" || type === "emails") {
    const shown = Array.isArray(value) ? value.map((point) => point.value).join(", ") : "";
    control = h("input", {
      id, name, required, value: shown, type: "text", autocomplete: type === "phones" ? "tel" : "email",
      inputmode: type === "phones" ? "tel" : "email", "aria-describedby": `${id}-hint`,
    });
    read = () => {
      const items = text(control).split(",").map((item) => item.trim()).filter(Boolean);
      if (!items.length) return undefined;
      const kinds = new Map((Array.isArray(value) ? value : []).map((point) => [point.value, point.type]));
      return items.map((item) => (kinds.get(item) ? { value: item, type: kinds.get(item) } : { value: item }));
    };
  } else {
    const inputType = { integer: "number", date: "date", datetime: "datetime-local", url: "url" }[type] ?? "text";
    let shown = value ?? "";
    if (multiple && Array.isArray(value)) shown = value.join(", ");
    if (type === "datetime" && value) shown = toLocalInput(value);
    control = h("input", {
      id, name, required, type: multiple ? "text" : inputType, value: shown,
      inputmode: type === "decimal" || type === "money" ? "decimal" : null,
      pattern: type === "decimal" || type === "money" ? "-?[0-9]+([.,][0-9]+)?" : null,
      step: type === "integer" ? 1 : null,
    });
    const one = (raw) => {
      if (type === "integer") return Number.parseInt(raw, 10);
      if (type === "decimal" || type === "money") return raw.replace(",", ".");
      if (type === "datetime") return new Date(raw).toISOString();
      return raw;
    };
    read = () => {
      const raw = text(control);
      if (!raw) return undefined;
      return multiple ? raw.split(",").map((item) => one(item.trim())).filter((item) => item !== "") : one(raw);
    };
  }
  const hint = type === "phones" || type === "emails" || multiple
    ? h("small", { id: `${id}-hint`, class: "hint", text: "Несколько значений — через запятую" })
    : null;
  const wrapper = h("div", { class: `field field-${type}`, dataset: { field: name } },
    h("label", { for: id, text: title + (required ? " *" : "") }), control, hint);
  return { name, element: wrapper, control, read };
}
fieldControl.count = 0;

/** A group of the requisite fields; `read()` gives the object with those filled (others kept). */
function requisitesControl(name, title, value) {
  const inputs = LEAD_REQUISITES.map(([key, label]) => {
    const id = `field-${name}-${key}-${++fieldControl.count}`;
    const input = h("input", { id, value: value[key] ?? "", inputmode: ["inn", "kpp", "ogrn", "ogrnip"].includes(key) ? "numeric" : null });
    return { key, input, element: h("div", { class: "field" }, h("label", { for: id, text: label }), input) };
  });
  const read = () => {
    const fields = { ...value };
    for (const { key, input } of inputs) {
      if (input.value.trim()) fields[key] = input.value.trim();
      else delete fields[key];
    }
    return Object.keys(fields).length ? fields : undefined;
  };
  const element = h("fieldset", { class: "field-requisites", dataset: { field: name } },
    h("legend", { text: title }), h("div", { class: "form-grid" }, inputs.map((one) => one.element)));
  return { name, element, control: inputs[0].input, read };
}

function toLocalInput(timestamp) {
  const date = new Date(timestamp);
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return shifted.toISOString().slice(0, 16);
}

/** Reads every control into one `fields` object, leaving out what was left empty. */
export function readControls(controls) {
  const fields = {};
  for (const control of controls) {
    const value = control.read();
    if (value !== undefined) setFieldValue(fields, control.name, value);
  }
  return fields;
}

/**
 * Asks for exactly the fields a 1001 named (`[{field, title}]`); resolves with the `fields`
 * object to send, or null when the manager cancels.
 */
export function askForMissingFields({ title, intro, missing, described, record }) {
  const controls = missing.map(({ field, title: fieldTitle }) =>
    fieldControl(field, { type: "string", ...described[field], title: fieldTitle }, fieldValue(record, field), { required: true }));
  return openDialog({
    title,
    name: "missing-fields",
    submitLabel: "Сохранить и продолжить",
    content: [h("p", { text: intro }), controls.map((control) => control.element)],
    onSubmit: () => readControls(controls),
  });
}

/**
 * Runs `attempt(extraFields)`; while it is refused with 1001, asks for the missing fields and runs
 * it again with them. Resolves with the result, or null if the manager cancels.
 */
export async function withRequiredFields(rpc, attempt, { title, intro, record }) {
  let extra = {};
  for (;;) {
    try {
      return await attempt(extra);
    } catch (error) {
      const missing = error.data?.missing;
      if (error.code !== ErrorCode.requiredFieldsMissing || !Array.isArray(missing) || !missing.length) throw error;
      const described = error.data.entityType ? await fieldDescriptions(rpc, error.data.entityType) : {};
      const filled = await askForMissingFields({
        title, intro: intro ?? "Чтобы продолжить, заполните поля:", missing, described, record: mergeFields(record ?? {}, extra),
      });
      if (filled === null) return null;
      extra = mergeFields(extra, filled);
    }
  }
}
