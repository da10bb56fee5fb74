-- Prints HTTP requests whose User-Agent matches a Lua pattern.
local pattern = "Mozilla"

function checkHTTPFlow()
   local ua = http["http.user_agent"]
   if string.find(ua, pattern) then
      print(http["flow.from"] .. " " .. http["http.method"] .. " http://" .. http["http.host"] .. http["http.url"] ..
            " -> " .. http["http.ret_code"] .. " [" .. ua .. "]")
   end
end
