#!/usr/bin/env bash
# A lead through the funnel with the shell client `crm` (seed scenario S1-S4).
#
#   lead_funnel.sh [SOCKET]       talk to a running `crmd serve` (default: its default socket)
#   lead_funnel.sh --spawn BIN    every call is served by `BIN serve --stdio --db <temp file>`
#
# 1. A lead with too little data is refused (1001) with the fields to fill (S1, S2).
# 2. With them filled it is created in NEW, then moved to QUALIFICATION and OFFER_SENT (S3).
# 3. MEETING_SCHEDULED is made to require a new custom field (field.add, stage.update);
#    the move there is refused with exactly that field and changes nothing (S4).
# 4. The field is filled in the same call as the move; the lead goes on to CONSENT.
# 5. A comment, then the lead's timeline, oldest first.
# The stage requirement is put back as it was at the end. Exits 1 on anything unexpected.
# Reads JSON with python3 (standard library).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
crm=$here/../Clients/shell/crm
scratch=$(mktemp -d "${TMPDIR:-/tmp}/crmd-funnel.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

case ${1-} in
-h | --help)
    sed -n '3,5p' "$0" | sed 's/^# //' >&2
    exit 2
    ;;
--spawn)
    [[ $# -eq 2 ]] || { echo "usage: lead_funnel.sh --spawn BIN" >&2; exit 2; }
    export CRMD_BIN=$2 CRMD_DB=$scratch/funnel.sqlite CRMD_SOCKET=$scratch/no-server.sock
    ;;
?*)
    export CRMD_SOCKET=$1
    ;;
esac

unexpected() {
    echo "UNEXPECTED: $*" >&2
    exit 1
}

# get JSON PATH: prints the value at a dotted path (strings bare, the rest as compact JSON),
# with jq when it is there, else python3.
if command -v jq >/dev/null 2>&1; then
    get() {
        local filter="" part
        IFS=. read -ra parts <<<"$2"
        for part in "${parts[@]}"; do
            if [[ $part =~ ^[0-9]+$ ]]; then filter+="[$part]"; else filter+="[\"$part\"]"; fi
        done
        jq -c -r ".$filter" <<<"$1"
    }
else
    get() {
        python3 -c '
import json, sys
value = json.loads(sys.argv[1])
for key in filter(None, sys.argv[2].split(".")):
    value = value[int(key)] if isinstance(value, list) else value[key]
print(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":")))' "$1" "$2"
    }
fi

# refused CODE METHOD PARAMS: the call must fail with error CODE; prints the error object.
refused() {
    local status=0 error
    error=$("$crm" "$2" "$3" 2>&1 >/dev/null) || status=$?
    [[ $status -eq 1 ]] || unexpected "$2 should have been refused with $1 (exit status $status): $error"
    [[ $(get "$error" code) == "$1" ]] || unexpected "$2 refused with another error: $error"
    printf '%s\n' "$error"
}

# move STAGE [EXTRA_FIELDS_JSON]: moves the lead, checks its stage and version, updates
# $lead, $stage_now and $version.
move() {
    local stage=$1 extra=${2-} moved
    moved=$("$crm" lead.update "{\"id\": $id, \"expectedVersion\": $version,
        \"fields\": {\"stageId\": \"$stage\"${extra:+, $extra}}}") || unexpected "move to $stage failed"
    [[ $(get "$moved" stageId) == "$stage" ]] || unexpected "lead is not in $stage: $moved"
    echo "  moved: $stage_now -> $stage (version $((version + 1)))"
    [[ $(get "$moved" version) == $((version + 1)) ]] || unexpected "version not raised by one: $moved"
    lead=$moved stage_now=$stage version=$((version + 1))
}

