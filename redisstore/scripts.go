package redisstore

import "github.com/redis/rueidis"

// The writes are Lua scripts, so that each runs atomically in Redis, with
// no other command of any process in between. Every key a script touches
// has the subject's hash tag: the keys it is given, and the session and
// token keys it builds from base (<prefix>{T}) for the members of a
// subject's sets, which Redis Cluster then finds on the same slot.
//
// TTLs arrive in milliseconds from now, with 0 meaning none (a token or
// session without expiry). The revoked-tokens set is scored by Redis's own
// clock, in milliseconds, so that every process prunes it alike; the
// live-sessions set by each session's start, in microseconds, so that it
// lists them oldest first. Times in values are text (see appendTime),
// compared exactly, and the writes that revoke or end publish the
// subject's tag (see Notify) before they write anything: Redis does not
// undo a script's writes when a later command fails, and a user without
// the channel (ACL) then gets the error with nothing written.

// prelude holds the helpers every script shares.
const prelude = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- keep makes key last at least ttl ms from now, or forever when ttl is 0;
-- pttl is the key's PTTL before the write that may have created it.
local function keep(key, pttl, ttl)
  if ttl == 0 then
    redis.call('PERSIST', key)
  elseif pttl == -2 or (pttl >= 0 and pttl < ttl) then
    redis.call('PEXPIRE', key, ttl)
  end
end

-- score is a sorted-set member's expiry: now + ttl, or inf for ttl 0.
local function score(now, ttl)
  if ttl == 0 then return 'inf' end
  return now + ttl
end

-- split reads a time, "<unix s>.<9 digits of ns>" or "<unix s>", as two
-- numbers, each exact; nil for anything else ('' is no time).
local function split(t)
  if not t then return nil end
  local s, ns = string.match(t, '^(-?%d+)%.?(%d*)$')
  if not s then return nil end
  if ns == '' then ns = '0' end
  return tonumber(s), tonumber(ns)
end

-- after reports whether time a is later than time b.
local function after(a, b)
  local as, an = split(a)
  local bs, bn = split(b)
  return as > bs or (as == bs and an > bn)
end

-- ms_between returns the milliseconds from time a to time b, rounded up.
local function ms_between(a, b)
  local as, an = split(a)
  local bs, bn = split(b)
  return math.ceil((bs - as) * 1000 + (bn - an) / 1000000)
end

-- set writes a string key, for ttl ms, or for good when ttl is 0.
local function set(key, value, ttl)
  if ttl == 0 then
    redis.call('SET', key, value)
  else
    redis.call('SET', key, value, 'PX', ttl)
  end
end

-- revoke_subject ends every session of a subject and moves its cutoff to
-- cutoff (a time) at least, kept for ttl ms at least (0: forever,
-- negative: not at all). It returns the IDs of the sessions it ended.
local function revoke_subject(cutoff_key, sessions_key, base, cutoff, ttl)
  local sids = redis.call('ZRANGE', sessions_key, 0, -1)
  for _, sid in ipairs(sids) do
    redis.call('DEL', base .. 's:' .. sid)
  end
  redis.call('DEL', sessions_key)
  if ttl >= 0 then
    local old = redis.call('GET', cutoff_key)
    if split(old) and after(old, cutoff) then cutoff = old end
    local pttl = redis.call('PTTL', cutoff_key)
    if ttl == 0 or pttl == -1 then
      redis.call('SET', cutoff_key, cutoff)
    else
      if pttl > ttl then ttl = pttl end
      redis.call('SET', cutoff_key, cutoff, 'PX', ttl)
    end
  end
  return sids
end
`

// revokeScript records the revocation of one token, unless it is refused
// already (0). When the subject holds its maximum of revocations, it
// revokes the whole subject instead and returns the IDs of the sessions
// it ended, a list; else 1.
//
//	KEYS: token, session (session tokens) or cutoff, revoked set, cutoff, sessions set
//	ARGV: "1" for a session token, iat (a time), ttl, limit, jti, cutoff on overflow (a time), base, channel, tag
var revokeScript = rueidis.NewLuaScript(prelude + `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if ARGV[1] == '1' then
  if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
