// "New lead" and "new deal" (S1, S2): a form of the fields a manager fills first; a refusal for
// required fields asks for exactly those and tries again.

import { announce } from "./dom.js";
import { openDialog } from "./dialog.js";
import { fieldDescriptions, fieldControl, readControls, withRequiredFields, mergeFields } from "./fields.js";

const FIRST_FIELDS = {
  lead: ["title", "name", "lastName", "phones", "emails", "city", "topic", "companyTitle", "clientType"],
  deal: ["title", "opportunity", "comments"],
};

/** Asks for a new lead or deal in `pipeline` and creates it; resolves with it, or null. */
export async function createRecord(ctx, entityType, pipeline) {
  const described = await fieldDescriptions(ctx.rpc, entityType);
  const names = FIRST_FIELDS[entityType].filter((name) => described[name]);
  const controls = names.map((name) => fieldControl(name, described[name], undefined, { required: name === "title" }));
  const title = entityType === "lead" ? "Новый лид" : "Новая сделка";
  // The write happens inside the form, so a refusal (a bad e-mail, a wrong value) is shown there
  // with what was typed kept; required fields are asked for in a second form on top of it.
  return openDialog({
    title, name: `new-${entityType}`, submitLabel: "Создать",
    content: controls.map((control) => control.element),
    onSubmit: async () => {
      const fields = readControls(controls);
      const record = await withRequiredFields(ctx.rpc,
        (extra) => ctx.rpc.call(`${entityType}.add`, { fields: mergeFields({ ...fields, pipelineId: pipeline.id }, extra) }),
        { title, intro: "Без этих полей запись не создать:", record: fields });
      if (!record) throw new Error("Не создано: без обязательных полей запись не сохранить");
      announce(`${entityType === "lead" ? "Лид" : "Сделка"} «${record.title}» создан${entityType === "deal" ? "а" : ""}`);
      return record;
    },
  });
}
