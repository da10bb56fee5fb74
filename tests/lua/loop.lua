-- Test fixture: an infinite loop, stopped by the instruction budget.
function checkDNSFlow()
   while true do end
end
