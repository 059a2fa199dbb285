//! The pack as one zip file. Every entry carries the same time (the day the pack is made for,
//! at midnight), Unix permissions `0644` and the same compression, in path order, so the
//! archive's bytes depend only on the files.

use std::io::{Cursor, Write};

use jiff::civil::Date;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipWriter};

use super::File;

/// The zip archive of `files`, dated `day`.
pub(crate) fn archive(files: &[File], day: Date) -> Result<Vec<u8>, String> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .system(System::Unix)
        .unix_permissions(0o644)
        .last_modified_time(timestamp(day));
    let mut sorted: Vec<&File> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(b.path));
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let fail = |e: &dyn std::fmt::Display| format!("cannot make the zip archive: {e}");
    for f in sorted {
        zip.start_file(f.path, options).map_err(|e| fail(&e))?;
        zip.write_all(&f.bytes).map_err(|e| fail(&e))?;
    }
    let cursor = zip.finish().map_err(|e| fail(&e))?;
    Ok(cursor.into_inner())
}

/// `day` at midnight; the zip format's first day (1980-01-01) for a day it cannot hold.
fn timestamp(day: Date) -> DateTime {
    let date = u16::try_from(day.year()).ok().and_then(|year| {
        DateTime::from_date_and_time(year, day.month() as u8, day.day() as u8, 0, 0, 0).ok()
    });
    date.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_dated_the_day_and_sorted() {
        let files = [
            File {
                path: "b.txt",
                bytes: b"second".to_vec(),
            },
            File {
                path: "a.txt",
                bytes: b"first".to_vec(),
            },
        ];
        let day: Date = "2026-11-22".parse().unwrap();
        let bytes = archive(&files, day).unwrap();
        assert_eq!(bytes, archive(&files, day).unwrap(), "deterministic");
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(zip.len(), 2);
        let first = zip.by_index(0).unwrap();
        assert_eq!(first.name().unwrap(), "a.txt");
        let t = first.last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day(), t.hour()), (2026, 11, 22, 0));
        assert_eq!(first.unix_mode().map(|m| m & 0o777), Some(0o644));
        assert_eq!(
            timestamp("1970-01-01".parse().unwrap()),
            DateTime::default()
        );
    }
}
