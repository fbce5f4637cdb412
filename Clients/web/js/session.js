// The bridge's sign-in endpoints: `POST /login {token}` sets the HttpOnly session cookie that the
// WebSocket and every later request carry; `GET /session` says who is signed in; `POST /logout`.

/** The signed-in user, or null when there is no valid session. */
export async function currentUser() {
  const response = await fetch("/session", { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`Сервер ответил ${response.status}`);
  return (await response.json()).user;
}

/** Signs in with an API token (`token.add`); resolves with the user or throws a readable error. */
export async function signIn(token) {
  const response = await fetch("/login", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ token }),
  });
  const body = await response.json().catch(() => null);
  if (response.ok && body?.user) return body.user;
  const reason = body?.error?.data?.reason;
  throw new Error(REFUSALS[reason] ?? body?.error?.message ?? `Сервер ответил ${response.status}`);
}

export async function signOut() {
  await fetch("/logout", { method: "POST", credentials: "same-origin" });
}

const REFUSALS = {
  tokenUnknown: "Такого токена нет: проверьте, что он скопирован целиком",
  tokenRevoked: "Токен отозван: попросите администратора выдать новый",
  tokenExpired: "Срок действия токена истёк: попросите администратора выдать новый",
  userInactive: "Пользователь отключён",
};
