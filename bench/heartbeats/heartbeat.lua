-- wrk script of bench/heartbeats: every request is one device's heartbeat, in the device agent's
-- format, with that device's own Bearer token; each thread cycles through all devices (starting at
-- a different one). Arguments (after --): the devices file ("<id> <token>" a line), the mode
-- ("heartbeat", or "baseline": GET /actuator/health/liveness without a token, the same rate of
-- requests against an endpoint that does no work), and the application id the agents name.
-- done() prints one JSON line (prefixed "RESULT ") with the counts and latency percentiles in us.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local requests = {}
local n = 0
local next_request = 1

function init(args)
  local file, mode, application = args[1], args[2] or "heartbeat", args[3] or ""
  local body = '{"ownerType":"application","project":null,"application":"' .. application
    .. '","snapshot":null,"settings":"' .. string.rep("0", 64) .. '","state":"running",'
    .. '"mode":"autonomous","targetState":"running","health":{"uptime":%d,'
    .. '"snapshotRestartCount":0},"agentVersion":"4.2.1","nodeRedVersion":"4.1.8",'
    .. '"nodejsVersion":"v20.20.2","licensed":false}'
  for line in io.lines(file) do
    local id, token = line:match("^(%S+)%s+(%S+)$")
    if id then
      n = n + 1
      if mode == "baseline" then
        requests[n] = wrk.format("GET", "/actuator/health/liveness",
          { ["Accept"] = "application/json" }, nil)
      else
        requests[n] = wrk.format("POST", "/api/v1/devices/" .. id .. "/live/state", {
          ["Authorization"] = "Bearer " .. token,
          ["Content-Type"] = "application/json",
          ["Accept"] = "application/json",
          ["User-Agent"] = "FlowFuse Device Agent v4.2.1",
        }, string.format(body, 3600 + n))
      end
    end
  end
  -- threads start at different devices
  next_request = ((index or 0) * math.floor(n / 2)) % n + 1
end

function request()
  local r = requests[next_request]
  next_request = next_request % n + 1
  return r
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"durationUs":%d,"bytes":%d,"connectErrors":%d,"readErrors":%d,'
      .. '"writeErrors":%d,"non2xx":%d,"timeouts":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,'
      .. '"p999Us":%d,"maxUs":%d,"meanUs":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean))
end
