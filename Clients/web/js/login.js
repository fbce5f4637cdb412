// The sign-in screen: an API token (made by an administrator with `token.add`) exchanged for a
// session cookie.

import { h, replaceChildren } from "./dom.js";
import { signIn } from "./session.js";

/** Shows the sign-in form in `view`; calls `signedIn(user)` once the bridge accepts the token. */
export function showLogin(view, signedIn) {
  const token = h("input", {
    id: "login-token", name: "token", type: "password", required: true, autocomplete: "off", spellcheck: "false",
    "aria-describedby": "login-hint",
  });
  const error = h("p", { id: "login-error", class: "form-error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "primary", text: "Войти" });
  const form = h("form", { class: "login", "aria-labelledby": "login-heading" },
    h("h1", { id: "login-heading", text: "Вход в CRM" }),
    h("div", { class: "field" },
      h("label", { for: "login-token", text: "API-токен" }), token,
      h("small", { id: "login-hint", class: "hint", text: "Токен вида crmd_…, его выдаёт администратор (token.add)" })),
    error, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.hidden = true;
    try {
      const user = await signIn(token.value.trim());
      token.value = "";
      await signedIn(user);
    } catch (failure) {
      error.textContent = failure.message;
      error.hidden = false;
      token.focus();
      token.select();
    } finally {
      submit.disabled = false;
    }
  });
  document.title = "Вход — crmd";
  replaceChildren(view, form);
  token.focus();
}
