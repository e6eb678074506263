//! Sign-in limiting that counts concurrent attempts and never locks an owner out for long.
//!
//! An attempt is *reserved* before the password is checked (Argon2 takes tens of milliseconds,
//! so attempts racing in parallel are counted while in flight) and settled after. Three limits:
//!
//! - **per client and account**: 5 failures, then each further attempt from that client for
//!   that account waits a delay that doubles from 1 s up to 15 minutes;
//! - **per client**: 20 failures in 15 minutes across all accounts (password spraying) refuse
//!   that client for the rest of the window;
//! - **per account**, whatever the client: past 10 failures in 15 minutes, attempts are spaced
//!   at least 2 s apart. This is the only limit a stranger can impose on an owner signing in
//!   from another client, and it is a bounded wait, never a lock.
//!
//! A success clears the account's count and that client's failures for the account; other
//! clients' failures for it stand.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The limits.
#[derive(Debug, Clone)]
pub struct Policy {
    pub window: Duration,
    pub per_pair: u32,
    pub pair_base_delay: Duration,
    pub pair_max_delay: Duration,
    pub per_client: u32,
    pub account_soft: u32,
    pub account_spacing: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            window: Duration::from_secs(15 * 60),
            per_pair: 5,
            pair_base_delay: Duration::from_secs(1),
            pair_max_delay: Duration::from_secs(15 * 60),
            per_client: 20,
            account_soft: 10,
            account_spacing: Duration::from_secs(2),
        }
    }
}

#[derive(Debug, Default, Clone)]
struct Count {
    failures: u32,
    in_flight: u32,
    first: Option<Instant>,
    last_failure: Option<Instant>,
    /// Per account: the earliest instant the next attempt may start.
    next_allowed: Option<Instant>,
}

impl Count {
    fn expire(&mut self, now: Instant, window: Duration) {
        if self.first.is_some_and(|f| now.duration_since(f) >= window) {
            *self = Count {
                in_flight: self.in_flight,
                ..Count::default()
            };
        }
    }

    fn fail(&mut self, now: Instant) {
        self.failures += 1;
        self.first.get_or_insert(now);
        self.last_failure = Some(now);
    }
}

#[derive(Default)]
struct Counts {
    pairs: HashMap<(String, String), Count>,
    clients: HashMap<String, Count>,
    accounts: HashMap<String, Count>,
}

/// The limiter (one per server).
#[derive(Default)]
pub struct SignInLimiter {
    policy: Policy,
    counts: Mutex<Counts>,
}

/// A reserved attempt: settle it with [`Reservation::succeeded`] or [`Reservation::failed`];
/// dropped unsettled (an error), it only gives its place back.
pub struct Reservation<'a> {
    limiter: &'a SignInLimiter,
    account: String,
    client: String,
    settled: bool,
}

fn key(account: &str) -> String {
    account.trim().to_lowercase()
}

impl SignInLimiter {
    pub fn new(policy: Policy) -> SignInLimiter {
        SignInLimiter {
            policy,
            counts: Mutex::new(Counts::default()),
        }
    }

    /// Reserve an attempt for `account` from `client`, or say how long to wait.
    pub fn reserve(&self, account: &str, client: &str) -> Result<Reservation<'_>, Duration> {
        self.reserve_at(account, client, Instant::now())
    }

    pub fn reserve_at(
        &self,
        account: &str,
        client: &str,
        now: Instant,
    ) -> Result<Reservation<'_>, Duration> {
        let p = &self.policy;
        let account = key(account);
        let mut c = self.counts.lock().expect("limiter lock");
        let Counts {
            pairs,
            clients,
            accounts,
        } = &mut *c;
        let pair = pairs
            .entry((account.clone(), client.to_string()))
            .or_default();
        pair.expire(now, p.window);
        let cl = clients.entry(client.to_string()).or_default();
        cl.expire(now, p.window);
        let acc = accounts.entry(account.clone()).or_default();
        acc.expire(now, p.window);

        if cl.failures + cl.in_flight >= p.per_client {
            let left = p
                .window
                .saturating_sub(cl.first.map_or(Duration::ZERO, |f| now.duration_since(f)));
            return Err(left.max(Duration::from_secs(1)));
        }
        if pair.failures + pair.in_flight >= p.per_pair {
            if pair.in_flight > 0 {
                return Err(p.pair_base_delay);
            }
            let over = pair.failures - p.per_pair;
            let delay = p
                .pair_base_delay
                .saturating_mul(1u32.checked_shl(over.min(20)).unwrap_or(u32::MAX))
                .min(p.pair_max_delay);
            let since = pair.last_failure.map_or(delay, |l| now.duration_since(l));
            if since < delay {
                return Err(delay - since);
            }
        }
        if acc.failures >= p.account_soft {
            if let Some(next) = acc.next_allowed
                && now < next
            {
                return Err(next - now);
            }
            acc.next_allowed = Some(now + p.account_spacing);
        }
        pair.in_flight += 1;
        cl.in_flight += 1;
        acc.in_flight += 1;
        Ok(Reservation {
            limiter: self,
            account,
            client: client.to_string(),
            settled: false,
        })
    }

    fn settle(&self, account: &str, client: &str, outcome: Option<bool>) {
        let now = Instant::now();
        let mut c = self.counts.lock().expect("limiter lock");
        let pair_key = (account.to_string(), client.to_string());
        for count in [c.pairs.get_mut(&pair_key)].into_iter().flatten() {
            count.in_flight = count.in_flight.saturating_sub(1);
        }
        if let Some(cl) = c.clients.get_mut(client) {
            cl.in_flight = cl.in_flight.saturating_sub(1);
            if outcome == Some(false) {
                cl.fail(now);
            }
        }
        if let Some(acc) = c.accounts.get_mut(account) {
            acc.in_flight = acc.in_flight.saturating_sub(1);
        }
        match outcome {
            Some(true) => {
                c.pairs.remove(&pair_key);
                c.accounts.remove(account);
            }
            Some(false) => {
                if let Some(pair) = c.pairs.get_mut(&pair_key) {
                    pair.fail(now);
                }
                if let Some(acc) = c.accounts.get_mut(account) {
                    acc.fail(now);
                }
            }
            None => {}
        }
    }
}

