//! The serde shape of one CloudTrail record, borrowed from the input buffer.
//!
//! Only the fields trailhound keeps are named; serde skips the rest without allocating. Top-level fields are
//! strict (a `userAgent` that is a number makes the record malformed: it is reported and skipped), while the
//! service-specific `requestParameters` / `responseElements` are read leniently ([`LStr`], [`Lenient`]): a value of
//! an unexpected type there reads as absent instead of rejecting an otherwise good record.

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

pub type Str<'a> = Option<Cow<'a, str>>;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RawRecord<'a> {
    /// Kept as raw text: identities repeat on every call of a session, so they are deduplicated by text and
    /// parsed once (see `parse::Ctx::identity`).
    #[serde(borrow, default)]
    pub user_identity: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow, default)]
    pub event_time: Str<'a>,
    #[serde(borrow, default)]
    pub event_source: Str<'a>,
    #[serde(borrow, default)]
    pub event_name: Str<'a>,
    #[serde(borrow, default)]
    pub aws_region: Str<'a>,
    #[serde(borrow, default, rename = "sourceIPAddress")]
    pub source_ip_address: Str<'a>,
    #[serde(borrow, default)]
    pub user_agent: Str<'a>,
    #[serde(borrow, default)]
    pub error_code: Str<'a>,
    /// Read leniently: a message of an unexpected type reads as absent rather than losing the record.
    #[serde(borrow, default)]
    pub error_message: LStr<'a>,
    #[serde(borrow, default)]
    pub request_parameters: Lenient<RequestParameters<'a>>,
    #[serde(borrow, default)]
    pub response_elements: Lenient<ResponseElements<'a>>,
    #[serde(borrow, default, rename = "eventID")]
    pub event_id: Str<'a>,
    #[serde(borrow, default, rename = "sharedEventID")]
    pub shared_event_id: Str<'a>,
    #[serde(default)]
    pub read_only: LBool,
    #[serde(borrow, default)]
    pub event_type: Str<'a>,
    #[serde(default)]
    pub management_event: LBool,
    #[serde(borrow, default)]
    pub recipient_account_id: Str<'a>,
    #[serde(borrow, default)]
    pub event_category: Str<'a>,
    #[serde(borrow, default)]
    pub resources: Lenient<Vec<Lenient<RawResource<'a>>>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RawIdentity<'a> {
    #[serde(borrow, default, rename = "type")]
    pub kind: Str<'a>,
    #[serde(borrow, default)]
    pub principal_id: Str<'a>,
    #[serde(borrow, default)]
    pub arn: Str<'a>,
    #[serde(borrow, default)]
    pub account_id: Str<'a>,
    #[serde(borrow, default)]
    pub access_key_id: Str<'a>,
    #[serde(borrow, default)]
    pub user_name: Str<'a>,
    #[serde(borrow, default)]
    pub invoked_by: Str<'a>,
    #[serde(borrow, default)]
    pub identity_provider: Str<'a>,
    #[serde(borrow, default)]
    pub credential_id: Str<'a>,
    #[serde(borrow, default)]
    pub session_context: Lenient<SessionContext<'a>>,
    #[serde(borrow, default)]
    pub on_behalf_of: Lenient<OnBehalfOf<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SessionContext<'a> {
    #[serde(borrow, default)]
    pub session_issuer: Lenient<SessionIssuer<'a>>,
    #[serde(borrow, default)]
    pub attributes: Lenient<SessionAttributes<'a>>,
    #[serde(borrow, default)]
    pub source_identity: LStr<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SessionIssuer<'a> {
    #[serde(borrow, default, rename = "type")]
    pub kind: LStr<'a>,
    #[serde(borrow, default)]
    pub principal_id: LStr<'a>,
    #[serde(borrow, default)]
    pub arn: LStr<'a>,
    #[serde(borrow, default)]
    pub account_id: LStr<'a>,
    #[serde(borrow, default)]
    pub user_name: LStr<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SessionAttributes<'a> {
    #[serde(borrow, default)]
    pub creation_date: LStr<'a>,
    #[serde(default)]
    pub mfa_authenticated: LBool,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct OnBehalfOf<'a> {
    #[serde(borrow, default)]
    pub user_id: LStr<'a>,
    #[serde(borrow, default)]
    pub identity_store_arn: LStr<'a>,
}

