//! Which screen shows. Its own module, so the states that remember where
//! to go back to (search, timeline) name it without importing `app`.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Picker,
    Queue,
    Review,
    Matrix,
    List,
    Search,
    /// One applicant's rounds, scores and decisions across the years.
    Timeline,
}
