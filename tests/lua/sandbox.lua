-- Test fixture: reports which dangerous globals are reachable.
function checkDNSFlow()
   print("io=" .. type(io) .. " os=" .. type(os) .. " load=" .. type(load) .. " require=" .. type(require) .. " debug=" .. type(debug))
end
