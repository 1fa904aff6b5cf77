//! The `head N` and `tail N` pipes, applied in order to results already sorted by time.

use super::ast::Pipe;
use super::candidate::Interned;

/// Which end of the time-sorted results the pipes can ever select, and how many: a
/// piped event query keeps only that many matches while streaming, so `head 5` over a
/// million matching events holds 5, not a million.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    All,
    First(usize),
    Last(usize),
}

impl Window {
    /// The first pipe bounds what later pipes can see.
    pub fn of(pipes: &[Pipe]) -> Window {
        match pipes.first() {
            Some(Pipe::Head(n)) => Window::First(*n),
            Some(Pipe::Tail(n)) => Window::Last(*n),
            None => Window::All,
        }
    }

    /// Trims `(event, time)` matches to the window once they hold twice its size, so the
    /// cost stays amortized constant per match.
    pub fn trim(self, list: &mut Vec<(u32, i64)>, names: &Interned) {
        let keep = match self {
            Window::All => return,
            Window::First(n) | Window::Last(n) => n,
        };
        if list.len() <= keep.saturating_mul(2).max(64) {
            return;
        }
        list.sort_by(|a, b| (a.1, names.id(a.0)).cmp(&(b.1, names.id(b.0))));
        list.dedup();
        match self {
            Window::First(_) => list.truncate(keep),
            Window::Last(_) => {
                let cut = list.len().saturating_sub(keep);
                list.drain(..cut);
            }
            Window::All => {}
        }
    }
}

/// Keeps the window of `results` that the chain of pipes selects.
pub fn apply_pipes<T>(pipes: &[Pipe], results: Vec<T>) -> Vec<T> {
    let (mut start, mut end) = (0usize, results.len());
    for p in pipes {
        match *p {
            Pipe::Head(n) => end = end.min(start.saturating_add(n)),
            Pipe::Tail(n) => start = start.max(end.saturating_sub(n)),
        }
    }
    results
        .into_iter()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_trimming_keeps_what_the_pipes_select() {
        let mut names = Interned::default();
        let ids: Vec<u32> = (0..300)
            .filter_map(|i| names.event(&format!("e{i:03}"), 0))
            .collect();
        // Matches arrive newest first; times 299..0.
        let all: Vec<(u32, i64)> = ids.iter().rev().map(|&e| (e, i64::from(e))).collect();
        let pipe_sets: &[&[Pipe]] = &[
            &[Pipe::Head(3)],
            &[Pipe::Tail(2)],
            &[Pipe::Head(100), Pipe::Tail(2)],
            &[Pipe::Tail(70), Pipe::Head(5)],
        ];
        for pipes in pipe_sets {
            let window = Window::of(pipes);
            let mut kept = Vec::new();
            for &m in &all {
                kept.push(m);
                window.trim(&mut kept, &names);
            }
            kept.sort();
            let mut sorted = all.clone();
            sorted.sort();
            assert_eq!(
                apply_pipes(pipes, kept),
                apply_pipes(pipes, sorted),
                "{pipes:?}"
            );
        }
    }

    #[test]
    fn chained_windows() {
        let data: Vec<u32> = (0..10).collect();
        let cases: &[(&[Pipe], &[u32])] = &[
            (&[Pipe::Head(3)], &[0, 1, 2]),
            (&[Pipe::Tail(2)], &[8, 9]),
            (&[Pipe::Head(5), Pipe::Tail(2)], &[3, 4]),
            (&[Pipe::Tail(5), Pipe::Head(2)], &[5, 6]),
            (&[Pipe::Head(0)], &[]),
            (&[Pipe::Tail(50)], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
        ];
        for (pipes, want) in cases {
            assert_eq!(apply_pipes(pipes, data.clone()), want.to_vec(), "{pipes:?}");
        }
    }
}
