-- wrk script of every scenario (bench/load.py runs it): `wrk ... -s bench/scenario.lua URL -- PATHS METHOD BODY`
--   PATHS  a file of request paths, one per line, taken at random ("-" for the URL's own path)
--   METHOD GET or POST
--   BODY   a file whose text is the body; every "{{n}}" becomes a number unique to this request
-- done() prints one JSON line that load.py reads: requests, seconds, errors, latency percentiles (µs).

local threads = {}
local counter = 0
local paths = nil
local method = "GET"
local body = nil

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  if args[1] and args[1] ~= "-" then
    paths = {}
    for line in io.lines(args[1]) do
      if #line > 0 then table.insert(paths, line) end
    end
  end
  method = args[2] or "GET"
  if args[3] and args[3] ~= "-" then
    local file = io.open(args[3], "r")
    body = file:read("*a")
    file:close()
  end
  math.randomseed(os.time() * 1000 + (id or 0))
end

function request()
  counter = counter + 1
  local path = nil
  if paths then path = paths[math.random(#paths)] end
  local payload = nil
  if body then
    local unique = string.format("%d%03d%06d", os.time(), id or 0, counter)
    payload = body:gsub("{{n}}", unique)
  end
  return wrk.format(method, path, nil, payload)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors_connect": %d, "errors_read": %d, "errors_write": %d, ' ..
    '"errors_status": %d, "errors_timeout": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
