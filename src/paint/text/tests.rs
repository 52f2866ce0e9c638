use super::*;

fn column(width: Width) -> Column {
    Column { width, align: Align::Right, tone: Tone::Normal }
}

fn layout(widths: &[Width], gap: f64, padding: f64) -> CellLayout {
    let columns = widths.iter().copied().map(column).collect();
    CellLayout { columns, gap, padding, row_height: 24.0, rules: false, wrap: None }
}

/// Columns, gap, padding, canvas width, expected text boxes.
type Case = (&'static [Width], f64, f64, f64, &'static [(f64, f64)]);

#[test]
fn columns_are_placed_like_table_cells() {
    use Width::{Fill, Px};
    // (columns, gap, padding, canvas width) → text boxes
    let cases: [Case; 5] = [
        (&[Px(60.0); 4], 8.0, 0.0, 264.0, &[(0.0, 60.0), (68.0, 128.0), (136.0, 196.0), (204.0, 264.0)]),
        (&[Px(60.0); 4], 8.0, 0.0, 128.0, &[(0.0, 60.0), (68.0, 128.0)]),
        (&[Px(60.0); 4], 8.0, 0.0, 10.0, &[(0.0, 60.0)]),
        (&[Px(40.0), Fill, Px(50.0)], 0.0, 8.0, 200.0, &[(8.0, 48.0), (64.0, 126.0), (142.0, 192.0)]),
        (&[Px(40.0), Fill], 0.0, 8.0, 50.0, &[(8.0, 48.0)]),
    ];
    for (widths, gap, padding, width, want) in cases {
        assert_eq!(layout(widths, gap, padding).boxes(width), want, "{widths:?} in {width}");
    }
}

#[test]
fn a_width_a_fraction_short_still_shows_every_column() {
    let cells = layout(&[Width::Px(60.0); 2], 8.0, 0.0);
    assert_eq!(cells.boxes(127.6).len(), 2);
}

#[test]
fn table_rows_stack_and_wrapped_entries_fill_grid_columns() {
    let table = layout(&[Width::Px(50.0), Width::Px(50.0)], 10.0, 0.0);
    let boxes = |placed: Vec<Placed>| -> Vec<(usize, usize, f64, f64, f64)> {
        placed.into_iter().map(|p| (p.row, p.column, p.left, p.right, p.top)).collect()
    };
    assert_eq!(
        boxes(table.place(110.0, 2)),
        vec![(0, 0, 0.0, 50.0, 0.0), (0, 1, 60.0, 110.0, 0.0), (1, 0, 0.0, 50.0, 24.0), (1, 1, 60.0, 110.0, 24.0)]
    );
    // minmax(100px, 1fr) with a 10-px gap in 330 px: three columns of 103.33 px.
    let wrapped = CellLayout { wrap: Some(Wrap { min_width: 100.0, gap: 10.0 }), ..table.clone() };
    let placed = boxes(wrapped.place(330.0, 4));
    let cell = 310.0 / 3.0;
    let want = [(0, 0.0, 0.0), (1, cell + 10.0, 0.0), (2, 2.0 * (cell + 10.0), 0.0), (3, 0.0, 24.0)];
    for ((row, column, left, right, top), (want_row, want_left, want_top)) in placed.into_iter().zip(want) {
        assert_eq!((row, column, top), (want_row, 0, want_top));
        assert!((left - want_left).abs() < 1e-9 && (right - (want_left + cell)).abs() < 1e-9, "entry {row}");
    }
    assert_eq!(wrapped.place(50.0, 2).len(), 2, "one column at least");
}

/// Every character is 10 px wide, the ellipsis too.
fn mono(text: &str) -> f64 {
    text.chars().count() as f64 * 10.0
}

#[test]
fn text_too_wide_ends_in_an_ellipsis() {
    // (text, room) → shown
    let cases = [
        ("postgres", 80.0, "postgres"),
        ("postgres", 80.4, "postgres"),
        ("postgres", 79.0, "postgr…"),
        ("postgres", 30.0, "po…"),
        ("postgres", 5.0, "…"),
        ("ab cd", 40.0, "ab…"),
        ("ünïcødé", 40.0, "ünï…"),
        ("", 0.0, ""),
    ];
    for (text, room, want) in cases {
        assert_eq!(fit(text, room, mono), want, "{text:?} in {room}");
    }
}

#[test]
fn baselines_centre_the_line_and_land_on_device_pixels() {
    // A 24-px row with a 14 + 4 px font: 3 px above the ascent, baseline at 17.
    assert_eq!(baseline(0.0, 24.0, 14.0, 4.0, 1.0), 17.0);
    assert_eq!(baseline(24.0, 24.0, 14.0, 4.0, 1.0), 41.0);
    assert_eq!(baseline(0.0, 24.0, 13.7, 3.1, 1.0), 17.0, "rounded to a whole pixel at DPR 1");
    assert_eq!(baseline(0.0, 24.0, 13.7, 3.1, 2.0), 17.5, "to the nearest half pixel at DPR 2");
}
