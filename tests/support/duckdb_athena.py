"""The SQL engine behind the tests' fake Athena and fake CloudTrail Lake: DuckDB over a table built from CloudTrail records with the
documented CloudTrail table's columns (scalars as strings; useridentity, resources, tlsdetails, addendum as
structs; requestparameters/responseelements/additionaleventdata/serviceeventdetails as JSON strings) plus the
partition columns of one layout. Reads one JSON request per line on stdin and answers one JSON line on stdout.

  python3 duckdb_athena.py RECORDS.jsonl LAYOUT      (LAYOUT: org | classic | projection | lake:STORE_ID)

`lake:STORE_ID` builds instead a table named STORE_ID (quoted) with CloudTrail Lake's documented schema: eventtime
and creationdate TIMESTAMP, readonly and managementevent BOOLEAN, requestparameters, responseelements,
additionaleventdata, serviceeventdetails and addendum MAP(VARCHAR, VARCHAR) (a nested object or array held as its
JSON text, a number or boolean as its text: how Lake flattens them is not documented), resources with arnprefix,
no partitions; values render as Lake renders them (timestamps `yyyy-MM-dd HH:mm:ss.SSS`), and `scanned` counts the
records the query's top-level eventtime conjuncts admit.

Request {"sql": ..., "params": ["'literal'", ...]}: each parameter must be exactly one SQL string literal, as
Athena's ExecutionParameters take them ('' is the only escape); it is decoded and bound to DuckDB's `?`. Answer
{"columns": [...], "rows": [[text or null, ...]], "scanned": bytes} with values rendered as Athena renders them
(ROW `{k=v, ...}`, ARRAY `[a, b]`, booleans `true`/`false`), or {"error": message}. `scanned` is the size of the
records in the partitions the query's partition predicates admit: what Athena would bill.
"""
import datetime
import json
import re
import sys

import duckdb

LAYOUTS = {
    "org": ["account", "region", "timestamp"],
    "classic": ["region", "year", "month", "day"],
    "projection": ["timestamp"],
}

USERIDENTITY = (
    "STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, invokedby VARCHAR, "
    "accesskeyid VARCHAR, username VARCHAR, onbehalfof STRUCT(userid VARCHAR, identitystorearn VARCHAR), "
    "sessioncontext STRUCT(attributes STRUCT(mfaauthenticated VARCHAR, creationdate VARCHAR), "
    "sessionissuer STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, username VARCHAR), "
    "sourceidentity VARCHAR, ec2roledelivery VARCHAR, "
    "webidfederationdata STRUCT(federatedprovider VARCHAR, attributes MAP(VARCHAR, VARCHAR))))"
)
SCALARS = [
    "eventversion", "eventtime", "eventsource", "eventname", "awsregion", "sourceipaddress", "useragent",
    "errorcode", "errormessage", "requestid", "eventid", "readonly", "eventtype", "apiversion",
    "recipientaccountid", "sharedeventid", "vpcendpointid", "vpcendpointaccountid", "eventcategory",
    "sessioncredentialfromconsole",
]
JSON_TEXT = ["requestparameters", "responseelements", "additionaleventdata", "serviceeventdetails"]


def lower_keys(v):
    if isinstance(v, dict):
        return {k.lower(): lower_keys(x) for k, x in v.items()}
    if isinstance(v, list):
        return [lower_keys(x) for x in v]
    return v


