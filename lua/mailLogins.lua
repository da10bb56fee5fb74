-- Prints POP3 users and IMAP logins.
function checkPOPFlow()
   print("pop3 " .. pop["flow.from"] .. " user " .. pop["pop.user"])
end

function checkIMAPFlow()
   print("imap " .. imap["flow.from"] .. " login " .. imap["imap.login"])
end