token=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
# The default lead pipeline: its id, title, stages and what MEETING_SCHEDULED requires now.
pipelines=$("$crm" pipeline.list '{"entityType": "lead"}')
{
    read -r pipeline_id
    read -r pipeline_title
    read -r stage_chain
    read -r original
} < <(python3 -c '
import json, sys
pipeline = next(p for p in json.loads(sys.argv[1])["items"] if p["isDefault"])
print(pipeline["id"], pipeline["title"], " → ".join(s["id"] for s in pipeline["stages"]), sep="\n")
print(json.dumps(next(s for s in pipeline["stages"] if s["id"] == "MEETING_SCHEDULED")["requiredFields"]))' "$pipelines")
echo "Pipeline «$pipeline_title»: $stage_chain"

echo
echo "S1/S2: a lead with a name only"
error=$(refused 1001 lead.add '{"fields": {"title": "Охрана склада", "name": "Иван"}}')
missing=$(python3 -c '
import json, sys
print(" ".join(sorted(m["field"] for m in json.loads(sys.argv[1])["data"]["missing"])))' "$error")
echo "  refused, missing: $missing"
[[ $missing == "city emails phones topic" ]] || unexpected "missing fields: $missing"

lead=$("$crm" lead.add "{\"idempotencyKey\": \"funnel-sh-$token\", \"fields\": {
    \"title\": \"Охрана склада\", \"name\": \"Иван\", \"lastName\": \"Петров\",
    \"city\": \"Москва\", \"topic\": \"Охрана\",
    \"phones\": [{\"value\": \"+7 916 123-45-67\", \"type\": \"MOBILE\"}],
    \"emails\": [{\"value\": \"ivan.$token@example.ru\", \"type\": \"WORK\"}]}}")
id=$(get "$lead" id)
stage_now=$(get "$lead" stageId)
version=$(get "$lead" version)
[[ $stage_now == NEW && $version == 1 ]] || unexpected "the new lead is not in NEW at version 1: $lead"
echo "  created lead $id in NEW"

echo
echo "S3: through the funnel"
move QUALIFICATION
move OFFER_SENT

echo
echo "S4: MEETING_SCHEDULED now requires the meeting place"
code=meeting_place_$token
"$crm" field.add "{\"entityType\": \"lead\", \"code\": \"$code\", \"title\": \"Место встречи\",
    \"type\": \"address\"}" >/dev/null
restore() {
    "$crm" stage.update "{\"pipelineId\": $pipeline_id, \"stageId\": \"MEETING_SCHEDULED\",
        \"requiredFields\": $original}" >/dev/null || echo "could not restore MEETING_SCHEDULED" >&2
    rm -rf "$scratch"
}
trap restore EXIT
if [[ $original == "[]" ]]; then required="[\"custom.$code\"]"; else required="${original%]}, \"custom.$code\"]"; fi
"$crm" stage.update "{\"pipelineId\": $pipeline_id, \"stageId\": \"MEETING_SCHEDULED\",
    \"requiredFields\": $required}" >/dev/null

error=$(refused 1001 lead.update "{\"id\": $id, \"fields\": {\"stageId\": \"MEETING_SCHEDULED\"}}")
echo "  refused: $(get "$error" message)"
[[ $(get "$error" data.missing) == "[{\"field\":\"custom.$code\",\"title\":\"Место встречи\"}]" ]] ||
    unexpected "missing fields: $(get "$error" data.missing)"
[[ $(get "$error" data.stageId) == MEETING_SCHEDULED ]] || unexpected "refusal names another stage: $error"
[[ $("$crm" lead.get "{\"id\": $id}") == "$lead" ]] || unexpected "the refused move changed the lead"

move MEETING_SCHEDULED "\"custom\": {\"$code\": \"Москва, ул. Складская, 7\"}"
for stage in FEEDBACK OBJECTIONS MEETING_HELD CONSENT; do
    move "$stage"
done

"$crm" comment.add "{\"entityType\": \"lead\", \"id\": $id, \"text\": \"Клиент согласен, готовим договор\"}" >/dev/null

echo
echo "Timeline of lead $id:"
timeline=$("$crm" timeline.list "{\"entityType\": \"lead\", \"id\": $id, \"limit\": 500}")
python3 -c '
import json, sys
entries = list(reversed(json.loads(sys.argv[1])["items"]))
for e in entries:
    d = e["data"]
    changes = "; ".join("%s: %r → %r" % (c["field"], c["old"], c["new"]) for c in d.get("changes", []))
    if e["type"] == "stageChanged":
        detail = "%s → %s" % (d.get("from"), d.get("to")) + (" (%s)" % changes if changes else "")
    else:
        detail = d.get("text", "") if e["type"] == "comment" else changes
    print("  %s  %-12s %s" % (e["at"], e["type"], detail))
kinds = [e["type"] for e in entries]
if kinds[0] != "created" or kinds[-1] != "comment" or kinds.count("stageChanged") != 7:
    sys.exit("UNEXPECTED: timeline is %s" % kinds)' "$timeline" || exit 1

echo
echo OK
