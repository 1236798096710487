-- wrk script for Svar's page loads and page saves.
--   wrk -t T -c C ... -s tests/bench/wrk.lua URL -- load|save PAIRS T
-- PAIRS has lines "key<TAB>csrf". Thread i takes every T-th line from
-- line i, so no two threads share a response. Each request takes the
-- thread's next response (round robin over its whole slice); since the
-- slice is much longer than the thread's connections, a response is not
-- used again while an earlier request on it is still in flight.
--   load: GET  /r/<key>/2                                   (expect 200)
--   save: POST /r/<key>/2 csrf, nav=save, the Q3_1 grid     (expect 303)
-- done() prints "status <code> <count>" for every status seen.

local threads = {}
local nthreads_seen = 0

function setup(thread)
   thread:set("id", nthreads_seen)
   nthreads_seen = nthreads_seen + 1
   table.insert(threads, thread)
end

local mode, keys, csrfs, n, i
local codes = { "1", "2", "3", "4", "9" }
local form_headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }

function init(args)
   mode = args[1]
   local path = args[2]
   local nthreads = tonumber(args[3])
   if (mode ~= "load" and mode ~= "save") or path == nil or nthreads == nil then
      error("usage: -- load|save PAIRS NTHREADS")
   end
   keys, csrfs = {}, {}
   local line = 0
   for l in io.lines(path) do
      local k, c = l:match("^(%w+)%s+(%w+)")
      if k then
         if line % nthreads == id then
            keys[#keys + 1] = k
            csrfs[#csrfs + 1] = c
         end
         line = line + 1
      end
   end
   n = #keys
   if n == 0 then
      error("no keys for thread " .. id .. " in " .. path)
   end
   i = 0
   status = {}
   math.randomseed(os.time() + 7919 * id)
end

local function code()
   return codes[math.random(#codes)]
end

function request()
   i = i % n + 1
   local p = "/r/" .. keys[i] .. "/2"
   if mode == "load" then
      return wrk.format("GET", p)
   end
   local body = "csrf=" .. csrfs[i] .. "&nav=save" ..
      "&Q3_1.telefon=" .. code() ..
      "&Q3_1.skriftlig=" .. code() ..
      "&Q3_1.video=" .. code()
   local h = {}
   for k, v in pairs(form_headers) do h[k] = v end
   return wrk.format("POST", p, h, body)
end

function response(s, headers, body)
   status[s] = (status[s] or 0) + 1
end

function done(summary, latency, requests)
   local total = {}
   for _, t in ipairs(threads) do
      local st = t:get("status")
      if st then
         for c, k in pairs(st) do
            total[c] = (total[c] or 0) + k
         end
      end
   end
   for c, k in pairs(total) do
      io.write(string.format("status %d %d\n", c, k))
   end
end
