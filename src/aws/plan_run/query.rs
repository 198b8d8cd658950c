//! One query's life in a plan run: started (with retries while the engine says it is busy), polled until it ends
//! (state, bytes scanned, cost; stopped past `--max-scan-bytes`), paged or streamed back into CloudTrail records
//! (refused past `--max-rows`), its report written to the manifest as it goes; and, when the run is interrupted,
//! the stopping of every query still running. The sequence of queries and the manifest are the parent's
//! (`super`); the engine's API is `super::super::engine`'s.

use super::*;

impl<E: Engine, P: Fn(FetchProgress) + Send + Sync> Runner<'_, E, P> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn note(&self, message: String) {
        (self.progress)(FetchProgress::Note {
            service: self.engine.service(),
            region: self.region.clone(),
            message,
        });
    }

    fn error(&self, message: String) {
        (self.progress)(FetchProgress::Error {
            service: self.engine.service(),
            region: self.region.clone(),
            message: message.clone(),
        });
        self.lock().summary.errors.push(message);
    }

    /// Report where query `report` (at `order`) is.
    fn report(&self, order: QueryOrder, report: &QueryReport, ended: bool) {
        (self.progress)(FetchProgress::Query(Box::new(QueryProgress {
            service: self.engine.service(),
            region: self.region.clone(),
            order,
            part: report.part.clone(),
            token: report.token.clone(),
            query_id: report.query_id.clone(),
            state: report.state.clone(),
            rows: report.rows,
            bytes_scanned: report.bytes_scanned,
            cost_usd: cost(report.bytes_scanned, self.req.price_per_tb),
            results: report.results,
            reused: report.reused,
            ended,
        })));
    }

    /// Run (or reuse) one query and return its records.
    pub(super) async fn query(&self, order: QueryOrder, q: Query) -> Vec<Map<String, Value>> {
        let tok = token(&q.sql.text, &q.sql.params);
        let mut report = QueryReport {
            part: q.part.to_string(),
            token: tok.clone(),
            query_id: None,
            sql: q.sql.text.clone(),
            params: q.sql.params.clone(),
            state: "PLANNED".into(),
            state_change_reason: None,
            rows: 0,
            bytes_scanned: 0,
            cost_usd: 0.0,
            seconds: 0.0,
            file: None,
            reused: false,
            attempt: 1,
            results: None,
            results_note: None,
        };
        let prev = self.lock().done.get(&tok).cloned();
        if let Some(prev) = prev {
            // A file is written only once a query succeeded and all its rows were read.
            if let Some(file) = &prev.file
                && let Ok(records) = read_jsonl_gz(&self.out.root.join(file))
            {
                self.note(format!(
                    "{}: reusing query {} ({} rows)",
                    q.part,
                    prev.query_id.clone().unwrap_or_default(),
                    records.len()
                ));
                let reused = QueryReport { reused: true, ..prev };
                self.report(order, &reused, true);
                self.lock().reports.push((order, reused));
                return records;
            }
            if matches!(prev.state.as_str(), "FAILED" | "CANCELLED" | "STOPPED" | "TIMED_OUT") {
                report.attempt = prev.attempt + 1;
            } else {
                report.query_id = prev.query_id;
            }
        }
        report.state = "WAITING".into();
        self.report(order, &report, false);
        // The semaphore is never closed: a failed acquire only means no limit.
        let _slot = self.slots.acquire().await.ok();
        let started = std::time::Instant::now();
        let records = match self.execute(order, &q, &mut report).await {
            Ok(r) => r,
            Err(e) => {
                self.error(format!("{}: {e}", q.part));
                Vec::new()
            }
        };
        report.seconds = started.elapsed().as_secs_f64();
        report.cost_usd = cost(report.bytes_scanned, self.req.price_per_tb);
        self.report(order, &report, true);
        {
            let mut sh = self.lock();
            sh.summary.bytes_scanned += report.bytes_scanned;
            sh.summary.cost_usd += report.cost_usd;
            sh.done.insert(tok, report.clone());
            sh.reports.push((order, report));
            save(&sh);
        }
        records
    }

    async fn execute(
        &self,
        order: QueryOrder,
        q: &Query,
        report: &mut QueryReport,
    ) -> Result<Vec<Map<String, Value>>, String> {
        let engine = self.engine;
        let (id, fresh) = match report.query_id.clone() {
            Some(id) => {
                self.note(format!("{}: resuming query {id}", q.part));
                (id, false)
            }
            None => {
                {
                    let mut sh = self.lock();
                    if sh.stopping {
                        return Err("interrupted before it started".into());
                    }
                    sh.starting += 1;
                }
                let started = engine.start(q, &format!("{}-{}", report.token, report.attempt)).await;
                if started.is_err() {
                    self.lock().starting -= 1;
                    self.start_landed.notify_one();
                }
                (started?, true)
            }
        };
        report.query_id = Some(id.clone());
        report.state = "QUEUED".into();
        {
            // Running and no longer starting in one step: a stop waiting for starts to land then stops it.
            let mut sh = self.lock();
            sh.running.insert(id.clone());
            if fresh {
                sh.starting -= 1;
            }
            sh.done.insert(report.token.clone(), report.clone());
            save(&sh);
        }
        if fresh {
            self.start_landed.notify_one();
        }
        self.report(order, report, false);
        // Poll until the query ends.
        let mut output = None;
        loop {
            let p = engine.poll(&id).await?;
            output = p.output.or(output);
            report.bytes_scanned = p.bytes_scanned;
            report.state = p.state;
            report.state_change_reason = p.reason.as_deref().map(crate::aws::redact);
            if p.end != End::Running {
                self.lock().running.remove(&id);
            }
            self.report(order, report, false);
            match p.end {
                End::Succeeded => break,
                End::Failed => {
                    return Err(format!(
                        "query {id} {}: {}",
                        report.state,
                        crate::core::text::visible_lines(
                            report.state_change_reason.as_deref().unwrap_or("no reason given")
                        )
                    ));
                }
                End::Running => {}
            }
            if let Some(cap) = self.req.max_scan_bytes
                && report.bytes_scanned > cap
            {
                let _ = engine.stop(&id).await;
                report.state = "STOPPED".into();
                self.lock().running.remove(&id);
                return Err(format!(
                    "query {id} stopped: it scanned {} bytes, more than --max-scan-bytes {cap}; narrow the window, \
                     the accounts or the principals",
                    report.bytes_scanned
                ));
            }
            tokio::time::sleep(self.req.poll_interval).await;
        }
        let records = self.read_rows(&id, output.as_deref(), order, report).await?;
        report.rows = records.len();
        let rel = PathBuf::from(engine.dir()).join(format!(
            "{}-{}.jsonl.gz",
            q.part.to_string().replace(' ', "-"),
            crate::aws::write::safe_component(&id)
        ));
        write_jsonl_gz(&self.out.root.join(&rel), &records).map_err(|e| format!("{}: {e}", rel.display()))?;
        (self.progress)(FetchProgress::Wrote {
            path: self.out.root.join(&rel),
            items: records.len(),
        });
        report.file = Some(rel);
        Ok(records)
    }

    /// The rows of succeeded query `id` as records: streamed from the engine's result file or paged, as
    /// `--results` says (`auto`: the file, else pages, saying why in the manifest's `results_note`).
    async fn read_rows(
        &self,
        id: &str,
        output: Option<&str>,
        order: QueryOrder,
        report: &mut QueryReport,
    ) -> Result<Vec<Map<String, Value>>, String> {
        let choice = self.req.results;
        let mut note = None;
        if choice != ResultsChoice::Pages {
            let mut sink = Collect {
                reader: &self.reader,
                records: Vec::new(),
                max_rows: self.req.settings.max_rows,
                id,
                tick: &|total| {
                    (self.progress)(FetchProgress::Page {
                        service: self.engine.service(),
                        region: self.region.clone(),
                        page: (total / STREAM_TICK_ROWS) as u32,
                        items: STREAM_TICK_ROWS,
                        total,
                    })
                },
            };
            match self.engine.stream(id, output, &mut sink).await {
                Ok(()) => {
                    report.results = Some(ResultsRoute::Csv);
                    report.rows = sink.records.len();
                    return Ok(sink.records);
                }
                Err(StreamError::NotOffered(why) | StreamError::Unavailable(why)) if choice == ResultsChoice::Csv => {
                    return Err(format!(
                        "query {id}: its result CSV cannot be read (--results csv): {why}"
                    ));
                }
                Err(StreamError::NotOffered(_)) => {}
                Err(StreamError::Unavailable(why)) => note = Some(crate::aws::redact(&why)),
                Err(StreamError::Failed(why)) => return Err(format!("query {id}: reading its result CSV: {why}")),
            }
        }
        if let Some(why) = &note {
            self.note(format!(
                "{}: query {id}: the result CSV was not read ({why}); paging its results instead",
                report.part
            ));
        }
        report.results = Some(ResultsRoute::Pages);
        report.results_note = note;
        self.page_all(id, order, report).await
    }

    /// Page the results of query `id` back into records.
    async fn page_all(
        &self,
        id: &str,
        order: QueryOrder,
        report: &mut QueryReport,
    ) -> Result<Vec<Map<String, Value>>, String> {
        let engine = self.engine;
        let mut records = Vec::new();
        let mut next: Option<String> = None;
        let mut page = 0u32;
        loop {
            let got = engine.page(id, next.take()).await?;
            let items = got.rows.len();
            for row in &got.rows {
                let rec = self.reader.record(row.iter().map(Option::as_deref));
                if !rec.is_empty() {
                    records.push(rec);
                }
            }
            page += 1;
            (self.progress)(FetchProgress::Page {
                service: engine.service(),
                region: self.region.clone(),
                page,
                items,
                total: records.len(),
            });
            report.rows = records.len();
            self.report(order, report, false);
            if records.len() as u64 > self.req.settings.max_rows {
                return Err(too_many_rows(id, self.req.settings.max_rows));
            }
            match got.next {
                Some(t) => next = Some(t),
                None => return Ok(records),
            }
        }
    }

    /// A stop came while the plan ran: no query starts any more, and the start calls in flight are let finish
    /// (for at most one attempt's timeout, `Tuning::attempt_timeout`) so that the queries they started are known
    /// and [`Self::stop_running`] stops them too (Athena would otherwise take such a query up again on the next
    /// run through its client request token; CloudTrail Lake would run it to the end and bill it).
    pub(super) async fn let_starts_land<F: std::future::Future>(&self, mut plan: std::pin::Pin<&mut F>) {
        self.lock().stopping = true;
        let deadline = tokio::time::sleep(self.req.base.tuning.attempt_timeout);
        tokio::pin!(deadline);
        loop {
            if self.lock().starting == 0 {
                return;
            }
            tokio::select! {
                _ = plan.as_mut() => return,
                () = self.start_landed.notified() => {}
                () = &mut deadline => return,
            }
        }
    }

    /// Stop every query still running (the fetch was interrupted) and record them as CANCELLED.
    pub(super) async fn stop_running(&self) {
        let ids: Vec<String> = std::mem::take(&mut self.lock().running).into_iter().collect();
        for id in &ids {
            let stopped = self.engine.stop(id).await;
            let cancelled: Vec<QueryReport> = {
                let mut sh = self.lock();
                let mut out = Vec::new();
                for q in sh.done.values_mut() {
                    if q.query_id.as_deref() == Some(id.as_str()) {
                        q.state = "CANCELLED".into();
                        q.state_change_reason = Some("interrupted: stopped by trailhound".into());
                        out.push(q.clone());
                    }
                }
                out
            };
            for q in cancelled {
                let order = QueryOrder {
                    phase: u8::MAX,
                    ..QueryOrder::default()
                };
                self.report(order, &q, true);
                self.lock().reports.push((order, q));
            }
            let how = match stopped {
                Ok(()) => "stopped".to_string(),
                Err(e) => format!("could not be stopped ({e})"),
            };
            self.error(format!("interrupted: query {id} {how}"));
        }
        if ids.is_empty() {
            self.error("interrupted".into());
        }
        save(&self.lock());
    }

    pub(super) fn finish(self) -> Result<PlanSummary, FetchError> {
        let mut sh = self
            .shared
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let text = manifest_text(&sh).map_err(|e| FetchError::io(&sh.summary.manifest, e))?;
        atomic_write(&sh.summary.manifest, text.as_bytes()).map_err(|e| FetchError::io(&sh.summary.manifest, e))?;
        // Plan order; the sort is stable, so pieces of equal place keep their order.
        sh.reports.sort_by_key(|(o, _)| *o);
        sh.summary.queries = sh.reports.into_iter().map(|(_, r)| r).collect();
        Ok(sh.summary)
    }
}

