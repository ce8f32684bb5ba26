//! The real `jury` binary in a 120x40 pseudo-terminal (portable-pty), its
//! screen kept by a vt100 parser: shared by the end-to-end tests and the
//! crash loop.

use super::{BIN, stderr};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

pub const ROWS: u16 = 40;
pub const COLS: u16 = 120;
pub const WAIT: Duration = Duration::from_secs(10);
pub const PAUSE: Duration = Duration::from_millis(60);

pub const ENTER: &str = "\r";
pub const ESC: &str = "\x1b";
pub const DOWN: &str = "\x1b[B";

fn nonzero(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("a terminal size is not zero")
}

/// The real `jury` binary running in a pseudo-terminal.
pub struct Tui {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    reader: Option<JoinHandle<()>>,
    _master: Box<dyn MasterPty + Send>,
    /// The configuration directory the app reads (kept empty: default keys).
    _home: tempfile::TempDir,
}

impl Tui {
    /// Starts `jury --db DB --lang en ARGS` in a fresh 120x40 terminal.
    pub fn start(db: &Path, args: &[&str]) -> Tui {
        Tui::start_with(db, args, &[])
    }

    /// As `start`, with these environment variables set (e.g. `EDITOR`).
    pub fn start_with(db: &Path, args: &[&str], env: &[(&str, &str)]) -> Tui {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let home = tempfile::tempdir().unwrap();
        let mut cmd = CommandBuilder::new(BIN);
        cmd.arg("--db");
        cmd.arg(db);
        cmd.args(["--lang", "en"]);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "en_US.UTF-8");
        cmd.env("LC_ALL", "en_US.UTF-8");
        // A user's keymap.toml or theme must not change the keys under test.
        cmd.env("HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
        cmd.env("XDG_DATA_HOME", home.path().join("data"));
        for var in [
            "JURY_DB",
            "JURY_THEME",
            "JURY_TEST_PANIC",
            "VISUAL",
            "EDITOR",
        ] {
            cmd.env_remove(var);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.cwd(home.path());
        let child = pty.slave.spawn_command(cmd).expect("spawn jury");
        // Only the child holds the slave now, so the reader sees EOF when it exits.
        drop(pty.slave);

        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            nonzero(ROWS),
            nonzero(COLS),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let reader = {
            let (parser, raw) = (Arc::clone(&parser), Arc::clone(&raw));
            thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match reader.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            parser.lock().unwrap().process(&buf[..n]);
                            raw.lock().unwrap().extend_from_slice(&buf[..n]);
                        }
                    }
                }
            })
        };
        let writer = pty.master.take_writer().expect("pty writer");
        Tui {
            parser,
            raw,
            writer,
            child,
            reader: Some(reader),
            _master: pty.master,
            _home: home,
        }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`; panics with the screen otherwise.
    pub fn wait_for(&self, text: &str) {
        self.wait_until(text, WAIT, |s| s.contains(text));
    }

    /// Waits until `ok` holds for the screen's text, and returns that
    /// screen (read again, a frame being drawn could be half there).
    pub fn wait_until(&self, what: &str, timeout: Duration, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if start.elapsed() > timeout {
                panic!("timed out after {timeout:?} waiting for {what:?}; the screen:\n{screen}");
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Sends keys (bytes as a terminal sends them), then pauses briefly.
    pub fn send(&mut self, keys: &str) {
        self.write(keys);
        thread::sleep(PAUSE);
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Sends keys as a terminal sends them, without pausing.
    pub fn write(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write keys");
        self.writer.flush().unwrap();
    }

    /// Sends each character as its own keystroke.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(c.encode_utf8(&mut [0; 4]));
        }
    }

    /// Waits for the process to end on its own; returns its exit status.
    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                self.join_reader();
                return status;
            }
            if start.elapsed() > WAIT {
                let _ = self.child.kill();
                panic!(
                    "jury did not exit within {WAIT:?}; the screen:\n{}",
                    self.screen()
                );
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills the process with SIGKILL: no destructor, no terminal restore.
    pub fn kill_hard(&mut self) {
        let pid = self.child.process_id().expect("child pid");
        let out = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .output()
            .expect("run kill");
        assert!(out.status.success(), "kill -KILL {pid}: {}", stderr(&out));
        let status = self.child.wait().expect("wait for the killed child");
        assert!(!status.success(), "a killed process exits unsuccessfully");
        self.join_reader();
    }

    /// Lets the reader drain what the process wrote before it ended.
    pub fn join_reader(&mut self) {
        if let Some(handle) = self.reader.take() {
            let start = Instant::now();
            while !handle.is_finished() && start.elapsed() < Duration::from_secs(3) {
                thread::sleep(Duration::from_millis(10));
            }
            if handle.is_finished() {
                handle.join().expect("reader thread");
            }
        }
    }

    /// After the process ended: the terminal is back on the main screen,
    /// with the cursor shown and mouse capture and bracketed paste off.
    pub fn assert_terminal_restored(&self) {
        let raw = self.raw.lock().unwrap();
        let leave = b"\x1b[?1049l";
        assert!(
            raw.windows(leave.len()).any(|w| w == leave),
            "the output never left the alternate screen"
        );
        let enter = b"\x1b[?1049h";
        let last_enter = raw.windows(enter.len()).rposition(|w| w == enter);
        let last_leave = raw.windows(leave.len()).rposition(|w| w == leave);
        assert!(
            last_leave > last_enter,
            "the alternate screen was entered again after it was left"
        );
        let parser = self.parser.lock().unwrap();
        assert!(
            !parser.screen().alternate_screen(),
            "still on the alternate screen at the end"
        );
        assert!(
            !parser.screen().hide_cursor(),
            "the cursor is still hidden at the end"
        );
        assert_eq!(
            parser.screen().mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "mouse capture is still on at the end"
        );
        assert!(
            !parser.screen().bracketed_paste(),
            "bracketed paste is still on at the end"
        );
    }

    /// Types values into consecutive criteria from the focused one, moving
    /// down between them; waits until the screen shows each as taken (the
    /// focused row shows the typed text and the total includes it: the
    /// write is performed before the screen is drawn again).
    pub fn type_values(&mut self, values: &[(&str, &str)]) {
        let mut sum = 0.0;
        for (i, (criterion, v)) in values.iter().enumerate() {
            if i > 0 {
                self.send(DOWN);
            }
            self.type_text(v);
            sum += v.parse::<f64>().unwrap();
            let typed = format!("[{v}▏]");
            let total = format!("total {sum:.1}/100");
            self.wait_until(&format!("{criterion} = {v}, {total}"), WAIT, |s| {
                s.contains(&total) && s.lines().any(|l| l.contains('▶') && l.contains(&typed))
            });
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        // A failed test must not leave a process behind.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
