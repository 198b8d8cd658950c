//! Athena's result CSV (`core::orgscale::result_csv`), which `fetch --athena` streams from the output location:
//! the values are the logs' own, so the object is as hostile as the logs, and it arrives in pieces of any size.
//! Every input must give one outcome however its bytes are sliced (the records, or the same error), and every
//! record with the Athena table's column count is read back into a CloudTrail record as the fetch does.
//!
//! Input: the first byte picks the slice size (1–64 bytes); the rest is the object.
#![no_main]

use trailhound::core::orgscale::columns::COLUMNS;
use trailhound::core::orgscale::result_csv::{CsvReader, ReadError};
use trailhound::core::orgscale::rows::RowReader;

type Records = Vec<Vec<Option<String>>>;

/// Every record of `bytes` fed in slices of `step` bytes, or the error that stopped it.
fn parse(bytes: &[u8], step: usize) -> Result<Records, String> {
    let mut reader = CsvReader::new();
    let mut out: Records = Vec::new();
    let mut each = |r: &[Option<&str>]| -> Result<(), std::convert::Infallible> {
        out.push(r.iter().map(|v| v.map(String::from)).collect());
        Ok(())
    };
    let shown = |e: ReadError<std::convert::Infallible>| match e {
        ReadError::Csv(e) => e.to_string(),
        ReadError::Stopped(never) => match never {},
    };
    for piece in bytes.chunks(step.max(1)) {
        reader.feed(piece, &mut each).map_err(shown)?;
    }
    reader.finish(&mut each).map_err(shown)?;
    Ok(out)
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&step, csv)) = data.split_first() else { return };
    let whole = parse(csv, csv.len());
    let sliced = parse(csv, usize::from(step % 64) + 1);
    assert_eq!(whole, sliced, "the outcome depends on how the bytes arrive");
    if let Ok(records) = whole {
        let reader = RowReader::new(COLUMNS);
        for r in records.iter().skip(1).filter(|r| r.len() == COLUMNS.len()) {
            let record = reader.record(r.iter().map(|v| v.as_deref()));
            std::hint::black_box(serde_json::to_vec(&record).ok());
        }
    }
});
