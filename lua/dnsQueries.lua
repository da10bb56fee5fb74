-- Prints the query name and type of every DNS flow (twin of the hand-written
-- WebAssembly guest wasm-guests/wat/dns_queries.wat).
function checkDNSFlow()
   print(dns["dns.query"] .. " " .. dns["dns.query_type"])
end
