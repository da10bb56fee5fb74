-- Stateful: counts DNS transactions per client across all flows, and prints
-- the top clients when the run ends (flowhookEnd is called once, after the
-- last flow). One Lua state sees every flow, so the totals do not depend on
-- --threads.
local per_client = {}
local total = 0

function checkDNSFlow()
   local c = dns["dns.dns_client"]
   local n = dns["dns.num_queries"]
   per_client[c] = (per_client[c] or 0) + n
   total = total + n
end

function flowhookEnd()
   local list = {}
   for c, n in pairs(per_client) do list[#list + 1] = { c, n } end
   table.sort(list, function(a, b) if a[2] ~= b[2] then return a[2] > b[2] end return a[1] < b[1] end)
   print("DNS transactions: " .. total .. " from " .. #list .. " clients")
   for i = 1, math.min(10, #list) do
      print(string.format("%3d %-40s %d", i, list[i][1], list[i][2]))
   end
end
