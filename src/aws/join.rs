//! Run a list of futures at the same time on the current task and collect their outputs in list order: how
//! [`super::fetch`] works on all regions at once while borrowing the caller's progress callback (spawned tasks
//! would need it `'static`).
//!
//! Hand-written rather than `futures_util::future::join_all` because this tree builds futures-util without its
//! `alloc` feature, and turning it on rebuilds the whole AWS SDK stack (42 crates) for these few lines. Every
//! unfinished future is polled on each wake-up, which is fine for the handful of regions a fetch names.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

/// Await every future of `futs` concurrently; the outputs come back in the order of `futs`.
pub(crate) async fn join_all<F: Future>(futs: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut running: Vec<Pin<Box<F>>> = futs.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = running.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (fut, out) in running.iter_mut().zip(outputs.iter_mut()) {
            if out.is_none() {
                match fut.as_mut().poll(cx) {
                    Poll::Ready(v) => *out = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending { Poll::Pending } else { Poll::Ready(()) }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each future waits for the next one to have started: run one after the other this would never finish.
    #[tokio::test]
    async fn futures_run_together_and_outputs_keep_their_order() {
        let n = 4;
        let started: Vec<tokio::sync::Semaphore> = (0..n).map(|_| tokio::sync::Semaphore::new(0)).collect();
        let started = &started;
        let all = join_all((0..n).map(|i| async move {
            started[i].add_permits(1);
            if i + 1 < n {
                let _ = started[i + 1].acquire().await;
            }
            i * 10
        }));
        // A hang guard only (the futures finish at once when run together).
        let outputs = tokio::time::timeout(std::time::Duration::from_secs(30), all)
            .await
            .expect("the futures ran one after the other");
        assert_eq!(outputs, [0, 10, 20, 30]);
        assert!(join_all(Vec::<std::future::Ready<u8>>::new()).await.is_empty());
    }
}
