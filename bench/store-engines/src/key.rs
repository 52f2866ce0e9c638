//! The byte keys of the key-value engines (fjall, redb): `host, 0x00, tier, start` with the
//! start as a big-endian `u64`, so that byte order is (host, tier, start) order and one
//! host's chunks of one tier are one contiguous range. Host names never contain a NUL byte.

/// The key of one chunk.
pub fn encode(host: &str, tier: u8, start: u64) -> Vec<u8> {
    let mut key = Vec::with_capacity(host.len() + 10);
    key.extend_from_slice(host.as_bytes());
    key.push(0);
    key.push(tier);
    key.extend_from_slice(&start.to_be_bytes());
    key
}

/// The start of a chunk from its key (its last eight bytes).
pub fn start_of(key: &[u8]) -> u64 {
    let mut start = [0; 8];
    if key.len() >= 8 {
        start.copy_from_slice(&key[key.len() - 8..]);
    }
    u64::from_be_bytes(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_is_host_tier_start_order() {
        let keys = [encode("a", 0, 5), encode("a", 0, 256), encode("a", 1, 0), encode("ab", 0, 0), encode("b", 0, 0)];
        assert!(keys.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(start_of(&keys[1]), 256);
    }
}
