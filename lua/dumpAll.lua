-- Prints every key of every plugin's table, one "proto key=value" line per
-- key, keys sorted, then a blank line: the Lua half of the Lua/wasm parity test.
local function dump(name, t)
   local keys = {}
   for k in pairs(t) do keys[#keys + 1] = k end
   table.sort(keys)
   for _, k in ipairs(keys) do
      print(name .. " " .. k .. "=" .. t[k] .. " (" .. (math.type(t[k]) or "string") .. ")")
   end
   print("")
end

function checkDHCPFlow() dump("dhcp", dhcp) end
function checkDNSFlow() dump("dns", dns) end
function checkFTPFlow() dump("ftp", ftp) end
function checkGTPV1Flow() dump("gtpv1", gtpv1) end
function checkHTTPFlow() dump("http", http) end
function checkIMAPFlow() dump("imap", imap) end
function checkPOPFlow() dump("pop", pop) end
function checkRADIUSFlow() dump("radius", radius) end
function checkSIPFlow() dump("sip", sip) end
function checkSMTPFlow() dump("smtp", smtp) end
