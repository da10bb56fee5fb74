-- Test fixture: prints the GeoIP keys of each DNS flow.
function checkDNSFlow()
   print(dns["dns.dns_client"] .. " as=" .. dns["dns.as"] .. " country=" .. dns["dns.clientcountry"] .. " city=" .. dns["dns.clientcity"] ..
         " src_as=" .. dns["flow.src_as"] .. " dst_as=" .. dns["flow.dst_as"] .. " src_country=" .. dns["flow.src_country"] ..
         " dst_country=" .. dns["flow.dst_country"])
end
