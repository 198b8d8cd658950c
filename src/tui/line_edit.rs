//! A one-line text editor for the `:` command line, the `/` filter and the custom-scope prompt.
//!
//! Hand-written rather than ratatui-textarea: these prompts need one line, append/backspace and completion,
//! and the typed text must be visible to `update` as plain state for headless tests.

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineEdit {
    pub text: String,
}

/// Longest input accepted (a full ARN plus command fits many times over).
const MAX: usize = 2048;

impl LineEdit {
    pub fn with(text: &str) -> LineEdit {
        LineEdit { text: text.to_string() }
    }
    pub fn push(&mut self, c: char) {
        if !c.is_control() && self.text.len() < MAX {
            self.text.push(c);
        }
    }
    pub fn backspace(&mut self) {
        self.text.pop();
    }
}
