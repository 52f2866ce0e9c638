//! How long a fuzz property runs, and the line it reports.
//!
//! Both fuzz passes (`protocol/tests/fuzz.rs`, `server/tests/fuzz.rs`) read the same
//! environment variables:
//!
//! - `PULSE_FUZZ_SCALE`: a multiple of every property's own case count (which is
//!   sized so a debug build runs the property in seconds); `./pulse bench fuzz`
//!   asks for 100 in release;
//! - `PULSE_FUZZ_CASES`: cases per property, whatever its own count (to replay a
//!   failure with the numbers it printed);
//! - `PULSE_FUZZ_SECONDS`: the most wall time one property may take (default 120):
//!   a slow machine runs fewer cases rather than hold CI hostage;
//! - `PULSE_FUZZ_SEED`: the seed of the first round (default: random, printed), so a
//!   failure can be replayed with the same seed and case count.
//!
//! Cases run in rounds of [`ROUND`], each a fresh proptest runner seeded with the
//! base seed plus its index; a failing case is shrunk by proptest and reported
//! with the seed that found it. A panic inside a property (the reader's) fails its
//! case there and then; a panic on any other thread (a server task's) cannot, so a
//! hook keeps the name of every such thread, and the summary line counts them.

use std::cell::Cell;
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngSeed, TestCaseResult, TestError, TestRunner};

/// Cases per round: the unit of seeding and of checking the clock.
pub const ROUND: u32 = 64;

/// The longest any property runs, unless `PULSE_FUZZ_SECONDS` says otherwise.
const DEFAULT_SECONDS: u64 = 120;

/// The thread name of every panic outside a property since this process started.
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

thread_local! {
    /// Whether this thread runs a property (whose panics proptest catches and reports).
    static IN_PROPERTY: Cell<bool> = const { Cell::new(false) };
}

/// How much of a property to run.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Cases to run (fewer if time runs out first).
    pub cases: u32,
    /// Wall time allowed.
    pub time: Duration,
    /// Seed of the first round.
    pub seed: u64,
}

impl Budget {
    /// The budget from the environment for a property of `default_cases` cases.
    pub fn from_env(default_cases: u32) -> Self {
        let number = |name: &str| std::env::var(name).ok().and_then(|text| text.trim().parse::<u64>().ok());
        let scaled = u64::from(default_cases).saturating_mul(number("PULSE_FUZZ_SCALE").unwrap_or(1));
        let cases = number("PULSE_FUZZ_CASES").unwrap_or(scaled).clamp(1, u64::from(u32::MAX)) as u32;
        let time = Duration::from_secs(number("PULSE_FUZZ_SECONDS").unwrap_or(DEFAULT_SECONDS).max(1));
        let seed = number("PULSE_FUZZ_SEED").unwrap_or_else(random_seed);
        Budget { cases, time, seed }
    }
}

/// What a property did.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    /// Cases that ran and passed.
    pub cases: u64,
    /// Panics outside properties while it ran, on any thread.
    pub panics: usize,
    /// Wall time taken.
    pub elapsed: Duration,
}

/// Panics outside properties so far, on threads whose name starts with `prefix`.
pub fn panics(prefix: &str) -> usize {
    let names = PANICS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    names.iter().filter(|name| name.starts_with(prefix)).count()
}

/// Runs `test` on values of `strategy` within `budget`, then prints the summary line
/// `fuzz: NAME cases=N panics=P seconds=S seed=SEED` (collected by `./pulse bench fuzz`).
/// Fails the calling test with proptest's smallest failing value if a case fails.
pub fn run<S: Strategy>(name: &str, budget: Budget, strategy: S, test: impl Fn(S::Value) -> TestCaseResult) -> Summary {
    count_panics();
    IN_PROPERTY.with(|flag| flag.set(true));
    let started = Instant::now();
    let panics_before = panics("");
    let mut cases: u64 = 0;
    let rounds = budget.cases.div_ceil(ROUND);
    for round in 0..rounds {
        if started.elapsed() >= budget.time {
            println!("fuzz: {name} stopped by PULSE_FUZZ_SECONDS after {cases} of {} cases", budget.cases);
            break;
        }
        let seed = budget.seed.wrapping_add(u64::from(round));
        let size = ROUND.min(budget.cases - round * ROUND);
        let config = Config {
            cases: size,
            failure_persistence: None,
            rng_seed: RngSeed::Fixed(seed),
            // Shrinking replays cases; bound it in count and in time.
            max_shrink_iters: 4_096,
            max_shrink_time: 60_000,
            ..Config::default()
        };
        match TestRunner::new(config).run(&strategy, &test) {
            Ok(()) => cases += u64::from(size),
            Err(TestError::Fail(why, value)) => panic!(
                "fuzz: {name} failed (PULSE_FUZZ_SEED={} PULSE_FUZZ_CASES={}, round {round}): {why}\n\
                 smallest failing input: {value:#?}",
                budget.seed, budget.cases
            ),
            Err(TestError::Abort(why)) => panic!("fuzz: {name} aborted in round {round}: {why}"),
        }
    }
    IN_PROPERTY.with(|flag| flag.set(false));
    let summary = Summary { cases, panics: panics("") - panics_before, elapsed: started.elapsed() };
    println!(
        "fuzz: {name} cases={} panics={} seconds={:.1} seed={}",
        summary.cases,
        summary.panics,
        summary.elapsed.as_secs_f64(),
        budget.seed
    );
    summary
}

/// Installs (once) a panic hook that notes every panic outside a property, then
/// reports it as usual.
fn count_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_PROPERTY.with(Cell::get) {
                let name = std::thread::current().name().unwrap_or("<unnamed>").to_owned();
                PANICS.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(name);
            }
            report(info);
        }));
    });
}

/// A seed that differs from run to run.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher
        .write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos());
    hasher.finish()
}
