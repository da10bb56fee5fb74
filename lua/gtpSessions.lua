-- Prints GTPv1-C sessions: subscriber (IMSI, MSISDN), APN and the address given.
function checkGTPV1Flow()
   if gtpv1["gtpv1.end_user_imsi"] ~= "" then
      print("imsi " .. gtpv1["gtpv1.end_user_imsi"] .. " msisdn " .. gtpv1["gtpv1.end_user_msisdn"] ..
            " apn " .. gtpv1["gtpv1.apn_name"] .. " ip " .. gtpv1["gtpv1.end_user_ipv4"])
   end
end
