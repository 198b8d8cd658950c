//! Files that are not data: FIFOs, sockets and devices can block a read forever (a pipe nobody writes to) or never
//! end (`/dev/zero`), so only regular files are read. This names what a path is instead, for the report.

use std::fs::FileType;

/// What a path is when it is neither a regular file nor a folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Special {
    /// A named pipe: reading waits for a writer.
    Fifo,
    /// A Unix socket.
    Socket,
    /// A character device (`/dev/zero`, a terminal).
    CharDevice,
    /// A block device (a disk).
    BlockDevice,
    /// Anything else the platform has.
    Other,
}

impl Special {
    /// `None` for regular files and folders.
    pub fn of(ft: &FileType) -> Option<Special> {
        if ft.is_file() || ft.is_dir() {
            return None;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if ft.is_fifo() {
                return Some(Special::Fifo);
            }
            if ft.is_socket() {
                return Some(Special::Socket);
            }
            if ft.is_char_device() {
                return Some(Special::CharDevice);
            }
            if ft.is_block_device() {
                return Some(Special::BlockDevice);
            }
        }
        Some(Special::Other)
    }
}

impl std::fmt::Display for Special {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Special::Fifo => "a named pipe (FIFO)",
            Special::Socket => "a socket",
            Special::CharDevice => "a character device",
            Special::BlockDevice => "a block device",
            Special::Other => "not a regular file",
        })
    }
}
