-- wrk script: GET the URL's path with an X-Api-Key header when a key is given as the first script argument
-- (the same script, so the same per-request Lua cost, for the direct and the proxied runs).
local headers = {}

init = function(args)
  if args[1] ~= nil and args[1] ~= "" then
    headers["X-Api-Key"] = args[1]
  end
end

request = function()
  return wrk.format("GET", nil, headers, nil)
end
