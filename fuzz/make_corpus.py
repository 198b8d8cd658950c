#!/usr/bin/env python3
"""Build the fuzzers' seed corpora from the shared real data (never committed) and the repository's own files.

Usage: python3 fuzz/make_corpus.py [REALDATA] [OUT]   (defaults: ../shared/realdata from the repository root, and
fuzz/corpus). Writes OUT/<target>/<sha1> for the targets cloudtrail, cloudtrail_gzip, findings, keymap, theme,
ui_state, sigma_rules (the built-in rules in rules/), result_csv (real records as an Athena result object) and
query_rows (real records rendered as the Athena table's
row values, in the column order of src/core/orgscale/columns.rs). Every form the ingest accepts is derived from the real records: whole files ({"Records":[...]}, bare
arrays, JSON lines, lookup-events output, EventBridge envelopes), single records, each record wrapped in the
other forms, and gzip (single and multi-member) of those. Inputs larger than MAX_LEN are left out (libFuzzer's
-max_len in fuzz/run.sh)."""

import gzip
import hashlib
import json
import pathlib
import sys

MAX_LEN = 64 * 1024
ROOT = pathlib.Path(__file__).resolve().parent.parent
REAL = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".." / "shared" / "realdata"
OUT = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "fuzz" / "corpus"

FINDING_HINTS = ("guardduty", "accessanalyzer", "access-analyzer", "asff")


def is_findings(path):
    p = str(path).lower()
    return any(h in p for h in FINDING_HINTS)


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    if not data or len(data) > MAX_LEN:
        return
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def documents(path, raw):
    """The JSON values in a file: the whole document, or one per line for JSON lines."""
    try:
        return [json.loads(raw)]
    except ValueError:
        pass
    out = []
    for line in raw.splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out


def records(doc):
    """CloudTrail records or findings inside one document, whatever its form."""
    if isinstance(doc, list):
        return [r for r in doc if isinstance(r, dict)]
    if not isinstance(doc, dict):
        return []
    for key in ("Records", "Findings", "findings", "Events"):
        if isinstance(doc.get(key), list):
            return [r for r in doc[key] if isinstance(r, dict)]
    if "detail" in doc and isinstance(doc["detail"], dict):
        return [doc["detail"]]
    return [doc]


def dumps(v):
    return json.dumps(v, separators=(",", ":"))


def cloudtrail_forms(recs):
    """One record in every CloudTrail form the ingest reads."""
    for r in recs:
        if "CloudTrailEvent" in r:
            yield dumps({"Events": [r]})
            try:
                r = json.loads(r["CloudTrailEvent"])
            except (TypeError, ValueError):
                continue
        yield dumps(r)
        yield dumps({"Records": [r]})
        yield dumps([r])
        yield dumps({"Events": [{"EventId": r.get("eventID", ""), "EventName": r.get("eventName", ""),
                                 "CloudTrailEvent": dumps(r)}]})
        yield dumps({"version": "0", "id": "0", "detail-type": "AWS API Call via CloudTrail",
                     "source": "aws." + str(r.get("eventSource", "x")).split(".")[0], "account": "123456789012",
                     "time": r.get("eventTime", ""), "region": r.get("awsRegion", ""), "resources": [],
                     "detail": r})
    if len(recs) > 1:
        yield "\n".join(dumps(r) for r in recs[:8]) + "\n"
        yield dumps({"Records": recs[:8]})


def finding_forms(recs):
    """One finding in every form the findings parser reads."""
    for f in recs:
        yield dumps(f)
        yield dumps({"Findings": [f]})
        yield dumps({"findings": [f]})
        yield dumps([f])
        yield dumps({"finding": f})
        guardduty = "SchemaVersion" in f or "schemaVersion" in f
        detail_type, source = ("GuardDuty Finding", "aws.guardduty") if guardduty else \
            ("Access Analyzer Finding", "aws.access-analyzer")
        yield dumps({"version": "0", "id": "0", "detail-type": detail_type, "source": source,
                     "account": "123456789012", "time": "2024-01-01T00:00:00Z", "region": "us-east-1",
                     "resources": [], "detail": f})
    if len(recs) > 1:
        yield "\n".join(dumps(f) for f in recs[:8]) + "\n"


def gzipped(data, members=1):
    if isinstance(data, str):
        data = data.encode()
    if members == 1:
        return gzip.compress(data, mtime=0)
    half = len(data) // 2
    return gzip.compress(data[:half], mtime=0) + gzip.compress(data[half:], mtime=0)


def athena_columns():
    """(record JSON path, value kind) of each column of the documented table, in COLUMNS order."""
    import re
    text = (ROOT / "src" / "core" / "orgscale" / "columns.rs").read_text()
    body = text.split("pub const COLUMNS", 1)[1].split("];", 1)[0]
    return re.findall(r'c\(\s*"[^"]+",\s*"([^"]+)",\s*(\w+)\s*,?\s*\)', body)


