//! Keys while a popup is open: help, the member picker, passphrases, the
//! reviewer to ask for a revisit, and confirmations.

use super::app::{App, CommentEditor, Confirm, Effect, Popup, Purpose};
use crate::base::i18n::Lang;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

impl App {
    pub(super) fn popup_key(&mut self, popup: Popup, key: KeyEvent) -> Vec<Effect> {
        match popup {
            Popup::Help { scroll } => {
                let next = match key.code {
                    KeyCode::Down | KeyCode::Char('j') => Some(scroll + 1),
                    KeyCode::Up | KeyCode::Char('k') => Some(scroll.saturating_sub(1)),
                    KeyCode::PageDown | KeyCode::Char(' ') => Some(scroll + 10),
                    KeyCode::PageUp => Some(scroll.saturating_sub(10)),
                    _ => None,
                };
                self.popup = next.map(|scroll| Popup::Help { scroll });
                Vec::new()
            }
            Popup::Drill => {
                self.popup = None;
                Vec::new()
            }
            conflict @ Popup::Conflict { .. } => self.conflict_key(conflict, key),
            Popup::Passphrase { member, mut typed } => {
                match key.code {
                    KeyCode::Esc => self.popup = None,
                    KeyCode::Enter => {
                        self.popup = None;
                        return vec![Effect::SignInWithPassphrase {
                            member,
                            passphrase: typed,
                        }];
                    }
                    KeyCode::Backspace => {
                        typed.pop();
                        self.popup = Some(Popup::Passphrase { member, typed });
                    }
                    KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                        typed.push(c);
                        self.popup = Some(Popup::Passphrase { member, typed });
                    }
                    _ => {}
                }
                Vec::new()
            }
            Popup::NewPassphrase {
                member,
                first,
                mut typed,
            } => {
                match key.code {
                    KeyCode::Esc => self.popup = None,
                    KeyCode::Enter => match first {
                        None if typed.chars().count() < crate::panel::auth::MIN_CHARS => {
                            self.warn(if self.lang == Lang::Zh {
                                format!("口令至少 {} 个字符。", crate::panel::auth::MIN_CHARS)
                            } else {
                                format!(
                                    "A passphrase needs at least {} characters.",
                                    crate::panel::auth::MIN_CHARS
                                )
                            });
                            self.popup = Some(Popup::NewPassphrase {
                                member,
                                first: None,
                                typed,
                            });
                        }
                        None => {
                            self.popup = Some(Popup::NewPassphrase {
                                member,
                                first: Some(typed),
                                typed: String::new(),
                            })
                        }
                        Some(f) if f == typed => {
                            self.popup = None;
                            return vec![Effect::SetOwnPassphrase {
                                member,
                                phrase: typed,
                            }];
                        }
                        Some(_) => {
                            self.warn(self.lang.pick(
                                "两次输入不一致,请重新输入。",
                                "The two entries differ; type it again.",
                            ));
                            self.popup = Some(Popup::NewPassphrase {
                                member,
                                first: None,
                                typed: String::new(),
                            });
                        }
                    },
                    KeyCode::Backspace => {
                        typed.pop();
                        self.popup = Some(Popup::NewPassphrase {
                            member,
                            first,
                            typed,
                        });
                    }
                    KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                        typed.push(c);
                        self.popup = Some(Popup::NewPassphrase {
                            member,
                            first,
                            typed,
                        });
                    }
                    _ => {
                        self.popup = Some(Popup::NewPassphrase {
                            member,
                            first,
                            typed,
                        })
                    }
                }
                Vec::new()
            }
            Popup::ChooseReviewer(app, reviewers) => {
                self.popup = None;
                if let KeyCode::Char(c) = key.code
                    && let Some(d) = c.to_digit(10)
                    && let Some((member, name)) = reviewers.get((d as usize).wrapping_sub(1))
                {
                    let title = format!(
                        "{} {name} {} · {}",
                        self.lang.pick("请", "Ask"),
                        self.lang.pick("复核", "to revisit"),
                        self.lang.pick("说明(可空)", "note (optional)")
                    );
                    self.editor = Some(CommentEditor::new(
                        String::new(),
                        title,
                        "",
                        Purpose::Revisit(app, member.clone()),
                    ));
                }
                Vec::new()
            }
            Popup::Confirm(what) => {
                let yes = matches!(key.code, KeyCode::Char('y' | 'Y') | KeyCode::Enter);
                let no = matches!(
                    key.code,
                    KeyCode::Char('n' | 'N') | KeyCode::Esc | KeyCode::Char('q')
                );
                if yes {
                    self.popup = None;
                    return vec![match what {
                        Confirm::Submit => Effect::Submit,
                        Confirm::Reopen => Effect::Reopen,
                        Confirm::Advance => Effect::Advance,
                        Confirm::Finalise => Effect::Finalise,
                        Confirm::OpenAssessment => Effect::OpenAssessment,
                        Confirm::DiscardKept => Effect::DiscardBuffer {
                            criterion: self
                                .review
                                .as_ref()
                                .map(|f| f.focused_id().to_string())
                                .unwrap_or_default(),
                        },
                    }];
                }
                if no {
                    self.popup = None;
                }
                Vec::new()
            }
        }
    }
}
