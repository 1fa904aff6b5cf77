//! The `head N` and `tail N` pipes, applied in order to results already sorted by time.

use super::ast::Pipe;

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
