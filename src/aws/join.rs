//! Run a list of futures at the same time on the current task and collect their outputs in list order: how
//! [`super::fetch`] works on all regions at once while borrowing the caller's progress callback (spawned tasks
//! would need it `'static`).
//!
//! [`map_bounded`] runs many items through a fixed number of workers the same way (S3 listings and downloads).
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

/// Run `f` on every item with at most `limit` running at once (a fixed set of workers taking the next item as
/// they finish one), on the current task; the outputs come back in the order of `items`. Polling stays
/// proportional to `limit`, not to the number of items.
pub(crate) async fn map_bounded<T, O, Fut: Future<Output = O>>(
    items: Vec<T>,
    limit: usize,
    f: impl Fn(T) -> Fut,
) -> Vec<O> {
    let n = items.len();
    let queue = std::sync::Mutex::new(items.into_iter().enumerate());
    let done: std::sync::Mutex<Vec<(usize, O)>> = std::sync::Mutex::new(Vec::with_capacity(n));
    let (f, queue, done_ref) = (&f, &queue, &done);
    join_all((0..limit.clamp(1, n.max(1))).map(|_| async move {
        loop {
            // A poisoned lock means a worker panicked; the others stop taking work.
            let next = queue.lock().map(|mut q| q.next()).unwrap_or(None);
            let Some((i, item)) = next else { break };
            let out = f(item).await;
            if let Ok(mut d) = done_ref.lock() {
                d.push((i, out));
            }
        }
    }))
    .await;
    let mut done = done.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, o)| o).collect()
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

    /// At most `limit` run at once, every item runs once, and the outputs keep the input order.
    #[test]
    fn map_bounded_limits_and_keeps_order() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let running = std::sync::atomic::AtomicUsize::new(0);
        let peak = std::sync::atomic::AtomicUsize::new(0);
        let out = rt.block_on(map_bounded((0..20u64).collect(), 3, |i| {
            let (running, peak) = (&running, &peak);
            async move {
                let now = running.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                peak.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
                // Later items finish first: the order must come from the index, not completion.
                for _ in 0..(20 - i) {
                    tokio::task::yield_now().await;
                }
                running.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                i * 10
            }
        }));
        assert_eq!(out, (0..20u64).map(|i| i * 10).collect::<Vec<_>>());
        assert_eq!(peak.load(std::sync::atomic::Ordering::SeqCst), 3);
    }
}