impl Reservation<'_> {
    /// The password was right.
    pub fn succeeded(mut self) {
        self.settled = true;
        self.limiter.settle(&self.account, &self.client, Some(true));
    }

    /// The password (or the link) was wrong.
    pub fn failed(mut self) {
        self.settled = true;
        self.limiter
            .settle(&self.account, &self.client, Some(false));
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if !self.settled {
            self.limiter.settle(&self.account, &self.client, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_attempts_count_before_the_password_is_checked() {
        let l = SignInLimiter::default();
        let held: Vec<_> = (0..30)
            .filter_map(|_| l.reserve("amina", "10.0.0.1").ok())
            .collect();
        assert_eq!(held.len(), 5, "five in flight, the rest refused at once");
        for r in held {
            r.failed();
        }
        assert!(l.reserve("amina", "10.0.0.1").is_err());
    }

    #[test]
    fn the_owner_signs_in_from_another_client_after_a_stranger_failed() {
        let l = SignInLimiter::default();
        for _ in 0..5 {
            l.reserve("amina", "10.0.0.1").unwrap().failed();
        }
        let r = l
            .reserve("amina", "10.0.0.2")
            .expect("another client may try");
        r.succeeded();
        assert!(
            l.reserve("amina", "10.0.0.2").is_ok(),
            "the owner's client stays free"
        );
        assert!(
            l.reserve("amina", "10.0.0.1").is_err(),
            "the stranger's client still waits"
        );
    }

    #[test]
    fn many_strangers_only_space_attempts_they_never_lock_the_account() {
        let l = SignInLimiter::default();
        let t0 = Instant::now();
        for i in 0..40 {
            if let Ok(r) = l.reserve_at("amina", &format!("10.1.0.{i}"), t0) {
                r.failed();
            }
        }
        let wait = l
            .reserve_at("amina", "10.9.9.9", t0)
            .err()
            .unwrap_or_default();
        assert!(wait <= Duration::from_secs(2), "{wait:?}");
        assert!(
            l.reserve_at("amina", "10.9.9.9", t0 + Duration::from_secs(2))
                .is_ok()
        );
    }

    #[test]
    fn a_client_trying_many_accounts_is_refused() {
        let l = SignInLimiter::default();
        for i in 0..20 {
            l.reserve(&format!("user{i}"), "10.0.0.9").unwrap().failed();
        }
        assert!(l.reserve("someone-new", "10.0.0.9").is_err());
        assert!(l.reserve("someone-new", "10.0.0.8").is_ok());
    }

    #[test]
    fn the_delay_for_one_client_grows_and_is_bounded() {
        let l = SignInLimiter::default();
        let t0 = Instant::now();
        for _ in 0..5 {
            l.reserve_at("amina", "10.0.0.1", t0).unwrap().failed();
        }
        let first = l.reserve_at("amina", "10.0.0.1", t0).err().unwrap();
        assert!(first <= Duration::from_secs(1));
        // After the delay, one more attempt; failing it doubles the delay.
        let later = Instant::now() + Duration::from_secs(1);
        l.reserve_at("amina", "10.0.0.1", later).unwrap().failed();
        let second = l
            .reserve_at("amina", "10.0.0.1", Instant::now())
            .err()
            .unwrap();
        assert!(
            second > Duration::from_secs(1) && second <= Duration::from_secs(2),
            "{second:?}"
        );
    }

    #[test]
    fn an_unsettled_reservation_gives_its_place_back() {
        let l = SignInLimiter::default();
        for _ in 0..5 {
            drop(l.reserve("amina", "10.0.0.1").unwrap());
        }
        assert!(l.reserve("amina", "10.0.0.1").is_ok());
    }
}
