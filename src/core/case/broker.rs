//! The case's elevated-access broker settings (broker roles, request logs), kept in `meta` as JSON so a case
//! reopens with the same broker context (README "Elevated-access brokers"). A log inside the case folder is
//! stored relative to it, so the folder moves with its logs.

use super::{Case, CaseError, Result};
use crate::core::broker::BrokerConfig;
use std::path::{Path, PathBuf};

const KEY: &str = "broker_config";

impl Case {
    /// The recorded broker settings (empty when none were recorded); relative log paths resolved against the case.
    pub fn broker_config(&self) -> Result<BrokerConfig> {
        let Some(text) = self.meta(KEY)? else {
            return Ok(BrokerConfig::default());
        };
        let mut c: BrokerConfig =
            serde_json::from_str(&text).map_err(|e| self.corrupt(format!("stored broker settings: {e}")))?;
        for l in &mut c.logs {
            if l.is_relative() {
                *l = self.dir.join(&*l);
            }
        }
        Ok(c)
    }

    /// Record `config` added to what is recorded (roles and logs kept once); committed before returning.
    pub fn add_broker_config(&self, config: &BrokerConfig) -> Result<()> {
        let mut merged = self.broker_config()?.merged(config);
        let case_abs = std::path::absolute(&self.dir).unwrap_or_else(|_| self.dir.clone());
        merged.logs = merged
            .logs
            .iter()
            .map(|l| stored(&case_abs, l))
            .collect::<Result<Vec<PathBuf>>>()?;
        let json = serde_json::to_string(&merged).map_err(|e| CaseError::Invalid(e.to_string()))?;
        self.write(|c| {
            c.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [KEY, json.as_str()],
            )?;
            Ok(())
        })
    }
}

fn stored(case_abs: &Path, log: &Path) -> Result<PathBuf> {
    let abs = std::path::absolute(log).map_err(|source| CaseError::Io {
        path: log.display().to_string(),
        source,
    })?;
    Ok(match abs.strip_prefix(case_abs) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => abs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broker_settings_survive_reopening_and_merge() {
        let dir = tempfile::tempdir().unwrap();
        let case = Case::create(dir.path(), &[]).unwrap();
        assert_eq!(case.broker_config().unwrap(), BrokerConfig::default());
        let inside = dir.path().join("requests.csv");
        case.add_broker_config(&BrokerConfig {
            roles: vec!["arn:aws:iam::111122223333:role/tea-Lambda-IdentityBroker-Role".into()],
            logs: vec![inside.clone()],
        })
        .unwrap();
        case.add_broker_config(&BrokerConfig {
            roles: vec!["ARN:AWS:IAM::111122223333:ROLE/TEA-LAMBDA-IDENTITYBROKER-ROLE".into()],
            logs: vec![],
        })
        .unwrap();
        drop(case);
        let c = Case::open(dir.path()).unwrap().broker_config().unwrap();
        assert_eq!(c.roles.len(), 1);
        assert_eq!(
            std::path::absolute(&c.logs[0]).unwrap(),
            std::path::absolute(&inside).unwrap()
        );
    }
}
