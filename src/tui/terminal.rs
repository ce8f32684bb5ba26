//! The terminal, taken and given back: raw mode, the alternate screen,
//! mouse capture and bracketed paste on entering, all undone on leaving
//! (on return, on error and on panic), and taken again after `$EDITOR`.

use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;

/// Restores the terminal when dropped: on return, on error and on panic.
pub(super) struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(
            std::io::stdout(),
            DisableMouseCapture,
            DisableBracketedPaste
        );
        ratatui::restore();
    }
}

pub(super) fn enter_terminal() -> anyhow::Result<ratatui::DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste)?;
    Ok(terminal)
}

/// Takes the terminal back after another program used it (`$EDITOR`):
/// raw mode and the alternate screen again, the screen cleared by command,
/// and a fresh `Terminal` whose empty buffers make the next draw repaint
/// every cell. Unlike `Terminal::clear`, nothing here asks the terminal for
/// its cursor position and waits for an answer that may never come.
pub(super) fn reenter_terminal() -> anyhow::Result<ratatui::DefaultTerminal> {
    use ratatui::crossterm::terminal::{Clear, ClearType, EnterAlternateScreen, enable_raw_mode};
    enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        Clear(ClearType::All)
    )?;
    Ok(ratatui::Terminal::new(
        ratatui::backend::CrosstermBackend::new(std::io::stdout()),
    )?)
}
