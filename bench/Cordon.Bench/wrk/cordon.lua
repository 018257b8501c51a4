-- The wrk side of `Cordon.Bench -- wrk` (WrkBench.cs writes the data files and reads what done() prints).
--
--   wrk ... -s cordon.lua <url> -- register <codes prefix> <round id>[,<round id>...] <tag> <pool size> <takenAt>
--   wrk ... -s cordon.lua <url> -- static <path>
--
-- register: every request is a new sample registration. Each wrk thread owns a disjoint slice of the
-- sampling codes (<codes prefix>-<thread>.txt, one code a line), takes the next unused one per request,
-- and starts a new tube every <pool size> requests, so tubes fill exactly and nobody is sampled twice
-- in a round. When its slice is used up it goes on in the next round of the list, from its first
-- code and with new tubes. The client id is GUID-shaped: <tag>-0000-4<thread>-8000-<counter>, unique
-- per run (the tag) and per request. The bearer token comes with -H. static: the same GET every time.
--
-- Both modes count answers by status (and 2xx per wall-clock second) in response(), and how many
-- requests were written in request(),
-- so the bench can tell "stored = acknowledged" from "written but unanswered when wrk stopped". (wrk
-- calls request() once more on the first thread to check the script; that request is never sent, so
-- "written" is one too high and one resident of that slice is left unsampled.)

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  sent = 0
  ok = 0
  statuses = {}
  exhausted = 0
  sample = ""
  seconds = {}
  started = os.time()
  if mode == "register" then
    codes = {}
    for line in io.lines(args[2] .. "-" .. id .. ".txt") do
      codes[#codes + 1] = line
    end
    rounds = {}
    for round in string.gmatch(args[3], "[^,]+") do
      rounds[#rounds + 1] = round
    end
    tag = args[4]
    pool = tonumber(args[5])
    taken_at = args[6]
    n = 0
    r = 1
    k = 0
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
  else
    fixed = wrk.format("GET", args[2])
  end
end

function request()
  sent = sent + 1
  if mode ~= "register" then
    return fixed
  end

  n = n + 1
  k = k + 1
  if k > #codes and r < #rounds then
    r = r + 1
    k = 1
  end

  local code = codes[k]
  if code == nil then
    -- More requests than residents in this thread's slice and rounds: an unknown code, refused (and reported).
    exhausted = exhausted + 1
    code = "EXHAUSTED"
  end

  local body = string.format(
    '{"id":"%s-0000-4%03x-8000-%012x","roundId":"%s","samplingCode":"%s","tubeCode":"W%sT%dR%dN%d","takenAt":"%s"}',
    tag, id, n, rounds[r], code, tag, id, r, math.floor((k - 1) / pool), taken_at)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
    local now = os.time()
    seconds[now] = (seconds[now] or 0) + 1
  else
    statuses[status] = (statuses[status] or 0) + 1
    if sample == "" then
      sample = string.sub(body or "", 1, 300)
    end
  end
end

function done(summary, latency, requests)
  local written, answered2xx, gone = 0, 0, 0
  local by_status = {}
  local by_second = {}
  local first = ""
  for _, thread in ipairs(threads) do
    written = written + thread:get("sent")
    answered2xx = answered2xx + thread:get("ok")
    gone = gone + thread:get("exhausted")
    for status, count in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + count
    end
    for second, count in pairs(thread:get("seconds")) do
      by_second[second] = (by_second[second] or 0) + count
    end
    if first == "" then
      first = thread:get("sample")
    end
  end

  local e = summary.errors
  io.write(string.format(
    "CORDON duration_us=%d requests=%d ok=%d written=%d exhausted=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d mean_us=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.duration, summary.requests, answered2xx, written, gone,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean,
    e.connect, e.read, e.write, e.timeout))
  for status, count in pairs(by_status) do
    io.write(string.format("CORDON_STATUS %d %d\n", status, count))
  end
  -- 2xx per wall-clock second from the first thread's start (the first and last seconds are partial).
  local from, to = nil, nil
  for _, thread in ipairs(threads) do
    local start = thread:get("started")
    if from == nil or start < from then
      from = start
    end
  end
  for second in pairs(by_second) do
    if to == nil or second > to then
      to = second
    end
  end
  local line = "CORDON_SECONDS"
  for second = from, to or from do
    line = line .. " " .. (by_second[second] or 0)
  end
  io.write(line .. "\n")
  if first ~= "" then
    io.write("CORDON_SAMPLE " .. string.gsub(first, "\n", " ") .. "\n")
  end
end
