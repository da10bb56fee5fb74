-- Test fixture: grows a table without bound, stopped by the memory limit.
hoard = {}
function checkDNSFlow()
   local t = {}
   for i = 1, 1e9 do t[i] = string.rep("x", 64) .. i end
   hoard[#hoard + 1] = t
end
