//! The heaplens web page: installs the panic hook and mounts [`heaplens::app::App`].

fn main() {
    heaplens::panic::install();
    yew::Renderer::<heaplens::app::App>::new().render();
}
