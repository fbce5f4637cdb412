"""Record-level access control (issue 11, item 3) through the real crmd on a real socket, as an
outside client: who may read, change, delete and move which lead, deal, contact and company,
what a list, a search, a duplicate check or an error shows of records one may not read, how a
token's scopes narrow a session, and which configuration and team methods need which permission.

The expected outcomes come from the contract's scopes (the tables `ROLE_SCOPES` and `REACHES`
below), never from the server under test:

- own: assignedTo == me; department: assignedTo is me or a user of my department or of any
  department below it; open: own, or `opened`; all: everything; none: nothing;
- a refusal is 1006 with `data: {permission: "<entity>.<action>", entityType, id?}`, tells
  nothing of the record, and writes nothing (the administrator re-reads the same version).

The matrix shares one server per module (`world`); the other tests use servers of their own.
"""
from __future__ import annotations

import json
from collections import Counter
from types import SimpleNamespace

import pytest

from conftest import CheckedClient
from crmd_client import CrmdError, DuplicatesFound, NotFound
from helpers import assert_error_data, inn10, invoice_parties, start_server, stop_server, uid, without_money

ENTITIES = ["lead", "deal", "contact", "company"]
ACTIONS = {"lead": ["read", "update", "delete", "changeStage"], "deal": ["read", "update", "delete", "changeStage"],
           "contact": ["read", "update", "delete"], "company": ["read", "update", "delete"]}

# The built-in roles' scopes on lead, deal, contact and company, as the contract gives them.
ROLE_SCOPES = {
    "manager": {"read": "open", "add": "own", "update": "own", "delete": "own", "changeStage": "own"},
    "headOfSales": {"read": "department", "add": "department", "update": "department", "delete": "department",
                    "changeStage": "department"},
    "accountant": {"read": "all", "add": "none", "update": "none", "delete": "none", "changeStage": "none"},
    "exchange": {"read": "none", "add": "none", "update": "none", "delete": "none", "changeStage": "none"},
}

# Whose record it is, seen from the caller ("me", a user of the department «Продажи»):
# the department tree is «Компания» ⊃ {«Продажи» ⊃ «Продажи Москва» ⊃ «Москва-Центр», «Склад»}.
OWNERS = ["own", "sameDepartment", "subDepartment", "subSubDepartment", "parentDepartment", "otherDepartment",
          "otherDepartmentOpened", "nobody", "nobodyOpened"]

# Which of those records each scope reaches (the contract's definitions).
REACHES = {
    "none": set(),
    "own": {"own"},
    "department": {"own", "sameDepartment", "subDepartment", "subSubDepartment"},
    "open": {"own", "otherDepartmentOpened", "nobodyOpened"},
    "all": set(OWNERS),
}

# What a refusal's `data` may hold besides nothing of the record.
DENIED_KEYS = {"reason", "permission", "entityType", "id"}


def phone(n: int) -> str:
    """A mobile number no other record of the test uses, `+7 9XX XXX-XX-XX`."""
    digits = f"9{n % 10**9:09d}"
    return f"+7 {digits[:3]} {digits[3:6]}-{digits[6:8]}-{digits[8:]}"


def digits_of(text: str) -> str:
    return "".join(c for c in text if c.isdigit())[-10:]


def record_fields(entity: str, n: int, marker: str, **more) -> dict:
    """The fields of a record whose title/name carries `marker`; leads are complete for `NEW`."""
    if entity == "lead":
        fields = {"title": marker, "phones": [{"value": phone(n)}], "emails": [{"value": f"lead{n}@example.ru"}],
                  "city": "Москва", "topic": "Видеонаблюдение"}
    elif entity == "deal":
        fields = {"title": marker}
    elif entity == "contact":
        fields = {"name": marker, "phones": [{"value": phone(n)}], "emails": [{"value": f"contact{n}@example.ru"}]}
    else:
        fields = {"title": marker, "phones": [{"value": phone(n)}], "emails": [{"value": f"company{n}@example.ru"}]}
    fields.update(more)
    return fields


def add_record(admin, entity: str, fields: dict) -> dict:
    """Adds a record as the administrator. One for nobody (`assignedTo: null`) is given to nobody
    by an update if the add made the administrator responsible (whether an add may leave it
    without one is checked by `test_an_add_may_leave_a_record_without_a_responsible`)."""
    record = admin.call(f"{entity}.add", {"fields": fields})
    if "assignedTo" in fields and fields["assignedTo"] is None and record["assignedTo"] is not None:
        record = admin.call(f"{entity}.update", {"id": record["id"], "fields": {"assignedTo": None}})
    assert record["assignedTo"] == fields.get("assignedTo", record["assignedTo"])
    return record


def secrets_of(record: dict) -> list[str]:
    """What of a record an error must not show: its name or title, phones, e-mails, comments."""
    out = [record.get("title") or "", record.get("name") or "", record.get("lastName") or "", record.get("comments") or "",
           record.get("city") or "", record.get("topic") or ""]
    for p in record.get("phones") or []:
        out += [p["value"], digits_of(p["value"])]
    out += [e["value"] for e in record.get("emails") or []]
    return [s for s in out if s and len(s) >= 4]


def error_text(error: CrmdError) -> str:
    return error.message + "\n" + json.dumps(error.data, ensure_ascii=False)


def assert_denied(error: BaseException, permission: str, entity: str, id_: int | None, secrets=(),
                  id_optional: bool = False) -> None:
    """`error` is the contract's 1006: the permission, the entity type, the id (absent when the
    call named no record; `id_optional` when the caller has no reach at all and need not look),
    no other key, and nothing of the record."""
    assert isinstance(error, CrmdError) and error.code == 1006, f"expected 1006 {permission}, got {error!r}"
    data = error.data
    assert isinstance(data, dict), data
    assert data.get("permission") == permission, data
    assert data.get("entityType") == entity, data
    if id_ is None:
        assert "id" not in data, data
    elif id_optional:
        assert data.get("id", id_) == id_, data
    else:
        assert data.get("id") == id_, data
    assert set(data) <= DENIED_KEYS, f"a refusal tells more than it should: {data}"
    assert error.message.startswith("Forbidden"), error.message
    text = error_text(error)
    for secret in secrets:
        assert secret not in text, f"the refusal shows {secret!r}: {text}"
    assert_error_data(error)


def denied(client, method: str, params: dict) -> CrmdError:
    """The error of a call that must fail (any error is returned for the caller to judge)."""
    with pytest.raises(CrmdError) as caught:
        client.call(method, params)
    return caught.value


def login(server, admin, user_id: int, scopes=None) -> CheckedClient:
    """A fresh connection signed in as `user_id` with a token made by the administrator."""
    params = {"userId": user_id, "name": f"access-{uid()}"}
    if scopes is not None:
        params["scopes"] = scopes
    secret = admin.call("token.add", params)["token"]
    client = CheckedClient(server.client())
    assert client.call("session.login", {"token": secret})["user"]["id"] == user_id
    return client


def role_ids(admin) -> dict[str, int]:
    return {r["code"]: r["id"] for r in admin.call("role.list")["items"] if r["code"]}


def add_department(admin, name: str, parent: int | None = None) -> int:
    fields = {"name": name} if parent is None else {"name": name, "parentId": parent}
    return admin.call("department.add", {"fields": fields})["id"]


def add_user(admin, name: str, department: int | None = None, roles=()) -> int:
    fields = {"name": name} if department is None else {"name": name, "departmentId": department}
    user = admin.call("user.add", {"fields": fields})["id"]
    admin.call("user.setRoles", {"id": user, "roleIds": list(roles)})
    return user


def next_stages(admin) -> dict[str, str]:
    """For leads and deals: a stage of the default pipeline after the first that needs no more fields."""
    out = {}
    for entity in ("lead", "deal"):
        pipeline = next(p for p in admin.call("pipeline.list", {"entityType": entity})["items"] if p["isDefault"])
        first = pipeline["stages"][0]
        out[entity] = next(s["id"] for s in pipeline["stages"][1:]
                           if s["semantic"] == "process" and set(s["requiredFields"]) <= set(first["requiredFields"]))
    return out


