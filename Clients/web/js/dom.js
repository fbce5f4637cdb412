// Small DOM helpers shared by the screens: element building, the status line, and Russian
// formats. Money stays a decimal string from the server to the screen (never a float).

/**
 * Builds an element (text only: no markup from data is ever parsed). `props`: `class`, `text`,
 * `on: {click: fn}`, `dataset: {...}`, anything else becomes an attribute (false/null skipped,
 * true an empty attribute). Children: nodes, strings, arrays, null/undefined skipped.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") element.className = value;
    else if (key === "text") element.textContent = value;
    else if (key === "on") for (const [type, handler] of Object.entries(value)) element.addEventListener(type, handler);
    else if (key === "dataset") Object.assign(element.dataset, value);
    else if (key === "value" || key === "checked" || key === "selected") element[key] = value;
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's children. */
export function replaceChildren(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/**
 * Runs `render` (which rebuilds `container`'s children) and puts the focus back on the rebuilt
 * control that had it — found by id, else by tag and text — so a refresh caused by someone
 * else's change does not throw a keyboard user out of the screen.
 */
export function keepingFocus(container, render) {
  const active = document.activeElement;
  const had = active && active !== document.body && container.contains(active)
    ? { id: active.id, tag: active.tagName, text: active.textContent }
    : null;
  render();
  if (!had || container.contains(active)) return;
  const again = had.id
    ? document.getElementById(had.id)
    : [...container.querySelectorAll(had.tag)].find((element) => element.textContent === had.text);
  again?.focus();
}

/**
 * A click handler for work that may fail (a call refused, the connection lost): the failure is
 * said in the status line rather than lost as an unhandled rejection.
 */
export function guarded(work) {
  return (event) => {
    Promise.resolve().then(() => work(event)).catch((error) => {
      announce(describeError(error), "error");
      console.error(error);
    });
  };
}

/** Says something in the page's live status line (`alert` for failures). */
export function announce(text, kind = "info") {
  const line = document.getElementById("status-line");
  if (!line) return;
  line.dataset.kind = kind;
  line.setAttribute("role", kind === "error" ? "alert" : "status");
  line.textContent = text;
  clearTimeout(announce.timer);
  if (kind !== "error") announce.timer = setTimeout(() => { line.textContent = ""; }, 8000);
}

/** An error as a manager should read it: the server's message, with what it names. */
export function describeError(error) {
  if (!error) return "Неизвестная ошибка";
  const data = error.data ?? {};
  if (Array.isArray(data.missing) && data.missing.length) {
    return `Не заполнено: ${data.missing.map((m) => m.title).join(", ")}`;
  }
  if (data.reason === "slotBusy") return "Это время уже занято";
  if (data.reason === "version") return "Запись изменил кто-то другой: обновите карточку";
  if (data.reason === "denied") return "Нет прав на это действие";
  if (data.field && data.reason) return `Неверное значение поля ${data.field}: ${error.message}`;
  if (Array.isArray(data.errors) && data.errors.length) {
    return `Неверные данные: ${data.errors.map((one) => `${one.path.replace(/^\/(fields|params)\//, "")} — ${one.message}`).join("; ")}`;
  }
  return error.message || String(error);
}

const groupDigits = (digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");

const CURRENCY_SIGNS = { RUB: "₽", USD: "$", EUR: "€" };

/** "123456.5" → "123 456,50 ₽" from the decimal string itself. */
export function formatMoney(amount, currency = "RUB") {
  if (amount === null || amount === undefined || amount === "") return "—";
  const text = String(amount);
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = text.replace(/^-/, "").split(".");
  const sign = CURRENCY_SIGNS[currency] ?? currency ?? "";
  return `${negative ? "−" : ""}${groupDigits(whole)},${fraction.padEnd(2, "0").slice(0, 2)}\u00a0${sign}`.trim();
}

const dateTimeFormat = new Intl.DateTimeFormat("ru-RU", {
  day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit",
});

/** "2026-12-06" → "06.12.2026" (a calendar date, no time zone involved). */
export function formatDate(date) {
  if (!date) return "—";
  const [year, month, day] = date.split("-");
  return day && month && year ? `${day}.${month}.${year}` : date;
}

/** An RFC 3339 timestamp in the browser's zone. */
export function formatDateTime(timestamp) {
  return timestamp ? dateTimeFormat.format(new Date(timestamp)) : "—";
}

/** "пн, 7 декабря в 11:00" for slots, on the wall clock of `timeZone` (the browser's if absent). */
export function formatSlot(timestamp, timeZone) {
  const format = new Intl.DateTimeFormat("ru-RU", {
    weekday: "short", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", ...(timeZone ? { timeZone } : {}),
  });
  return format.format(new Date(timestamp));
}