def athena_row(rec, columns):
    """A record as Athena renders the selected columns: text values, U+0000 for a null, U+001F between values."""
    out = []
    for path, kind in columns:
        v = rec
        for k in path.split("."):
            v = v.get(k) if isinstance(v, dict) else None
        if v is None:
            out.append("\0")
        elif kind == "Resources":
            out.append(json.dumps([{"arn": r.get("ARN"), "accountid": r.get("accountId"), "type": r.get("type")}
                                   for r in v if isinstance(r, dict)] if isinstance(v, list) else v))
        elif isinstance(v, bool):
            out.append("true" if v else "false")
        elif isinstance(v, str):
            out.append(v)
        else:
            out.append(json.dumps(v))
    return b"\0" + "\x1f".join(out).encode()


def athena_csv(recs, columns, salt):
    """Records as Athena writes a result object: a header of column names, every value in double quotes (inner
    quotes doubled), a null as an empty field without quotes; the first byte is the target's slice size."""
    def field(v):
        return "" if v == "\0" else '"' + v.replace('"', '""') + '"'
    header = ",".join('"' + path.split(".")[-1] + '"' for path, _ in columns)
    rows = [",".join(field(v) for v in athena_row(rec, columns)[1:].decode().split("\x1f")) for rec in recs]
    return bytes([salt % 64]) + ("\n".join([header] + rows) + "\n").encode()


def main():
    if not REAL.is_dir():
        sys.exit(f"no real data at {REAL}")
    files = sorted(p for p in REAL.rglob("*") if p.is_file() and p.suffix in (".json", ".jsonl", ".gz"))
    gz_seeds = []
    columns = athena_columns()
    for path in files:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            put("cloudtrail_gzip", raw)
            raw = gzip.decompress(raw)
        target = "findings" if is_findings(path) else "cloudtrail"
        put(target, raw)
        docs = documents(path, raw.decode("utf-8", "replace"))
        recs = [r for d in docs for r in records(d)]
        forms = finding_forms(recs) if target == "findings" else cloudtrail_forms(recs)
        if target == "cloudtrail":
            for rec in recs[:20]:
                put("query_rows", athena_row(rec, columns))
            if recs:
                put("result_csv", athena_csv(recs[:8], columns, len(raw)))
        for i, form in enumerate(forms):
            put(target, form)
            if target == "cloudtrail" and i % 7 == 0:
                gz_seeds.append(form)
        if target == "cloudtrail" and len(raw) <= MAX_LEN:
            gz_seeds.append(raw)
    for i, s in enumerate(gz_seeds):
        put("cloudtrail_gzip", gzipped(s, 2 if i % 5 == 0 else 1))
    for rule in sorted((ROOT / "rules").glob("*.yml")):
        put("sigma_rules", rule.read_bytes())
    for toml in sorted((ROOT / "keymap").glob("*.toml")):
        put("keymap", toml.read_bytes())
    for toml in sorted((ROOT / "themes").glob("*.toml")):
        put("theme", toml.read_bytes())
    ui_states(recs_for_ui())
    for t in sorted(p.name for p in OUT.iterdir()):
        print(f"{t}: {sum(1 for _ in (OUT / t).iterdir())} seeds")


def recs_for_ui():
    """Real identifiers for the saved views: session keys, role ARNs, IPs from the real records."""
    path = REAL / "stratus-red-team" / "docs" / "detonation-logs" / "aws.credential-access.ec2-get-password-data.json"
    try:
        return json.loads(path.read_text())[:4]
    except (OSError, ValueError):
        return []


def ui_states(recs):
    """Saved places, version 2 (serde's form of the typed state) and version 1 (hand-encoded strings)."""
    scope = {"from": 1700000000, "to": 1700003600, "kind": "custom", "finding": None}
    views = ["findings", "notes", {"finding": "5ac5b1a1f0e2d3c4b5a6978877665544"}, {"event": 3}]
    v1 = ["findings", "notes", "finding:5ac5b1a1f0e2d3c4b5a6978877665544", "event:3"]
    for r in recs:
        ident = r.get("userIdentity", {})
        if ident.get("accessKeyId"):
            views += [{"session": ident["accessKeyId"]}, {"chain": ident["accessKeyId"]}]
            v1 += ["session:" + ident["accessKeyId"], "chain:" + ident["accessKeyId"]]
        if ident.get("arn"):
            views += [{"principal": ident["arn"]}, {"role": ident["arn"]}]
            v1 += ["principal:" + ident["arn"], "role:" + ident["arn"]]
        if r.get("sourceIPAddress"):
            views.append({"ip": r["sourceIPAddress"]})
            v1.append("ip:" + r["sourceIPAddress"])
        if r.get("userAgent"):
            views.append({"user_agent": r["userAgent"]})
        if r.get("recipientAccountId"):
            views.append({"account": r["recipientAccountId"]})
    kinds = ["all_data", "finding", {"adjusted": 2}, "day", "week", "custom"]
    for i, v in enumerate(views):
        put("ui_state", dumps({"version": 2, "stack": [{"view": "findings", "tab": 0, "selected": 0},
                                                       {"view": v, "tab": i % 3, "selected": i}],
                               "scope": dict(scope, kind=kinds[i % len(kinds)],
                                             finding=[1700000000, 1700003600] if i % 2 else None)}))
    for i, v in enumerate(v1):
        put("ui_state", dumps({"version": 1, "stack": [{"view": "findings", "tab": 0, "selected": 0},
                                                       {"view": v, "tab": 1, "selected": i}],
                               "scope": dict(scope, kind=["finding", "adjusted:2", "day", "all", "custom"][i % 5])}))


if __name__ == "__main__":
    main()
