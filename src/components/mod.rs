//! The app's view pieces; each takes plain props and reports through callbacks.

mod error_alert;
mod file_info;
mod file_picker;

pub use error_alert::ErrorAlert;
pub use file_info::FileInfo;
pub use file_picker::FilePicker;
