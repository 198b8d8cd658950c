//! No subcommand: open the terminal UI on `-i PATH…`, or on the bundled sample case when no input is given.

use std::path::PathBuf;
use std::process::ExitCode;

/// Options of the terminal UI (top level, used when no subcommand is given).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct TuiArgs {
    /// Open the TUI on these files or folders (repeatable); without -i the bundled sample case opens.
    #[arg(short = 'i', long = "input")]
    pub inputs: Vec<PathBuf>,
    /// Directory with MaxMind City/ASN .mmdb files for geolocation.
    #[arg(long)]
    pub geoip: Option<PathBuf>,
    /// Case directory for investigation notes (created on the first note; default: the user's default case).
    /// Without -i, the inputs the case recorded are opened.
    #[arg(long, value_name = "DIR", env = "TRAILHOUND_CASE")]
    pub case: Option<PathBuf>,
    /// Theme: dark, light, high-contrast or colorblind (your theme.toml in the config dir is applied on top).
    #[arg(long, env = "TRAILHOUND_THEME")]
    pub theme: Option<String>,
    #[command(flatten)]
    pub window: super::common::WindowArgs,
    #[command(flatten)]
    pub s3: super::s3::S3Args,
    /// The geo-fence `:geofence` reviews against (`trailhound geofence` takes the same flags).
    #[command(flatten)]
    pub fence: super::geofence::FenceArgs,
    #[command(flatten)]
    pub broker: super::common::BrokerArgs,
    /// The Sigma rules the Rules column, `:rule` and the findings list show (`trailhound detect` takes the same).
    #[command(flatten)]
    pub rules: super::detect::RuleArgs,
}

pub fn run(args: TuiArgs) -> anyhow::Result<ExitCode> {
    // A fence that does not parse is said before the terminal is taken.
    let fence = args.fence.fence()?.map(std::sync::Arc::new);
    let mut inputs = args.inputs;
    let geoip = args.geoip;
    let mut case_dir = args.case;
    // `-i s3://…`: bring the case's copy up to date before the terminal is taken (progress on stderr), then open
    // the copy. Without --case the copy lives in the input set's default case, which the TUI then opens too.
    let window = args.window.window();
    if inputs
        .iter()
        .any(|p| super::s3::s3_url(p).map_or(true, |u| u.is_some()))
    {
        let dir = super::s3::case_for(&inputs, case_dir.as_deref())?;
        inputs = super::s3::resolve(&inputs, Some(&dir), &window, &args.s3)?;
        case_dir = Some(dir);
    }
    // `--case DIR` without -i opens the data the case recorded, through the case's index.
    let mut index = None;
    if inputs.is_empty()
        && let Some(dir) = &case_dir
    {
        let (paths, at) = super::common::case_inputs(dir)?;
        inputs = paths;
        index = Some(at);
    }
    if inputs.is_empty() {
        let case = crate::tui::sample_case().ok_or_else(|| {
            anyhow::anyhow!(
                "no -i given and the bundled sample case (samples/case) was not found; \
                 generate it with `trailhound demo --out samples/case` or pass -i PATH"
            )
        })?;
        inputs.push(case);
    }
    // Geolocation databases are found by the one search order of `core::dataset` (`--geoip`, $TRAILHOUND_GEOIP,
    // an input folder's own `geoip/` as the sample ships, the config dir, the system folders).
    if let Some(name) = &args.theme
        && crate::tui::theme::Theme::builtin(name).is_err()
    {
        anyhow::bail!("unknown theme {name:?} (dark, light, high-contrast, colorblind)");
    }
    // The case's recorded broker settings, with those given here added.
    let recorded = match &case_dir {
        Some(dir) if dir.join(crate::core::case::DB_FILE).exists() => {
            crate::core::case::Case::open(dir)?.broker_config()?
        }
        _ => Default::default(),
    };
    let broker = recorded.merged(&args.broker.config());
    crate::tui::run(crate::tui::Options {
        broker,
        inputs,
        theme: args.theme,
        geoip,
        case: case_dir,
        window,
        index,
        fence,
        rules: (!args.rules.rules.is_empty() || args.rules.no_builtin_rules).then(|| args.rules.rule_set()),
    })?;
    Ok(ExitCode::SUCCESS)
}
