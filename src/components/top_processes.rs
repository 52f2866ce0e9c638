//! The busiest processes of the newest sample, sortable by any column.
//!
//! The column headings are HTML buttons; the rows, which change every second, are
//! drawn on a canvas ([`TextCells`]) so an update never lays the page out. The same
//! rows are the canvas's fallback content: a real table with column headers and sort
//! state, in the accessibility tree but never laid out or shown.

use leptos::prelude::*;
use pulse_protocol::{ProcessInfo, Unit};

use super::text_cells::TextCells;
use crate::charts::theme::Theme;
use crate::format;
use crate::paint::text::{Align, CellLayout, Column, Row, Tone, Width};
use crate::store::SeriesStore;

/// Rows the table shows.
pub const ROWS: usize = 10;

/// Height of one row, in CSS pixels.
const ROW_HEIGHT: f64 = 26.0;

/// Padding inside each cell, left and right, in CSS pixels.
const PADDING: f64 = 8.0;

/// A column the table can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Process id, ascending.
    Pid,
    /// Name, alphabetical.
    Name,
    /// CPU use, busiest first.
    Cpu,
    /// Resident memory, largest first.
    Memory,
}

impl SortKey {
    /// The column heading.
    fn heading(self) -> &'static str {
        match self {
            SortKey::Pid => "PID",
            SortKey::Name => "Name",
            SortKey::Cpu => "CPU",
            SortKey::Memory => "Memory",
        }
    }

    /// A short name for `data-testid="sort-{name}"`.
    fn name(self) -> &'static str {
        match self {
            SortKey::Pid => "pid",
            SortKey::Name => "name",
            SortKey::Cpu => "cpu",
            SortKey::Memory => "memory",
        }
    }

    /// Whether the busiest come first (CPU and memory) rather than the smallest.
    fn descending(self) -> bool {
        matches!(self, SortKey::Cpu | SortKey::Memory)
    }
}

/// The columns in order.
const KEYS: [SortKey; 4] = [SortKey::Pid, SortKey::Name, SortKey::Cpu, SortKey::Memory];

