-- Test fixture: a check function for a plugin that may be disabled.
function checkHTTPFlow() print("http") end
function checkDNSFlow() print("dns") end
