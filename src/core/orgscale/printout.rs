//! The plan as people read it: what `trailhound fetch --athena/--lake --dry-run` prints and what the TUI's
//! `:fetch` dialog shows before anything runs (one function for both), per query its part, window, partition
//! ranges, SQL and parameters, then what depends on results.

use super::plan::{Part, Query};

/// The plan as text: per query its part, window, partitions, SQL and parameters (`inline`: the SQL as an engine
/// without parameters receives it, every value inlined as its literal), then what is built from results and how
/// many queries run at once (`concurrency`; which ones: `super::split`).
pub fn plan_text(table: &str, layout: &str, queries: &[Query], inline: bool, concurrency: usize) -> String {
    let mut out = format!("plan for {table} (partitions: {layout})\n");
    for (i, q) in queries.iter().enumerate() {
        let p = &q.partitions;
        out.push_str(&format!(
            "\n{}. {} [{} .. {}]\n   partitions: days {} .. {}; accounts {}; regions {}\n   sql: {}\n   parameters: {}\n",
            i + 1,
            q.part,
            q.from,
            q.to,
            p.days.0,
            p.days.1,
            p.accounts.as_ref().map_or("all".to_string(), |a| a.join(", ")),
            p.regions.as_ref().map_or("all".to_string(), |a| a.join(", ")),
            if inline { q.sql.inline() } else { q.sql.text.clone() },
            q.sql.params.join(", ")
        ));
    }
    out.push_str(
        "\nthen: chain-completion rounds for temporary keys used in scope whose creation is older than the \
         window (built from the results, at most 8 rounds)\n",
    );
    if queries.iter().any(|q| q.part == Part::Baseline) {
        out.push_str(
            "then: the baseline of the principals on the named ones' chains and of the accounts they acted in \
             (built from the results)\n",
        );
    }
    if concurrency > 1 {
        out.push_str(&format!(
            "at most {concurrency} queries at once (--query-concurrency): a round runs per account where accounts \
             are partitions; a baseline over the named principals' own accounts runs beside the scope query\n"
        ));
    } else {
        out.push_str("one query at a time (--query-concurrency 1)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::orgscale::layout::Layout;
    use crate::core::orgscale::plan::{Settings, Source, Target};

    #[test]
    fn each_query_is_numbered_with_its_window_partitions_sql_and_parameters() {
        let target = Target {
            source: Source::Athena("trails.org".parse().unwrap()),
            layout: Layout::from_partition_keys(["account", "region", "timestamp"]),
            columns: crate::core::orgscale::columns::TableColumns::from_metadata([
                ("eventid", "string"),
                ("eventtime", "string"),
                ("eventname", "string"),
                ("useridentity", "struct<accesskeyid:string>"),
                ("responseelements", "string"),
            ]),
        };
        let s = Settings {
            accounts: Some(vec!["111122223333".into()]),
            regions: None,
            max_rows: 10,
            allow_full_scan: false,
        };
        let q = target.scope((1_793_894_400, 1_793_897_999), &s).unwrap();
        let text = plan_text(
            "\"trails\".\"org\"",
            "account, region, timestamp",
            std::slice::from_ref(&q),
            false,
            4,
        );
        assert!(text.starts_with("plan for \"trails\".\"org\" (partitions: account, region, timestamp)\n\n1. scope ["));
        assert!(text.contains("   partitions: days 2026/11/05 .. 2026/11/05; accounts 111122223333; regions all\n"));
        assert!(text.contains("   parameters: '2026-11-05T16:00:00Z', '2026-11-05T16:59:59Z', '111122223333'"));
        assert!(text.contains(" LIMIT 11\n"));
        assert!(text.contains("at most 8 rounds)\n"));
        assert!(
            !text.contains("then: the baseline"),
            "no baseline query, no baseline line"
        );
        assert!(text.ends_with("beside the scope query\n"));
        assert!(plan_text("t", "l", &[q], false, 1).ends_with("one query at a time (--query-concurrency 1)\n"));
    }
}
