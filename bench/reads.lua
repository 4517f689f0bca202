-- wrk: each request reads the next of the public paths in READ_PATHS (separated by spaces).
local paths, n = {}, 0
for path in string.gmatch(os.getenv("READ_PATHS") or "/results/", "%S+") do
  table.insert(paths, path)
end
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
