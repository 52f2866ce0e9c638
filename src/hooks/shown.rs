//! Which stream an HTTP answer was asked for. The page moves between hosts on one
//! connection, but a history or catalogue fetch started for host A may answer after
//! the page moved to B: each fetch takes a [`Ticket`] when it starts, every move
//! makes the tickets before it stale, and a stale answer is dropped rather than
//! drawn (or its refusal shown) on B's page. Pure; the hooks hold one each.

use std::cell::Cell;

/// The stream shown when a fetch started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

/// How many times the page has moved to another stream.
#[derive(Debug, Default)]
pub struct Shown {
    moves: Cell<u64>,
}

impl Shown {
    /// A ticket for a fetch starting now.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.moves.get())
    }

    /// The page shows another stream: every ticket taken before is stale.
    pub fn moved(&self) {
        self.moves.set(self.moves.get().wrapping_add(1));
    }

    /// Whether an answer fetched with `ticket` is for the stream shown now.
    pub fn current(&self, ticket: Ticket) -> bool {
        ticket.0 == self.moves.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One step of a page's life: a fetch starts (its name), the page moves, or an
    /// answer (of the fetch named) arrives and is kept or dropped.
    enum Step {
        Start(&'static str),
        Move,
        Answer(&'static str, bool),
    }

    #[test]
    fn answers_fetched_before_a_move_are_dropped() {
        use Step::*;
        let cases: [(&str, Vec<Step>); 5] = [
            ("no move", vec![Start("a"), Answer("a", true)]),
            ("A's answer after the move to B", vec![Start("a"), Move, Answer("a", false)]),
            ("B's own, after A's", vec![Start("a"), Move, Start("b"), Answer("b", true), Answer("a", false)]),
            // A → B → C quickly: only C's fetch is drawn.
            ("A, B, C", vec![Start("a"), Move, Start("b"), Move, Start("c"), Answer("b", false), Answer("c", true)]),
            // Back to A: the fetch started on the first visit is still dropped;
            // the new one brings the same and more.
            ("A, B, A", vec![Start("a1"), Move, Move, Start("a2"), Answer("a1", false), Answer("a2", true)]),
        ];
        for (case, steps) in cases {
            let shown = Shown::default();
            let mut tickets = Vec::new();
            for step in steps {
                match step {
                    Start(name) => tickets.push((name, shown.ticket())),
                    Move => shown.moved(),
                    Answer(name, kept) => {
                        let ticket = tickets.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).expect("started");
                        assert_eq!(shown.current(ticket), kept, "{case}: {name}");
                    }
                }
            }
        }
    }
}