/// Sorts processes by a column (CPU and memory descending, pid and name ascending).
pub fn sort_processes(processes: &mut [ProcessInfo], key: SortKey) {
    let after = |a: &ProcessInfo, b: &ProcessInfo| {
        let order = match key {
            SortKey::Pid => a.pid.cmp(&b.pid),
            SortKey::Name => lowercase(&a.name).cmp(lowercase(&b.name)),
            SortKey::Cpu => b.cpu.total_cmp(&a.cpu),
            SortKey::Memory => b.mem.cmp(&a.mem),
        };
        order.then(a.pid.cmp(&b.pid)).is_gt()
    };
    // An insertion sort: the table has a few dozen rows at most, and the standard
    // library's sorts would add about 4 KB to the wasm for this one type.
    for i in 1..processes.len() {
        let mut j = i;
        while j > 0 && after(&processes[j - 1], &processes[j]) {
            processes.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// The `count` processes the table shows, in the order it shows them: the largest by
/// memory when sorted by memory, else the busiest by CPU, then sorted by `key`.
pub fn select_processes(processes: &[ProcessInfo], key: SortKey, count: usize) -> Vec<ProcessInfo> {
    let mut chosen = processes.to_vec();
    sort_processes(&mut chosen, if key == SortKey::Memory { SortKey::Memory } else { SortKey::Cpu });
    chosen.truncate(count);
    sort_processes(&mut chosen, key);
    chosen
}

/// ASCII-lowercased bytes, enough to sort process names case-insensitively.
fn lowercase(name: &str) -> impl Iterator<Item = u8> + '_ {
    name.bytes().map(|b| b.to_ascii_lowercase())
}

/// The columns as drawn: pid, name (takes the rest), CPU, memory.
fn layout() -> CellLayout {
    let column = |width, align| Column { width, align, tone: Tone::Normal };
    CellLayout {
        columns: vec![
            column(Width::Px(56.0), Align::Right),
            column(Width::Fill, Align::Left),
            column(Width::Px(56.0), Align::Right),
            column(Width::Px(72.0), Align::Right),
        ],
        gap: 0.0,
        padding: PADDING,
        row_height: ROW_HEIGHT,
        rules: true,
        wrap: None,
    }
}

/// A row's texts as shown.
fn cells(p: &ProcessInfo) -> Row {
    Row::new(vec![
        p.pid.to_string(),
        p.name.clone(),
        format::value(Unit::Percent, p.cpu),
        format::value(Unit::Bytes, p.mem as f64),
    ])
}

/// A table of the top processes; clicking a column heading sorts by it.
#[component]
pub fn TopProcesses(
    /// Every host's samples (the table reads the newest frame's `top`).
    #[prop(into)]
    store: Signal<SeriesStore>,
    /// The host to show.
    #[prop(into)]
    host: Signal<String>,
    /// Colours of the rows.
    #[prop(into)]
    theme: Signal<Theme>,
) -> impl IntoView {
    let (sort, set_sort) = signal(SortKey::Cpu);
    // Notifies only when a shown text changed.
    let rows = Memo::new(move |_| {
        let key = sort.get();
        store.with(|s| {
            host.with(|h| {
                let top = s.host(h).map(|h| h.top()).unwrap_or_default();
                select_processes(top, key, ROWS).iter().map(cells).collect::<Vec<_>>()
            })
        })
    });
    let template = format!("grid-template-columns:{}", layout().grid_template());
    let fallback_rows = move || {
        rows.get()
            .into_iter()
            .map(|row| {
                let [pid, name, cpu, mem] = <[String; 4]>::try_from(row.cells).unwrap_or_default();
                view! {
                    <tr>
                        <td>{pid}</td>
                        <td class="name">{name}</td>
                        <td>{cpu}</td>
                        <td>{mem}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let empty = move || store.with(|s| host.with(|h| s.host(h).is_none_or(|h| h.top().is_empty())));
    view! {
        <section class="panel processes-panel" data-testid="panel-top-processes" aria-labelledby="top-title">
            <h2 id="top-title">"Top processes"</h2>
            <Show
                when=move || !empty()
                fallback=|| view! { <p class="muted">"No process list in the newest sample yet."</p> }
            >
                <div class="process-head" style=template.clone() role="group" aria-label="Sort processes by">
                    {KEYS.map(|key| sort_button(key, sort, set_sort))}
                </div>
                <TextCells
                    rows=rows
                    layout=layout()
                    theme=theme
                    class="process-rows"
                    test_id="process-rows"
                    {..}
                    style=format!("height:{}px", ROWS as f64 * ROW_HEIGHT)
                >
                    <table>
                        <caption>"Top processes"</caption>
                        <thead>
                            <tr>
                                {KEYS
                                    .map(|key| {
                                        view! {
                                            <th scope="col" aria-sort=move || aria_sort(sort.get(), key)>
                                                {key.heading()}
                                            </th>
                                        }
                                    })}
                            </tr>
                        </thead>
                        <tbody>{fallback_rows}</tbody>
                    </table>
                </TextCells>
            </Show>
        </section>
    }
}

/// A column heading that sorts by its column.
fn sort_button(key: SortKey, sort: ReadSignal<SortKey>, set_sort: WriteSignal<SortKey>) -> impl IntoView {
    let sorted = move || sort.get() == key;
    view! {
        <button
            type="button"
            class:num=key != SortKey::Name
            class:active=sorted
            aria-pressed=move || sorted().to_string()
            data-testid=format!("sort-{}", key.name())
            on:click=move |_| set_sort.set(key)
        >
            {key.heading()}
        </button>
    }
}

/// `aria-sort` of a column while the table is sorted by `sorted_by`.
fn aria_sort(sorted_by: SortKey, column: SortKey) -> &'static str {
    match (sorted_by == column, column.descending()) {
        (false, _) => "none",
        (true, true) => "descending",
        (true, false) => "ascending",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn process(pid: u32, name: &str, cpu: f64, mem: u64) -> ProcessInfo {
        ProcessInfo { pid, name: name.into(), cpu, mem }
    }

    #[test]
    fn every_column_sorts() {
        let list = vec![process(3, "b", 5.0, 10), process(1, "C", 50.0, 5), process(2, "a", 1.0, 99)];
        let cases = [
            (SortKey::Pid, [1, 2, 3]),
            (SortKey::Name, [2, 3, 1]),
            (SortKey::Cpu, [1, 3, 2]),
            (SortKey::Memory, [2, 3, 1]),
        ];
        for (key, want) in cases {
            let mut sorted = list.clone();
            sort_processes(&mut sorted, key);
            assert_eq!(sorted.iter().map(|p| p.pid).collect::<Vec<_>>(), want, "{key:?}");
        }
    }

    #[test]
    fn the_table_shows_the_busiest_in_the_chosen_order() {
        let list = vec![
            process(4, "d", 9.0, 1),
            process(3, "c", 0.0, 900),
            process(1, "a", 30.0, 5),
            process(2, "b", 20.0, 50),
        ];
        // (key, rows shown) → pids in order
        let cases = [
            (SortKey::Cpu, 2, vec![1, 2]),
            (SortKey::Pid, 3, vec![1, 2, 4]),
            (SortKey::Name, 2, vec![1, 2]),
            (SortKey::Memory, 2, vec![3, 2]),
            (SortKey::Pid, 10, vec![1, 2, 3, 4]),
        ];
        for (key, count, want) in cases {
            let shown: Vec<u32> = select_processes(&list, key, count).iter().map(|p| p.pid).collect();
            assert_eq!(shown, want, "{key:?}, {count} rows");
        }
    }

    #[test]
    fn the_headings_use_the_drawn_columns() {
        assert_eq!(layout().grid_template(), "72px minmax(0,1fr) 72px 88px");
    }
}
