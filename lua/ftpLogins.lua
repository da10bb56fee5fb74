-- Prints FTP logins and the last command of each session.
function checkFTPFlow()
   print("ftp " .. ftp["flow.from"] .. " -> " .. ftp["flow.to"] .. " user " .. ftp["ftp.login"] ..
         " last " .. ftp["ftp.command"] .. " " .. ftp["ftp.command_ret_code"])
end
