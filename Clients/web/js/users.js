// The team as the screens name it: `user.list` once per page load, names by id.

let team = null;

/** Active and former users by id; empty if the session may not read the team. */
export async function users(rpc) {
  team ??= rpc.call("user.list", {}).then(
    (result) => new Map(result.items.map((user) => [user.id, user])),
    () => new Map());
  return team;
}

/** A user's name, "Система" for null (robots, imports), `#id` for one not visible. */
export async function userName(rpc, id) {
  if (id === null || id === undefined) return "Система";
  return (await users(rpc)).get(id)?.name ?? `#${id}`;
}