else
  local cutoff = redis.call('GET', KEYS[2])
  if split(cutoff) and not after(ARGV[2], cutoff) then return 0 end
end
local now = now_ms()
local ttl = tonumber(ARGV[3])
redis.call('PUBLISH', ARGV[8], ARGV[9])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[4]) then
  local last = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')[2]
  local cutoff_ttl = 0
  if ttl > 0 and last ~= 'inf' then
    cutoff_ttl = math.max(ttl, tonumber(last) - now)
  end
  for _, jti in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
    redis.call('DEL', ARGV[7] .. 'j:' .. jti)
  end
  redis.call('DEL', KEYS[3])
  return revoke_subject(KEYS[4], KEYS[5], ARGV[7], ARGV[6], cutoff_ttl)
end
set(KEYS[1], '1', ttl)
local pttl = redis.call('PTTL', KEYS[3])
redis.call('ZADD', KEYS[3], score(now, ttl), ARGV[5])
keep(KEYS[3], pttl, ttl)
return 1
`)

// createScript records a new live session, unless the subject's cutoff
// is at or after the session's start (0). Otherwise it returns the IDs of
// the sessions it ended to stay within the subject's limit, the oldest
// first, after dropping the members of sessions that expired. A session
// ID in use already is an error.
//
//	KEYS: session, sessions set, cutoff
//	ARGV: value, ttl, session ID, limit, base, started (a time), score, channel, tag
var createScript = rueidis.NewLuaScript(prelude + `
local cutoff = redis.call('GET', KEYS[3])
if split(cutoff) and (ARGV[6] == '' or not after(ARGV[6], cutoff)) then return 0 end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.error_reply('ERR session ID in use already')
end
local limit = tonumber(ARGV[4])
local ended = {}
if redis.call('ZCARD', KEYS[2]) >= limit then
  for _, sid in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    if redis.call('EXISTS', ARGV[5] .. 's:' .. sid) == 0 then
      redis.call('ZREM', KEYS[2], sid)
    end
  end
  local excess = redis.call('ZCARD', KEYS[2]) - limit + 1
  if excess > 0 then
    redis.call('PUBLISH', ARGV[8], ARGV[9])
    local oldest = redis.call('ZPOPMIN', KEYS[2], excess)
    for i = 1, #oldest, 2 do
      redis.call('DEL', ARGV[5] .. 's:' .. oldest[i])
      ended[#ended + 1] = oldest[i]
    end
  end
end
local ttl = tonumber(ARGV[2])
set(KEYS[1], ARGV[1], ttl)
local pttl = redis.call('PTTL', KEYS[2])
redis.call('ZADD', KEYS[2], ARGV[7], ARGV[3])
keep(KEYS[2], pttl, ttl)
return ended
`)

// Results of rotateScript, the first element of its reply; the second,
// for rotated and replayed, is the session's value.
const (
	rotated       = 1
	replayed      = 2  // the previous refresh token within the grace: nothing changed
	rotateEnded   = 0  // the session is not live
	rotateReused  = -1 // the used refresh token is neither the usable one nor a replay: the session was ended
	rotateRevoked = -2 // the used refresh token itself was revoked
	rotateAtEnd   = -3 // the session reached its absolute end: it was ended
)

// rotateScript moves a live session forward when the used refresh token
// is its usable one; recognises a replay of a token one of its last 8
// rotations consumed, within the grace of that rotation; or else ends the
// session. The session's value is JSON (see sessionValue), decoded and
// encoded with Redis's cjson. The consumed tokens are the list c, of jti
// and the time it was consumed in turn; a value written before that list
// existed holds the one token the last rotation consumed, p, consumed at
// f, and is read as a list of that one.
//
//	KEYS: session, sessions set, the used refresh token's revocation
//	ARGV: used jti, next jti, refreshed (a time), replays after (a time; '' for no grace), expires (a time; '' none), session ID, channel, tag
var rotateScript = rueidis.NewLuaScript(prelude + `
local raw = redis.call('GET', KEYS[1])
if not raw then return {0} end
if redis.call('EXISTS', KEYS[3]) == 1 then return {-2} end
local ok, s = pcall(cjson.decode, raw)
if not ok or type(s) ~= 'table' then s = {r = raw} end
local function finish(code)
  redis.call('PUBLISH', ARGV[7], ARGV[8])
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[6])
  return {code}
