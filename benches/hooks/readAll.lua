-- Benchmark hook: reads every key and value of the table (DNS and HTTP).
local function touch(t)
   local n = 0
   for k, v in pairs(t) do
      n = n + #k
      if type(v) == "string" then n = n + #v else n = n + v end
   end
   return n
end
function checkDNSFlow() touch(dns) end
function checkHTTPFlow() touch(http) end
