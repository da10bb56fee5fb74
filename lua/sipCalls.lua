-- Prints each SIP call: Call-ID, parties, state and how long it lasted
-- (from INVITE to BYE when both were seen, else the flow's duration).
function checkSIPFlow()
   local secs = sip["flow.duration"]
   if sip["sip.invite_time"] > 0 and sip["sip.bye_time"] > 0 then
      secs = sip["sip.bye_time"] - sip["sip.invite_time"]
   end
   print("call " .. sip["sip.call_id"] .. " " .. sip["sip.calling_party"] .. " -> " .. sip["sip.called_party"] ..
         " state " .. sip["sip.call_state"] .. " " .. secs .. "s")
end