def every_id(client, method: str, params=None, limit: int = 500) -> list[int]:
    ids, cursor = [], None
    while True:
        page = client.call(method, {**(params or {}), "limit": limit, "cursor": cursor})
        ids += [item["id"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            return ids


# ================================================================================ the matrix

@pytest.fixture(scope="module")
def world(crmd_bin):
    """One server: the department tree, one user per built-in role in «Продажи», the other
    owners, a session per role, and one record per cell of the matrix (a cell may delete it)."""
    server, directory = start_server(crmd_bin, "access")
    admin = CheckedClient(server.client())
    try:
        assert admin.call("user.current")["id"] == 1
        roles = role_ids(admin)
        company = add_department(admin, "Компания")
        sales = add_department(admin, "Продажи", company)
        moscow = add_department(admin, "Продажи Москва", sales)
        centre = add_department(admin, "Москва-Центр", moscow)
        store = add_department(admin, "Склад", company)
        owners = {"sameDepartment": add_user(admin, "Коллега", sales),
                  "subDepartment": add_user(admin, "Москвич", moscow),
                  "subSubDepartment": add_user(admin, "Центровой", centre),
                  "parentDepartment": add_user(admin, "Директор", company),
                  "otherDepartment": add_user(admin, "Кладовщик", store)}
        owners["otherDepartmentOpened"], owners["nobody"], owners["nobodyOpened"] = owners["otherDepartment"], None, None
        me = {role: add_user(admin, f"Я-{role}", sales, [roles[role]]) for role in ROLE_SCOPES}
        sessions = {role: login(server, admin, me[role]) for role in ROLE_SCOPES}
        records = {}
        for role in ROLE_SCOPES:
            for entity in ENTITIES:
                for action in ACTIONS[entity]:
                    for owner in OWNERS:
                        n = uid()
                        assignee = me[role] if owner == "own" else owners[owner]
                        more = {"assignedTo": assignee}
                        if owner.endswith("Opened"):
                            more["opened"] = True
                        records[role, entity, action, owner] = add_record(
                            admin, entity, record_fields(entity, n, f"Тайна{n}", **more))
        yield SimpleNamespace(server=server, admin=admin, roles=roles, me=me, sessions=sessions, records=records,
                              owners=owners, stages=next_stages(admin), departments={"company": company, "sales": sales,
                                                                                       "moscow": moscow, "store": store})
    finally:
        for session in locals().get("sessions", {}).values():
            session.close()
        admin.close()
        stop_server(server, directory)


CELLS = [(role, entity, action, owner) for role in ROLE_SCOPES for entity in ENTITIES for action in ACTIONS[entity]
         for owner in OWNERS]


def act(client, world, entity: str, action: str, id_: int):
    if action == "read":
        return client.call(f"{entity}.get", {"id": id_})
    if action == "update":
        return client.call(f"{entity}.update", {"id": id_, "fields": {"comments": "Перезвонить в понедельник"}})
    if action == "delete":
        return client.call(f"{entity}.delete", {"id": id_})
    return client.call(f"{entity}.update", {"id": id_, "fields": {"stageId": world.stages[entity]}})


@pytest.mark.parametrize("role,entity,action,owner", CELLS, ids=["-".join(cell) for cell in CELLS])
def test_matrix_of_roles_entities_actions_and_owners(world, request, role, entity, action, owner):
    request.node.crmd_servers = [world.server]
    record = world.records[role, entity, action, owner]
    id_ = record["id"]
    before = world.admin.call(f"{entity}.get", {"id": id_})
    scope = ROLE_SCOPES[role][action]
    allowed = owner in REACHES[scope]
    session = world.sessions[role]
    if allowed:
        result = act(session, world, entity, action, id_)
        after = without_money(world.admin.call(f"{entity}.get", {"id": id_})) if action != "delete" else None
        if action == "read":
            assert result == before
        elif action == "update":
            assert result["comments"] == "Перезвонить в понедельник" and result["version"] == before["version"] + 1
            assert after == result and after["updatedBy"] == world.me[role]
        elif action == "changeStage":
            assert result["stageId"] == world.stages[entity] and result["version"] == before["version"] + 1
            assert after == result
        else:
            assert result == {"id": id_, "deleted": True}
            with pytest.raises(NotFound):
                world.admin.call(f"{entity}.get", {"id": id_})
        return
    with pytest.raises(CrmdError) as caught:
        act(session, world, entity, action, id_)
    assert_denied(caught.value, f"{entity}.{action}", entity, id_, secrets_of(before), id_optional=scope == "none")
    assert world.admin.call(f"{entity}.get", {"id": id_}) == before, "a refused call changed the record"


ADD_CELLS = [(role, entity, owner) for role in ROLE_SCOPES for entity in ENTITIES for owner in OWNERS]


@pytest.mark.parametrize("role,entity,owner", ADD_CELLS, ids=["-".join(cell) for cell in ADD_CELLS])
def test_matrix_of_adds_whose_new_record_must_fall_in_the_add_scope(world, request, role, entity, owner):
    """`X.add {fields: {assignedTo, opened?}}` by each role: allowed when the new record falls in
    the role's add scope, else 1006 `<entity>.add` without an id, and nothing is written."""
    request.node.crmd_servers = [world.server]
    n = uid()
    marker = f"Новая{n}"
    more = {"assignedTo": world.me[role] if owner == "own" else world.owners[owner]}
    if owner.endswith("Opened"):
        more["opened"] = True
    name = "name" if entity == "contact" else "title"
    scope = ROLE_SCOPES[role]["add"]
    session = world.sessions[role]
    if owner in REACHES[scope]:
        made = session.call(f"{entity}.add", {"fields": record_fields(entity, n, marker, **more)})
        assert (made["assignedTo"], made["createdBy"], made["opened"]) == \
            (more["assignedTo"], world.me[role], more.get("opened", False))
        return
    error = denied(session, f"{entity}.add", {"fields": record_fields(entity, n, marker, **more)})
    assert_denied(error, f"{entity}.add", entity, None, [marker])
    assert world.admin.call(f"{entity}.list", {"filter": {name: marker}, "count": True})["total"] == 0


def test_the_built_in_roles_carry_the_contracts_scopes(world):
    """The table the matrix expects is what role.list says of the built-in roles."""
    by_code = {r["code"]: r for r in world.admin.call("role.list")["items"] if r["code"]}
    wrong = []
    for role, scopes in ROLE_SCOPES.items():
        for entity in ENTITIES:
            for action in ACTIONS[entity] + ["add"]:
                got = by_code[role]["permissions"][entity][action]
                if got != scopes[action]:
                    wrong.append(f"{role} {entity}.{action}: {got}, contract {scopes[action]}")
    assert not wrong, wrong


@pytest.mark.parametrize("role", list(ROLE_SCOPES))
@pytest.mark.parametrize("entity", ENTITIES)
def test_a_list_holds_exactly_the_records_in_read_scope(world, request, role, entity):
    """Every page of `X.list` (and `total`) for a role holds the matrix's records its read scope reaches."""
    request.node.crmd_servers = [world.server]
    owner_of = {rec["id"]: owner for (r, e, _, owner), rec in world.records.items() if e == entity}
    own_of = {rec["id"]: r for (r, e, _, owner), rec in world.records.items() if e == entity and owner == "own"}
    existing = set(every_id(world.admin, f"{entity}.list")) & set(owner_of)
    reach = REACHES[ROLE_SCOPES[role]["read"]]

    def reached(i: int) -> bool:
        owner = owner_of[i]
        if owner == "own":
            # Another role's "own" record is its user's, a colleague of the same department.
            return own_of[i] == role or "sameDepartment" in reach
        return owner in reach

    expected = {i for i in existing if reached(i)}
    session = world.sessions[role]
    if ROLE_SCOPES[role]["read"] == "none":
        try:
            listed = every_id(session, f"{entity}.list")
        except CrmdError as error:
            assert_denied(error, f"{entity}.read", entity, None)
            return
        assert set(listed) & set(owner_of) == set(), f"{role} lists {entity} records it may not read"
        return
    listed = every_id(session, f"{entity}.list", limit=7)
    assert len(listed) == len(set(listed)), "a record came twice over the pages"
    seen = set(listed) & set(owner_of)
    if seen != expected:
        shown = Counter(owner_of[i] for i in seen - expected)
        missing = Counter(owner_of[i] for i in expected - seen)
        pytest.fail(f"{role} {entity}.list: shown and not reached, by owner: {dict(shown)}; "
                    f"reached and not shown: {dict(missing)}", pytrace=False)
    total = session.call(f"{entity}.list", {"count": True, "limit": 1})["total"]
    assert total == len(set(listed)), f"total {total} != {len(set(listed))} records listed"


def test_a_missing_id_is_1002_with_some_reach_and_1006_without_any(world):
    manager, exchange = world.sessions["manager"], world.sessions["exchange"]
    for entity in ENTITIES:
        with pytest.raises(NotFound):
            manager.call(f"{entity}.get", {"id": 987654321})
        assert_denied(denied(exchange, f"{entity}.get", {"id": 987654321}), f"{entity}.read", entity, 987654321,
                      id_optional=True)


def test_anyone_may_describe_the_crm_and_a_role_without_reach_is_refused(world, request):
    """`.fields`, `pipeline.list`, `field.list`, `user.current`, `server.info`, `rpc.discover`: anyone;
    the exchange role reads no users and no settings."""
    request.node.crmd_servers = [world.server]
    exchange = world.sessions["exchange"]
    for entity in ENTITIES:
        assert exchange.call(f"{entity}.fields") == world.admin.call(f"{entity}.fields")
        assert exchange.call("field.list", {"entityType": entity}) == world.admin.call("field.list", {"entityType": entity})
    for entity in ("lead", "deal"):
        assert exchange.call("pipeline.list", {"entityType": entity}) == world.admin.call("pipeline.list", {"entityType": entity})
    assert exchange.call("user.current")["id"] == world.me["exchange"]
    exchange.call("server.info")
    exchange.call("rpc.discover")
    assert_denied(denied(exchange, "user.list", {}), "users.read", "users", None)
    assert_denied(denied(exchange, "user.get", {"id": world.me["manager"]}), "users.read", "users", world.me["manager"],
                  id_optional=True)
    assert_denied(denied(exchange, "settings.get", {}), "settings.read", "settings", None)
    assert_denied(denied(exchange, "requisite.lookup", {"inn": "7707083893"}), "company.read", "company", None)
    # A manager reads the team (users.read all) but not the settings (no settings.read).
    assert world.me["exchange"] in {u["id"] for u in world.sessions["manager"].call("user.list")["items"]}
    assert_denied(denied(world.sessions["manager"], "settings.get", {}), "settings.read", "settings", None)


def test_a_department_role_reaches_the_users_below_it_not_above(make_server):
    """headOfSales given to «Продажи» by department.setRoles: a user of «Продажи Москва» holds it
    (for «Продажи Москва»'s records only, her own department), a user of «Компания» does not."""
    server = make_server()
    with server.client() as raw:
        admin = CheckedClient(raw)
        roles = role_ids(admin)
        company = add_department(admin, "Компания")
        sales = add_department(admin, "Продажи", company)
        moscow = add_department(admin, "Продажи Москва", sales)
        admin.call("department.setRoles", {"id": sales, "roleIds": [roles["headOfSales"]]})
        muscovite = add_user(admin, "Москвич", moscow)
        neighbour = add_user(admin, "Соседка", moscow)
        seller = add_user(admin, "Продавец", sales)
        boss = add_user(admin, "Директор", company)
        leads = {who: admin.call("lead.add", {"fields": record_fields("lead", uid(), f"Лид{uid()}", assignedTo=user)})
                 for who, user in [("neighbour", neighbour), ("seller", seller), ("boss", boss)]}
        m = login(server, admin, muscovite)
        assert m.call("lead.get", {"id": leads["neighbour"]["id"]})["id"] == leads["neighbour"]["id"]
        # «Продажи» is above her department: the scope goes down the tree, not up.
        assert_denied(denied(m, "lead.get", {"id": leads["seller"]["id"]}), "lead.read", "lead", leads["seller"]["id"],
                      secrets_of(leads["seller"]))
        s = login(server, admin, seller)
        assert s.call("lead.get", {"id": leads["neighbour"]["id"]})["id"] == leads["neighbour"]["id"]
        b = login(server, admin, boss)
        # He holds no role at all: refused without looking (the id may be left out).
        assert_denied(denied(b, "lead.get", {"id": leads["seller"]["id"]}), "lead.read", "lead", leads["seller"]["id"],
                      secrets_of(leads["seller"]), id_optional=True)
        for c in (m, s, b):
            c.close()


def test_moving_the_stage_needs_change_stage_and_other_fields_need_update(make_server):
    """An update that only moves the stage needs only changeStage; one that also changes a field
    needs update too; one that changes fields but not the stage needs only update."""
    server = make_server()
    with server.client() as raw:
        admin = CheckedClient(raw)
        mover = admin.call("role.add", {"fields": {"name": "Двигает", "permissions": {
            "lead": {"read": "own", "changeStage": "own"}}}})
        editor = admin.call("role.add", {"fields": {"name": "Правит", "permissions": {
            "lead": {"read": "own", "update": "own"}}}})
        anna = add_user(admin, "Анна", roles=[mover["id"]])
        boris = add_user(admin, "Борис", roles=[editor["id"]])
        stage = next_stages(admin)["lead"]
        a_lead = admin.call("lead.add", {"fields": record_fields("lead", uid(), "Лид Анны", assignedTo=anna)})
        b_lead = admin.call("lead.add", {"fields": record_fields("lead", uid(), "Лид Бориса", assignedTo=boris)})
        a, b = login(server, admin, anna), login(server, admin, boris)

        assert_denied(denied(a, "lead.update", {"id": a_lead["id"], "fields": {"comments": "x"}}), "lead.update", "lead",
                      a_lead["id"])
        assert_denied(denied(a, "lead.update", {"id": a_lead["id"], "fields": {"stageId": stage, "comments": "x"}}),
                      "lead.update", "lead", a_lead["id"])
        assert admin.call("lead.get", {"id": a_lead["id"]}) == a_lead
        moved = a.call("lead.update", {"id": a_lead["id"], "fields": {"stageId": stage}})
        assert moved["stageId"] == stage and moved["comments"] is None

        assert b.call("lead.update", {"id": b_lead["id"], "fields": {"comments": "x"}})["comments"] == "x"
        b_lead = admin.call("lead.get", {"id": b_lead["id"]})
        assert_denied(denied(b, "lead.update", {"id": b_lead["id"], "fields": {"stageId": stage}}), "lead.changeStage",
                      "lead", b_lead["id"])
        assert_denied(denied(b, "lead.update", {"id": b_lead["id"], "fields": {"stageId": stage, "comments": "y"}}),
                      "lead.changeStage", "lead", b_lead["id"])
        assert admin.call("lead.get", {"id": b_lead["id"]}) == b_lead
        a.close()
        b.close()


def test_an_add_may_leave_a_record_without_a_responsible(make_server):
    """`assignedTo` defaults to the caller only when the add does not give it: an explicit null
    is nobody (reached then only by `all`, or `open` when opened)."""
    server = make_server()
    with server.client() as raw:
        admin = CheckedClient(raw)
        made = {entity: admin.call(f"{entity}.add", {"fields": record_fields(entity, uid(), f"Ничья{uid()}",
                                                                             assignedTo=None)})["assignedTo"]
                for entity in ENTITIES}
        assert made == {entity: None for entity in ENTITIES}


def test_records_carry_their_responsible_and_open_mark(make_server):
    server = make_server()
    with server.client() as raw:
        admin = CheckedClient(raw)
        anna = add_user(admin, "Анна")
        for entity in ENTITIES:
            plain = admin.call(f"{entity}.add", {"fields": record_fields(entity, uid(), f"Запись{uid()}")})
            assert (plain["assignedTo"], plain["opened"]) == (1, False), entity
            opened = admin.call(f"{entity}.add", {"fields": record_fields(entity, uid(), f"Запись{uid()}", assignedTo=anna,
                                                                          opened=True)})
            assert (opened["assignedTo"], opened["opened"]) == (anna, True), entity
            assert admin.call(f"{entity}.get", {"id": opened["id"]})["opened"] is True
            changed = admin.call(f"{entity}.update", {"id": plain["id"], "fields": {"opened": True}})
            assert changed["opened"] is True, entity


# ================================================================================ leaks

@pytest.fixture(scope="module")
def leaks(crmd_bin):
    """A manager «Мария» of «Продажи» who may read her own records and open ones, beside
    records of others she must not see: the hidden lead «Зеркальщиков» above all."""
    server, directory = start_server(crmd_bin, "access-leaks")
    admin = CheckedClient(server.client())
    try:
        roles = role_ids(admin)
        sales = add_department(admin, "Продажи")
        store = add_department(admin, "Склад")
        maria = add_user(admin, "Мария", sales, [roles["manager"]])
        xenia = add_user(admin, "Ксения", sales, [roles["manager"]])
        yuri = add_user(admin, "Юрий", store, [roles["manager"]])

        def lead(assignee, title=None, **more):
            n = uid()
            return add_record(admin, "lead", record_fields("lead", n, title or f"Лид {n}", assignedTo=assignee, **more))

        n = uid()
        hidden = admin.call("lead.add", {"fields": {
            "title": "Зеркальщиков: тендер на камеры", "name": "Аркадий", "lastName": "Зеркальщиков",
            "phones": [{"value": phone(n)}], "emails": [{"value": f"zerkalo{n}@example.ru"}], "city": "Кострома",
            "topic": "Секретный тендер", "comments": "Бюджет 4 700 000, решает Аркадий", "assignedTo": xenia}})
        others = [lead(maria), lead(maria), lead(maria, opened=True), lead(xenia, opened=True), lead(yuri, opened=True),
                  lead(None, opened=True), lead(xenia), lead(xenia), lead(yuri), lead(yuri), lead(1), lead(None)]
        maria_session = login(server, admin, maria)
        yield SimpleNamespace(server=server, admin=admin, maria=maria, xenia=xenia, yuri=yuri, hidden=hidden,
                              others=others, m=maria_session)
    finally:
        if "maria_session" in locals():
            maria_session.close()
        admin.close()
        stop_server(server, directory)


def visible_leads(leaks) -> set[int]:
    """The leads Maria may read, judged from the administrator's reading of every lead."""
    ids = every_id(leaks.admin, "lead.list")
    out = set()
    for i in ids:
        lead = leaks.admin.call("lead.get", {"id": i})
        if lead["assignedTo"] == leaks.maria or lead.get("opened") is True:
            out.add(i)
    return out


def test_a_hidden_lead_is_in_no_list_total_or_page(leaks, request):
    request.node.crmd_servers = [leaks.server]
    hidden = leaks.hidden["id"]
    assert hidden in every_id(leaks.admin, "lead.list")
    expected = visible_leads(leaks)
    assert hidden not in expected and len(expected) >= 5
    first = leaks.m.call("lead.list", {"count": True})
    assert {item["id"] for item in first["items"]} == expected
    assert first["total"] == len(expected)
    for limit, order in [(1, None), (2, {"title": "desc"}), (1, {"id": "desc"}), (3, {"createdAt": "asc"})]:
        params = {"order": order} if order else {}
        pages = every_id(leaks.m, "lead.list", params, limit=limit)
        assert sorted(pages) == sorted(expected), (limit, order)
    # A cursor of the administrator's pages leads Мария only to what she may read.
    cursor = None
    while True:
        page = leaks.admin.call("lead.list", {"limit": 1, "cursor": cursor})
        cursor = page["next"]
        if cursor is None:
            break
        theirs = leaks.m.call("lead.list", {"limit": 3, "cursor": cursor})
        assert {item["id"] for item in theirs["items"]} <= expected, cursor
    assert leaks.m.call("lead.list", {"filter": {"assignedTo": leaks.xenia}, "count": True})["total"] == \
        len([i for i in expected if leaks.admin.call("lead.get", {"id": i})["assignedTo"] == leaks.xenia])


def test_search_and_filters_do_not_find_a_hidden_lead(leaks, request):
    request.node.crmd_servers = [leaks.server]
    hidden = leaks.hidden
    tel = hidden["phones"][0]["value"]
    probes = [{"search": "Зеркальщиков"}, {"search": "зеркальщ"}, {"search": tel}, {"search": "8" + digits_of(tel)},
              {"filter": {"phones": tel}}, {"filter": {"emails": hidden["emails"][0]["value"]}},
              {"filter": {"%title": "зеркальщ"}}, {"filter": {"id": hidden["id"]}}, {"filter": {"city": "Кострома"}},
              {"filter": {"@id": [hidden["id"]]}}, {"filter": {"lastName": "Зеркальщиков"}}]
    for probe in probes:
        assert [i["id"] for i in leaks.admin.call("lead.list", probe)["items"]] == [hidden["id"]], probe
        page = leaks.m.call("lead.list", {**probe, "count": True})
        assert (page["items"], page["total"]) == ([], 0), probe
    own = next(lead for lead in leaks.others if lead["assignedTo"] == leaks.maria)
    assert [i["id"] for i in leaks.m.call("lead.list", {"filter": {"@id": [hidden["id"], own["id"]]}})["items"]] == [own["id"]]


def test_refusals_of_a_hidden_lead_tell_nothing_of_it(leaks, request):
    request.node.crmd_servers = [leaks.server]
    hidden = leaks.admin.call("lead.get", {"id": leaks.hidden["id"]})
    secrets = secrets_of(hidden) + ["Аркадий", "Кострома", "4 700 000", "Ксения"]
    id_ = hidden["id"]
    for method, params, permission in [
            ("lead.get", {"id": id_}, "lead.read"),
            ("lead.update", {"id": id_, "fields": {"comments": "Мой теперь"}}, "lead.update"),
            ("lead.update", {"id": id_, "fields": {"assignedTo": leaks.maria}}, "lead.update"),
            # A stale version must not be 1005 telling the current one.
            ("lead.update", {"id": id_, "fields": {"comments": "x"}, "expectedVersion": 999}, "lead.update"),
            # Nor may a stage unknown to its pipeline be 1007/1002 telling which pipeline it is in.
            ("lead.update", {"id": id_, "fields": {"stageId": "NO_SUCH_STAGE", "comments": "x"}}, "lead.update"),
            ("lead.update", {"id": id_, "fields": {"comments": "x", "assignedTo": 987654}}, "lead.update"),
            ("lead.delete", {"id": id_}, "lead.delete"),
            ("lead.convert", {"id": id_}, "lead.convert"),
            ("timeline.list", {"entityType": "lead", "id": id_}, "lead.read"),
            ("comment.add", {"entityType": "lead", "id": id_, "text": "Привет"}, "lead.read")]:
        assert_denied(denied(leaks.m, method, params), permission, "lead", id_, secrets)
    assert leaks.admin.call("lead.get", {"id": id_}) == hidden
    assert "Привет" not in json.dumps(leaks.admin.call("timeline.list", {"entityType": "lead", "id": id_}), ensure_ascii=False)


def test_a_batch_is_judged_call_by_call(leaks, request):
    """A JSON-RPC batch (and pipelined calls) of a manager: each call as if alone."""
    request.node.crmd_servers = [leaks.server]
    hidden = leaks.hidden
    own = next(lead for lead in leaks.others if lead["assignedTo"] == leaks.maria)
    calls = [("lead.get", {"id": hidden["id"]}), ("lead.get", {"id": own["id"]}),
             ("lead.list", {"search": "Зеркальщиков", "count": True}),
             ("lead.update", {"id": hidden["id"], "fields": {"comments": "из пакета"}})]
    for outcomes in (leaks.m.raw.batch(calls), leaks.m.raw.pipeline(calls)):
        assert_denied(outcomes[0], "lead.read", "lead", hidden["id"], secrets_of(hidden))
        assert outcomes[1]["id"] == own["id"]
        assert (outcomes[2]["items"], outcomes[2]["total"]) == ([], 0)
        assert_denied(outcomes[3], "lead.update", "lead", hidden["id"], secrets_of(hidden))
    assert leaks.admin.call("lead.get", {"id": hidden["id"]})["comments"] == hidden["comments"]


def test_duplicate_find_shows_only_the_matches_the_manager_may_read(leaks, request):
    request.node.crmd_servers = [leaks.server]
    admin, n = leaks.admin, uid()
    tel, mail = phone(n), f"twins{n}@example.ru"
    hidden = admin.call("contact.add", {"fields": {"name": "Скрытнов", "lastName": f"Тайный{n}", "phones": [{"value": tel}],
                                                   "assignedTo": leaks.xenia}})
    opened = admin.call("contact.add", {"fields": {"name": "Открытова", "phones": [{"value": tel}], "assignedTo": leaks.yuri,
                                                   "opened": True}})
    own = admin.call("contact.add", {"fields": {"name": "Своя", "phones": [{"value": tel}], "assignedTo": leaks.maria}})
    hidden_co = admin.call("company.add", {"fields": {"title": f"ООО «Невидимка-{n}»", "emails": [{"value": mail}],
                                                      "assignedTo": leaks.yuri}})
    own_co = admin.call("company.add", {"fields": {"title": f"ООО «Своя-{n}»", "emails": [{"value": mail}],
                                                   "assignedTo": leaks.maria}})
    query = {"entityType": "contact", "phones": ["8" + digits_of(tel)]}
    assert {m["id"] for m in admin.call("duplicate.find", query)["items"]} == {hidden["id"], opened["id"], own["id"]}
    found = leaks.m.call("duplicate.find", query)
    assert {m["id"] for m in found["items"]} == {opened["id"], own["id"]}
    assert "Скрытнов" not in json.dumps(found, ensure_ascii=False)
    query = {"entityType": "company", "emails": [mail.upper()]}
    assert {m["id"] for m in admin.call("duplicate.find", query)["items"]} == {hidden_co["id"], own_co["id"]}
    found = leaks.m.call("duplicate.find", query)
    assert {m["id"] for m in found["items"]} == {own_co["id"]}
    assert "Невидимка" not in json.dumps(found, ensure_ascii=False)
    # By INN and by name: other indexes, the same rule.
    inn = inn10(n)
    admin.call("requisite.add", {"entityType": "company", "entityId": hidden_co["id"], "preset": "legal", "fields": {"inn": inn}})
    for query in [{"entityType": "company", "inn": inn}, {"entityType": "company", "title": f"Невидимка-{n}"},
                  {"entityType": "contact", "title": f"Скрытнов Тайный{n}"}]:
        assert admin.call("duplicate.find", query)["items"], query
        found = leaks.m.call("duplicate.find", query)
        assert found["items"] == [], (query, found)


def test_converting_shows_a_hidden_duplicate_only_as_hidden(leaks, request):
    """Maria converts her own lead whose phone is that of a contact she may not read: 1003 shows
    that match as {hidden, assignedTo, matchedBy: [{key}]} — no id, name or value — the ones she
    may read in full, and nothing is created."""
    request.node.crmd_servers = [leaks.server]
    admin, n = leaks.admin, uid()
    tel = phone(n)
    hidden = admin.call("contact.add", {"fields": {"name": "Невидимов", "lastName": f"Тайнов{n}", "phones": [{"value": tel}],
                                                   "emails": [{"value": f"hidden{n}@example.ru"}], "assignedTo": leaks.xenia}})
    opened = admin.call("contact.add", {"fields": {"name": "Открытов", "phones": [{"value": tel}], "assignedTo": leaks.yuri,
                                                   "opened": True}})
    lead = admin.call("lead.add", {"fields": {
        "title": f"Камеры для дачи {n}", "name": "Пётр", "lastName": f"Лидов{n}", "clientType": "person",
        "phones": [{"value": "8" + digits_of(tel)}], "emails": [{"value": f"petr{n}@example.ru"}], "city": "Тверь",
        "topic": "Видеонаблюдение", "assignedTo": leaks.maria}})
    deals_before = leaks.admin.call("deal.list", {"count": True, "limit": 1})["total"]
    contacts_before = leaks.admin.call("contact.list", {"count": True, "limit": 1})["total"]

    error = denied(leaks.m, "lead.convert", {"id": lead["id"]})
    assert isinstance(error, DuplicatesFound), repr(error)
    matches = error.data.get("contact", [])
    shown = [m for m in matches if not m.get("hidden")]
    veiled = [m for m in matches if m.get("hidden")]
    assert {m["id"] for m in shown} == {opened["id"]} and shown[0]["title"]
    assert veiled == [{"hidden": True, "assignedTo": leaks.xenia, "matchedBy": [{"key": "phone"}]}], veiled
    text = error_text(error)
    for secret in ["Невидимов", f"Тайнов{n}", f"hidden{n}@example.ru"]:
        assert secret not in text, f"1003 shows {secret!r} of the hidden contact: {text}"
    assert f'"id": {hidden["id"]}' not in json.dumps(error.data, ensure_ascii=False)
    assert leaks.admin.call("lead.get", {"id": lead["id"]}) == lead
    assert leaks.admin.call("deal.list", {"count": True, "limit": 1})["total"] == deals_before
    assert leaks.admin.call("contact.list", {"count": True, "limit": 1})["total"] == contacts_before

    # A company lead whose INN is that of a company she may not read: masked the same way.
    inn = inn10(n)
    company = admin.call("company.add", {"fields": {"title": f"ООО «Скрытая-{n}»", "assignedTo": leaks.yuri}})
    admin.call("requisite.add", {"entityType": "company", "entityId": company["id"], "preset": "legal", "fields": {"inn": inn}})
    firm = admin.call("lead.add", {"fields": {
        "title": f"Склад {n}", "name": "Олег", "lastName": f"Фирмов{n}", "clientType": "company", "companyTitle": f"Фирма-{n}",
        "requisites": {"inn": inn, "kpp": "770401001"}, "phones": [{"value": phone(n + 7)}],
        "emails": [{"value": f"firm{n}@example.ru"}], "city": "Тверь", "topic": "Видеонаблюдение", "assignedTo": leaks.maria}})
    error = denied(leaks.m, "lead.convert", {"id": firm["id"]})
    assert isinstance(error, DuplicatesFound), repr(error)
    assert error.data.get("company") == [{"hidden": True, "assignedTo": leaks.yuri, "matchedBy": [{"key": "inn"}]}], error.data
    assert f"Скрытая-{n}" not in error_text(error) and f'"id": {company["id"]}' not in json.dumps(error.data)


def test_a_stage_move_of_a_hidden_deal_tells_nothing_of_what_it_lacks(leaks, request):
    """A move to a stage with required fields the deal lacks is 1006, not 1001 listing them."""
    request.node.crmd_servers = [leaks.server]
    pipeline = next(p for p in leaks.admin.call("pipeline.list", {"entityType": "deal"})["items"] if p["isDefault"])
    demanding = next(s for s in pipeline["stages"] if s["requiredFields"])
    deal = leaks.admin.call("deal.add", {"fields": {"title": f"Скрытая сделка {uid()}", "assignedTo": leaks.xenia}})
    error = denied(leaks.m, "deal.update", {"id": deal["id"], "fields": {"stageId": demanding["id"]}})
    assert error.code == 1006, f"a hidden deal's stage move answered {error!r} {error.data}"
    assert error.data.get("permission") in ("deal.changeStage", "deal.update") and error.data.get("id") == deal["id"]
    for name in demanding["requiredFields"]:
        assert name not in error_text(error)
    assert without_money(leaks.admin.call("deal.get", {"id": deal["id"]})) == deal


def test_an_idempotency_key_does_not_hand_out_another_users_record(leaks, request):
    """Ксения's add with a key; Мария's add with the same key must not return Ксения's lead
    (a new lead of Мария's, or a refusal telling nothing of it)."""
    request.node.crmd_servers = [leaks.server]
    xenia = login(leaks.server, leaks.admin, leaks.xenia)
    key = f"order-{uid()}"
    n = uid()
    theirs = xenia.call("lead.add", {"fields": record_fields("lead", n, f"Заказ Ксении {n}"), "idempotencyKey": key})
    assert theirs["assignedTo"] == leaks.xenia
    try:
        mine = leaks.m.call("lead.add", {"fields": record_fields("lead", uid(), "Заказ Марии"), "idempotencyKey": key})
    except CrmdError as error:
        text = error_text(error)
        for secret in secrets_of(theirs):
            assert secret not in text, f"the refusal shows {secret!r}: {text}"
    else:
        assert mine["id"] != theirs["id"] and mine["assignedTo"] == leaks.maria, \
            f"Мария's add with Ксения's idempotency key returned Ксения's lead: {mine}"
    assert leaks.admin.call("lead.get", {"id": theirs["id"]}) == theirs
    xenia.close()


def test_a_manager_converts_her_own_lead_into_records_of_her_own(leaks, request):
    request.node.crmd_servers = [leaks.server]
    n = uid()
    lead = leaks.admin.call("lead.add", {"fields": {
        "title": f"Офис {n}", "name": "Ольга", "lastName": f"Своя{n}", "clientType": "company", "companyTitle": f"Офис-{n}",
        "phones": [{"value": phone(n)}], "emails": [{"value": f"office{n}@example.ru"}], "city": "Тверь",
        "topic": "Видеонаблюдение", "assignedTo": leaks.maria}})
    result = leaks.m.call("lead.convert", {"id": lead["id"]})
    for entity, key in [("deal", "dealId"), ("contact", "contactId"), ("company", "companyId")]:
        made = leaks.m.call(f"{entity}.get", {"id": result[key]})
        assert made["assignedTo"] == leaks.maria, (entity, made["assignedTo"])
    assert leaks.m.call("lead.get", {"id": lead["id"]})["stageId"] == "CONVERTED"


def test_an_open_record_may_be_read_and_commented_by_anyone_who_reads_open_ones(leaks, request):
    request.node.crmd_servers = [leaks.server]
    opened = leaks.admin.call("lead.add", {"fields": record_fields("lead", uid(), f"Открытый {uid()}", assignedTo=leaks.xenia,
                                                                   opened=True)})
    assert leaks.m.call("lead.get", {"id": opened["id"]}) == opened
    comment = leaks.m.call("comment.add", {"entityType": "lead", "id": opened["id"], "text": "Могу помочь"})
    assert comment["authorId"] == leaks.maria
    entries = leaks.m.call("timeline.list", {"entityType": "lead", "id": opened["id"]})["items"]
    assert "Могу помочь" in json.dumps(entries, ensure_ascii=False)
    # …but not changed by her.
    assert_denied(denied(leaks.m, "lead.update", {"id": opened["id"], "fields": {"comments": "x"}}), "lead.update", "lead",
                  opened["id"])


def test_converting_into_a_hidden_contact_is_refused(leaks, request):
    """Choosing a contact she may not change (here: not even read) for her lead's conversion is
    1006 on that contact, and nothing is created or changed."""
    request.node.crmd_servers = [leaks.server]
    n = uid()
    hidden = leaks.admin.call("contact.add", {"fields": {"name": f"Чужой{n}", "phones": [{"value": phone(n)}],
                                                         "assignedTo": leaks.xenia}})
    lead = leaks.admin.call("lead.add", {"fields": {
        "title": f"Дача {n}", "name": "Пётр", "lastName": f"Дачный{n}", "clientType": "person",
        "phones": [{"value": phone(n + 1)}], "emails": [{"value": f"dacha{n}@example.ru"}], "city": "Тверь",
        "topic": "Видеонаблюдение", "assignedTo": leaks.maria}})
    deals_before = leaks.admin.call("deal.list", {"count": True, "limit": 1})["total"]
    error = denied(leaks.m, "lead.convert", {"id": lead["id"], "contact": {"action": "use", "id": hidden["id"]}})
    assert error.code == 1006 and error.data.get("entityType") == "contact" and error.data.get("id") == hidden["id"], error
    assert error.data.get("permission") in ("contact.read", "contact.update"), error.data
    assert f"Чужой{n}" not in error_text(error)
    assert leaks.admin.call("contact.get", {"id": hidden["id"]}) == hidden
    assert leaks.admin.call("lead.get", {"id": lead["id"]}) == lead
    assert leaks.admin.call("deal.list", {"count": True, "limit": 1})["total"] == deals_before


def test_a_managers_invoice_list_holds_only_the_invoices_of_her_deals(leaks, request):
    request.node.crmd_servers = [leaks.server]
    admin = leaks.admin
    buyer = invoice_parties(admin)
    invoices = {}
    for who, assignee in [("maria", leaks.maria), ("xenia", leaks.xenia), ("admin", 1)]:
        deal = admin.call("deal.add", {"fields": {"title": f"Камеры {who}", "companyId": buyer, "assignedTo": assignee}})
        admin.call("deal.productRows.set", {"id": deal["id"], "rows": [{"name": "Камера", "price": "4500", "quantity": "2"}]})
        invoice = admin.call("invoice.createFromDeal", {"dealId": deal["id"]})
        assert (invoice["assignedTo"], invoice["opened"]) == (assignee, False), "an invoice takes its deal's owner"
        invoices[who] = invoice
    assert {invoices[w]["id"] for w in invoices} <= set(every_id(admin, "invoice.list"))
    page = leaks.m.call("invoice.list", {"count": True})
    assert [i["id"] for i in page["items"]] == [invoices["maria"]["id"]] and page["total"] == 1
    assert leaks.m.call("invoice.get", {"id": invoices["maria"]["id"]})["id"] == invoices["maria"]["id"]
    xenias = invoices["xenia"]
    xenias_before = admin.call("invoice.get", {"id": xenias["id"]})
    assert_denied(denied(leaks.m, "invoice.get", {"id": xenias["id"]}), "invoice.read", "invoice", xenias["id"],
                  [xenias["number"]])
    assert_denied(denied(leaks.m, "invoice.setStatus", {"id": xenias["id"], "status": "sent"}), "invoice.changeStage",
                  "invoice", xenias["id"], [xenias["number"]])
    assert_denied(denied(leaks.m, "invoice.addPayment", {"id": xenias["id"], "amount": "100", "date": "2026-12-01"}),
                  "invoice.update", "invoice", xenias["id"], [xenias["number"]])
    assert_denied(denied(leaks.m, "invoice.render", {"id": xenias["id"], "format": "html"}), "invoice.read", "invoice",
                  xenias["id"], [xenias["number"]])
    assert_denied(denied(leaks.m, "invoice.publicLink", {"id": xenias["id"]}), "invoice.update", "invoice", xenias["id"],
                  [xenias["number"]])
    assert admin.call("invoice.get", {"id": xenias["id"]}) == xenias_before
    invoices_before = admin.call("invoice.list", {"count": True, "limit": 1})["total"]
    error = denied(leaks.m, "invoice.createFromDeal", {"dealId": xenias["dealId"]})
    assert error.code == 1006 and error.data.get("permission") in ("deal.read", "invoice.add"), error
    assert "Камеры xenia" not in error_text(error)
    assert admin.call("invoice.list", {"count": True, "limit": 1})["total"] == invoices_before
    # Her own invoice she may send.
    assert leaks.m.call("invoice.setStatus", {"id": invoices["maria"]["id"], "status": "sent"})["status"] == "sent"
    # An accountant reads every invoice and makes them from any deal.
    roles = role_ids(admin)
    accountant = add_user(admin, "Бухгалтер", roles=[roles["accountant"]])
    with leaks.server.client() as raw:
        acc = CheckedClient(raw)
        acc.call("session.login", {"token": admin.call("token.add", {"userId": accountant, "name": "1С"})["token"]})
        assert {invoices[w]["id"] for w in invoices} <= set(every_id(acc, "invoice.list"))
        made = acc.call("invoice.createFromDeal", {"dealId": xenias["dealId"]})
        assert made["assignedTo"] == leaks.xenia and made["createdBy"] == accountant
        assert acc.call("invoice.setStatus", {"id": xenias["id"], "status": "sent"})["status"] == "sent"


def test_methods_on_a_records_parts_check_the_record(leaks, request):
    """Product rows, requisites and merges are judged by the deal, company or contact they belong to."""
    request.node.crmd_servers = [leaks.server]
    admin, m, n = leaks.admin, leaks.m, uid()
    own_deal = admin.call("deal.add", {"fields": {"title": f"Своя сделка {n}", "assignedTo": leaks.maria}})
    hidden_deal = admin.call("deal.add", {"fields": {"title": f"Чужая сделка {n}", "assignedTo": leaks.xenia}})
    rows = [{"name": "Регистратор", "price": "12000", "quantity": "1"}]
    admin.call("deal.productRows.set", {"id": hidden_deal["id"], "rows": rows})
    hidden_rows = admin.call("deal.productRows.get", {"id": hidden_deal["id"]})
    assert m.call("deal.productRows.set", {"id": own_deal["id"], "rows": rows})
    assert m.call("deal.productRows.get", {"id": own_deal["id"]})
    assert_denied(denied(m, "deal.productRows.get", {"id": hidden_deal["id"]}), "deal.read", "deal", hidden_deal["id"],
                  ["Регистратор", hidden_deal["title"]])
    assert_denied(denied(m, "deal.productRows.set", {"id": hidden_deal["id"], "rows": []}), "deal.update", "deal",
                  hidden_deal["id"], ["Регистратор", hidden_deal["title"]])
    assert admin.call("deal.productRows.get", {"id": hidden_deal["id"]}) == hidden_rows
    assert_denied(denied(m, "document.render", {"template": "contract", "dealId": hidden_deal["id"], "format": "html"}),
                  "deal.read", "deal", hidden_deal["id"], ["Регистратор", hidden_deal["title"]])

    own_co = admin.call("company.add", {"fields": {"title": f"ООО «Своя-{n}»", "assignedTo": leaks.maria}})
    hidden_co = admin.call("company.add", {"fields": {"title": f"ООО «Чужая-{n}»", "assignedTo": leaks.xenia}})
    inn = inn10(n)
    admin.call("requisite.add", {"entityType": "company", "entityId": hidden_co["id"], "preset": "legal",
                                 "fields": {"inn": inn, "shortName": f"ООО «Чужая-{n}»"}})
    hidden_requisites = admin.call("requisite.list", {"entityType": "company", "entityId": hidden_co["id"]})
    assert m.call("requisite.list", {"entityType": "company", "entityId": own_co["id"]})["items"] == []
    assert_denied(denied(m, "requisite.list", {"entityType": "company", "entityId": hidden_co["id"]}), "company.read",
                  "company", hidden_co["id"], [inn, f"Чужая-{n}"])
    assert_denied(denied(m, "requisite.add", {"entityType": "company", "entityId": hidden_co["id"], "preset": "legal",
                                               "fields": {"inn": inn10(n + 1)}}), "company.update", "company", hidden_co["id"],
                  [inn, f"Чужая-{n}"])
    requisite_id = hidden_requisites["items"][0]["id"]
    for method, params, permission in [
            ("requisite.get", {"id": requisite_id}, "company.read"),
            ("requisite.update", {"id": requisite_id, "fields": {"kpp": "773601001"}}, "company.update"),
            ("requisite.update", {"id": requisite_id, "fields": {"kpp": "773601001"}, "expectedVersion": 99}, "company.update"),
            ("requisite.delete", {"id": requisite_id}, "company.update"),
            ("bankDetail.list", {"requisiteId": requisite_id}, "company.read"),
            ("bankDetail.add", {"requisiteId": requisite_id, "fields": {"bik": "044525593", "account": "40702810801400016513"}},
             "company.update")]:
        assert_denied(denied(m, method, params), permission, "company", hidden_co["id"], [inn, f"Чужая-{n}"])
    assert admin.call("requisite.list", {"entityType": "company", "entityId": hidden_co["id"]}) == hidden_requisites
    assert admin.call("bankDetail.list", {"requisiteId": requisite_id})["items"] == []

    own = admin.call("contact.add", {"fields": {"name": f"Своя{n}", "assignedTo": leaks.maria}})
    own2 = admin.call("contact.add", {"fields": {"name": f"Своя{n}", "lastName": "Вторая", "assignedTo": leaks.maria}})
    hidden = admin.call("contact.add", {"fields": {"name": f"Чужая{n}", "assignedTo": leaks.xenia}})
    opened = admin.call("contact.add", {"fields": {"name": f"Открытая{n}", "assignedTo": leaks.xenia, "opened": True}})
    assert_denied(denied(m, "contact.merge", {"targetId": own["id"], "sourceIds": [hidden["id"]]}), "contact.delete",
                  "contact", hidden["id"], [f"Чужая{n}"])
    assert_denied(denied(m, "contact.merge", {"targetId": opened["id"], "sourceIds": [own2["id"]]}), "contact.update",
                  "contact", opened["id"])
    for record in (own, own2, hidden, opened):
        assert admin.call("contact.get", {"id": record["id"]}) == record
    # Her own two she may merge.
    m.call("contact.merge", {"targetId": own["id"], "sourceIds": [own2["id"]]})
    with pytest.raises(NotFound):
        admin.call("contact.get", {"id": own2["id"]})

    products = admin.call("product.list", {"count": True, "limit": 1})["total"]
    assert_denied(denied(m, "product.add", {"fields": {"name": "Камера", "price": "4500"}}), "product.add", "product", None)
    assert admin.call("product.list", {"count": True, "limit": 1})["total"] == products
    assert m.call("product.list", {"count": True, "limit": 1})["total"] == products


# ================================================================================ tokens, adds, configuration

@pytest.fixture
def team(make_server):
    """A fresh server with a manager «Анна» (and «Борис», another manager) in «Продажи»."""
    server = make_server()
    raw = server.client()
    admin = CheckedClient(raw)
    roles = role_ids(admin)
    sales = add_department(admin, "Продажи")
    anna = add_user(admin, "Анна", sales, [roles["manager"]])
    boris = add_user(admin, "Борис", sales, [roles["manager"]])
    yield SimpleNamespace(server=server, admin=admin, roles=roles, anna=anna, boris=boris, sales=sales)
    raw.close()


def lead_count(admin) -> int:
    return admin.call("lead.list", {"count": True, "limit": 1})["total"]


def test_token_scopes_narrow_the_session(team):
    admin = team.admin
    own = admin.call("lead.add", {"fields": record_fields("lead", uid(), "Лид Анны", assignedTo=team.anna)})
    deal = admin.call("deal.add", {"fields": {"title": "Сделка Анны", "assignedTo": team.anna}})
    hidden = admin.call("lead.add", {"fields": record_fields("lead", uid(), "Лид Бориса", assignedTo=team.boris)})

    reader = login(team.server, admin, team.anna, ["lead:read"])
    assert reader.call("lead.get", {"id": own["id"]})["id"] == own["id"]
    assert own["id"] in every_id(reader, "lead.list")
    before = lead_count(admin)
    assert_denied(denied(reader, "lead.add", {"fields": record_fields("lead", uid(), "Новый")}), "lead.add", "lead", None)
    assert lead_count(admin) == before
    assert_denied(denied(reader, "lead.update", {"id": own["id"], "fields": {"comments": "x"}}), "lead.update", "lead",
                  own["id"], id_optional=True)
    assert_denied(denied(reader, "deal.get", {"id": deal["id"]}), "deal.read", "deal", deal["id"], id_optional=True)
    assert admin.call("lead.get", {"id": own["id"]}) == own

    writer = login(team.server, admin, team.anna, ["lead:*"])
    added = writer.call("lead.add", {"fields": record_fields("lead", uid(), "Новый от скрипта")})
    assert (added["assignedTo"], added["createdBy"]) == (team.anna, team.anna)
    assert writer.call("lead.update", {"id": own["id"], "fields": {"comments": "x"}})["comments"] == "x"
    assert_denied(denied(writer, "deal.add", {"fields": {"title": "Нет"}}), "deal.add", "deal", None)

    whole_lead = login(team.server, admin, team.anna, ["lead"])
    assert whole_lead.call("lead.add", {"fields": record_fields("lead", uid(), "Весь лид")})["assignedTo"] == team.anna
    assert whole_lead.call("lead.get", {"id": own["id"]})["id"] == own["id"]
    assert_denied(denied(whole_lead, "deal.get", {"id": deal["id"]}), "deal.read", "deal", deal["id"], id_optional=True)
    whole_lead.close()

    everything_read = login(team.server, admin, team.anna, ["*:read"])
    assert everything_read.call("deal.get", {"id": deal["id"]})["id"] == deal["id"]
    assert_denied(denied(everything_read, "deal.update", {"id": deal["id"], "fields": {"comments": "x"}}), "deal.update",
                  "deal", deal["id"], id_optional=True)

    # Scopes narrow, never widen: «*» is still only what a manager may do.
    star = login(team.server, admin, team.anna, ["*"])
    assert_denied(denied(star, "lead.get", {"id": hidden["id"]}), "lead.read", "lead", hidden["id"], secrets_of(hidden))
    assert star.call("deal.add", {"fields": {"title": "Можно"}})["assignedTo"] == team.anna

    plain = login(team.server, admin, team.anna)
    assert plain.call("deal.add", {"fields": {"title": "Без скоупов"}})["assignedTo"] == team.anna
    for c in (reader, writer, everything_read, star, plain):
        c.close()


@pytest.mark.parametrize("entity", ENTITIES)
def test_a_manager_adds_only_records_of_her_own(team, entity):
    anna = login(team.server, team.admin, team.anna)
    n = uid()
    marker = f"Чужое{n}"
    name = "name" if entity == "contact" else "title"
    error = denied(anna, f"{entity}.add", {"fields": record_fields(entity, n, marker, assignedTo=team.boris)})
    assert_denied(error, f"{entity}.add", entity, None)
    assert team.admin.call(f"{entity}.list", {"filter": {name: marker}, "count": True})["total"] == 0
    mine = anna.call(f"{entity}.add", {"fields": record_fields(entity, uid(), f"Своё{n}")})
    assert (mine["assignedTo"], mine["createdBy"]) == (team.anna, team.anna)
    assert anna.call(f"{entity}.add", {"fields": record_fields(entity, uid(), f"Своё{n}", assignedTo=team.anna)})[
        "assignedTo"] == team.anna
    anna.close()


def test_a_manager_cannot_change_configuration_or_the_team(team):
    admin = team.admin
    anna = login(team.server, admin, team.anna)
    settings = admin.call("settings.get")
    assert_denied(denied(anna, "settings.update", {"invoiceDueDays": 30}), "settings.update", "settings", None)
    assert admin.call("settings.get") == settings

    fields = admin.call("lead.fields")
    error = denied(anna, "field.add", {"entityType": "lead", "code": "budget", "title": "Бюджет", "type": "string"})
    assert error.code == 1006 and error.data.get("permission") in ("lead.settings", "settings.update"), error.data
    assert admin.call("lead.fields") == fields

    users = admin.call("user.list")
    assert_denied(denied(anna, "user.add", {"fields": {"name": "Самозванец"}}), "users.add", "users", None)
    roles = admin.call("role.list")
    assert_denied(denied(anna, "role.add", {"fields": {"name": "Всемогущий"}}), "users.add", "users", None)
    assert_denied(denied(anna, "department.add", {"fields": {"name": "Свой отдел"}}), "users.add", "users", None)
    # No way up: she cannot give herself the administrator's role nor widen her own.
    assert_denied(denied(anna, "user.setRoles", {"id": team.anna, "roleIds": [team.roles["administrator"]]}),
                  "users.update", "users", team.anna, id_optional=True)
    manager = next(r for r in roles["items"] if r["code"] == "manager")
    assert_denied(denied(anna, "role.update", {"id": manager["id"], "fields": {"permissions": {"lead": {"read": "all"}}}}),
                  "users.update", "users", manager["id"], id_optional=True)
    assert_denied(denied(anna, "user.update", {"id": team.boris, "fields": {"position": "Стажёр"}}), "users.update",
                  "users", team.boris, id_optional=True)
    assert_denied(denied(anna, "user.deactivate", {"id": team.boris}), "users.delete", "users", team.boris,
                  id_optional=True)
    assert_denied(denied(anna, "department.delete", {"id": team.sales}), "users.delete", "users", team.sales,
                  id_optional=True)
    assert_denied(denied(anna, "department.setRoles", {"id": team.sales, "roleIds": [team.roles["administrator"]]}),
                  "users.update", "users", team.sales, id_optional=True)
    assert admin.call("user.list") == users and admin.call("role.list") == roles
    for method, params in [("template.list", {}), ("automation.list", {}), ("settings.get", {})]:
        assert_denied(denied(anna, method, params), "settings.read", "settings", None)
    assert_denied(denied(anna, "template.add", {"code": "my_act", "title": "Акт", "body": "{{ deal.title }}"}),
                  "settings.update", "settings", None)
    assert "my_act" not in json.dumps(admin.call("template.list"))
    lead_pipeline = next(p for p in admin.call("pipeline.list", {"entityType": "lead"})["items"] if p["isDefault"])
    for method, params in [("pipeline.add", {"entityType": "lead", "title": "Свой конвейер"}),
                           ("stage.add", {"pipelineId": lead_pipeline["id"], "title": "Свой этап"}),
                           ("stage.update", {"pipelineId": lead_pipeline["id"], "stageId": "NEW", "title": "Начало"})]:
        error = denied(anna, method, params)
        assert error.code == 1006 and error.data.get("permission") in ("lead.settings", "settings.update"), (method, error)
    assert admin.call("pipeline.list", {"entityType": "lead"})["items"] == [lead_pipeline]
    assert admin.call("department.list")["items"] == [admin.call("department.get", {"id": team.sales})]

    # What anyone may do: see herself, the team, and make her own tokens.
    assert anna.call("user.current")["id"] == team.anna
    assert team.boris in {u["id"] for u in anna.call("user.list")["items"]}
    token = anna.call("token.add", {"userId": team.anna, "name": "мой скрипт"})
    with team.server.client() as raw:
        again = CheckedClient(raw)
        assert again.call("session.login", {"token": token["token"]})["user"]["id"] == team.anna
    listed = anna.call("token.list", {"userId": team.anna})["items"]
    assert token["id"] in {t["id"] for t in listed} and {t["userId"] for t in listed} == {team.anna}
    # …but not another user's.
    assert_denied(denied(anna, "token.add", {"userId": team.boris, "name": "его скрипт"}), "users.update", "users",
                  team.boris, id_optional=True)
    assert admin.call("token.list", {"userId": team.boris})["items"] == []
    boris_token = admin.call("token.add", {"userId": team.boris, "name": "его"})
    assert_denied(denied(anna, "token.list", {"userId": team.boris}), "users.update", "users", team.boris,
                  id_optional=True)
    error = denied(anna, "token.revoke", {"id": boris_token["id"]})
    assert error.code == 1006 and error.data.get("permission") == "users.update", error.data
    assert admin.call("token.list", {"userId": team.boris})["items"][0]["revokedAt"] is None
    anna.close()


def test_a_manager_may_hand_her_lead_over_and_then_no_longer_sees_it(team):
    """update is judged on the record as it was: her own lead may go to Борис; after that it is his."""
    admin = team.admin
    anna = login(team.server, admin, team.anna)
    lead = anna.call("lead.add", {"fields": record_fields("lead", uid(), "Передаю Борису")})
    handed = anna.call("lead.update", {"id": lead["id"], "fields": {"assignedTo": team.boris}})
    assert handed["assignedTo"] == team.boris
    assert_denied(denied(anna, "lead.get", {"id": lead["id"]}), "lead.read", "lead", lead["id"], secrets_of(handed))
    assert_denied(denied(anna, "lead.update", {"id": lead["id"], "fields": {"assignedTo": team.anna}}), "lead.update",
                  "lead", lead["id"], secrets_of(handed))
    assert admin.call("lead.get", {"id": lead["id"]}) == handed
    anna.close()


def test_the_settings_of_one_entity_allow_configuring_that_entity_only(team):
    """`<entityType>.settings` is enough for pipeline.add, stage.add/update and field.add of that
    entity; another entity's and the global settings stay refused."""
    admin = team.admin
    role = admin.call("role.add", {"fields": {"name": "Настройщик лидов", "permissions": {"lead": {"settings": "all"}}}})
    tuner = add_user(admin, "Настройщик", team.sales, [role["id"]])
    t = login(team.server, admin, tuner)
    lead_pipeline = next(p for p in admin.call("pipeline.list", {"entityType": "lead"})["items"] if p["isDefault"])
    refused_calls = []
    for method, params in [("field.add", {"entityType": "lead", "code": "budget", "title": "Бюджет", "type": "string"}),
                           ("pipeline.add", {"entityType": "lead", "title": "Партнёрский"}),
                           ("stage.add", {"pipelineId": lead_pipeline["id"], "title": "Ждёт звонка"}),
                           ("stage.update", {"pipelineId": lead_pipeline["id"], "stageId": "NEW", "title": "Новый лид"})]:
        try:
            t.call(method, params)
        except CrmdError as error:
            refused_calls.append(f"{method}: {error} {error.data}")
    for method, params in [("field.add", {"entityType": "deal", "code": "budget", "title": "Бюджет", "type": "string"}),
                           ("pipeline.add", {"entityType": "deal", "title": "Чужой"})]:
        error = denied(t, method, params)
        assert error.code == 1006 and error.data.get("permission") in ("deal.settings", "settings.update"), (method, error)
    deal_pipeline = next(p for p in admin.call("pipeline.list", {"entityType": "deal"})["items"] if p["isDefault"])
    error = denied(t, "stage.add", {"pipelineId": deal_pipeline["id"], "title": "Чужой этап"})
    assert error.code == 1006 and error.data.get("permission") in ("deal.settings", "settings.update"), error
    assert_denied(denied(t, "settings.update", {"invoiceDueDays": 30}), "settings.update", "settings", None)
    assert admin.call("pipeline.list", {"entityType": "deal"})["items"] == [deal_pipeline]
    t.close()
    assert not refused_calls, f"lead.settings does not allow: {refused_calls}"


def test_a_change_of_roles_or_department_holds_from_the_next_call_of_a_live_session(team):
    """Permissions are those of the user's roles and department when the call is made: a session
    opened before loses what the administrator takes away and gains what he gives."""
    admin = team.admin
    boris_lead = admin.call("lead.add", {"fields": record_fields("lead", uid(), "Лид Бориса", assignedTo=team.boris)})
    own = admin.call("lead.add", {"fields": record_fields("lead", uid(), "Лид Анны", assignedTo=team.anna)})
    anna = login(team.server, admin, team.anna)
    assert anna.call("lead.get", {"id": own["id"]})["id"] == own["id"]
    assert_denied(denied(anna, "lead.get", {"id": boris_lead["id"]}), "lead.read", "lead", boris_lead["id"])

    admin.call("user.setRoles", {"id": team.anna, "roleIds": [team.roles["headOfSales"]]})
    assert anna.call("lead.get", {"id": boris_lead["id"]})["id"] == boris_lead["id"]
    # Борис moves to another department: out of her reach.
    store = add_department(admin, "Склад")
    admin.call("user.update", {"id": team.boris, "fields": {"departmentId": store}})
    assert_denied(denied(anna, "lead.get", {"id": boris_lead["id"]}), "lead.read", "lead", boris_lead["id"])
    # A role changed by the administrator changes what its holders may do.
    admin.call("role.update", {"id": team.roles["headOfSales"], "fields": {"permissions": {"lead": {"read": "all"}}}})
    assert anna.call("lead.get", {"id": boris_lead["id"]})["id"] == boris_lead["id"]
    admin.call("user.setRoles", {"id": team.anna, "roleIds": []})
    assert_denied(denied(anna, "lead.get", {"id": own["id"]}), "lead.read", "lead", own["id"], id_optional=True)
    anna.close()


def test_a_user_without_roles_may_only_describe_and_manage_her_own_tokens(team):
    admin = team.admin
    nobody = add_user(admin, "Без ролей", team.sales)
    own = admin.call("lead.add", {"fields": record_fields("lead", uid(), "Её лид", assignedTo=nobody)})
    c = login(team.server, admin, nobody)
    assert c.call("user.current")["id"] == nobody
    assert c.call("lead.fields") == admin.call("lead.fields")
    token = c.call("token.add", {"userId": nobody, "name": "свой"})
    assert c.call("token.revoke", {"id": token["id"]})["revokedAt"]
    assert_denied(denied(c, "lead.get", {"id": own["id"]}), "lead.read", "lead", own["id"], secrets_of(own), id_optional=True)
    assert_denied(denied(c, "lead.add", {"fields": record_fields("lead", uid(), "Нельзя")}), "lead.add", "lead", None)
    for entity in ENTITIES:
        try:
            listed = every_id(c, f"{entity}.list")
        except CrmdError as error:
            assert_denied(error, f"{entity}.read", entity, None)
        else:
            assert listed == [], entity
    assert_denied(denied(c, "user.list", {}), "users.read", "users", None)
    c.close()


def test_stdio_acts_as_the_administrator(stdio_client):
    crm = CheckedClient(stdio_client)
    assert crm.call("user.current")["id"] == 1
    roles = role_ids(crm)
    sales = add_department(crm, "Продажи")
    anna = add_user(crm, "Анна", sales, [roles["manager"]])
    lead = crm.call("lead.add", {"fields": record_fields("lead", uid(), "Лид Анны", assignedTo=anna)})
    assert lead["assignedTo"] == anna
    assert crm.call("lead.get", {"id": lead["id"]}) == lead
    assert lead["id"] in every_id(crm, "lead.list")
    assert crm.call("lead.update", {"id": lead["id"], "fields": {"comments": "Проверено"}})["comments"] == "Проверено"
    assert crm.call("settings.update", {"invoiceDueDays": 7})["invoiceDueDays"] == 7
    assert crm.call("lead.delete", {"id": lead["id"]}) == {"id": lead["id"], "deleted": True}
