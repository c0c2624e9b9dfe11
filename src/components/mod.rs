//! The app's view pieces; each takes plain props and reports through callbacks.

mod bench;
mod callgraph;
mod error_alert;
mod file_picker;
mod flame;
mod gc;
mod impact;
mod info;
mod landing;
mod lines;
mod peek;
mod progress;
mod refine;
mod share;
mod sizes;
mod timeline;
mod toolbar;
pub(crate) mod top_table;
mod why;

pub use bench::BenchPanel;
pub use callgraph::CallGraph;
pub use error_alert::ErrorAlert;
pub use file_picker::FilePicker;
pub use flame::FlameGraph;
pub use gc::GcPanel;
pub use impact::ImpactPanel;
pub use info::InfoPanel;
pub use landing::Landing;
pub use lines::{is_source_file, LinesPanel, Sources};
pub use peek::PeekPanel;
pub use progress::ProgressBar;
pub use refine::{RefineBar, RefineMenu};
pub use share::{Export, ShareBar, SharePanel};
pub use sizes::SizesPanel;
pub use timeline::{sparkline, Recorder, TimelinePanel};
pub use toolbar::Toolbar;
pub use top_table::{Column as SortColumn, TopTable};
pub use why::WhyPanel;

/// The value of the `<select>` an event came from.
pub fn select_value(e: &yew::Event) -> Option<String> {
    use yew::TargetCast;
    e.target_dyn_into::<web_sys::HtmlSelectElement>()
        .map(|s| s.value())
}

/// The value of the `<input>` an event came from.
pub fn input_value(e: &yew::Event) -> Option<String> {
    use yew::TargetCast;
    e.target_dyn_into::<web_sys::HtmlInputElement>()
        .map(|i| i.value())
}
