//! The documented CloudTrail table's columns (`docs/org-scale.md`) and the record fields they hold: one table
//! from a column path (`useridentity.sessioncontext.sessionissuer.arn`) to the record's JSON path
//! (`userIdentity.sessionContext.sessionIssuer.arn`) and how its text reads back. Queries select scalar columns
//! and struct fields by path (Athena renders whole ROW and ARRAY values as `{k=v}` / `[a, b]` text, which is not
//! JSON); `resources` is the one array, selected as `CAST(… AS JSON)`. Which paths a given table has, and their
//! types, is read from its `GetTableMetadata` column types ([`TableColumns`]); for a CloudTrail Lake event data
//! store, from the documented schema ([`LAKE_SCHEMA`]). Where a type differs between the two (Lake's `eventtime` is
//! a timestamp, its `requestparameters` a map), the type decides how the value is selected and read back.

use std::collections::BTreeMap;

/// How a selected value's text becomes a JSON value in the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// A string, as is.
    Text,
    /// `true` / `false` text to a JSON boolean (`readOnly`, `managementEvent`).
    Bool,
    /// JSON text (the table keeps `requestParameters`, `responseElements`, `additionalEventData` and
    /// `serviceEventDetails` as raw JSON strings): parsed back; kept as a string when it does not parse.
    JsonText,
    /// `resources`, selected as `CAST(resources AS JSON)`: a JSON array of `{arn, accountid, type}` objects,
    /// renamed to the record's `{ARN, accountId, type}`.
    Resources,
    /// A `timestamp` column (CloudTrail Lake's `eventtime`, `creationdate`), rendered `yyyy-MM-dd HH:mm:ss.SSS`:
    /// back to the record's `yyyy-MM-ddTHH:mm:ssZ`.
    Timestamp,
    /// A `map<string,string>` column (CloudTrail Lake's `requestparameters`, `responseelements`, …), selected as
    /// `CAST(… AS JSON)`: an object of string values; a value holding JSON object or array text (a nested object
    /// of the record) is parsed back (`docs/org-scale.md` says what this cannot restore).
    Map,
}

/// One selectable column path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// Lower-case column path in the table, dot-separated.
    pub path: &'static str,
    /// The record's JSON path, dot-separated.
    pub json: &'static str,
    /// How its text reads back.
    pub kind: ValueKind,
}

const fn c(path: &'static str, json: &'static str, kind: ValueKind) -> Column {
    Column { path, json, kind }
}

use ValueKind::{Bool, JsonText, Resources, Text};