def as_text(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def row_of(rec, layout):
    low = {k.lower(): v for k, v in rec.items()}
    out = {c: as_text(low.get(c)) for c in SCALARS}
    for c in JSON_TEXT:
        v = low.get(c)
        out[c] = None if v is None else json.dumps(v, separators=(",", ":"), ensure_ascii=False)
    ui = lower_keys(low.get("useridentity") or {})
    sc = ui.get("sessioncontext") or {}
    out["useridentity"] = {
        **{k: as_text(ui.get(k)) for k in ["type", "principalid", "arn", "accountid", "invokedby", "accesskeyid", "username"]},
        "onbehalfof": ui.get("onbehalfof"),
        "sessioncontext": None if not sc else {
            "attributes": {k: as_text((sc.get("attributes") or {}).get(k)) for k in ["mfaauthenticated", "creationdate"]},
            "sessionissuer": None if not sc.get("sessionissuer") else {
                k: as_text(sc["sessionissuer"].get(k)) for k in ["type", "principalid", "arn", "accountid", "username"]},
            "sourceidentity": as_text(sc.get("sourceidentity")),
            "ec2roledelivery": as_text(sc.get("ec2roledelivery")),
            "webidfederationdata": None,
        },
    }
    res = low.get("resources")
    out["resources"] = None if res is None else [
        {"arn": r.get("ARN") or r.get("arn"), "accountid": r.get("accountId"), "type": r.get("type")} for r in res]
    tls = lower_keys(low.get("tlsdetails") or {})
    out["tlsdetails"] = None if not tls else {k: tls.get(k) for k in ["tlsversion", "ciphersuite", "clientprovidedhostheader"]}
    add = lower_keys(low.get("addendum") or {})
    out["addendum"] = None if not add else {k: as_text(add.get(k)) for k in ["reason", "updatedfields", "originalrequestid", "originaleventid"]}
    t = out["eventtime"] or "1970-01-01"
    y, m, d = t[0:4], t[5:7], t[8:10]
    acct = out["recipientaccountid"] or "unknown"
    parts = {"account": acct, "region": out["awsregion"], "timestamp": f"{y}/{m}/{d}", "year": y, "month": m, "day": d}
    for p in LAYOUTS[layout]:
        out[p] = parts[p]
    out["_bytes"] = len(json.dumps(rec, separators=(",", ":")))
    return out


LAKE_USERIDENTITY = USERIDENTITY.replace("creationdate VARCHAR", "creationdate TIMESTAMP")
LAKE_MAPS = ["requestparameters", "responseelements", "additionaleventdata", "serviceeventdetails", "addendum"]
LAKE_SCALARS = [c for c in SCALARS if c not in ("eventtime", "readonly")]


def lake_time(t):
    """RFC 3339 `2026-11-05T00:00:18Z` as a DuckDB TIMESTAMP text."""
    return None if t is None else t.replace("T", " ").rstrip("Z")


def flat(v):
    """A record value as a map<string,string> value."""
    if v is None:
        return None
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"), ensure_ascii=False)
    return as_text(v)


def lake_row_of(rec):
    out = row_of(rec, "projection")
    low = {k.lower(): v for k, v in rec.items()}
    del out["timestamp"]
    out["eventtime"] = lake_time(out["eventtime"])
    out["readonly"] = low.get("readonly") if isinstance(low.get("readonly"), bool) else None
    out["managementevent"] = low.get("managementevent") if isinstance(low.get("managementevent"), bool) else None
    for c in LAKE_MAPS:
        v = low.get(c)
        out[c] = {k: flat(x) for k, x in v.items()} if isinstance(v, dict) else None
    sc = (out["useridentity"] or {}).get("sessioncontext")
    if sc and sc.get("attributes"):
        sc["attributes"]["creationdate"] = lake_time(sc["attributes"].get("creationdate"))
    if out["resources"] is not None:
        out["resources"] = [{**r, "arnprefix": None} for r in out["resources"]]
    return out


def lake_render(v):
    """A value as CloudTrail Lake's GetQueryResults renders it."""
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S.") + f"{v.microsecond // 1000:03d}"
    return render(v)


def lake_main(path, store):
    rows = [lake_row_of(json.loads(l)) for l in open(path, encoding="utf-8") if l.strip()]
    con = duckdb.connect()
    cols = [f"{c} VARCHAR" for c in LAKE_SCALARS] + ["eventtime TIMESTAMP", "readonly BOOLEAN", "managementevent BOOLEAN"]
    cols += [f"{c} MAP(VARCHAR, VARCHAR)" for c in LAKE_MAPS]
    cols += [f"useridentity {LAKE_USERIDENTITY}",
             "resources STRUCT(accountid VARCHAR, type VARCHAR, arn VARCHAR, arnprefix VARCHAR)[]",
             "tlsdetails STRUCT(tlsversion VARCHAR, ciphersuite VARCHAR, clientprovidedhostheader VARCHAR)",
             "_bytes BIGINT"]
    table = '"' + store + '"'
    con.execute(f"CREATE TABLE {table} (" + ", ".join(cols) + ")")
    tmp = path + ".lake.jsonl"
    with open(tmp, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps({k: v for k, v in r.items() if k in {c.split(' ', 1)[0] for c in cols}},
                               ensure_ascii=False) + "\n")
    spec = ", ".join(repr(c.split(" ", 1)[0]) + ": " + repr(c.split(" ", 1)[1]) for c in cols)
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_json('{tmp}', format='newline_delimited', "
                f"columns={{{spec}}})")
    total = con.execute(f"SELECT coalesce(sum(_bytes), 0), count(*) FROM {table}").fetchone()
    sys.stdout.write(json.dumps({"ready": True, "bytes": int(total[0]), "rows": int(total[1])}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        req = json.loads(line)
        try:
            cur = con.execute(req["sql"])
            names = [d[0] for d in cur.description]
            out = [[lake_render(v) for v in r] for r in cur.fetchall()]
            try:
                scan, preds = scanned(con, req["sql"], [], ["eventtime"], table)
            except Exception:  # a conjunct this splitter cannot isolate: bill the whole store
                scan, preds = int(total[0]), 0
            ans = {"columns": names, "rows": out, "scanned": scan, "partition_predicates": preds}
        except Exception as e:  # the query fails as Lake's would, with the engine's message
            ans = {"error": str(e)}
        sys.stdout.write(json.dumps(ans, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def render(v):
    """A value as Athena's GetQueryResults renders it."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}={render(x) if x is not None else 'null'}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(render(x) if x is not None else "null" for x in v) + "]"
    return str(v)


LITERAL = re.compile(r"^'((?:[^']|'')*)'$", re.S)


def decode(param):
    m = LITERAL.match(param)
    if not m:
        raise ValueError(f"INVALID_PARAMETER: {param!r} is not one string literal")
    return m.group(1).replace("''", "'")


def split_top(text, sep):
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


def scanned(con, sql, params, partition_cols, table="trails.org"):
    """Bytes of the partitions the query's top-level partition conjuncts admit."""
    if " WHERE " not in sql:
        return int(con.execute(f"SELECT coalesce(sum(_bytes), 0) FROM {table}").fetchone()[0]), 0
    where = sql.split(" WHERE ", 1)[1].split(" ORDER BY ")[0]
    keep, kept_params, used = [], [], 0
    idents = re.compile(r'"([a-z_][a-z0-9_]*)"')
    for conj in split_top(where, " AND "):
        n = conj.count("?")
        names = set(idents.findall(conj))
        if names and names <= set(partition_cols):
            keep.append(conj)
            kept_params += params[used:used + n]
        used += n
    q = f"SELECT coalesce(sum(_bytes), 0) FROM {table}" + (" WHERE " + " AND ".join(keep) if keep else "")
    return int(con.execute(q, kept_params).fetchone()[0]), len(keep)


def main():
    path, layout = sys.argv[1], sys.argv[2]
    if layout.startswith("lake:"):
        return lake_main(path, layout[len("lake:"):])
    rows = [row_of(json.loads(l), layout) for l in open(path, encoding="utf-8") if l.strip()]
    con = duckdb.connect()
    con.execute("CREATE SCHEMA trails")
    cols = [f"{c} VARCHAR" for c in SCALARS if c not in ("eventtime",)] + ["eventtime VARCHAR"]
    cols += [f"{c} VARCHAR" for c in JSON_TEXT]
    cols += [f"useridentity {USERIDENTITY}",
             "resources STRUCT(arn VARCHAR, accountid VARCHAR, type VARCHAR)[]",
             "tlsdetails STRUCT(tlsversion VARCHAR, ciphersuite VARCHAR, clientprovidedhostheader VARCHAR)",
             "addendum STRUCT(reason VARCHAR, updatedfields VARCHAR, originalrequestid VARCHAR, originaleventid VARCHAR)"]
    cols += [f'"{p}" VARCHAR' for p in LAYOUTS[layout]] + ["_bytes BIGINT"]
    con.execute("CREATE TABLE trails.org (" + ", ".join(cols) + ")")
    tmp = path + ".table.jsonl"
    with open(tmp, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    con.execute(f"INSERT INTO trails.org BY NAME SELECT * FROM read_json('{tmp}', format='newline_delimited', "
                f"columns={{{', '.join(repr(c.split(' ', 1)[0].strip(chr(34))) + ': ' + repr(c.split(' ', 1)[1]) for c in cols)}}})")
    total = con.execute("SELECT coalesce(sum(_bytes), 0), count(*) FROM trails.org").fetchone()
    sys.stdout.write(json.dumps({"ready": True, "bytes": int(total[0]), "rows": int(total[1])}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        req = json.loads(line)
        try:
            params = [decode(p) for p in req.get("params", [])]
            cur = con.execute(req["sql"], params)
            names = [d[0] for d in cur.description]
            out = [[render(v) for v in r] for r in cur.fetchall()]
            scan, preds = scanned(con, req["sql"], params, LAYOUTS[layout])
            ans = {"columns": names, "rows": out, "scanned": scan, "partition_predicates": preds}
        except Exception as e:  # the query fails as Athena's would, with the engine's message
            ans = {"error": str(e)}
        sys.stdout.write(json.dumps(ans, ensure_ascii=False) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
