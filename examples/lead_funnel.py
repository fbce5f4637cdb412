#!/usr/bin/env python3
"""A lead through the funnel with the Python client (seed scenario S1-S4).

    lead_funnel.py [SOCKET]          talk to a running `crmd serve` (default: its default socket)
    lead_funnel.py --spawn BIN       start `BIN serve --stdio --db <temp file>` for the run

1. A lead with too little data is refused (1001) with the fields to fill (S1, S2).
2. With them filled it is created in NEW, then moved to QUALIFICATION and OFFER_SENT (S3).
3. MEETING_SCHEDULED is made to require a new custom field (`field.add`, `stage.update`);
   the move there is refused with exactly that field and changes nothing (S4).
4. The field is filled in the same call as the move; the lead goes on to CONSENT.
5. A comment, then the lead's timeline, oldest first.

The stage requirement is put back as it was at the end. Exits 1 on anything unexpected.
"""
from __future__ import annotations

import os
import secrets
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Clients", "python"))
from crmd_client import Client, ConnectionClosed, CrmdError, RequiredFieldsMissing  # noqa: E402


class Unexpected(Exception):
    """The server did something this scenario does not expect."""


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise Unexpected(what)


def move(crm: Client, lead: dict, stage: str, **fields) -> dict:
    """Moves the lead to `stage` (filling `fields` in the same call) and checks the result."""
    moved = crm.call("lead.update", {"id": lead["id"], "fields": {"stageId": stage, **fields},
                                     "expectedVersion": lead["version"]})
    expect(moved["stageId"] == stage, f"lead is in {moved['stageId']}, not {stage}")
    expect(moved["version"] == lead["version"] + 1, "the move did not raise the version by one")
    print(f"  moved: {lead['stageId']} -> {stage} (version {moved['version']})")
    return moved


def run(crm: Client) -> None:
    token = secrets.token_hex(4)
    pipeline = next(p for p in crm.call("pipeline.list", {"entityType": "lead"})["items"] if p["isDefault"])
    stages = {s["id"]: s for s in pipeline["stages"]}
    print(f"Pipeline «{pipeline['title']}»: " + " → ".join(stages))

    print("\nS1/S2: a lead with a name only")
    try:
        crm.call("lead.add", {"fields": {"title": "Охрана склада", "name": "Иван"}})
        raise Unexpected("lead.add without contacts, city and topic was accepted")
    except RequiredFieldsMissing as refusal:
        for item in refusal.missing:
            print(f"  refused, missing {item['field']} ({item['title']})")
        expect({m["field"] for m in refusal.missing} == {"phones", "emails", "city", "topic"},
               f"unexpected missing fields {refusal.missing}")

    lead = crm.call("lead.add", {"idempotencyKey": f"funnel-{token}", "fields": {
        "title": "Охрана склада", "name": "Иван", "lastName": "Петров", "city": "Москва", "topic": "Охрана",
        "phones": [{"value": "+7 916 123-45-67", "type": "MOBILE"}],
        "emails": [{"value": f"ivan.{token}@example.ru", "type": "WORK"}]}})
    expect(lead["stageId"] == "NEW" and lead["version"] == 1, f"new lead is {lead['stageId']} v{lead['version']}")
    print(f"  created lead {lead['id']} in NEW")

    print("\nS3: through the funnel")
    for stage in ("QUALIFICATION", "OFFER_SENT"):
        lead = move(crm, lead, stage)

    print("\nS4: MEETING_SCHEDULED now requires the meeting place")
    code = f"meeting_place_{token}"
    field = crm.call("field.add", {"entityType": "lead", "code": code, "title": "Место встречи", "type": "address"})
    original = stages["MEETING_SCHEDULED"]["requiredFields"]
    crm.call("stage.update", {"pipelineId": pipeline["id"], "stageId": "MEETING_SCHEDULED",
                              "requiredFields": original + [f"custom.{code}"]})
    try:
        try:
            crm.call("lead.update", {"id": lead["id"], "fields": {"stageId": "MEETING_SCHEDULED"}})
            raise Unexpected("the move without the meeting place was accepted")
        except RequiredFieldsMissing as refusal:
            print(f"  refused: {refusal.message}")
            expect(refusal.missing == [{"field": f"custom.{code}", "title": field["title"]}],
                   f"unexpected missing fields {refusal.missing}")
            expect(refusal.stage_id == "MEETING_SCHEDULED", f"refusal names stage {refusal.stage_id}")
        unchanged = crm.call("lead.get", {"id": lead["id"]})
        expect(unchanged == lead, "the refused move changed the lead")
        lead = move(crm, lead, "MEETING_SCHEDULED", custom={code: "Москва, ул. Складская, 7"})
        for stage in ("FEEDBACK", "OBJECTIONS", "MEETING_HELD", "CONSENT"):
            lead = move(crm, lead, stage)
    finally:
        crm.call("stage.update", {"pipelineId": pipeline["id"], "stageId": "MEETING_SCHEDULED",
                                  "requiredFields": original})

    crm.call("comment.add", {"entityType": "lead", "id": lead["id"], "text": "Клиент согласен, готовим договор"})
    print(f"\nTimeline of lead {lead['id']}:")
    entries, cursor = [], None
    while True:
        page = crm.call("timeline.list", {"entityType": "lead", "id": lead["id"], "limit": 50, "cursor": cursor})
        entries += page["items"]
        if not (cursor := page["next"]):
            break
    for entry in reversed(entries):
        data = entry["data"]
        changes = "; ".join(f"{c['field']}: {c['old']!r} → {c['new']!r}" for c in data.get("changes", []))
        if entry["type"] == "stageChanged":
            detail = f"{data.get('from')} → {data.get('to')}" + (f" ({changes})" if changes else "")
        else:
            detail = data.get("text", "") if entry["type"] == "comment" else changes
        print(f"  {entry['at']}  {entry['type']:<12} {detail}")
    kinds = [e["type"] for e in reversed(entries)]
    expect(kinds[0] == "created" and kinds[-1] == "comment", f"timeline is {kinds}")
    expect(kinds.count("stageChanged") == 7, f"expected 7 stage moves in {kinds}")


def main(argv: list[str]) -> int:
    if argv[:1] in (["-h"], ["--help"]) or len(argv) > 2 or (argv[:1] == ["--spawn"]) != (len(argv) == 2):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="crmd-funnel-") as scratch:
        try:
            if argv[:1] == ["--spawn"]:
                crm = Client.spawn([argv[1], "serve", "--stdio", "--db", os.path.join(scratch, "funnel.sqlite")])
            else:
                crm = Client.connect(argv[0] if argv else None)
        except OSError as error:
            print(f"cannot reach crmd: {error}", file=sys.stderr)
            return 1
        try:
            run(crm)
        except (Unexpected, CrmdError, ConnectionClosed, TimeoutError) as error:
            print(f"\nUNEXPECTED: {type(error).__name__}: {error}", file=sys.stderr)
            if isinstance(error, CrmdError):
                print(f"  data: {error.data}", file=sys.stderr)
            print(*crm.stderr_lines, sep="\n", file=sys.stderr)
            return 1
        finally:
            status = crm.close()
        if crm.process is not None and status != 0:
            print(f"UNEXPECTED: the spawned server exited with {status}", *crm.stderr_lines, sep="\n", file=sys.stderr)
            return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