/// Every field of a CloudTrail record the documented table (plus the commonly added
/// `sessioncontext.sourceidentity`, `credentialid`, `inscopeof`) can give back, in record order.
pub const COLUMNS: &[Column] = &[
    c("eventversion", "eventVersion", Text),
    c("useridentity.type", "userIdentity.type", Text),
    c("useridentity.principalid", "userIdentity.principalId", Text),
    c("useridentity.arn", "userIdentity.arn", Text),
    c("useridentity.accountid", "userIdentity.accountId", Text),
    c("useridentity.invokedby", "userIdentity.invokedBy", Text),
    c("useridentity.accesskeyid", "userIdentity.accessKeyId", Text),
    c("useridentity.username", "userIdentity.userName", Text),
    c("useridentity.credentialid", "userIdentity.credentialId", Text),
    c("useridentity.onbehalfof.userid", "userIdentity.onBehalfOf.userId", Text),
    c(
        "useridentity.onbehalfof.identitystorearn",
        "userIdentity.onBehalfOf.identityStoreArn",
        Text,
    ),
    c(
        "useridentity.sessioncontext.attributes.mfaauthenticated",
        "userIdentity.sessionContext.attributes.mfaAuthenticated",
        Text,
    ),
    c(
        "useridentity.sessioncontext.attributes.creationdate",
        "userIdentity.sessionContext.attributes.creationDate",
        Text,
    ),
    c(
        "useridentity.sessioncontext.sessionissuer.type",
        "userIdentity.sessionContext.sessionIssuer.type",
        Text,
    ),
    c(
        "useridentity.sessioncontext.sessionissuer.principalid",
        "userIdentity.sessionContext.sessionIssuer.principalId",
        Text,
    ),
    c(
        "useridentity.sessioncontext.sessionissuer.arn",
        "userIdentity.sessionContext.sessionIssuer.arn",
        Text,
    ),
    c(
        "useridentity.sessioncontext.sessionissuer.accountid",
        "userIdentity.sessionContext.sessionIssuer.accountId",
        Text,
    ),
    c(
        "useridentity.sessioncontext.sessionissuer.username",
        "userIdentity.sessionContext.sessionIssuer.userName",
        Text,
    ),
    c(
        "useridentity.sessioncontext.sourceidentity",
        "userIdentity.sessionContext.sourceIdentity",
        Text,
    ),
    c(
        "useridentity.sessioncontext.ec2roledelivery",
        "userIdentity.sessionContext.ec2RoleDelivery",
        Text,
    ),
    c(
        "useridentity.sessioncontext.webidfederationdata.federatedprovider",
        "userIdentity.sessionContext.webIdFederationData.federatedProvider",
        Text,
    ),
    c("eventtime", "eventTime", Text),
    c("eventsource", "eventSource", Text),
    c("eventname", "eventName", Text),
    c("awsregion", "awsRegion", Text),
    c("sourceipaddress", "sourceIPAddress", Text),
    c("useragent", "userAgent", Text),
    c("errorcode", "errorCode", Text),
    c("errormessage", "errorMessage", Text),
    c("requestparameters", "requestParameters", JsonText),
    c("responseelements", "responseElements", JsonText),
    c("additionaleventdata", "additionalEventData", JsonText),
    c("requestid", "requestID", Text),
    c("eventid", "eventID", Text),
    c("readonly", "readOnly", Bool),
    c("resources", "resources", Resources),
    c("eventtype", "eventType", Text),
    c("apiversion", "apiVersion", Text),
    c("managementevent", "managementEvent", Bool),
    c("recipientaccountid", "recipientAccountId", Text),
    c("serviceeventdetails", "serviceEventDetails", JsonText),
    c("sharedeventid", "sharedEventID", Text),
    c("vpcendpointid", "vpcEndpointId", Text),
    c("vpcendpointaccountid", "vpcEndpointAccountId", Text),
    c("eventcategory", "eventCategory", Text),
    // A map in Lake; in Athena's table a struct, selected by its field paths below instead.
    c("addendum", "addendum", JsonText),
    c("addendum.reason", "addendum.reason", Text),
    c("addendum.updatedfields", "addendum.updatedFields", Text),
    c("addendum.originalrequestid", "addendum.originalRequestID", Text),
    c("addendum.originaleventid", "addendum.originalEventID", Text),
    c("sessioncredentialfromconsole", "sessionCredentialFromConsole", Text),
    c("tlsdetails.tlsversion", "tlsDetails.tlsVersion", Text),
    c("tlsdetails.ciphersuite", "tlsDetails.cipherSuite", Text),
    c(
        "tlsdetails.clientprovidedhostheader",
        "tlsDetails.clientProvidedHostHeader",
        Text,
    ),
];

/// The column paths a table has, read from `GetTableMetadata`'s `Columns[{Name, Type}]` (Hive type strings such as
/// `struct<type:string,sessioncontext:struct<…>>`). A struct column contributes every field path under it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableColumns {
    /// Path → its (lower-case) type.
    paths: BTreeMap<String, String>,
}

