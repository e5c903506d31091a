-- wrk script: POST /v1/check, cycling through the API keys listed one per line in the file given as
-- the first script argument. Each wrk thread starts at a different offset.
local keys = {}
local i = 0

init = function(args)
  for line in io.lines(args[1]) do
    keys[#keys + 1] = line
  end
  i = math.random(#keys)
end

request = function()
  i = i % #keys + 1
  return wrk.format("POST", "/v1/check", { ["X-Api-Key"] = keys[i], ["Content-Length"] = "0" }, nil)
end
