-- Benchmark hook: reads one key (the call and the table building dominate).
function checkDNSFlow() local q = dns["dns.query"] end
function checkHTTPFlow() local u = http["http.url"] end