/// The documented SQL schema of a CloudTrail Lake event data store of CloudTrail events (AWS CloudTrail User
/// Guide, "Supported SQL schemas for event data stores"; `docs/org-scale.md`), as `(name, type)` pairs.
pub const LAKE_SCHEMA: &[(&str, &str)] = &[
    ("eventversion", "string"),
    (
        "useridentity",
        "struct<type:string,principalid:string,arn:string,accountid:string,accesskeyid:string,username:string,\
         sessioncontext:struct<attributes:struct<creationdate:timestamp,mfaauthenticated:string>,\
         sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>,\
         webidfederationdata:struct<federatedprovider:string,attributes:map<string,string>>,\
         sourceidentity:string,ec2roledelivery:string,ec2issuedinvpc:string>,\
         onbehalfof:struct<userid:string,identitystorearn:string>,\
         inscopeof:struct<sourcearn:string,sourceaccount:string,issuertype:string,credentiaisissuedto:string>,\
         invokedby:string,identityprovider:string>",
    ),
    ("eventtime", "timestamp"),
    ("eventsource", "string"),
    ("eventname", "string"),
    ("awsregion", "string"),
    ("sourceipaddress", "string"),
    ("useragent", "string"),
    ("errorcode", "string"),
    ("errormessage", "string"),
    ("requestparameters", "map<string,string>"),
    ("responseelements", "map<string,string>"),
    ("additionaleventdata", "map<string,string>"),
    ("requestid", "string"),
    ("eventid", "string"),
    ("readonly", "boolean"),
    (
        "resources",
        "array<struct<accountid:string,type:string,arn:string,arnprefix:string>>",
    ),
    ("eventtype", "string"),
    ("apiversion", "string"),
    ("managementevent", "boolean"),
    ("recipientaccountid", "string"),
    ("sharedeventid", "string"),
    ("annotation", "string"),
    ("vpcendpointid", "string"),
    ("vpcendpointaccountid", "string"),
    ("serviceeventdetails", "map<string,string>"),
    ("addendum", "map<string,string>"),
    ("edgedevicedetails", "map<string,string>"),
    ("insightdetails", "map<string,string>"),
    ("eventcategory", "string"),
    (
        "tlsdetails",
        "struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>",
    ),
    ("sessioncredentialfromconsole", "string"),
];

impl TableColumns {
    /// From `(name, type)` pairs as the table metadata lists them.
    pub fn from_metadata<'a>(columns: impl IntoIterator<Item = (&'a str, &'a str)>) -> TableColumns {
        let mut paths = BTreeMap::new();
        for (name, ty) in columns {
            let name = name.to_ascii_lowercase();
            collect(&name, &ty.to_ascii_lowercase(), &mut paths);
        }
        TableColumns { paths }
    }

    /// The columns of a CloudTrail Lake event data store ([`LAKE_SCHEMA`]).
    pub fn lake() -> TableColumns {
        TableColumns::from_metadata(LAKE_SCHEMA.iter().copied())
    }

    /// Whether the table has this (lower-case, dotted) path.
    pub fn has(&self, path: &str) -> bool {
        self.paths.contains_key(path)
    }

    /// The [`COLUMNS`] this table has, in record order, each read back as its type says: a struct is selected by
    /// its field paths, never whole; a `timestamp`, `boolean` or `map` column reads as one.
    pub fn selectable(&self) -> Vec<Column> {
        COLUMNS
            .iter()
            .filter_map(|c| {
                let ty = self.paths.get(c.path)?;
                let kind = match ty.as_str() {
                    t if t.starts_with("struct<") => return None,
                    t if t.starts_with("map<") => ValueKind::Map,
                    "timestamp" => ValueKind::Timestamp,
                    "boolean" => ValueKind::Bool,
                    _ => c.kind,
                };
                Some(Column { kind, ..*c })
            })
            .collect()
    }
}

