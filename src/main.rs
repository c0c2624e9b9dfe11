//! The heaplens web app (placeholder).
fn main() {}