/// A streamed read reports its progress every this many rows.
const STREAM_TICK_ROWS: usize = 10_000;

/// Why a query's rows were refused for their number.
fn too_many_rows(id: &str, max_rows: u64) -> String {
    format!(
        "query {id} returned more than --max-rows {max_rows} rows: narrow it (--from/--to, --account, \
         --principal) or raise --max-rows"
    )
}

/// The records of a streamed read, made as the rows arrive.
struct Collect<'a> {
    reader: &'a RowReader,
    records: Vec<Map<String, Value>>,
    max_rows: u64,
    id: &'a str,
    /// Told the number of records every [`STREAM_TICK_ROWS`].
    tick: &'a (dyn Fn(usize) + Send + Sync),
}

impl RowSink for Collect<'_> {
    fn restart(&mut self) {
        self.records.clear();
    }

    fn row(&mut self, values: &[Option<&str>]) -> Result<(), String> {
        let rec = self.reader.record(values.iter().copied());
        if !rec.is_empty() {
            self.records.push(rec);
            if self.records.len().is_multiple_of(STREAM_TICK_ROWS) {
                (self.tick)(self.records.len());
            }
        }
        if self.records.len() as u64 > self.max_rows {
            return Err(too_many_rows(self.id, self.max_rows));
        }
        Ok(())
    }
}
