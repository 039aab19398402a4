-- wrk script of bench/api (run by bench/api/load.ts, not by hand): sends exactly WRK_TOTAL order requests
-- (POST /api/v1/orders) round-robin over the API keys in WRK_KEYS_FILE, then stops wrk. The order bodies are
-- the same as bench/api/load.ts's orderBody(n) for n = WRK_FIRST, WRK_FIRST + 1, ...
-- Last line of output: WRKJSON {...} with counts, latency percentiles (µs) and wrk's own CPU time.
local ffi = require("ffi")
ffi.cdef([[ int kill(int pid, int sig); int getpid(void); ]])

local KEYS = dofile(os.getenv("WRK_KEYS_FILE"))
local TOTAL = tonumber(os.getenv("WRK_TOTAL"))
local FIRST = tonumber(os.getenv("WRK_FIRST") or "0")
local SYMBOLS = { { "AAPL", 190 }, { "MSFT", 420 }, { "GOOGL", 170 }, { "AMZN", 185 }, { "TSLA", 250 } }

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

-- per-thread state (each wrk thread runs its own copy of this script)
sent = 0
completed = 0
accepted = 0
local stopping = false

local function body(n)
  local s = SYMBOLS[(n % #SYMBOLS) + 1]
  local cents = math.floor(s[2] * 100 * (0.96 + ((n * 7919) % 200) / 10000) + 0.5)
  return string.format(
    '{"symbol":"%s","side":"BUY","type":"LIMIT","timeInForce":"GTC","price":"%d.%02d","quantity":"%d"}',
    s[1], math.floor(cents / 100), cents % 100, 1 + (n % 5))
end

function request()
  local n = FIRST + sent
  sent = sent + 1
  return wrk.format("POST", "/api/v1/orders", {
    ["Content-Type"] = "application/json",
    ["X-API-Key"] = KEYS[(n % #KEYS) + 1],
  }, body(n))
end

function response(status, headers, resp_body)
  completed = completed + 1
  if status == 201 then accepted = accepted + 1 end
  if completed >= TOTAL and not stopping then
    stopping = true
    -- wrk has no request count option: stop this thread's loop, then end the run as Ctrl-C would.
    wrk.thread:stop()
    ffi.C.kill(ffi.C.getpid(), 2)
  end
end

function done(summary, latency, requests)
  local s, c, a = 0, 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("sent")
    c = c + t:get("completed")
    a = a + t:get("accepted")
  end
  local f = io.open("/proc/self/stat")
  local stat = f and f:read("*a") or ""
  if f then f:close() end
  local fields = {}
  for x in string.gmatch(string.sub(stat, string.find(stat, ")", 1, true) + 2), "%S+") do
    table.insert(fields, x)
  end
  local ticks = (tonumber(fields[12]) or 0) + (tonumber(fields[13]) or 0)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"sent":%d,"completed":%d,"accepted":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,' ..
      '"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%.1f,"errors":%d,"cpu_ticks":%d}\n',
    s, c, a, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean,
    e.connect + e.read + e.write + e.timeout, ticks))
end
