-- Status: fixes 1 and 2 below are now part of migrations/0002_functions.sql (re-applying them here
-- is harmless); fix 3 is still only a proposal.
-- Proposed performance fixes, measured by the benchmark (BENCHMARKS.md, "Causes" and "The proposed change").
-- Bench-only overlay: `BENCH_EXTRA_SQL=bench/proposed-fixes.sql npm run bench` applies it after the
-- shipped migrations. It changes no signature, result or error; once applied as a real migration
-- (0003, which must also redefine voltagent_memory_schema_version() to return 3), delete this file.

-- 1. getMessages and queryConversations re-planned their query on every call. plpgsql caches the
--    plan of each statement, but PostgreSQL's plan cache keeps choosing a custom plan when the
--    generic one looks dearer, and `limit <parameter>` makes the generic plan look dearer (it is
--    costed as if the limit were 10% of the rows). The generic plan is the right one for every
--    argument (a backward scan of the history index; the listing index in order), so force it.
alter function public.voltagent_memory_get_messages(uuid, text, integer, timestamptz, timestamptz, text[])
  set plan_cache_mode = force_generic_plan;
alter function public.voltagent_memory_query_conversations(uuid, text, text, text, integer, integer)
  set plan_cache_mode = force_generic_plan;

-- 2. saveConversationSteps under RLS scanned the caller's conversations twice per call (ownership
--    checks joined on a jsonb ->> expression); as the table grows, so does every step save.

create or replace function public.voltagent_memory_save_steps(p_steps jsonb)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_conversation text;
  v_owner uuid;
begin
  -- One check for both errors, on typed columns (jsonb_to_recordset). Under RLS a join on
  -- `step ->> 'conversationId'` (->> is not leakproof) cannot be pushed below the policy's security
  -- barrier, so it could not probe the primary key and scanned the user's conversations instead.
  select s.conversation_id, c.user_id into v_conversation, v_owner
  from (
    select distinct x."conversationId" as conversation_id, x."userId" as user_id
    from jsonb_to_recordset(p_steps) as x ("conversationId" text, "userId" uuid)
  ) s
  left join public.voltagent_memory_conversations c on c.id = s.conversation_id
  where c.id is null or c.user_id <> s.user_id
  order by c.id is null desc
  limit 1;
  if found then
    if v_owner is null then
      raise exception using errcode = 'VS404', message = format('Conversation %s not found', v_conversation);
    end if;
    raise exception using errcode = 'VS403',
      message = format('A step''s userId does not own conversation %s', v_conversation);
  end if;

  insert into public.voltagent_memory_steps as t
    (conversation_id, id, user_id, agent_id, agent_name, operation_id, step_index, type, role,
     content, arguments, result, usage, sub_agent_id, sub_agent_name, created_at)
  select d.step ->> 'conversationId', d.step ->> 'id', (d.step ->> 'userId')::uuid, d.step ->> 'agentId',
         d.step ->> 'agentName', d.step ->> 'operationId', (d.step ->> 'stepIndex')::integer,
         d.step ->> 'type', d.step ->> 'role', d.step ->> 'content', d.step -> 'arguments',
         d.step -> 'result', d.step -> 'usage', d.step ->> 'subAgentId', d.step ->> 'subAgentName',
         coalesce((d.step ->> 'createdAt')::timestamptz, now())
  from (
    select distinct on (e.step ->> 'conversationId', e.step ->> 'id') e.step, e.ord
    from jsonb_array_elements(p_steps) with ordinality as e (step, ord)
    order by e.step ->> 'conversationId', e.step ->> 'id', e.ord desc
  ) d
  order by d.ord
  on conflict (conversation_id, id) do update
    set user_id = excluded.user_id, agent_id = excluded.agent_id, agent_name = excluded.agent_name,
        operation_id = excluded.operation_id, step_index = excluded.step_index, type = excluded.type,
        role = excluded.role, content = excluded.content, arguments = excluded.arguments,
        result = excluded.result, usage = excluded.usage, sub_agent_id = excluded.sub_agent_id,
        sub_agent_name = excluded.sub_agent_name;
end
$$;

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
