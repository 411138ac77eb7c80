-- wrk script for .ci/throughput: every request is a create
-- (POST /v1/{project}/record/callbacks) with its own `app`, so each one is a
-- real create on the emulator (which refuses a second config for the same
-- domain and app). Counts the answers by status and prints them, with the
-- request rate, as `key=value` lines that .ci/throughput reads.
--
-- The body has no notify_callback_url: Prism fires the document's
-- recordNotification callback at that URL after every create, which would
-- send traffic off this machine (and charge Prism for work the emulator does
-- not do); without one, Prism's callback fails before any network I/O.
--
-- Arguments (after `--`): a run id that keeps app names unique across runs,
-- and the IAM token sent in X-Auth-Token.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  run = args[1] or "run"
  counter = 0
  statuses = {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Auth-Token"] = args[2] or "throughput-token"
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"publish_domain":"push.example.com","app":"%s-%d-%d",'
      .. '"notify_event_subscription":["RECORD_FILE_COMPLETE"],'
      .. '"sign_type":"HMACSHA256","key":"0123456789abcdef0123456789abcdef"}',
    run, id, counter)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total, ok = {}, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
  end
  local mix = {}
  for status, n in pairs(total) do
    table.insert(mix, status .. ":" .. n)
    if status >= 200 and status < 300 then
      ok = ok + n
    end
  end
  table.sort(mix)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("result_requests=%d\n", summary.requests))
  io.write(string.format("result_seconds=%.3f\n", seconds))
  io.write(string.format("result_rps=%.1f\n", summary.requests / seconds))
  io.write(string.format("result_ok_rps=%.1f\n", ok / seconds))
  io.write(string.format("result_ok=%d\n", ok))
  io.write(string.format("result_statuses=%s\n", table.concat(mix, ",")))
  io.write(string.format("result_socket_errors=connect:%d,read:%d,write:%d,timeout:%d\n",
    e.connect, e.read, e.write, e.timeout))
  io.write(string.format("result_p50_ms=%.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("result_p99_ms=%.2f\n", latency:percentile(99) / 1000))
end
