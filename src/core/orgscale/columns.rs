//! The documented CloudTrail table's columns (`docs/org-scale.md`) and the record fields they hold: one table
//! from a column path (`useridentity.sessioncontext.sessionissuer.arn`) to the record's JSON path
//! (`userIdentity.sessionContext.sessionIssuer.arn`) and how its text reads back. Queries select scalar columns
//! and struct fields by path (Athena renders whole ROW and ARRAY values as `{k=v}` / `[a, b]` text, which is not
//! JSON); `resources` is the one array, selected as `CAST(… AS JSON)`. Which paths a given table has is read from
//! its `GetTableMetadata` column types ([`TableColumns`]).

use std::collections::BTreeSet;

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
    paths: BTreeSet<String>,
}

impl TableColumns {
    /// From `(name, type)` pairs as the table metadata lists them.
    pub fn from_metadata<'a>(columns: impl IntoIterator<Item = (&'a str, &'a str)>) -> TableColumns {
        let mut paths = BTreeSet::new();
        for (name, ty) in columns {
            let name = name.to_ascii_lowercase();
            collect(&name, &ty.to_ascii_lowercase(), &mut paths);
        }
        TableColumns { paths }
    }

    /// Whether the table has this (lower-case, dotted) path.
    pub fn has(&self, path: &str) -> bool {
        self.paths.contains(path)
    }

    /// The [`COLUMNS`] this table has, in record order.
    pub fn selectable(&self) -> Vec<Column> {
        COLUMNS.iter().copied().filter(|c| self.has(c.path)).collect()
    }
}

/// Record `prefix` and, for a struct type, every field path under it.
fn collect(prefix: &str, ty: &str, out: &mut BTreeSet<String>) {
    out.insert(prefix.to_string());
    let ty = ty.trim();
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
