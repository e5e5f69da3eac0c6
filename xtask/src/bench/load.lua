-- wrk script for `cargo xtask bench`: every client creates a confirmation token, then
-- confirms it with create-confirm-intent (one Idempotency-Key per attempt). Each wrk
-- thread keeps a queue of the tokens its connections received. The method is a SEPA
-- debit: the storefront takes cards only as tokens of the payments origin (another
-- host, which one wrk run cannot reach), and the IBAN's path through the storefront is
-- the same (validate, fingerprint, store, confirm).
local threads = {}
local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_id", next_thread)
  table.insert(threads, thread)
end

local tokens = {}
local attempts = 0
confirmed = 0
created = 0
failed = 0
last_error = ""

local method = '{"payment_method_data":{"type":"sepa_debit",'
  .. '"sepa_debit":{"iban":"DE89370400440532013000"},'
  .. '"billing_details":{"name":"Jenny Rosen","email":"jenny@example.com"}}}'

function request()
  if #tokens > 0 then
    local token = table.remove(tokens, 1)
    attempts = attempts + 1
    local headers = {
      ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = "bench-" .. thread_id .. "-" .. attempts .. "-" .. token,
    }
    return wrk.format("POST", "/api/create-confirm-intent", headers,
      '{"confirmation_token_id":"' .. token .. '"}')
  end
  return wrk.format("POST", "/api/confirmation_tokens",
    { ["Content-Type"] = "application/json" }, method)
end

function response(status, headers, body)
  local token = body:match('"id"%s*:%s*"(ctoken_[^"]+)"')
  if status == 200 and token then
    created = created + 1
    table.insert(tokens, token)
  elseif status == 200 and body:match('"id"%s*:%s*"pi_') then
    confirmed = confirmed + 1
  else
    failed = failed + 1
    last_error = status .. " " .. string.sub(body, 1, 200)
  end
end

function done(summary, latency, requests)
  local c, t, f, e = 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    c = c + thread:get("confirmed")
    t = t + thread:get("created")
    f = f + thread:get("failed")
    if thread:get("last_error") ~= "" then e = thread:get("last_error") end
  end
  e = string.gsub(e, '[%c"\\]', " ")
  io.write(string.format(
    'BENCH_RESULT {"duration_us":%.0f,"requests":%.0f,"errors_connect":%.0f,'
      .. '"errors_read":%.0f,"errors_write":%.0f,"errors_status":%.0f,"errors_timeout":%.0f,'
      .. '"p50_us":%.0f,"p99_us":%.0f,"max_us":%.0f,"tokens":%.0f,"confirmed":%.0f,'
      .. '"failed":%.0f,"last_error":"%s"}\n',
    summary.duration, summary.requests, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, t, c, f, e))
end
