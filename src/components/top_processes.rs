//! The busiest processes of the newest sample, sortable by any column.

use leptos::prelude::*;
use pulse_protocol::{ProcessInfo, Unit};

use crate::format;
use crate::store::SeriesStore;

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

/// ASCII-lowercased bytes, enough to sort process names case-insensitively.
fn lowercase(name: &str) -> impl Iterator<Item = u8> + '_ {
    name.bytes().map(|b| b.to_ascii_lowercase())
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
) -> impl IntoView {
    let (sort, set_sort) = signal(SortKey::Cpu);
    let rows = move || {
        let mut top = store.with(|s| host.with(|h| s.host(h).map(|h| h.top().to_vec()).unwrap_or_default()));
        sort_processes(&mut top, sort.get());
        top.into_iter()
            .map(|p| {
                view! {
                    <tr>
                        <td class="num">{p.pid}</td>
                        <td class="name">{p.name}</td>
                        <td class="num">{format::value(Unit::Percent, p.cpu)}</td>
                        <td class="num">{format::value(Unit::Bytes, p.mem as f64)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let heading = move |key: SortKey, text: &'static str, numeric: bool| {
        let sorted = move || sort.get() == key;
        view! {
            <th
                class:num=numeric
                aria-sort=Signal::derive(move || if sorted() { if numeric && key != SortKey::Pid { "descending" } else { "ascending" } } else { "none" }.to_owned())
            >
                <button type="button" class:active=Signal::derive(sorted) on:click=move |_| set_sort.set(key)>
                    {text}
                </button>
            </th>
        }
    };
    let empty = move || store.with(|s| host.with(|h| s.host(h).is_none_or(|h| h.top().is_empty())));
    view! {
        <section class="panel processes-panel" data-testid="panel-top-processes" aria-labelledby="top-title">
            <h2 id="top-title">"Top processes"</h2>
            <Show
                when=move || !empty()
                fallback=|| view! { <p class="muted">"No process list in the newest sample yet."</p> }
            >
                <div class="table-scroll">
                    <table class="processes">
                        <thead>
                            <tr>
                                {heading(SortKey::Pid, "PID", true)}
                                {heading(SortKey::Name, "Name", false)}
                                {heading(SortKey::Cpu, "CPU", true)}
                                {heading(SortKey::Memory, "Memory", true)}
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </Show>
        </section>
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
}
