-- wrk script for benchmarks/run.py, which prepends METHOD, PATHS, HEADERS, BODY, PATIENT_MAX.
-- Each request picks one of PATHS at random; a POST body gets a random existing patient id.
-- done() prints one line, "BENCH_JSON {...}", that run.py parses.

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  math.randomseed(42 + (id or 0))
  for name, value in pairs(HEADERS) do
    wrk.headers[name] = value
  end
end

function request()
  local path = PATHS[math.random(#PATHS)]
  local body = nil
  if BODY then
    body = string.gsub(BODY, '"PATIENT_ID"', tostring(math.random(PATIENT_MAX)))
  end
  return wrk.format(METHOD, path, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "rps": %.2f, "p50": %.2f, "p95": %.2f, "p99": %.2f, ' ..
    '"mean": %.2f, "errors": %d, "status_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000,
    errors, e.status, e.connect + e.read + e.write + e.timeout))
end
