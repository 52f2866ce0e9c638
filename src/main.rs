//! Entry point of the web app: mounts the dashboard into `<body>`.

/// Talc instead of the default dlmalloc: the same job in fewer bytes of wasm.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(pulse_web::app::App);
}
