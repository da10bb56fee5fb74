-- Drops DNS flows whose query is (or is under) a blocked domain: they reach
-- no output (--json, dump dirs) and are counted as "dropped by hooks".
-- A check function that returns false drops the flow; nil or true keeps it.
local blocked = { "google.com" }

function checkDNSFlow()
   local q = string.lower(dns["dns.query"])
   for _, d in ipairs(blocked) do
      if q == d or string.sub(q, -(#d + 1)) == "." .. d then
         print("dropped DNS flow " .. dns["flow.id"] .. " " .. dns["dns.dns_client"] .. " -> " .. q)
         return false
      end
   end
end
