package redisstore

import "github.com/redis/rueidis"

// The writes are Lua scripts, so that each runs atomically in Redis, with
// no other command of any process in between. Every key a script touches
// has the subject's hash tag: the keys it is given, and the session and
// token keys it builds from base (<prefix>{T}) for the members of a
// subject's sets, which Redis Cluster then finds on the same slot.
//
// Times in the sorted sets are Redis's own clock, in milliseconds, so that
// every process prunes them alike; TTLs arrive in milliseconds from now,
// with 0 meaning none (a token or session without expiry).

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

-- revoke_subject ends every session of a subject and moves its cutoff to
-- cutoff (unix seconds) at least, kept for ttl ms at least (0: forever,
-- negative: not at all). It returns the IDs of the sessions it ended.
local function revoke_subject(cutoff_key, sessions_key, base, cutoff, ttl)
  local sids = redis.call('ZRANGE', sessions_key, 0, -1)
  for _, sid in ipairs(sids) do
    redis.call('DEL', base .. 's:' .. sid)
  end
  redis.call('DEL', sessions_key)
  if ttl >= 0 then
    local old = tonumber(redis.call('GET', cutoff_key) or '')
    if old and old > cutoff then cutoff = old end
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
//	ARGV: "1" for a session token, iat (unix s), ttl, limit, jti, cutoff on overflow (unix s), base
var revokeScript = rueidis.NewLuaScript(prelude + `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if ARGV[1] == '1' then
  if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
else
  local cutoff = tonumber(redis.call('GET', KEYS[2]) or '')
  if cutoff and tonumber(ARGV[2]) <= cutoff then return 0 end
end
local now = now_ms()
local ttl = tonumber(ARGV[3])
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
  return revoke_subject(KEYS[4], KEYS[5], ARGV[7], tonumber(ARGV[6]), cutoff_ttl)
end
if ttl == 0 then
  redis.call('SET', KEYS[1], '1')
else
  redis.call('SET', KEYS[1], '1', 'PX', ttl)
end
local pttl = redis.call('PTTL', KEYS[3])
redis.call('ZADD', KEYS[3], score(now, ttl), ARGV[5])
keep(KEYS[3], pttl, ttl)
return 1
`)

// createScript records a new live session and returns the IDs of the
// sessions it ended to stay within the subject's limit, the one that
// would expire first first. A session ID in use already is an error.
//
//	KEYS: session, sessions set
//	ARGV: refresh jti, ttl, session ID, limit, base
var createScript = rueidis.NewLuaScript(prelude + `
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.error_reply('ERR session ID in use already')
end
local now = now_ms()
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local ended = {}
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4]) + 1
if excess > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[2], excess)
  for i = 1, #oldest, 2 do
    redis.call('DEL', ARGV[5] .. 's:' .. oldest[i])
    ended[#ended + 1] = oldest[i]
  end
end
if ttl == 0 then
  redis.call('SET', KEYS[1], ARGV[1])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
end
local pttl = redis.call('PTTL', KEYS[2])
redis.call('ZADD', KEYS[2], score(now, ttl), ARGV[3])
keep(KEYS[2], pttl, ttl)
return ended
`)

// Results of rotateScript.
const (
	rotated       = 1
	rotateEnded   = 0  // the session is not live
	rotateReused  = -1 // the used refresh token is not the usable one: the session was ended
	rotateRevoked = -2 // the used refresh token itself was revoked
)

// rotateScript replaces a live session's usable refresh token when the
// used one is it, or else ends the session.
//
//	KEYS: session, sessions set, the used refresh token's revocation
//	ARGV: used jti, next jti, ttl, session ID
var rotateScript = rueidis.NewLuaScript(prelude + `
local usable = redis.call('GET', KEYS[1])
if not usable then return 0 end
if redis.call('EXISTS', KEYS[3]) == 1 then return -2 end
if usable ~= ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[4])
  return -1
end
local now = now_ms()
local ttl = tonumber(ARGV[3])
if ttl == 0 then
  redis.call('SET', KEYS[1], ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
end
local pttl = redis.call('PTTL', KEYS[2])
redis.call('ZADD', KEYS[2], score(now, ttl), ARGV[4])
keep(KEYS[2], pttl, ttl)
return 1
`)

// endScript ends one session.
//
//	KEYS: session, sessions set
//	ARGV: session ID
var endScript = rueidis.NewLuaScript(`
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('DEL', KEYS[1])
`)

// revokeSubjectScript ends every session of a subject and moves its
// cutoff; it returns the IDs of the sessions it ended.
//
//	KEYS: cutoff, sessions set
//	ARGV: cutoff (unix s), ttl (negative: keep no cutoff), base
var revokeSubjectScript = rueidis.NewLuaScript(prelude + `
return revoke_subject(KEYS[1], KEYS[2], ARGV[3], tonumber(ARGV[1]), tonumber(ARGV[2]))
`)
