-- Test fixture: misbehaves on purpose, depending on the query's transaction id
-- (dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap has three flows).
-- 6701 (A): runtime error; 36208 (AAAA): calls a nil global; 22038 (MX): fine.
calls = 0
function checkDNSFlow()
   calls = calls + 1
   local id = dns["dns.query_id"]
   if id == 6701 then
      error("boom on purpose")
   elseif id == 36208 then
      no_such_function()
   end
   print("ok " .. id)
end
