-- Maps DHCP host names to MAC addresses (and the address they got).
function checkDHCPFlow()
   local name = dhcp["dhcp.client_name"]
   if name == "" then name = "(no name)" end
   print(name .. " " .. dhcp["dhcp.client_mac"] .. " " .. dhcp["dhcp.client_ip"])
end
