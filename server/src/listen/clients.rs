//! Who holds the server's connections: a cap on all of them and one per client
//! address, so no single client can take every socket (and with them `/healthz`).
//!
//! Every accepted connection takes a [`Ticket`]; dropping it gives the place back.
//! A connection from a trusted proxy is counted against the proxy only until its
//! request names the browser's address ([`Ticket::move_to`]); then against that.
//! IPv6 addresses are counted per /64, the block one subscriber usually gets, so
//! an attacker cannot spread over addresses that cost nothing.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};

/// Why a connection was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The server holds as many connections as it allows.
    #[error("the server holds its most connections ({0}); retry shortly")]
    Full(usize),
    /// This client address holds as many as one address may.
    #[error("{address} holds its most connections ({cap}, --max-per-address)")]
    PerAddress {
        /// The address, as counted (an IPv6 /64 shows as its first address).
        address: IpAddr,
        /// The cap per address.
        cap: usize,
    },
}

/// The counts, shared by the accept loop and every connection's [`Ticket`].
#[derive(Debug)]
pub struct Clients {
    max_total: usize,
    /// 0: no cap per address.
    max_per_address: usize,
    counts: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// One connection's place; dropping it frees the place.
#[derive(Debug)]
pub struct Ticket {
    clients: Arc<Clients>,
    /// The address it counts against; `None` for a trusted proxy's connection that
    /// has not named its client yet (it counts in the total only).
    address: Option<IpAddr>,
}

impl Clients {
    /// At most `max_total` connections in all and `max_per_address` from one
    /// address (0 for no such cap).
    pub fn new(max_total: usize, max_per_address: usize) -> Arc<Self> {
        Arc::new(Clients { max_total, max_per_address, counts: Mutex::new(Counts::default()) })
    }

    /// Takes a place for a connection from `address` (`None`: a trusted proxy,
    /// counted against its client later).
    pub fn admit(self: &Arc<Self>, address: Option<IpAddr>) -> Result<Ticket, Refusal> {
        let address = address.map(counted);
        let mut counts = self.lock();
        if counts.total >= self.max_total {
            return Err(Refusal::Full(self.max_total));
        }
        if let Some(address) = address {
            self.take(&mut counts, address)?;
        }
        counts.total += 1;
        Ok(Ticket { clients: Arc::clone(self), address })
    }

    /// Connections open now.
    pub fn total(&self) -> usize {
        self.lock().total
    }

    /// Connections open now from `address` (its /64 for IPv6).
    pub fn from_address(&self, address: IpAddr) -> usize {
        self.lock().by_address.get(&counted(address)).copied().unwrap_or(0)
    }

    fn take(&self, counts: &mut Counts, address: IpAddr) -> Result<(), Refusal> {
        let held = counts.by_address.entry(address).or_insert(0);
        if self.max_per_address != 0 && *held >= self.max_per_address {
            if *held == 0 {
                counts.by_address.remove(&address);
            }
            return Err(Refusal::PerAddress { address, cap: self.max_per_address });
        }
        *held += 1;
        Ok(())
    }

    fn give_back(counts: &mut Counts, address: IpAddr) {
        if let Some(held) = counts.by_address.get_mut(&address) {
            *held = held.saturating_sub(1);
            if *held == 0 {
                counts.by_address.remove(&address);
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Ticket {
    /// The address it counts against (a /64 for IPv6; behind a trusted proxy, the
    /// browser's once a request named it).
    pub fn address(&self) -> Option<IpAddr> {
        self.address
    }

    /// Counts this connection against `address` from now on (a proxy's request
    /// named its client). On refusal the ticket keeps counting where it did.
    pub fn move_to(&mut self, address: IpAddr) -> Result<(), Refusal> {
        let address = counted(address);
        if self.address == Some(address) {
            return Ok(());
        }
        let mut counts = self.clients.lock();
        self.clients.take(&mut counts, address)?;
        if let Some(old) = self.address.replace(address) {
            Clients::give_back(&mut counts, old);
        }
        Ok(())
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut counts = self.clients.lock();
        counts.total = counts.total.saturating_sub(1);
        if let Some(address) = self.address {
            Clients::give_back(&mut counts, address);
        }
    }
}

/// The key an address is counted under: IPv4 as is (and IPv4-mapped IPv6 as
/// IPv4), other IPv6 by its /64.
fn counted(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn each_address_gets_its_own_cap_and_all_share_the_total() {
        let clients = Clients::new(5, 2);
        let a1 = clients.admit(Some(ip("127.0.0.2"))).unwrap();
        let _a2 = clients.admit(Some(ip("127.0.0.2"))).unwrap();
        assert_eq!(
            clients.admit(Some(ip("127.0.0.2"))).unwrap_err(),
            Refusal::PerAddress { address: ip("127.0.0.2"), cap: 2 }
        );
        let _b = clients.admit(Some(ip("127.0.0.1"))).unwrap();
        drop(a1);
        let _a3 = clients.admit(Some(ip("127.0.0.2"))).expect("a freed place is reused");
        let _c = clients.admit(Some(ip("127.0.0.3"))).unwrap();
        let _d = clients.admit(Some(ip("127.0.0.4"))).unwrap();
        assert_eq!(clients.admit(Some(ip("127.0.0.5"))).unwrap_err(), Refusal::Full(5));
        assert_eq!(clients.total(), 5);
    }

    #[test]
    fn zero_means_no_cap_per_address() {
        let clients = Clients::new(100, 0);
        let tickets: Vec<_> = (0..50).map(|_| clients.admit(Some(ip("10.0.0.1"))).unwrap()).collect();
        assert_eq!(clients.from_address(ip("10.0.0.1")), 50);
        drop(tickets);
        assert_eq!(clients.total(), 0);
        assert_eq!(clients.from_address(ip("10.0.0.1")), 0);
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let clients = Clients::new(10, 1);
        let _a = clients.admit(Some(ip("2001:db8:1:2::1"))).unwrap();
        assert!(clients.admit(Some(ip("2001:db8:1:2:ffff::9"))).is_err(), "same /64");
        let _b = clients.admit(Some(ip("2001:db8:1:3::1"))).expect("another /64");
        let _c = clients.admit(Some(ip("::ffff:192.0.2.1"))).unwrap();
        assert!(clients.admit(Some(ip("192.0.2.1"))).is_err(), "mapped IPv4 is that IPv4");
    }

    #[test]
    fn a_proxys_connection_moves_to_its_client() {
        let clients = Clients::new(10, 1);
        let mut via_proxy = clients.admit(None).unwrap();
        assert_eq!(clients.total(), 1);
        via_proxy.move_to(ip("198.51.100.7")).unwrap();
        assert_eq!(clients.from_address(ip("198.51.100.7")), 1);
        let mut second = clients.admit(None).unwrap();
        assert!(second.move_to(ip("198.51.100.7")).is_err(), "the client's cap holds through the proxy");
        second.move_to(ip("198.51.100.8")).unwrap();
        via_proxy.move_to(ip("198.51.100.9")).unwrap();
        assert_eq!(clients.from_address(ip("198.51.100.7")), 0, "moving gives the old place back");
        drop((via_proxy, second));
        assert_eq!(clients.total(), 0);
        assert_eq!(clients.from_address(ip("198.51.100.9")), 0);
    }
}
