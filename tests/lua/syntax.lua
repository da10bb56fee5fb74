-- Test fixture: a syntax error on line 3.
function checkDNSFlow()
   print("missing end"
