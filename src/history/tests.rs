//! Table tests of the picture request.

use super::*;

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn columns_are_whole_ms_snapped_to_their_step() {
    let day = Window { from: 1_000_000_000.0 - 86_400e3, to: 1_000_000_000.0 };
    // (window, width, follows_now) → (from, to, width, step)
    let cases = [
        (day, 600.0, true, (913_334_012, 999_878_612, 600, 144_241)),
        (day, 600.0, false, (913_478_253, 1_000_022_853, 600, 144_241)),
        (Window { from: 0.0, to: 60_000.0 }, 600.0, false, (0, 60_600, 600, 101)),
        (Window { from: 0.0, to: 10.0 }, 600.0, false, (0, 600, 600, 1)),
        (Window { from: 0.0, to: 100_000.0 }, 3.0, true, (-13_334, 93_338, 16, 6_667)),
        (Window { from: 0.0, to: 1e9 }, 9_999.0, true, (-500_126, 999_751_874, 4_000, 250_063)),
    ];
    for (window, width, follows, (from, to, columns, step)) in cases {
        let q = Query::new("h", ids(&["cpu"]), window, width, follows).expect("a query");
        assert_eq!((q.from, q.to, q.width, q.step), (from, to, columns, step), "{window:?} {width} {follows}");
        assert!(q.to - q.from == q.step * i64::from(q.width));
        if follows {
            assert!(q.from as f64 <= window.from && q.to as f64 <= window.to, "reaches back to the start");
        } else {
            assert!(q.from as f64 <= window.from && q.to as f64 >= window.to, "covers the window");
        }
    }
}

#[test]
fn sliding_by_less_than_a_column_asks_for_the_same_picture() {
    let at = |to: f64| Query::new("h", ids(&["cpu"]), Window::ending_at(to, 86_400e3), 600.0, true);
    assert_eq!(at(999_878_612.0), at(999_878_612.0 + 100_000.0));
    assert_ne!(at(999_878_612.0), at(999_878_612.0 + 200_000.0));
}

#[test]
fn nothing_is_asked_without_series_host_or_width() {
    let w = Window { from: 0.0, to: 1.0 };
    assert_eq!(Query::new("h", vec![], w, 600.0, true), None);
    assert_eq!(Query::new("", ids(&["cpu"]), w, 600.0, true), None);
    assert_eq!(Query::new("h", ids(&["cpu"]), w, 0.0, true), None);
    assert_eq!(Query::new("h", ids(&["cpu"]), w, f64::NAN, true), None);
}

#[test]
fn the_path_escapes_ids_and_names_every_parameter() {
    let q = Query::new(
        "web-1",
        ids(&["cpu.total", "disk.used:/", "net.rx:eth0"]),
        Window { from: 0.0, to: 60_000.0 },
        600.0,
        false,
    )
    .expect("a query");
    assert_eq!(
        q.path(),
        "/api/v1/history?host=web-1&series=cpu.total,disk.used%3A%2F,net.rx%3Aeth0&from=0&to=60600&width=600"
    );
    assert_eq!(encode("a b&c=é"), "a%20b%26c%3D%C3%A9");
}
