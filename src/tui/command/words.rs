//! The `:` command vocabulary as one table: each word's name, argument, description and where Tab completes its
//! argument from. The help popup, completion, the resolver and the README's command table are generated from it
//! (a test keeps the README equal), so they cannot drift apart.
//!
//! The prefix rule: a word is a command's full name, an exact alias (`q`), or a prefix of exactly one command's
//! name (`:se` is `:session`). A prefix of several (`:e`: `:event`, `:export`) is refused and the candidates are
//! named.

use crate::core::entity::EntityKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommandWord {
    Session,
    Key,
    Role,
    User,
    Ip,
    Account,
    Finding,
    Findings,
    Event,
    Scope,
    Notes,
    Summary,
    Group,
    Fetch,
    Export,
    Tag,
    Geofence,
    Rule,
    Quit,
}

/// Where Tab completes a command's argument from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completes {
    /// The loaded names of this entity kind (`core::names`).
    Entity(EntityKind),
    /// The titles and ids of the rules that hit (`views::rule_hits::completions`).
    Rules,
}

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    pub word: CommandWord,
    pub name: &'static str,
    /// Exact spellings that also mean this command (not prefixes).
    pub aliases: &'static [&'static str],
    /// The argument as the help shows it; empty when the command takes none.
    pub arg: &'static str,
    pub description: &'static str,
    /// Where Tab completes the argument from.
    pub completes: Option<Completes>,
}

impl Word {
    /// The entity kind the argument names, when it completes from loaded names.
    pub fn entity(&self) -> Option<EntityKind> {
        match self.completes {
            Some(Completes::Entity(k)) => Some(k),
            _ => None,
        }
    }
}

const fn w(
    word: CommandWord,
    name: &'static str,
    arg: &'static str,
    completes: Option<EntityKind>,
    description: &'static str,
) -> Word {
    Word {
        word,
        name,
        aliases: &[],
        arg,
        description,
        completes: match completes {
            Some(k) => Some(Completes::Entity(k)),
            None => None,
        },
    }
}

/// Every command, in the order help and completion list them.
pub const WORDS: &[Word] = &[
    w(
        CommandWord::Session,
        "session",
        "KEY",
        Some(EntityKind::Session),
        "open a role session by its temporary access key",
    ),
    w(
        CommandWord::Key,
        "key",
        "KEY",
        Some(EntityKind::AccessKey),
        "open an access key (an ASIA… key opens its role session)",
    ),
    w(
        CommandWord::Role,
        "role",
        "ARN|NAME",
        Some(EntityKind::Role),
        "open a role by ARN, or by name (the first loaded role of that name)",
    ),
    w(
        CommandWord::User,
        "user",
        "ARN|ID",
        Some(EntityKind::Principal),
        "open an origin principal (IAM user, federated user, service, …)",
    ),
    w(
        CommandWord::Ip,
        "ip",
        "ADDR",
        Some(EntityKind::Ip),
        "open a source IP address",
    ),
    w(
        CommandWord::Account,
        "account",
        "ID",
        Some(EntityKind::Account),
        "open an AWS account",
    ),
    w(
        CommandWord::Finding,
        "finding",
        "ID",
        Some(EntityKind::Finding),
        "open a finding (the scope becomes its window)",
    ),
    w(CommandWord::Findings, "findings", "", None, "back to the findings list"),
    w(
        CommandWord::Event,
        "event",
        "EVENTID",
        None,
        "open an event's raw record by its eventID",
    ),
    w(
        CommandWord::Scope,
        "scope",
        "FROM..TO",
        None,
        "set the scope (RFC 3339 times)",
    ),
    w(CommandWord::Notes, "notes", "", None, "the case's investigation notes"),
    w(
        CommandWord::Summary,
        "summary",
        "[DATE]",
        None,
        "the day summary of DATE (YYYY-MM-DD; without it, the last day loaded)",
    ),
    // `:g` stays the group's (an exact alias) now that `:geofence` shares its first letter.
    Word {
        aliases: &["g"],
        ..w(
            CommandWord::Group,
            "group",
            "FINDING",
            Some(EntityKind::Finding),
            "the incident group that holds a finding (with its attack sequence)",
        )
    },
    w(
        CommandWord::Fetch,
        "fetch",
        "",
        None,
        "fetch from AWS into the case (a dialog)",
    ),
    w(
        CommandWord::Export,
        "export",
        "md|json|csv|jsonl PATH",
        None,
        "write the case's report",
    ),
    w(
        CommandWord::Tag,
        "tag",
        "NAME|-NAME",
        None,
        "tag (or with -, untag) the selected event or this entity",
    ),
    w(
        CommandWord::Geofence,
        "geofence",
        "[FENCE]",
        None,
        "calls from outside a geo-fence (US GB 203.0.113.0/24; none: the command line's); on a profile, its calls",
    ),
    Word {
        completes: Some(Completes::Rules),
        ..w(
            CommandWord::Rule,
            "rule",
            "[TITLE|ID]",
            None,
            "keep the events a Sigma rule hit (this events table; elsewhere, open the rule's events); none: clear it",
        )
    },
    Word {
        aliases: &["q"],
        ..w(CommandWord::Quit, "quit", "", None, "leave trailhound")
    },
];

