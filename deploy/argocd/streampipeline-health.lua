-- Argo CD health check for streampipeline.io/StreamPipeline
-- (resource.customizations.health.streampipeline.io_StreamPipeline in argocd-cm; see README.md beside it).
-- Reads the operator's kstatus conditions, so that it agrees with Flux and `kubectl wait`:
--   the status describes an older generation, or there is none yet -> Progressing
--   Stalled=True (invalid spec, failed job, failed, stuck or blocked upgrade) -> Degraded
--   phase Suspended (suspended as the spec asks)                     -> Suspended
--   Ready=True                                                       -> Healthy
--   anything else (Reconciling=True: topics, deploy, upgrade)        -> Progressing
-- Lua 5.1 with only the base, table and package libraries, as Argo CD runs it: no string or math functions.
local function describe(condition)
  if condition == nil then
    return ""
  end
  local reason = condition.reason or ""
  if condition.message == nil or condition.message == "" then
    return reason
  end
  return reason .. ": " .. condition.message
end

local status = obj.status
if status == nil then
  return {status = "Progressing", message = "Waiting for the operator to report on the pipeline"}
end
local generation = obj.metadata.generation
if generation ~= nil and status.observedGeneration ~= generation then
  return {status = "Progressing", message = "Waiting for the operator to observe generation " .. generation}
end

local conditions = {}
if status.conditions ~= nil then
  for _, condition in ipairs(status.conditions) do
    conditions[condition.type] = condition
  end
end

local stalled = conditions["Stalled"]
if stalled ~= nil and stalled.status == "True" then
  return {status = "Degraded", message = describe(stalled)}
end
local ready = conditions["Ready"]
if status.phase == "Suspended" then
  return {status = "Suspended", message = describe(ready)}
end
if ready ~= nil and ready.status == "True" then
  return {status = "Healthy", message = describe(ready)}
end
local reconciling = conditions["Reconciling"]
if reconciling ~= nil and reconciling.status == "True" then
  return {status = "Progressing", message = describe(reconciling)}
end
return {status = "Progressing", message = describe(ready)}
