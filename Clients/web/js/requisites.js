// A company's or contact's requisites (S14–S16): the form of ownership (legal entity, ИП,
// person), the INN looked up in the tax service's registry (requisite.lookup) to fill the other
// fields and show the registered name, and — when saved with the lookup — the company renamed
// to that name by crmd itself. Bank accounts belong to a requisite (bankDetail.add).

import { h, replaceChildren, guarded, announce, describeError } from "./dom.js";
import { openDialog, confirmDialog } from "./dialog.js";
import { ErrorCode } from "./rpc.js";

const PRESETS = { legal: "Юридическое лицо", ip: "Индивидуальный предприниматель (ИП)", person: "Физическое лицо" };

/** Field titles, and the presets each applies to. */
const FIELDS = [
  ["shortName", "Краткое наименование", ["legal", "ip"]],
  ["fullName", "Полное наименование", ["legal", "ip"]],
  ["kpp", "КПП", ["legal"]],
  ["ogrn", "ОГРН", ["legal"]],
  ["ogrnip", "ОГРНИП", ["ip"]],
  ["lastName", "Фамилия", ["ip", "person"]],
  ["firstName", "Имя", ["ip", "person"]],
  ["middleName", "Отчество", ["ip", "person"]],
  ["snils", "СНИЛС", ["person"]],
  ["legalAddress", "Юридический адрес", ["legal", "ip"]],
  ["postalAddress", "Почтовый адрес", ["legal", "ip", "person"]],
  ["directorTitle", "Должность руководителя", ["legal"]],
  ["directorName", "Руководитель", ["legal"]],
  ["accountantName", "Главный бухгалтер", ["legal"]],
  ["okved", "ОКВЭД", ["legal", "ip"]],
  ["okvedName", "Вид деятельности", ["legal", "ip"]],
  ["okpo", "ОКПО", ["legal", "ip"]],
  ["oktmo", "ОКТМО", ["legal", "ip"]],
];
const TITLES = Object.fromEntries([["inn", "ИНН"], ...FIELDS.map(([name, title]) => [name, title]),
  ["registrationDate", "Дата регистрации"], ["status", "Статус"], ["region", "Регион"], ["smeCategory", "Категория МСП"], ["opf", "ОПФ"]]);
const BANK_FIELDS = [["bik", "БИК", "[0-9]{9}", true], ["bankName", "Банк"], ["bankCity", "Город банка"],
  ["corrAccount", "Корр. счёт", "[0-9]{20}"], ["account", "Расчётный счёт", "[0-9]{20}", true]];

/** The requisites panel of a company or contact; `refresh()` reloads it. */
export function requisitesSection(ctx, entityType, currentRecord) {
  const { rpc } = ctx;
  const body = h("div");
  const element = h("section", { class: "panel", id: "requisites", "aria-labelledby": "requisites-heading" },
    h("div", { class: "panel-head" },
      h("h2", { id: "requisites-heading", text: "Реквизиты" }),
      h("button", { type: "button", text: "Добавить реквизиты", on: { click: guarded(() => add()) } })),
    body);

  async function refresh() {
    const { items } = await rpc.call("requisite.list", { entityType, entityId: currentRecord().id });
    replaceChildren(body, items.length ? items.map(requisiteView) : h("p", { class: "hint", text: "Реквизитов нет" }));
  }

  function requisiteView(requisite) {
    const rows = Object.entries(requisite.fields).filter(([, value]) => value)
      .map(([name, value]) => h("div", { class: "field-row", dataset: { field: name } }, h("dt", { text: TITLES[name] ?? name }), h("dd", { text: value })));
    return h("article", { class: "requisite", dataset: { id: requisite.id } },
      h("h3", { text: `${PRESETS[requisite.preset]}${requisite.source?.startsWith("registry") ? " · из реестра ФНС" : ""}` }),
      h("dl", { class: "fields" }, rows),
      requisite.bankDetails.length ? h("ul", { class: "plain bank-details" }, requisite.bankDetails.map((bank) =>
        h("li", { text: `р/с ${bank.account}, ${bank.bankName ?? ""} (БИК ${bank.bik})` }))) : null,
      h("div", { class: "record-actions" },
        h("button", { type: "button", text: "Добавить банковский счёт", on: { click: guarded(() => addBank(requisite)) } }),
        h("button", { type: "button", class: "danger", text: "Удалить реквизиты", on: { click: guarded(() => remove(requisite)) } })));
  }

  async function add() {
    const saved = await requisiteForm(rpc, entityType, currentRecord());
    if (!saved) return;
    announce(saved.renamedTo ? `Реквизиты сохранены; компания переименована в «${saved.renamedTo}»` : "Реквизиты сохранены");
    await refresh();
  }

  async function addBank(requisite) {
    const controls = BANK_FIELDS.map(([name, title, pattern, required]) => ({
      name, title, control: h("input", { id: `bank-${name}`, name, pattern, required, inputmode: pattern ? "numeric" : null }),
    }));
    const bank = await openDialog({
      title: "Банковский счёт", name: "bank-detail",
      content: controls.map(({ title, control }) => h("div", { class: "field" }, h("label", { for: control.id, text: title }), control)),
      onSubmit: () => rpc.call("bankDetail.add", {
        requisiteId: requisite.id,
        fields: Object.fromEntries(controls.map(({ name, control }) => [name, control.value.trim()]).filter(([, value]) => value)),
      }),
    });
    if (bank) {
      announce("Банковский счёт добавлен");
      await refresh();
    }
  }

  async function remove(requisite) {
    if (!(await confirmDialog("Удалить реквизиты?", "Реквизиты и их банковские счета будут удалены.", "Удалить"))) return;
    try {
      await rpc.call("requisite.delete", { id: requisite.id });
      await refresh();
    } catch (error) {
      announce(describeError(error), "error");
    }
  }

  return { element, refresh: () => refresh().catch((error) => announce(describeError(error), "error")) };
}

