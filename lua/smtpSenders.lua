-- Prints who sends mail to whom, per SMTP flow.
function checkSMTPFlow()
   if smtp["smtp.mail_from"] ~= "" then
      print("mail from " .. smtp["smtp.mail_from"] .. " to " .. smtp["smtp.rcpt_to"] .. " via " .. smtp["flow.to"])
   end
end
