//! The view in the address bar: `?range=15m&hide=cpu.core:3,net.tx&theme=dark`, or
//! a custom range as `?from=MS&to=MS` (ms since the Unix epoch) instead of `range`.
//!
//! Only these keys are read and written; every other query parameter (such as
//! `server` or `transport`, which the connection engine reads) is kept as it is.

use leptos::prelude::*;
use web_sys::UrlSearchParams;

use crate::charts::theme::Theme;
use crate::range::Range;

/// What the URL says about the view.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UrlState {
    /// `range=24h` (a preset) or `from=…&to=…` (a custom window).
    pub range: Option<Range>,
    /// `hide=a,b`: hidden series ids.
    pub hidden: Vec<String>,
    /// `theme=dark`: a theme the user picked.
    pub theme: Option<Theme>,
}

/// Splits `hide=` into ids (empty parts dropped).
pub fn parse_hidden(text: &str) -> Vec<String> {
    text.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// Reads the view from the page's URL.
pub fn read() -> UrlState {
    let Some(params) = params() else {
        return UrlState::default();
    };
    UrlState {
        range: Range::from_query(
            params.get("range").as_deref(),
            params.get("from").as_deref(),
            params.get("to").as_deref(),
        ),
        hidden: params.get("hide").as_deref().map(parse_hidden).unwrap_or_default(),
        theme: params.get("theme").as_deref().and_then(Theme::parse),
    }
}

/// Writes range, hidden series and chosen theme back with `history.replaceState`
/// whenever one of them changes, so a reload or a shared link shows the same view.
pub fn sync(range: RwSignal<Range>, hidden: RwSignal<Vec<String>>, theme: Signal<Option<Theme>>) {
    Effect::new(move |_| {
        let (label, from, to) = range.get().to_query();
        let hide = hidden.get().join(",");
        let theme = theme.get();
        let Some(params) = params() else { return };
        set_or_delete(&params, "range", label);
        set_or_delete(&params, "from", from.as_deref());
        set_or_delete(&params, "to", to.as_deref());
        set_or_delete(&params, "hide", Some(hide.as_str()).filter(|h| !h.is_empty()));
        set_or_delete(&params, "theme", theme.map(Theme::as_str));
        replace(&params);
    });
}

/// Makes the address name what a share link shows (`shared`: a host id, or
/// `@fleet`): `?host=` is that host's (none for the fleet), so an address bar that
/// named another host does not stay beside the link's own.
pub fn name_shared(shared: &str) {
    let Some(params) = params() else { return };
    let host = (shared != pulse_protocol::fleet::FLEET_HOST).then_some(shared);
    if params.get("host").as_deref() == host {
        return;
    }
    set_or_delete(&params, "host", host);
    replace(&params);
}

/// The page's query parameters now.
pub(super) fn params() -> Option<UrlSearchParams> {
    let search = window().location().search().ok()?;
    UrlSearchParams::new_with_str(&search).ok()
}

/// Sets `key` to `value`, or removes it for `None`.
pub(super) fn set_or_delete(params: &UrlSearchParams, key: &str, value: Option<&str>) {
    match value {
        Some(value) => params.set(key, value),
        None => params.delete(key),
    }
}

/// Makes `params` the page's query with `history.replaceState` (no navigation).
pub(super) fn replace(params: &UrlSearchParams) {
    let location = window().location();
    let query = String::from(params.to_string());
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let url = if query.is_empty() { format!("{path}{hash}") } else { format!("{path}?{query}{hash}") };
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_ids_split_on_commas() {
        assert_eq!(parse_hidden("cpu.core:3,,net.tx"), vec!["cpu.core:3", "net.tx"]);
        assert!(parse_hidden("").is_empty());
    }
}