/**
 * The new-requisites form. Resolves with `{requisite, renamedTo}` once saved, or null. Saved after
 * a successful lookup, it is `requisite.add` with `lookup: true`, so crmd fills what the form
 * left out and renames the company when asked (S16).
 */
async function requisiteForm(rpc, entityType, owner) {
  const presetName = "requisite-preset";
  const presetChoices = Object.entries(PRESETS).map(([value, text]) => {
    const id = `${presetName}-${value}`;
    return h("div", { class: "choice" },
      h("input", { type: "radio", id, name: presetName, value, checked: value === "legal" }), h("label", { for: id, text }));
  });
  const inn = h("input", { id: "requisite-inn", name: "inn", inputmode: "numeric", pattern: "[0-9]{10}([0-9]{2})?", required: true,
    "aria-describedby": "requisite-lookup-result" });
  const lookupButton = h("button", { type: "button", text: "Найти по ИНН" });
  const lookupResult = h("p", { id: "requisite-lookup-result", class: "lookup-result", "aria-live": "polite" });
  const rename = h("input", { type: "checkbox", id: "requisite-rename", checked: true });
  const renameBox = h("div", { class: "choice", hidden: true }, rename, h("label", { for: "requisite-rename", id: "requisite-rename-label" }));
  const controls = FIELDS.map(([name, title, presets]) => {
    const control = h("input", { id: `requisite-${name}`, name });
    return { name, presets, control, element: h("div", { class: "field", dataset: { field: name } }, h("label", { for: control.id, text: title }), control) };
  });
  let found = null;

  const preset = () => document.querySelector(`input[name=${presetName}]:checked`)?.value ?? "legal";
  const showPreset = () => {
    for (const { presets, element } of controls) element.hidden = !presets.includes(preset());
    inn.pattern = preset() === "legal" ? "[0-9]{10}" : "[0-9]{12}";
  };
  for (const choice of presetChoices) choice.querySelector("input").addEventListener("change", showPreset);

  async function lookup() {
    found = null;
    renameBox.hidden = true;
    const value = inn.value.trim();
    if (!/^[0-9]{10}([0-9]{2})?$/.test(value)) {
      lookupResult.textContent = "ИНН — 10 цифр у организации, 12 у ИП";
      return;
    }
    lookupResult.textContent = "Ищем в реестре ФНС…";
    try {
      const answer = await rpc.call("requisite.lookup", { inn: value });
      if (!answer.found) {
        lookupResult.textContent = "В реестре ФНС не найден — заполните реквизиты вручную";
        return;
      }
      found = answer;
      document.getElementById(`${presetName}-${answer.preset}`).checked = true;
      showPreset();
      for (const { name, control } of controls) control.value = answer.fields[name] ?? "";
      const registered = answer.fields.shortName ?? answer.fields.fullName;
      lookupResult.textContent = `Найден в реестре: ${answer.fields.fullName ?? registered}`;
      if (entityType === "company" && registered && registered !== owner.title) {
        document.getElementById("requisite-rename-label").textContent = `Переименовать компанию в «${registered}»`;
        renameBox.hidden = false;
      }
    } catch (error) {
      lookupResult.textContent = error.code === ErrorCode.registryUnavailable
        ? `Реестр недоступен (${error.data?.reason ?? "ошибка"}): заполните вручную или повторите позже`
        : describeError(error);
    }
  }
  lookupButton.addEventListener("click", lookup);
  inn.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      lookup();
    }
  });
  inn.addEventListener("input", () => { found = null; renameBox.hidden = true; });

  const content = [
    h("fieldset", {}, h("legend", { text: "Форма собственности" }), presetChoices),
    h("div", { class: "field inn-field" }, h("label", { for: "requisite-inn", text: "ИНН *" }), h("div", { class: "inline" }, inn, lookupButton)),
    lookupResult, renameBox,
    h("div", { class: "form-grid" }, controls.map(({ element }) => element)),
  ];
  queueMicrotask(showPreset);
  return openDialog({
    title: "Реквизиты", name: "requisite", submitLabel: "Сохранить реквизиты", content,
    onSubmit: async () => {
      const fields = { inn: inn.value.trim() };
      for (const { name, presets, control } of controls) {
        if (presets.includes(preset()) && control.value.trim()) fields[name] = control.value.trim();
      }
      const renameEntity = Boolean(found) && !renameBox.hidden && rename.checked;
      const requisite = await rpc.call("requisite.add", {
        entityType, entityId: owner.id, preset: preset(), fields, lookup: Boolean(found), ...(entityType === "company" ? { renameEntity } : {}),
      });
      return { requisite, renamedTo: renameEntity ? (requisite.fields.shortName ?? null) : null };
    },
  });
}
