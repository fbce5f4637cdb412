// A record's history (timeline.list, newest first) and the comment box (comment.add).

import { h, replaceChildren, announce, describeError, formatDateTime } from "./dom.js";
import { userName } from "./users.js";

const ACTIVITY_TYPES = { meeting: "Встреча", call: "Звонок", task: "Задача" };
const ACTIVITY_ACTIONS = {
  created: "запланирована", updated: "изменена", moved: "перенесена", completed: "завершена",
  cancelled: "отменена", deleted: "удалена",
};
const REQUISITE_ACTIONS = {
  added: "добавлены", updated: "изменены", deleted: "удалены", bankDetailAdded: "добавлен банковский счёт",
  bankDetailUpdated: "изменён банковский счёт", bankDetailDeleted: "удалён банковский счёт",
};

/** What an entry says, in a line, stages and fields named by `stageTitle` and `fieldTitle`. */
function describeEntry(entry, { stageTitle, fieldTitle }) {
  const data = entry.data ?? {};
  const changes = () => (data.changes ?? []).map((change) => `${fieldTitle(change.field)}: ${show(change.old)} → ${show(change.new)}`).join("; ");
  switch (entry.type) {
    case "created": return "Запись создана";
    case "updated": return `Изменено: ${changes()}`;
    case "stageChanged": return `Стадия: ${stageTitle(data.from)} → ${stageTitle(data.to)}${data.changes?.length ? `; ${changes()}` : ""}`;
    case "comment": return data.text ?? "";
    case "deleted": return "Запись удалена";
    case "converted": return `Конвертирован: сделка #${data.dealId}, контакт #${data.contactId}${data.companyId ? `, компания #${data.companyId}` : ""}`;
    case "requisite": return `Реквизиты ${REQUISITE_ACTIONS[data.action] ?? data.action}`;
    case "merged": return `Объединено с записями ${(data.sourceIds ?? []).map((id) => `#${id}`).join(", ")}`;
    case "activity":
      return `${ACTIVITY_TYPES[data.type] ?? "Дело"} «${data.subject}» ${ACTIVITY_ACTIONS[data.action] ?? data.action}`
        + (data.start ? ` на ${formatDateTime(data.start)}` : "") + (data.place ? `, ${data.place}` : "");
    case "document": return `Документ: ${data.kind ?? data.fileName ?? data.number ?? ""}`.trim();
    case "message": return `Сообщение${data.channel ? ` (${data.channel})` : ""}: ${data.subject ?? data.text ?? data.status ?? ""}`;
    default: return entry.type;
  }
}

function show(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.map((item) => item?.value ?? show(item)).join(", ");
  if (typeof value === "object" && "count" in value && "total" in value) return `${value.count} поз. на ${value.total}`;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * The history section with its comment form; `refresh()` reloads it. `names`: `{stageTitle,
 * fieldTitle}`, functions naming stage ids and field names for the manager.
 */
export function timelineSection(rpc, entityType, id, names) {
  const list = h("ol", { class: "timeline", "aria-live": "polite" });
  const textId = `comment-${entityType}-${id}`;
  const text = h("textarea", { id: textId, name: "text", rows: 2, required: true, maxlength: 20000 });
  const form = h("form", { class: "comment-form" },
    h("label", { for: textId, text: "Комментарий" }), text,
    h("button", { type: "submit", text: "Добавить комментарий" }));
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = text.value.trim();
    if (!value) return;
    try {
      await rpc.call("comment.add", { entityType, id, text: value });
      text.value = "";
      announce("Комментарий добавлен");
      await refresh();
    } catch (error) {
      announce(describeError(error), "error");
    }
  });

  async function refresh() {
    const page = await rpc.call("timeline.list", { entityType, id, limit: 100 });
    const items = await Promise.all(page.items.map(async (entry) => h("li", { class: `entry entry-${entry.type}` },
      h("div", { class: "entry-meta" },
        h("time", { datetime: entry.at, text: formatDateTime(entry.at) }), " · ", await userName(rpc, entry.authorId)),
      h("p", { text: describeEntry(entry, names) }))));
    replaceChildren(list, items.length ? items : h("li", { class: "empty", text: "Пока ничего" }));
  }

  const element = h("section", { class: "panel timeline-panel", "aria-labelledby": `${textId}-heading` },
    h("h2", { id: `${textId}-heading`, text: "История" }), form, list);
  return { element, refresh };
}
