//! Keeps the site inside `--dist`: a file is served only when its real path (symlinks
//! followed) is inside the real dist directory, so a symlink in the build cannot hand
//! out `/etc/hostname`. A path the file system cannot even look up (a name or a whole
//! path too long for it, a symlink loop) is a 404 like any other missing file, not
//! the bare 500 `ServeDir` would give.

use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;

use crate::error::AppError;

/// The longest file name looked up, in bytes: `NAME_MAX` (255) less room for the
/// `.gz` that `ServeDir` adds when it looks for a precompressed copy.
pub const MAX_NAME_BYTES: usize = 255 - ".gz".len();

/// The longest path looked up, in bytes: `PATH_MAX` (4096) less room for the
/// `/index.html.gz` that `ServeDir` may add.
pub const MAX_PATH_BYTES: usize = 4000;

/// Answers a JSON 404 for any path outside `dist` or that cannot be looked up; lets
/// the rest through to the file service.
pub async fn inside_dist(State(dist): State<Arc<Path>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let Some(relative) = relative_path(&path) else {
        return AppError::NotFound(path).into_response();
    };
    let checked = tokio::task::spawn_blocking(move || is_inside(&dist, &relative)).await;
    match checked {
        Ok(Ok(true)) => next.run(request).await,
        _ => AppError::NotFound(path).into_response(),
    }
}

/// The file-system path a URL path names under dist, as `ServeDir` builds it
/// (percent-decoded, `.` skipped), or `None` when it could not name a file there:
/// not UTF-8, `..`, or a component longer than [`MAX_NAME_BYTES`].
pub fn relative_path(path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(path.trim_start_matches('/')).decode_utf8().ok()?;
    let mut relative = PathBuf::new();
    for component in Path::new(&*decoded).components() {
        match component {
            Component::Normal(name) if name.len() <= MAX_NAME_BYTES => relative.push(name),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(relative)
}

/// Whether what `ServeDir` would open for `relative` (the file, a directory's
/// `index.html`, and either's precompressed `.gz` copy) is inside `dist` once every
/// symlink is followed. A file that does not exist is "inside": `ServeDir` says 404.
/// Any other failure to resolve it is an error.
fn is_inside(dist: &Path, relative: &Path) -> io::Result<bool> {
    let mut file = dist.join(relative);
    if file.as_os_str().len() > MAX_PATH_BYTES {
        return Ok(false);
    }
    let root = dist.canonicalize()?;
    let mut real = match file.canonicalize() {
        Ok(real) => real,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(true),
        Err(error) => return Err(error),
    };
    if real.is_dir() {
        if !real.starts_with(&root) {
            return Ok(false);
        }
        file = file.join("index.html");
        real = match file.canonicalize() {
            Ok(real) => real,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(true),
            Err(error) => return Err(error),
        };
    }
    let mut gz = file.into_os_string();
    gz.push(".gz");
    let gz_inside = match Path::new(&gz).canonicalize() {
        Ok(real_gz) => real_gz.starts_with(&root),
        Err(error) if error.kind() == io::ErrorKind::NotFound => true,
        Err(error) => return Err(error),
    };
    Ok(real.starts_with(&root) && gz_inside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_map_to_relative_paths_like_serve_dir() {
        let long = "a".repeat(256);
        let too_long_for_gz = "a".repeat(253);
        let longest = "a".repeat(252);
        let cases: &[(&str, Option<&str>)] = &[
            ("/", Some("")),
            ("/index.html", Some("index.html")),
            ("/assets/./app.js", Some("assets/app.js")),
            ("/a%20b.txt", Some("a b.txt")),
            ("/../etc/passwd", None),
            ("/a/%2e%2e/b", None),
            ("/%ff", None),
            (&format!("/{long}"), None),
            (&format!("/assets/{long}"), None),
            (&format!("/{too_long_for_gz}"), None),
            (&format!("/{longest}"), Some(&longest)),
        ];
        for (path, want) in cases {
            assert_eq!(relative_path(path), want.map(PathBuf::from), "{path}");
        }
    }

    #[test]
    fn symlinks_out_of_dist_are_outside() {
        let base = std::env::temp_dir().join(format!("pulse-confine-{}", std::process::id()));
        let dist = base.join("dist");
        std::fs::create_dir_all(dist.join("sub")).unwrap();
        std::fs::write(base.join("secret.txt"), "secret").unwrap();
        std::fs::write(dist.join("index.html"), "page").unwrap();
        std::fs::write(dist.join("sub/index.html"), "page").unwrap();
        std::os::unix::fs::symlink(base.join("secret.txt"), dist.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(base.join("secret.txt"), dist.join("app.js.gz")).unwrap();
        std::fs::write(dist.join("app.js"), "js").unwrap();
        std::os::unix::fs::symlink(&base, dist.join("up")).unwrap();
        std::os::unix::fs::symlink(dist.join("index.html"), dist.join("alias.html")).unwrap();
        std::os::unix::fs::symlink(dist.join("loop"), dist.join("loop")).unwrap();
        let cases: &[(&str, Option<bool>)] = &[
            ("", Some(true)),
            ("index.html", Some(true)),
            ("sub", Some(true)),
            ("alias.html", Some(true)),
            ("missing.js", Some(true)),
            ("leak.txt", Some(false)),
            ("app.js", Some(false)),
            ("up", Some(false)),
            ("up/secret.txt", Some(false)),
            ("loop", None),
            (&"b/".repeat(2_001), Some(false)),
        ];
        for (relative, want) in cases {
            assert_eq!(is_inside(&dist, Path::new(relative)).ok(), *want, "{relative}");
        }
        std::fs::remove_dir_all(base).ok();
    }
}
