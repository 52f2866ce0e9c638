//! A stable sort of row indices by a comparison given at run time: one copy of the
//! code for every order the fleet views need (each standard `sort_by` call would
//! compile a sort of its own into the download, several KB each).

use std::cmp::Ordering;

/// Sorts `indices` stably by `compare`, in O(n log n) (a bottom-up merge sort).
pub fn sort_indices(indices: &mut [usize], compare: &dyn Fn(usize, usize) -> Ordering) {
    let n = indices.len();
    let mut scratch = vec![0usize; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let middle = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut left, mut right, mut out) = (start, middle, start);
            while left < middle && right < end {
                // Ties take the left run first: stable.
                if compare(indices[right], indices[left]) == Ordering::Less {
                    scratch[out] = indices[right];
                    right += 1;
                } else {
                    scratch[out] = indices[left];
                    left += 1;
                }
                out += 1;
            }
            scratch[out..out + middle - left].copy_from_slice(&indices[left..middle]);
            out += middle - left;
            scratch[out..out + end - right].copy_from_slice(&indices[right..end]);
            start = end;
        }
        indices.copy_from_slice(&scratch);
        width *= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_at_every_length() {
        // Keys with many ties; the index breaks them, so stability is visible.
        for n in 0..70usize {
            let keys: Vec<u64> = (0..n as u64).map(|i| (i * 7_919) % 5).collect();
            let mut indices: Vec<usize> = (0..n).collect();
            sort_indices(&mut indices, &|a, b| keys[a].cmp(&keys[b]));
            let mut expected: Vec<usize> = (0..n).collect();
            expected.sort_by_key(|&i| keys[i]);
            assert_eq!(indices, expected, "n = {n}");
        }
    }
}