/// The request parameters trailhound reads: assumption inputs and the common resource names.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RequestParameters<'a> {
    #[serde(borrow, default)]
    pub role_arn: LStr<'a>,
    #[serde(borrow, default)]
    pub role_session_name: LStr<'a>,
    #[serde(borrow, default)]
    pub source_identity: LStr<'a>,
    #[serde(default)]
    pub duration_seconds: LNum,
    #[serde(borrow, default)]
    pub principal_arn: LStr<'a>,
    /// GetFederationToken's user name; also CloudTrail trail names, SSM parameter names.
    #[serde(borrow, default)]
    pub name: LStr<'a>,
    #[serde(borrow, default)]
    pub bucket_name: LStr<'a>,
    #[serde(borrow, default)]
    pub role_name: LStr<'a>,
    #[serde(borrow, default)]
    pub key_id: LStr<'a>,
    #[serde(borrow, default)]
    pub function_name: LStr<'a>,
    #[serde(borrow, default)]
    pub queue_url: LStr<'a>,
    #[serde(borrow, default)]
    pub topic_arn: LStr<'a>,
    #[serde(borrow, default)]
    pub secret_id: LStr<'a>,
    #[serde(borrow, default)]
    pub resource_arn: LStr<'a>,
    #[serde(borrow, default)]
    pub repository_name: LStr<'a>,
    #[serde(borrow, default)]
    pub file_system_id: LStr<'a>,
    #[serde(borrow, default)]
    pub snapshot_id: LStr<'a>,
    #[serde(borrow, default)]
    pub image_id: LStr<'a>,
    #[serde(borrow, default)]
    pub user_name: LStr<'a>,
    #[serde(borrow, default, rename = "dBSnapshotIdentifier")]
    pub db_snapshot_identifier: LStr<'a>,
    #[serde(borrow, default, rename = "dBClusterSnapshotIdentifier")]
    pub db_cluster_snapshot_identifier: LStr<'a>,
    /// AssumeRole session tags: `[{"key": …, "value": …}]`.
    #[serde(borrow, default)]
    pub tags: Lenient<Vec<Lenient<RawTag<'a>>>>,
    /// AssumeRoleWithSAML / WithWebIdentity session tags from the assertion: `{key: value}`.
    #[serde(borrow, default)]
    pub principal_tags: Lenient<TagMap<'a>>,
    #[serde(borrow, default)]
    pub transitive_tag_keys: Lenient<Vec<LStr<'a>>>,
    #[serde(borrow, default)]
    pub incoming_transitive_tags: Lenient<TagMap<'a>>,
    /// AssumeRoot.
    #[serde(borrow, default)]
    pub target_principal: LStr<'a>,
    #[serde(borrow, default)]
    pub task_policy_arn: Lenient<PolicyDescriptor<'a>>,
    #[serde(borrow, default)]
    pub provided_contexts: Lenient<Vec<Lenient<ProvidedContext<'a>>>>,
}

/// One `{"key", "value"}` session tag (`Key`/`Value` accepted too: the API spells them so).
#[derive(Deserialize, Default)]
pub struct RawTag<'a> {
    #[serde(borrow, default, alias = "Key")]
    pub key: LStr<'a>,
    #[serde(borrow, default, alias = "Value")]
    pub value: LStr<'a>,
}

/// A `{key: value}` object read in logged order, values read leniently (a map of anything else reads as absent).
#[derive(Default)]
pub struct TagMap<'a>(pub Vec<(Cow<'a, str>, LStr<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for TagMap<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = TagMap<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of tags")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = a.next_entry::<Cow<'de, str>, LStr<'de>>()? {
                    // Keep reading past the cap (the document must still parse) but keep no more.
                    if out.len() < crate::core::model::MAX_TAGS {
                        out.push((k, v));
                    }
                }
                Ok(TagMap(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize, Default)]
pub struct PolicyDescriptor<'a> {
    #[serde(borrow, default)]
    pub arn: LStr<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ProvidedContext<'a> {
    #[serde(borrow, default, alias = "ProviderArn")]
    pub provider_arn: LStr<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ResponseElements<'a> {
    #[serde(borrow, default)]
    pub credentials: Lenient<Credentials<'a>>,
    #[serde(borrow, default)]
    pub assumed_role_user: Lenient<AssumedRoleUser<'a>>,
    #[serde(borrow, default)]
    pub federated_user: Lenient<FederatedUser<'a>>,
    #[serde(borrow, default)]
    pub source_identity: LStr<'a>,
    #[serde(borrow, default)]
    pub provider: LStr<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Credentials<'a> {
    #[serde(borrow, default)]
    pub access_key_id: LStr<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AssumedRoleUser<'a> {
    #[serde(borrow, default)]
    pub assumed_role_id: LStr<'a>,
    #[serde(borrow, default)]
    pub arn: LStr<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct FederatedUser<'a> {
    #[serde(borrow, default)]
    pub federated_user_id: LStr<'a>,
    #[serde(borrow, default)]
    pub arn: LStr<'a>,
}

#[derive(Deserialize, Default)]
pub struct RawResource<'a> {
    #[serde(borrow, default, rename = "ARN")]
    pub arn: LStr<'a>,
}

/// A string that reads any other JSON type (number, object, array, bool, null) as absent.
#[derive(Default, Debug, PartialEq)]
pub struct LStr<'a>(pub Option<Cow<'a, str>>);