end
local consumed = {}
if type(s.c) == 'table' then
  for i = 1, #s.c - 1, 2 do
    if type(s.c[i]) == 'string' and type(s.c[i + 1]) == 'string' then
      consumed[#consumed + 1] = s.c[i]
      consumed[#consumed + 1] = s.c[i + 1]
    end
  end
elseif type(s.p) == 'string' and type(s.f) == 'string' then
  consumed = {s.p, s.f}
end
-- within reports whether a token consumed at time t is within the grace.
local function within(t)
  return ARGV[4] ~= '' and split(t) ~= nil and after(t, ARGV[4])
end
if s.r == ARGV[1] then
  local expires = ARGV[5]
  if split(s.n) and (expires == '' or after(expires, s.n)) then expires = s.n end
  local ttl = 0
  if expires ~= '' then
    ttl = ms_between(ARGV[3], expires)
    if ttl <= 0 then return finish(-3) end
  end
  local kept = {}
  if ARGV[4] ~= '' then
    for i = 1, #consumed, 2 do
      if within(consumed[i + 1]) then
        kept[#kept + 1] = consumed[i]
        kept[#kept + 1] = consumed[i + 1]
      end
    end
    kept[#kept + 1] = ARGV[1]
    kept[#kept + 1] = ARGV[3]
    while #kept > 16 do
      table.remove(kept, 1)
      table.remove(kept, 1)
    end
  end
  if #kept == 0 then kept = nil end
  s.c, s.p, s.r, s.f, s.e = kept, nil, ARGV[2], ARGV[3], expires
  local value = cjson.encode(s)
  set(KEYS[1], value, ttl)
  local pttl = redis.call('PTTL', KEYS[2])
  keep(KEYS[2], pttl, ttl)
  return {1, value}
end
for i = 1, #consumed, 2 do
  if consumed[i] == ARGV[1] and within(consumed[i + 1]) then
    return {2, raw}
  end
end
return finish(-1)
`)

// endScript ends one session, and returns 1 if it was live, else 0.
//
//	KEYS: session, sessions set
//	ARGV: session ID, channel, tag
var endScript = rueidis.NewLuaScript(`
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return redis.call('DEL', KEYS[1])
`)

// revokeSubjectScript ends every session of a subject and moves its
// cutoff; it returns the IDs of the sessions it ended.
//
//	KEYS: cutoff, sessions set
//	ARGV: cutoff (a time), ttl (negative: keep no cutoff), base, channel, tag
var revokeSubjectScript = rueidis.NewLuaScript(prelude + `
redis.call('PUBLISH', ARGV[4], ARGV[5])
return revoke_subject(KEYS[1], KEYS[2], ARGV[3], ARGV[1], tonumber(ARGV[2]))
`)

// sessionsScript reads a subject's live sessions, the oldest first, at
// most limit of them: a flat list of session ID and value. It writes
// nothing.
//
//	KEYS: sessions set
//	ARGV: base, limit
var sessionsScript = rueidis.NewLuaScript(`
local out = {}
for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)) do
  local value = redis.call('GET', ARGV[1] .. 's:' .. sid)
  if value then
    out[#out + 1] = sid
    out[#out + 1] = value
  end
end
return out
`)
