-- One limited request (or one failed authentication), decided atomically for the whole cluster.
-- The clock is Redis's own (TIME), so replicas' clocks do not matter.
--
-- KEYS[1]  the token bucket (a hash: tokens, at)        KEYS[2]  prefix of the quota counters
-- ARGV[1]  refill: requests per second (0: no rate)     ARGV[2]  burst (the bucket's size)
-- ARGV[3]  cost: 1 takes a request, -1 gives one back   ARGV[4]  requests per UTC day (0: none)
-- ARGV[5]  requests per UTC month (0: none)
-- Returns {refusal (0 none, 1 rate, 2 quota), bucket level in thousandths, Redis time in seconds,
--          uses today, uses this month}.

local time = redis.call('TIME')
local seconds = tonumber(time[1])
local now = seconds * 1000000 + tonumber(time[2])
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local per_day = tonumber(ARGV[4])
local per_month = tonumber(ARGV[5])

-- Days since the epoch to a month number (year * 12 + month - 1): H. Hinnant's civil_from_days.
local function month_of(days)
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local month = mp < 10 and mp + 3 or mp - 9
  local year = yoe + era * 400
  if month <= 2 then year = year + 1 end
  return year * 12 + month - 1
end

local days = math.floor(seconds / 86400)
local day_key = KEYS[2] .. ':d:' .. days
local month_key = KEYS[2] .. ':m:' .. month_of(days)

local tokens = burst
if rate > 0 then
  local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
  if bucket[1] then
    local elapsed = math.max(0, now - tonumber(bucket[2]))
    tokens = math.min(burst, tonumber(bucket[1]) + elapsed * rate / 1000000)
  end
end
local day_used = 0
if per_day > 0 then day_used = tonumber(redis.call('GET', day_key) or '0') end
local month_used = 0
if per_month > 0 then month_used = tonumber(redis.call('GET', month_key) or '0') end

local refusal = 0
if cost > 0 then
  if rate > 0 and tokens < cost then
    refusal = 1
  elseif (per_day > 0 and day_used >= per_day) or (per_month > 0 and month_used >= per_month) then
    refusal = 2
  end
end

if refusal == 0 then
  if rate > 0 then
    tokens = math.min(burst, tokens - cost)
    redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', string.format('%.0f', now))
    -- Once full a bucket needs no key: it is re-created full.
    redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
  end
  if per_day > 0 then
    day_used = redis.call('INCR', day_key)
    redis.call('EXPIRE', day_key, 2 * 86400)
  end
  if per_month > 0 then
    month_used = redis.call('INCR', month_key)
    redis.call('EXPIRE', month_key, 32 * 86400)
  end
end

return {refusal, math.floor(tokens * 1000), seconds, day_used, month_used}