/// Record `prefix` with its type and, for a struct type, every field path under it.
fn collect(prefix: &str, ty: &str, out: &mut BTreeMap<String, String>) {
    let ty: String = ty.split_whitespace().collect();
    out.insert(prefix.to_string(), ty.clone());
    let ty = ty.as_str();
    let Some(body) = ty.strip_prefix("struct<").and_then(|b| b.strip_suffix('>')) else {
        return;
    };
    for field in split_top(body) {
        if let Some((name, fty)) = field.split_once(':') {
            collect(&format!("{prefix}.{}", name.trim()), fty, out);
        }
    }
}

/// Split `a:string,b:struct<c:int,d:int>` at the commas outside `<…>`.
fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'<' | b'(' => depth += 1,
            b'>' | b')' => depth -= 1,
            b',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_types_give_their_field_paths() {
        let t = TableColumns::from_metadata([
            ("eventID", "string"),
            (
                "useridentity",
                "struct<type:string,sessioncontext:struct<attributes:struct<mfaauthenticated:string>,\
                 sessionissuer:struct<arn:string>>,accesskeyid:string>",
            ),
            ("resources", "array<struct<arn:string,accountid:string,type:string>>"),
        ]);
        assert!(t.has("eventid"));
        assert!(t.has("useridentity.sessioncontext.sessionissuer.arn"));
        assert!(t.has("useridentity.sessioncontext.attributes.mfaauthenticated"));
        assert!(t.has("useridentity.accesskeyid"));
        assert!(!t.has("useridentity.sessioncontext.sourceidentity"));
        assert!(!t.has("resources.arn"), "array fields are not paths");
        let sel: Vec<&str> = t.selectable().iter().map(|c| c.path).collect();
        assert_eq!(
            sel,
            [
                "useridentity.type",
                "useridentity.accesskeyid",
                "useridentity.sessioncontext.attributes.mfaauthenticated",
                "useridentity.sessioncontext.sessionissuer.arn",
                "eventid",
                "resources"
            ]
        );
    }

    #[test]
    fn lake_types_decide_how_values_read_back() {
        let kinds: Vec<(&str, ValueKind)> = TableColumns::lake()
            .selectable()
            .iter()
            .map(|c| (c.path, c.kind))
            .collect();
        let kind = |p: &str| kinds.iter().find(|(q, _)| *q == p).map(|(_, k)| *k);
        assert_eq!(kind("eventtime"), Some(ValueKind::Timestamp));
        assert_eq!(
            kind("useridentity.sessioncontext.attributes.creationdate"),
            Some(ValueKind::Timestamp)
        );
        assert_eq!(kind("requestparameters"), Some(ValueKind::Map));
        assert_eq!(kind("addendum"), Some(ValueKind::Map));
        assert_eq!(kind("readonly"), Some(ValueKind::Bool));
        assert_eq!(kind("managementevent"), Some(ValueKind::Bool));
        assert_eq!(kind("resources"), Some(ValueKind::Resources));
        assert_eq!(kind("tlsdetails.tlsversion"), Some(ValueKind::Text));
        assert_eq!(
            kind("useridentity.sessioncontext.sourceidentity"),
            Some(ValueKind::Text)
        );
        assert_eq!(kind("useridentity.credentialid"), None, "not in Lake's schema");
        assert_eq!(kind("addendum.reason"), None, "a map is selected whole");
        // Athena's addendum is a struct: selected by its fields, never whole.
        let athena = TableColumns::from_metadata([("addendum", "struct<reason:string>"), ("eventtime", "string")]);
        let paths: Vec<&str> = athena.selectable().iter().map(|c| c.path).collect();
        assert_eq!(paths, ["eventtime", "addendum.reason"]);
        assert_eq!(athena.selectable()[0].kind, ValueKind::Text);
    }

    #[test]
    fn every_column_path_is_made_of_allowed_identifiers() {
        for c in COLUMNS {
            for part in c.path.split('.') {
                assert!(super::super::sql::Ident::new(part).is_ok(), "{}", c.path);
            }
            assert_eq!(
                c.path,
                c.json.to_ascii_lowercase(),
                "path and JSON name differ only in case"
            );
        }
    }
}
