-- Status: fixes 1 (forced generic plans for getMessages / queryConversations) and 2 (saveConversationSteps'
-- ownership check on typed columns) were measured with this file and are now part of
-- migrations/0002_functions.sql; what is left here is fix 3, still a proposal.
-- Proposed performance fixes, measured by the benchmark (BENCHMARKS.md, "Causes" and "The proposed change").
-- Bench-only overlay: `BENCH_EXTRA_SQL=bench/proposed-fixes.sql npm run bench` applies it after the
-- shipped migrations. It changes no signature, result or error; once applied as a real migration
-- (0003, which must also redefine voltagent_memory_schema_version() to return 3), delete this file.

-- 3. The workflow reads called voltagent_memory_workflow_json_nulls(w) per row: a SQL function with
--    a SET clause is never inlined, and PostgreSQL 15 plans its body on every call. Spelled out inline.

create or replace function public.voltagent_memory_get_workflow_state(p_id text)
returns table (
  id text, workflow_id text, workflow_name text, status text, input jsonb, context jsonb,
  workflow_state jsonb, suspension jsonb, events jsonb, output jsonb, cancellation jsonb, user_id uuid,
  conversation_id text, replayed_from_execution_id text, replay_from_step_id text, metadata jsonb,
  created_at timestamptz, updated_at timestamptz, json_nulls text[]
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
#variable_conflict use_column
begin
  return query select w.id, w.workflow_id, w.workflow_name, w.status, w.input, w.context, w.workflow_state,
           w.suspension, w.events, w.output, w.cancellation, w.user_id, w.conversation_id,
           w.replayed_from_execution_id, w.replay_from_step_id, w.metadata, w.created_at, w.updated_at,
           nullif(array_remove(array[
             case when jsonb_typeof(w.input) = 'null' then 'input' end,
             case when jsonb_typeof(w.context) = 'null' then 'context' end,
             case when jsonb_typeof(w.workflow_state) = 'null' then 'workflowState' end,
             case when jsonb_typeof(w.suspension) = 'null' then 'suspension' end,
             case when jsonb_typeof(w.events) = 'null' then 'events' end,
             case when jsonb_typeof(w.output) = 'null' then 'output' end,
             case when jsonb_typeof(w.cancellation) = 'null' then 'cancellation' end,
             case when jsonb_typeof(w.metadata) = 'null' then 'metadata' end
           ], null), '{}')
    from public.voltagent_memory_workflow_states w
    where w.id = p_id;
end
$$;

create or replace function public.voltagent_memory_get_suspended_workflow_states(p_workflow_id text)
returns table (
  id text, workflow_id text, workflow_name text, status text, input jsonb, context jsonb,
  workflow_state jsonb, suspension jsonb, events jsonb, output jsonb, cancellation jsonb, user_id uuid,
  conversation_id text, replayed_from_execution_id text, replay_from_step_id text, metadata jsonb,
  created_at timestamptz, updated_at timestamptz, json_nulls text[]
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
#variable_conflict use_column
begin
  return query select w.id, w.workflow_id, w.workflow_name, w.status, w.input, w.context, w.workflow_state,
           w.suspension, w.events, w.output, w.cancellation, w.user_id, w.conversation_id,
           w.replayed_from_execution_id, w.replay_from_step_id, w.metadata, w.created_at, w.updated_at,
           nullif(array_remove(array[
             case when jsonb_typeof(w.input) = 'null' then 'input' end,
             case when jsonb_typeof(w.context) = 'null' then 'context' end,
             case when jsonb_typeof(w.workflow_state) = 'null' then 'workflowState' end,
             case when jsonb_typeof(w.suspension) = 'null' then 'suspension' end,
             case when jsonb_typeof(w.events) = 'null' then 'events' end,
             case when jsonb_typeof(w.output) = 'null' then 'output' end,
             case when jsonb_typeof(w.cancellation) = 'null' then 'cancellation' end,
             case when jsonb_typeof(w.metadata) = 'null' then 'metadata' end
           ], null), '{}')
    from public.voltagent_memory_workflow_states w
    where w.workflow_id = p_workflow_id and w.status = 'suspended'
    order by w.created_at desc, w.id;
end
$$;

create or replace function public.voltagent_memory_query_workflow_runs(
  p_workflow_id text default null,
  p_status text default null,
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_user_id uuid default null,
  p_metadata jsonb default null,
  p_limit integer default null,
  p_offset integer default null
)
returns table (
  id text, workflow_id text, workflow_name text, status text, input jsonb, context jsonb,
  workflow_state jsonb, suspension jsonb, events jsonb, output jsonb, cancellation jsonb, user_id uuid,
  conversation_id text, replayed_from_execution_id text, replay_from_step_id text, metadata jsonb,
  created_at timestamptz, updated_at timestamptz, json_nulls text[]
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
#variable_conflict use_column
begin
  return query select w.id, w.workflow_id, w.workflow_name, w.status, w.input, w.context, w.workflow_state,
           w.suspension, w.events, w.output, w.cancellation, w.user_id, w.conversation_id,
           w.replayed_from_execution_id, w.replay_from_step_id, w.metadata, w.created_at, w.updated_at,
           nullif(array_remove(array[
             case when jsonb_typeof(w.input) = 'null' then 'input' end,
             case when jsonb_typeof(w.context) = 'null' then 'context' end,
             case when jsonb_typeof(w.workflow_state) = 'null' then 'workflowState' end,
             case when jsonb_typeof(w.suspension) = 'null' then 'suspension' end,
             case when jsonb_typeof(w.events) = 'null' then 'events' end,
             case when jsonb_typeof(w.output) = 'null' then 'output' end,
             case when jsonb_typeof(w.cancellation) = 'null' then 'cancellation' end,
             case when jsonb_typeof(w.metadata) = 'null' then 'metadata' end
           ], null), '{}')
    from public.voltagent_memory_workflow_states w
    where (p_workflow_id is null or w.workflow_id = p_workflow_id)
      and (p_status is null or w.status = p_status)
      and (p_from is null or w.created_at >= p_from)
      and (p_to is null or w.created_at <= p_to)
      and (p_user_id is null or w.user_id = p_user_id)
      and (p_metadata is null or w.metadata @> p_metadata)
    order by w.created_at desc, w.id
    limit case when p_limit > 0 then p_limit end
    offset greatest(coalesce(p_offset, 0), 0);
end
$$;
