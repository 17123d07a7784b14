//! An in-place heapsort for the engine and its embedders (the kernel module uses it too). `core`'s sorts may panic when a comparison is not a
//! total order, and in the kernel their panic paths trip objtool; this one cannot panic
//! (every index is checked against the length before use), needs no allocation and no
//! recursion, and runs in O(n log n).

use core::cmp::Ordering;

/// Sorts `v` by `compare` (not stable).
pub fn heapsort_by<T, F: FnMut(&T, &T) -> Ordering>(v: &mut [T], mut compare: F) {
    let len = v.len();
    // Build a max-heap, then repeatedly move the maximum to the end.
    let mut start = len.wrapping_div(2);
    while start > 0 {
        start = start.wrapping_sub(1); // start > 0
        sift_down(v, start, len, &mut compare);
    }
    let mut end = len;
    while end > 1 {
        end = end.wrapping_sub(1); // end > 1
        v.swap(0, end);
        sift_down(v, 0, end, &mut compare);
    }
}

/// Restores the heap property below `root` within `v[..end]`.
fn sift_down<T, F: FnMut(&T, &T) -> Ordering>(v: &mut [T], mut root: usize, end: usize, compare: &mut F) {
    loop {
        let Some(left) = root.checked_mul(2).and_then(|x| x.checked_add(1)).filter(|&l| l < end) else { return };
        let right = left.wrapping_add(1);
        let mut child = left;
        if right < end {
            if let (Some(l), Some(r)) = (v.get(left), v.get(right)) {
                if compare(l, r) == Ordering::Less {
                    child = right;
                }
            }
        }
        match (v.get(root), v.get(child)) {
            (Some(a), Some(b)) if compare(a, b) == Ordering::Less => {
                v.swap(root, child);
                root = child;
            }
            _ => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::heapsort_by;

    #[test]
    fn sorts_like_core() {
        let mut seed = 0x2545_f491_u32;
        for len in 0..200 {
            let mut v: std::vec::Vec<u32> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    seed % 50
                })
                .collect();
            let mut expected = v.clone();
            expected.sort();
            heapsort_by(&mut v, |a, b| a.cmp(b));
            assert_eq!(v, expected);
        }
    }

    #[test]
    fn survives_an_inconsistent_comparison() {
        let mut v = [3, 1, 2, 5, 4, 9, 0];
        let mut flip = false;
        heapsort_by(&mut v, |_, _| {
            flip = !flip;
            if flip { core::cmp::Ordering::Less } else { core::cmp::Ordering::Greater }
        });
        let mut sorted = v;
        sorted.sort();
        assert_eq!(sorted, [0, 1, 2, 3, 4, 5, 9]);
    }
}
