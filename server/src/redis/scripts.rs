//! The Lua scripts the hubs run in Redis, each atomic there: appending a frame once
//! however many hubs write it, and holding agents' claims (one at a time, or a
//! hub's many in one call).

use ::redis::Script;

/// `KEYS[1]` the host's stream; `ARGV` epoch, seq, ts, frame JSON, window (ms),
/// the writing hub's protocol version (the entry's `v`, see `keys::as_written`).
/// Appends only a frame newer than the stream's last: a higher seq in the same
/// epoch, or a later sample in another (a restarted agent). Trims by age (`MINID ~`,
/// entry ids are Redis's clock in ms). Returns 1 when appended, 0 for a duplicate.
const APPEND: &str = r"
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #last > 0 then
  local fields, epoch, seq, ts = last[1][2], nil, 0, 0
  for i = 1, #fields, 2 do
    if fields[i] == 'epoch' then epoch = fields[i + 1]
    elseif fields[i] == 'seq' then seq = tonumber(fields[i + 1])
    elseif fields[i] == 'ts' then ts = tonumber(fields[i + 1]) end
  end
  if epoch == ARGV[1] then
    if tonumber(ARGV[2]) <= seq then return 0 end
  elseif tonumber(ARGV[3]) <= ts then
    return 0
  end
end
local now = redis.call('TIME')
local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[5])
redis.call('XADD', KEYS[1], 'MINID', '~', oldest, '*',
  'epoch', ARGV[1], 'seq', ARGV[2], 'ts', ARGV[3], 'frame', ARGV[4], 'v', ARGV[6])
return 1
";

/// `KEYS` claims; `ARGV[1]` the TTL (ms), `ARGV[1 + i]` the token of `KEYS[i]`.
/// Extends each claim its token holds, takes each that nobody holds (it ran out),
/// and leaves those another holds: one call renews a chunk of a hub's claims. An
/// array of 1 (held) or 0 (another has it), in `KEYS`' order.
const RENEW_MANY: &str = r"
local held = {}
for i = 1, #KEYS do
  local holder = redis.call('GET', KEYS[i])
  if holder == ARGV[i + 1] then
    redis.call('PEXPIRE', KEYS[i], ARGV[1])
    held[i] = 1
  elseif not holder then
    redis.call('SET', KEYS[i], ARGV[i + 1], 'PX', ARGV[1])
    held[i] = 1
  else
    held[i] = 0
  end
end
return held
";

/// `KEYS` claims; `ARGV[i]` the token of `KEYS[i]`. Deletes each claim still held
/// by its token, as [`RELEASE`] does one; how many were deleted.
const RELEASE_MANY: &str = r"
local deleted = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[i] then
    deleted = deleted + redis.call('DEL', KEYS[i])
  end
end
return deleted
";

/// `KEYS[1]` a claim; `ARGV[1]` the holder's token. Deletes it only if still held
/// by that token (an expired claim may be another hub's by now).
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// The append script.
pub fn append() -> Script {
    Script::new(APPEND)
}

/// The script renewing many claims in one call.
pub fn renew_many() -> Script {
    Script::new(RENEW_MANY)
}

/// The script releasing many claims in one call.
pub fn release_many() -> Script {
    Script::new(RELEASE_MANY)
}

/// The claim-release script.
pub fn release() -> Script {
    Script::new(RELEASE)
}
