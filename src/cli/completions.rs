//! `trailhound completions SHELL` and `trailhound man [--out DIR]`: generated from the clap definitions
//! (`clap_complete`, `clap_mangen`), so they cannot drift from the commands.

use anyhow::Context;
use clap::CommandFactory;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, powershell or elvish
    pub shell: clap_complete::Shell,
}

#[derive(clap::Args, Debug)]
pub struct ManArgs {
    /// Write trailhound.1 and one trailhound-COMMAND.1 per command into this folder instead of printing the main
    /// page.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn completions(a: &CompletionsArgs) -> anyhow::Result<()> {
    let mut cmd = super::Cli::command();
    super::closed_stdout::write_stdout(|out| {
        clap_complete::generate(a.shell, &mut cmd, "trailhound", out);
        Ok(())
    })?;
    Ok(())
}

pub fn man(a: &ManArgs) -> anyhow::Result<()> {
    let cmd = super::Cli::command();
    match &a.out {
        None => {
            super::closed_stdout::write_stdout(|out| clap_mangen::Man::new(cmd).render(out))?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            clap_mangen::generate_to(cmd, dir).with_context(|| format!("writing pages to {}", dir.display()))?;
        }
    }
    Ok(())
}
