-- Prints RADIUS logins: user, calling station, NAS and the outcome.
local codes = { [2] = "Access-Accept", [3] = "Access-Reject", [11] = "Access-Challenge", [5] = "Accounting-Response" }

function checkRADIUSFlow()
   local rsp = radius["radius.rsp_msg_type"]
   print("user " .. radius["radius.user_name"] .. " from " .. radius["radius.calling_station_id"] ..
         " nas " .. radius["radius.nas_ip_addr"] .. " " .. (codes[rsp] or tostring(rsp)))
end
