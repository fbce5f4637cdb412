// Lead conversion (S9–S13): `lead.convert` is called, and each refusal is a question for the
// manager — fields the targets lack (1004: create them and copy the values? S10), possible
// duplicates (1003: create, use or merge, per contact and company, S11–S12), fields the new deal
// requires (1001) — answered, then the call is repeated with the answers. The new deal opens.

import { h, announce, describeError } from "./dom.js";
import { openDialog } from "./dialog.js";
import { ErrorCode } from "./rpc.js";
import { askForMissingFields, fieldDescriptions, mergeFields } from "./fields.js";
import { userName } from "./users.js";

const TARGET_NAMES = { deal: "сделке", contact: "контакте", company: "компании" };
const MATCH_KEYS = { phone: "телефон", email: "e-mail", inn: "ИНН", title: "название" };

/** Converts `lead`, asking what the server needs; on success opens the deal. */
export async function convertLead(ctx, lead) {
  const { rpc } = ctx;
  const params = { id: lead.id };
  for (;;) {
    try {
      const result = await rpc.call("lead.convert", params);
      const created = result.createdFields.length ? ` Созданы поля: ${result.createdFields.map((one) => one.field).join(", ")}.` : "";
      announce(`Лид конвертирован: сделка #${result.dealId}.${created}`);
      if (result.createdFields.length) for (const type of ["deal", "contact", "company"]) fieldDescriptions(rpc, type, { fresh: true });
      location.hash = `#/deal/${result.dealId}`;
      return result;
    } catch (error) {
      const answer = await answerRefusal(rpc, error, lead);
      if (answer === null) return null;
      Object.assign(params, answer(params));
    }
  }
}

/** Asks the question a refusal raises; null when cancelled, else a function of the params. */
async function answerRefusal(rpc, error, lead) {
  switch (error.code) {
    case ErrorCode.fieldsMissingInTarget: {
      const yes = await askCreateFields(error.data.fields);
      return yes ? () => ({ createMissingFields: true }) : null;
    }
    case ErrorCode.duplicatesFound: {
      const decisions = await askDuplicates(rpc, error.data);
      return decisions ? () => decisions : null;
    }
    case ErrorCode.requiredFieldsMissing: {
      if (error.data?.entityType !== "deal") {
        announce(`Нельзя создать ${error.data?.entityType ?? "запись"}: ${describeError(error)}`, "error");
        return null;
      }
      const described = await fieldDescriptions(rpc, "deal");
      const filled = await askForMissingFields({
        title: "Конвертация: поля сделки", intro: "Новой сделке нужны поля:", missing: error.data.missing, described, record: {},
      });
      return filled ? (params) => ({ deal: { ...params.deal, fields: mergeFields(params.deal?.fields ?? {}, filled) } }) : null;
    }
    default:
      announce(describeError(error), "error");
      return null;
  }
}

function askCreateFields(fields) {
  const items = fields.map((field) => h("li", { text: `${field.title} — нет в ${field.missingIn.map((type) => TARGET_NAMES[type]).join(", ")}` }));
  return openDialog({
    title: "В сделке, контакте или компании нет полей лида",
    name: "create-missing-fields",
    submitLabel: "Создать поля и перенести значения",
    content: [h("p", { text: "У лида есть поля, которых нет там, куда он конвертируется:" }), h("ul", {}, items),
      h("p", { text: "Создать их и скопировать значения?" })],
  });
}

/** One radio group per record type with matches; resolves `{contact?, company?}` decisions. */
async function askDuplicates(rpc, data) {
  const groups = [];
  for (const entityType of ["contact", "company"]) {
    const matches = data[entityType] ?? [];
    if (!matches.length) continue;
    groups.push({ entityType, element: await duplicateGroup(rpc, entityType, matches) });
  }
  return openDialog({
    title: "Найдены возможные дубликаты",
    name: "duplicates",
    submitLabel: "Продолжить конвертацию",
    content: [h("p", { text: "Такой клиент, возможно, уже есть. Что сделать?" }), groups.map((group) => group.element)],
    onSubmit: (form) => {
      const decisions = {};
      for (const { entityType } of groups) {
        const [action, id] = new FormData(form).get(`decision-${entityType}`).split(":");
        decisions[entityType] = action === "create" ? { action } : { action, id: Number(id) };
      }
      return decisions;
    },
  });
}

async function duplicateGroup(rpc, entityType, matches) {
  const name = `decision-${entityType}`;
  const option = (value, label, checked = false) => {
    const id = `${name}-${value.replace(":", "-")}`;
    return h("div", { class: "choice" },
      h("input", { type: "radio", id, name, value, required: true, checked }), h("label", { for: id, text: label }));
  };
  const visible = matches.filter((match) => !match.hidden);
  const hidden = matches.filter((match) => match.hidden);
  const hiddenNotes = await Promise.all(hidden.map(async (match) => h("p", { class: "hint",
    text: `Есть похожая запись, которую вы не видите (совпадает: ${match.matchedBy.map((key) => MATCH_KEYS[key.key]).join(", ")}); ответственный — ${await userName(rpc, match.assignedTo)}.` })));
  return h("fieldset", { class: "duplicates", dataset: { entity: entityType } },
    h("legend", { text: entityType === "contact" ? "Похожие контакты" : "Похожие компании" }),
    visible.map((match) => {
      const why = match.matchedBy.map((key) => `${MATCH_KEYS[key.key]} ${key.value}`).join(", ");
      return h("div", { class: "match" },
        h("p", {}, h("a", { href: `#/${entityType}/${match.id}`, target: "_blank", text: `${match.title} (#${match.id})` }), ` — совпадает: ${why}`),
        option(`use:${match.id}`, `Использовать «${match.title}» как есть`),
        option(`merge:${match.id}`, `Объединить с «${match.title}»: дополнить данными лида`));
    }),
    hiddenNotes,
    option("create", `Создать ${entityType === "contact" ? "новый контакт" : "новую компанию"}`, !visible.length));
}