impl<'a> LStr<'a> {
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for LStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = LStr<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(LStr(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(LStr(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(LStr(Some(Cow::Owned(v))))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(LStr(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(LStr(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(LStr(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(LStr(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(LStr(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(LStr(None))
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
                d.deserialize_any(self)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LStr(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LStr(None))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A boolean that also accepts `"true"` / `"false"` strings; anything else reads as absent.
#[derive(Default, Debug, PartialEq, Clone, Copy)]
pub struct LBool(pub Option<bool>);

impl<'de> Deserialize<'de> for LBool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match LAny::deserialize(d)? {
            LAny::Bool(b) => LBool(Some(b)),
            LAny::Str(s) if s.eq_ignore_ascii_case("true") => LBool(Some(true)),
            LAny::Str(s) if s.eq_ignore_ascii_case("false") => LBool(Some(false)),
            _ => LBool(None),
        })
    }
}

/// A non-negative integer that also accepts numeric strings; anything else reads as absent.
#[derive(Default, Debug, PartialEq, Clone, Copy)]
pub struct LNum(pub Option<u64>);

impl<'de> Deserialize<'de> for LNum {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match LAny::deserialize(d)? {
            LAny::Num(n) => LNum(Some(n)),
            LAny::Str(s) => LNum(s.trim().parse().ok()),
            _ => LNum(None),
        })
    }
}

/// A scalar read without failing on type: the building block of [`LBool`] and [`LNum`].
enum LAny {
    Bool(bool),
    Num(u64),
    Str(String),
    Other,
}

impl<'de> Deserialize<'de> for LAny {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LAny;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<LAny, E> {
                Ok(LAny::Bool(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LAny, E> {
                Ok(LAny::Num(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LAny, E> {
                Ok(if v >= 0 { LAny::Num(v as u64) } else { LAny::Other })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LAny, E> {
                Ok(if v.is_finite() && v >= 0.0 {
                    LAny::Num(v as u64)
                } else {
                    LAny::Other
                })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LAny, E> {
                // Only short strings can be booleans or numbers; do not copy a hostile megabyte.
                Ok(if v.len() <= 32 {
                    LAny::Str(v.to_owned())
                } else {
                    LAny::Other
                })
            }
            fn visit_unit<E: de::Error>(self) -> Result<LAny, E> {
                Ok(LAny::Other)
            }
            fn visit_none<E: de::Error>(self) -> Result<LAny, E> {
                Ok(LAny::Other)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<LAny, D2::Error> {
                d.deserialize_any(self)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<LAny, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LAny::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<LAny, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LAny::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// An object (or array, for `Vec`) read leniently: any other JSON type reads as absent. The inner type must
/// itself be lenient (built from [`LStr`] etc.) for a wrong-typed nested field not to fail the record.
#[derive(Debug)]
pub struct Lenient<T>(pub Option<T>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient(None)
    }
}

impl<T> Lenient<T> {
    pub fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Lenient<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(a)).map(|v| Lenient(Some(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::SeqAccessDeserializer::new(a)).map(|v| Lenient(Some(v)))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Lenient(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Lenient(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Lenient(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Lenient(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Lenient(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Lenient(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Lenient(None))
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
                d.deserialize_any(self)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_wrong_types_read_as_absent() {
        let json = r#"{"eventTime":"2026-11-05T14:12:07Z","eventName":"AssumeRole","eventSource":"sts.amazonaws.com",
            "requestParameters":{"roleArn":42,"roleSessionName":{"x":[1,2]},"durationSeconds":"3600"},
            "responseElements":"redacted","readOnly":"false","resources":[{"ARN":"arn:aws:iam::1:role/R"},7]}"#;
        let r: RawRecord = serde_json::from_str(json).unwrap();
        let rp = r.request_parameters.get().unwrap();
        assert_eq!(rp.role_arn.as_deref(), None);
        assert_eq!(rp.role_session_name.as_deref(), None);
        assert_eq!(rp.duration_seconds.0, Some(3600));
        assert!(r.response_elements.get().is_none());
        assert_eq!(r.read_only.0, Some(false));
        let res = r.resources.get().unwrap();
        assert_eq!(res[0].get().unwrap().arn.as_deref(), Some("arn:aws:iam::1:role/R"));
        assert!(res[1].get().is_none());
    }

    #[test]
    fn top_level_wrong_type_is_an_error() {
        let json = r#"{"eventTime":"2026-11-05T14:12:07Z","eventName":"X","userAgent":123}"#;
        assert!(serde_json::from_str::<RawRecord>(json).is_err());
    }

    #[test]
    fn escaped_strings_are_owned_not_rejected() {
        let json = r#"{"eventName":"Get\"Object","userAgent":"a\u001b[31mb"}"#;
        let r: RawRecord = serde_json::from_str(json).unwrap();
        assert_eq!(r.event_name.as_deref(), Some("Get\"Object"));
        assert_eq!(r.user_agent.as_deref(), Some("a\u{1b}[31mb"));
    }
}
