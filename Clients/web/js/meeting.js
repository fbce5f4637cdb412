// A meeting booked from free slots (S5): `calendar.freeSlots` for the responsible (and a room or
// stand if one is picked) over the next days, one slot chosen, a place set, then `activity.add`
// bound to the lead or deal. A slot taken meanwhile (1005 slotBusy) reloads the slots.

import { h, replaceChildren, announce, formatSlot } from "./dom.js";
import { openDialog } from "./dialog.js";
import { users } from "./users.js";
import { ErrorCode } from "./rpc.js";

const DURATIONS = [30, 60, 90, 120];
const DAYS_AHEAD = 14;

/** Books a meeting about `record`; resolves with the activity, or null. */
export async function bookMeeting(ctx, entityType, record) {
  const { rpc } = ctx;
  const visible = [...(await users(rpc)).values()].filter((user) => user.active);
  const team = visible.length ? visible : [ctx.user];
  const resources = (await rpc.call("resource.list", {}).catch(() => ({ items: [] }))).items;

  const responsible = h("select", { id: "meeting-responsible", name: "responsibleId" },
    team.map((user) => h("option", { value: user.id, text: user.name, selected: user.id === ctx.user.id })));
  const duration = h("select", { id: "meeting-duration", name: "duration" },
    DURATIONS.map((minutes) => h("option", { value: minutes, text: `${minutes} мин`, selected: minutes === 60 })));
  const resource = h("select", { id: "meeting-resource", name: "resourceId" },
    h("option", { value: "", text: "не нужен" }),
    resources.map((one) => h("option", { value: one.id, text: one.name })));
  const subject = h("input", { id: "meeting-subject", name: "subject", required: true, value: `Встреча: ${record.title}` });
  const place = h("input", { id: "meeting-place", name: "place", value: "" });
  const companyZone = (await rpc.call("settings.get", {}).catch(() => ({}))).timeZone ?? null;
  const zoneOf = () => team.find((user) => user.id === Number(responsible.value))?.timeZone ?? companyZone;
  const slotList = h("div", { class: "slots", role: "radiogroup", "aria-labelledby": "meeting-slots-legend" });
  const legend = h("legend", { id: "meeting-slots-legend" });
  const slotsBox = h("fieldset", { class: "slot-box" }, legend, slotList);

  async function loadSlots() {
    const zone = zoneOf();
    legend.textContent = zone ? `Свободное время (часы ответственного: ${zone})` : "Свободное время";
    replaceChildren(slotList, h("p", { class: "hint", text: "Ищем свободное время…" }));
    const from = new Date(Date.now() + 5 * 60000);
    from.setSeconds(0, 0);
    const to = new Date(from.getTime() + DAYS_AHEAD * 86400000);
    const params = {
      userIds: [Number(responsible.value)], from: from.toISOString().replace(/\.\d+Z$/, "Z"),
      to: to.toISOString().replace(/\.\d+Z$/, "Z"), duration: Number(duration.value), limit: 24,
    };
    if (resource.value) params.resourceId = Number(resource.value);
    try {
      const { slots } = await rpc.call("calendar.freeSlots", params);
      replaceChildren(slotList, slots.length
        ? slots.map((slot, index) => {
          const id = `slot-${index}`;
          return h("div", { class: "choice" },
            h("input", { type: "radio", id, name: "slot", value: `${slot.start}|${slot.end}`, required: true, checked: index === 0 }),
            h("label", { for: id, text: formatSlot(slot.start, zone) }));
        })
        : h("p", { class: "hint", text: `Нет свободного времени в ближайшие ${DAYS_AHEAD} дней` }));
    } catch (error) {
      replaceChildren(slotList, h("p", { class: "form-error", role: "alert", text: error.message }));
    }
  }
  for (const control of [responsible, duration, resource]) control.addEventListener("change", loadSlots);
  loadSlots();

  const labelled = (control, text) => h("div", { class: "field" }, h("label", { for: control.id, text }), control);
  const activity = await openDialog({
    title: "Назначить встречу", name: "meeting", submitLabel: "Забронировать",
    content: [labelled(subject, "Тема"), labelled(responsible, "Ответственный"), labelled(duration, "Длительность"),
      labelled(resource, "Переговорная или стенд"), slotsBox, labelled(place, "Место")],
    onSubmit: async (form) => {
      const chosen = new FormData(form).get("slot");
      if (!chosen) throw new Error("Выберите время");
      const [start, end] = chosen.split("|");
      const fields = {
        type: "meeting", subject: subject.value.trim(), start, end, responsibleId: Number(responsible.value),
        bindings: [{ entityType, id: record.id }],
      };
      if (place.value.trim()) fields.place = place.value.trim();
      if (resource.value) fields.resourceId = Number(resource.value);
      const client = entityType === "lead" ? { entityType: "lead", id: record.id }
        : record.contactId ? { entityType: "contact", id: record.contactId } : null;
      if (client) fields.clientContacts = [client];
      try {
        return await rpc.call("activity.add", { fields });
      } catch (error) {
        if (error.code === ErrorCode.conflict) await loadSlots();
        throw error;
      }
    },
  });
  if (activity) announce(`Встреча назначена: ${formatSlot(activity.start, zoneOf())}`);
  return activity;
}
