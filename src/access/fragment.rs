//! A share link's secret rides in the URL's fragment (`#share=SECRET`), which no
//! server, proxy log or `Referer` ever sees. The page takes it out of the address
//! bar at once; these are the pure halves of that.

use pulse_protocol::access::SHARE_FRAGMENT;

/// The share secret in `hash` (`location.hash`, with or without its `#`), if any.
pub fn share_secret(hash: &str) -> Option<String> {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    hash.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == SHARE_FRAGMENT && !value.is_empty()).then(|| value.to_owned())
    })
}

/// `hash` without the share secret: what the address bar keeps (empty: no fragment).
pub fn without_share(hash: &str) -> String {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    let kept: Vec<&str> =
        hash.split('&').filter(|pair| !pair.is_empty() && pair.split('=').next() != Some(SHARE_FRAGMENT)).collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("#{}", kept.join("&"))
    }
}

/// The link an admin copies: the page's own URL for that view, `page` (no
/// fragment), with the secret in its fragment.
pub fn share_link(page: &str, secret: &str) -> String {
    let page = page.split('#').next().unwrap_or(page);
    format!("{page}#{SHARE_FRAGMENT}={secret}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_read_from_the_fragment_and_taken_out_of_it() {
        // (location.hash, secret, what the address bar keeps)
        let cases = [
            ("#share=abc", Some("abc"), ""),
            ("share=abc", Some("abc"), ""),
            ("#x=1&share=abc", Some("abc"), "#x=1"),
            ("#share=abc&x=1", Some("abc"), "#x=1"),
            ("#share=", None, ""),
            ("#shared=abc", None, "#shared=abc"),
            ("", None, ""),
            ("#", None, ""),
        ];
        for (hash, secret, kept) in cases {
            assert_eq!(share_secret(hash).as_deref(), secret, "{hash}");
            assert_eq!(without_share(hash), kept, "{hash}");
        }
    }

    #[test]
    fn a_share_link_is_the_page_with_the_secret_in_its_fragment() {
        assert_eq!(share_link("https://hub/?host=web-1", "s"), "https://hub/?host=web-1#share=s");
        assert_eq!(share_link("https://hub/#old", "s"), "https://hub/#share=s");
        assert_eq!(share_secret(&share_link("http://h/", "s3")).as_deref(), None, "a whole URL is not a hash");
        let link = share_link("http://h/?view=fleet", "s3");
        assert_eq!(share_secret(link.split_once('#').map(|(_, h)| h).unwrap_or("")).as_deref(), Some("s3"));
    }
}
