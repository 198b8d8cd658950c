//! The pivot stack of views: never empty by construction (the root view is held apart from the ones pushed over
//! it), so "the current view" is a plain reference rather than an `Option` every caller would have to unwrap.

use super::app::Frame;

/// The views from the root (index 0) to the current one (the top). Esc pops, but never the root.
pub struct ViewStack {
    below: Vec<Frame>,
    top: Frame,
}

impl ViewStack {
    /// A stack holding only `root`.
    pub fn new(root: Frame) -> ViewStack {
        ViewStack {
            below: Vec::new(),
            top: root,
        }
    }

    /// A stack of `frames`, root first; `None` when there are none.
    pub fn from_frames(mut frames: Vec<Frame>) -> Option<ViewStack> {
        let top = frames.pop()?;
        Some(ViewStack { below: frames, top })
    }

    /// The current view.
    pub fn top(&self) -> &Frame {
        &self.top
    }

    /// The current view, to change.
    pub fn top_mut(&mut self) -> &mut Frame {
        &mut self.top
    }

    /// Open `frame` over the current view.
    pub fn push(&mut self, frame: Frame) {
        let below = std::mem::replace(&mut self.top, frame);
        self.below.push(below);
    }

    /// Close the current view and return it; `None` (nothing changes) when it is the root.
    pub fn pop(&mut self) -> Option<Frame> {
        let under = self.below.pop()?;
        Some(std::mem::replace(&mut self.top, under))
    }

    /// Keep the first `len` views (at least the root).
    pub fn truncate(&mut self, len: usize) {
        while self.len() > len.max(1) {
            self.pop();
        }
    }

    /// How many views are open, the root included (at least 1).
    pub fn len(&self) -> usize {
        self.below.len() + 1
    }

    /// Never true: the root is always there (provided because `len` is).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The views from the root to the top.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Frame> {
        self.below.iter().chain(std::iter::once(&self.top))
    }

    /// The views from the root to the top, to change (a background result for a view under the top).
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut Frame> {
        self.below.iter_mut().chain(std::iter::once(&mut self.top))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::spec::ViewSpec;

    fn specs(s: &ViewStack) -> Vec<ViewSpec> {
        s.iter().map(|f| f.spec.clone()).collect()
    }

    #[test]
    fn the_root_is_never_popped_and_order_is_root_first() {
        let mut s = ViewStack::new(Frame::new(ViewSpec::Findings));
        assert_eq!(s.pop().map(|f| f.spec), None);
        assert_eq!(s.len(), 1);
        s.push(Frame::new(ViewSpec::Account("a".into())));
        s.push(Frame::new(ViewSpec::Notes));
        assert_eq!(
            specs(&s),
            [ViewSpec::Findings, ViewSpec::Account("a".into()), ViewSpec::Notes]
        );
        assert_eq!(s.top().spec, ViewSpec::Notes);
        assert_eq!(s.pop().map(|f| f.spec), Some(ViewSpec::Notes));
        assert_eq!(s.top().spec, ViewSpec::Account("a".into()));
        s.push(Frame::new(ViewSpec::Notes));
        s.truncate(0);
        assert_eq!(specs(&s), [ViewSpec::Findings]);
        assert!(ViewStack::from_frames(Vec::new()).is_none());
        let s = ViewStack::from_frames(vec![
            Frame::new(ViewSpec::Findings),
            Frame::new(ViewSpec::Account("a".into())),
        ]);
        assert_eq!(s.map(|s| s.top().spec.clone()), Some(ViewSpec::Account("a".into())));
    }
}
