// Modal forms on the native <dialog>: focus moves into it and back, Escape cancels, Enter in a
// field submits. A submit handler that throws keeps the dialog open with the error shown.

import { h, describeError } from "./dom.js";

/**
 * Opens a modal form and resolves with what `onSubmit` returned, or null when cancelled.
 * @param {object} options
 * @param {string} options.title
 * @param {Node[]} options.content the form's fields and text
 * @param {string} [options.submitLabel]
 * @param {(form: HTMLFormElement) => Promise<any>|any} [options.onSubmit] its result resolves the dialog
 * @param {string} [options.name] a `data-dialog` name for tests and styles
 */
export function openDialog({ title, content, submitLabel = "Сохранить", onSubmit = () => true, name = "" }) {
  const opener = document.activeElement;
  const titleId = `dialog-title-${++openDialog.count}`;
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "primary", text: submitLabel });
  const cancel = h("button", { type: "button", text: "Отмена" });
  const form = h("form", { method: "dialog" },
    h("h2", { id: titleId, text: title }),
    content,
    error,
    h("div", { class: "form-actions" }, submit, cancel));
  const dialog = h("dialog", { "aria-labelledby": titleId, "data-dialog": name }, form);
  document.body.append(dialog);

  return new Promise((resolve) => {
    let settled = false;
    const finish = (value) => {
      if (settled) return;
      settled = true;
      dialog.close();
      dialog.remove();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(value);
    };
    cancel.addEventListener("click", () => finish(null));
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(null);
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!form.reportValidity()) return;
      submit.disabled = true;
      error.hidden = true;
      try {
        finish(await onSubmit(form));
      } catch (failure) {
        error.textContent = describeError(failure);
        error.hidden = false;
        console.error(failure);
      } finally {
        submit.disabled = false;
      }
    });
    dialog.showModal();
    const first = form.querySelector("input:not([type=hidden]):not([disabled]), select, textarea");
    (first ?? submit).focus();
  });
}
openDialog.count = 0;

/** Asks a yes/no question; resolves true for yes. */
export async function confirmDialog(title, text, yesLabel = "Да") {
  const answer = await openDialog({ title, content: [h("p", { text })], submitLabel: yesLabel, name: "confirm" });
  return answer === true;
}