impl CommandWord {
    pub fn spec(self) -> &'static Word {
        // Every variant has a row (`every_word_has_one_row`); the fallback is never taken.
        WORDS.iter().find(|w| w.word == self).unwrap_or(&WORDS[0])
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Whether the command needs an argument: it has one and it is not in brackets (`[DATE]` may be left out).
    pub fn takes_arg(self) -> bool {
        let arg = self.spec().arg;
        !arg.is_empty() && !arg.starts_with('[')
    }
}

/// Why a typed word is not a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unresolved {
    Unknown,
    /// A prefix of several commands (their names).
    Ambiguous(Vec<&'static str>),
}

/// The command a typed word names (see the prefix rule above).
pub fn resolve(word: &str) -> Result<CommandWord, Unresolved> {
    if let Some(w) = WORDS.iter().find(|w| w.name == word || w.aliases.contains(&word)) {
        return Ok(w.word);
    }
    if word.is_empty() {
        return Err(Unresolved::Unknown);
    }
    let matching: Vec<&Word> = WORDS.iter().filter(|w| w.name.starts_with(word)).collect();
    match matching.as_slice() {
        [one] => Ok(one.word),
        [] => Err(Unresolved::Unknown),
        many => Err(Unresolved::Ambiguous(many.iter().map(|w| w.name).collect())),
    }
}

/// The names starting with `prefix`, in table order (what completing a command word offers).
pub fn names_with_prefix(prefix: &str) -> Vec<&'static str> {
    WORDS.iter().map(|w| w.name).filter(|n| n.starts_with(prefix)).collect()
}

/// `:session KEY`, `:quit (:q)`: how help and the README write a command.
pub fn usage(w: &Word) -> String {
    let mut s = format!(":{}", w.name);
    if !w.arg.is_empty() {
        s.push(' ');
        s.push_str(w.arg);
    }
    for a in w.aliases {
        s.push_str(&format!(" (:{a})"));
    }
    s
}

/// The rule, as help and the README say it.
pub const PREFIX_RULE: &str = "a unique prefix is enough (:se is :session; :e is ambiguous); Tab completes";

/// The help popup's command lines, wrapped to `width` characters.
pub fn help_lines(width: usize) -> Vec<String> {
    let mut lines = vec![format!("Commands: {PREFIX_RULE}")];
    let mut line = String::new();
    for w in WORDS {
        let u = usage(w);
        if !line.is_empty() && line.chars().count() + 2 + u.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push_str("  ");
        }
        line.push_str(&u);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The README's command table.
pub fn markdown_table() -> String {
    let mut out = String::from("| command | what it does |\n|---|---|\n");
    for w in WORDS {
        // A `|` inside a cell would end it, even between backticks.
        let usage = usage(w).replace('|', "\\|");
        out.push_str(&format!("| `{usage}` | {} |\n", w.description));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_one_row() {
        use CommandWord::*;
        for c in [
            Session, Key, Role, User, Ip, Account, Finding, Findings, Event, Scope, Notes, Summary, Group, Fetch,
            Export, Tag, Geofence, Rule, Quit,
        ] {
            assert_eq!(WORDS.iter().filter(|w| w.word == c).count(), 1, "{c:?}");
            assert_eq!(c.spec().word, c);
        }
        let mut names: Vec<&str> = WORDS
            .iter()
            .flat_map(|w| std::iter::once(w.name).chain(w.aliases.iter().copied()))
            .collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n, "names and aliases are distinct");
    }

    #[test]
    fn unique_prefixes_and_exact_aliases_resolve_and_nothing_else() {
        use CommandWord::*;
        let ok = [
            ("session", Session),
            ("se", Session),
            ("k", Key),
            ("ro", Role),
            ("u", User),
            ("i", Ip),
            ("a", Account),
            ("finding", Finding),
            ("findings", Findings),
            ("ev", Event),
            ("event", Event),
            ("ex", Export),
            ("sc", Scope),
            ("n", Notes),
            ("su", Summary),
            ("summary", Summary),
            ("g", Group),
            ("fe", Fetch),
            ("t", Tag),
            ("ge", Geofence),
            ("geofence", Geofence),
            ("gr", Group),
            ("ru", Rule),
            ("rule", Rule),
            ("q", Quit),
            ("qu", Quit),
            ("quit", Quit),
        ];
        for (typed, want) in ok {
            assert_eq!(resolve(typed), Ok(want), "{typed:?}");
        }
        assert_eq!(resolve("e"), Err(Unresolved::Ambiguous(vec!["event", "export"])));
        assert_eq!(
            resolve("f"),
            Err(Unresolved::Ambiguous(vec!["finding", "findings", "fetch"]))
        );
        assert_eq!(
            resolve("s"),
            Err(Unresolved::Ambiguous(vec!["session", "scope", "summary"]))
        );
        assert_eq!(resolve("fi"), Err(Unresolved::Ambiguous(vec!["finding", "findings"])));
        assert_eq!(resolve("r"), Err(Unresolved::Ambiguous(vec!["role", "rule"])));
        for bad in ["", "zz", "sessions", "Session", "qq", ":q"] {
            assert_eq!(resolve(bad), Err(Unresolved::Unknown), "{bad:?}");
        }
    }

    #[test]
    fn help_names_every_command() {
        let text = help_lines(88).join("\n");
        for w in WORDS {
            assert!(text.contains(&format!(":{}", w.name)), "{}", w.name);
        }
        assert!(help_lines(88).iter().all(|l| l.chars().count() <= 88));
    }
}
