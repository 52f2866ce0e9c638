//! Entry point of the web app: mounts the dashboard into `<body>`.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(pulse_web::app::App);
}
