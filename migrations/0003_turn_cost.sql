-- voltagent-supabase-auth-memory, migration 0003: what an agent turn costs the server, and
-- deadlock-free batches.
--
-- Found by counting what every function reads (pg_stat_xact_all_tables around each call, and
-- EXPLAIN (ANALYZE, BUFFERS) of each body) on a database of 3,000 conversations:
--   1. saveConversationSteps' ownership check hash-joined the whole conversations table (a sequential
--      scan of every conversation, on every step save). It now probes the primary key once per
--      distinct conversation in the batch.
--   2. messages.user_id and steps.user_id each carried a foreign key to auth.users, which costs one
--      RI trigger query (an index probe of auth.users) per inserted row, and says nothing the
--      composite (conversation_id, user_id) key to conversations does not already say: that pair must
--      be a conversation's (id, user_id), whose user_id references auth.users. So a message's or a
--      step's user is always its conversation's owner and an existing auth user, and deleting the user
--      deletes the conversation, which deletes its messages and steps (ON DELETE CASCADE twice).
--      test/schema/foreign-keys.test.ts checks both guarantees on the catalog and on real rows.
--   3. Two overlapping batches written in opposite orders could deadlock (40P01): each upsert took its
--      row locks in array order. Steps are now written in key order, so any two batches lock the rows
--      they share in the same order. Messages must keep their array order (it is their insertion
--      order, the seq column, which breaks created_at ties), so a batch of more than one message, and
--      deleteMessages / clearMessages of one conversation, first take a transaction-scoped advisory
--      lock of the conversation: two such calls on one conversation run one after the other, and a
--      single-row addMessage (what an agent turn sends) holds one row lock only, which cannot close a
--      cycle.
--   4. updateWorkflowState cleared nothing for a field the update holds as undefined (core's resume
--      passes suspension: undefined; core's in-memory adapter and @voltagent/postgres spread the
--      update over the state, which drops such a field). JSON has no undefined, so the adapter names
--      such fields in p_updates -> '$unset', and the function now sets them to NULL.

-- 2. The redundant per-row foreign keys ------------------------------------------------------------
alter table public.voltagent_memory_messages drop constraint voltagent_memory_messages_user_id_fkey;
alter table public.voltagent_memory_steps drop constraint voltagent_memory_steps_user_id_fkey;

-- The advisory lock of one conversation's message batches (below): a fixed class as the first key
-- and the conversation id's hash as the second. A hash collision only makes two conversations'
-- batches wait for each other. Written out in each function rather than as a helper, so that no new
-- function is exposed through PostgREST's /rpc.

-- Messages --------------------------------------------------------------------------------------------

create or replace function public.voltagent_memory_add_messages(p_user_id uuid, p_conversation_id text, p_messages jsonb)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_owner uuid;
begin
  select c.user_id into v_owner
  from public.voltagent_memory_conversations c
  where c.id = p_conversation_id;
  if not found then
    raise exception using errcode = 'VS404', message = format('Conversation %s not found', p_conversation_id);
  end if;
  if v_owner <> p_user_id then
    raise exception using errcode = 'VS403',
      message = format('User %s does not own conversation %s', p_user_id, p_conversation_id);
  end if;
  if jsonb_array_length(p_messages) > 1 then
    perform pg_catalog.pg_advisory_xact_lock(1987208522, pg_catalog.hashtext(p_conversation_id));
  end if;

  insert into public.voltagent_memory_messages as m
    (conversation_id, message_id, user_id, role, parts, metadata, format_version)
  select p_conversation_id, d.message ->> 'id', p_user_id, d.message ->> 'role', d.message -> 'parts',
         d.message -> 'metadata', 2
  from (
    select distinct on (e.message ->> 'id') e.message, e.ord
    from jsonb_array_elements(p_messages) with ordinality as e (message, ord)
    order by e.message ->> 'id', e.ord desc
  ) d
  order by d.ord
  on conflict (conversation_id, message_id) do update
    set role = excluded.role, parts = excluded.parts, metadata = excluded.metadata, format_version = 2;
end
$$;

create or replace function public.voltagent_memory_clear_messages(p_user_id uuid, p_conversation_id text default null)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if p_conversation_id is not null then
    perform pg_catalog.pg_advisory_xact_lock(1987208522, pg_catalog.hashtext(p_conversation_id));
    delete from public.voltagent_memory_messages m
    where m.conversation_id = p_conversation_id and m.user_id = p_user_id;
    delete from public.voltagent_memory_steps s
    where s.conversation_id = p_conversation_id and s.user_id = p_user_id;
  else
    delete from public.voltagent_memory_messages m
    using public.voltagent_memory_conversations c
    where c.user_id = p_user_id and m.conversation_id = c.id;
    delete from public.voltagent_memory_steps s
    using public.voltagent_memory_conversations c
    where c.user_id = p_user_id and s.conversation_id = c.id;
  end if;
end
$$;

create or replace function public.voltagent_memory_delete_messages(p_user_id uuid, p_conversation_id text, p_message_ids text[])
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if cardinality(p_message_ids) > 1 then
    perform pg_catalog.pg_advisory_xact_lock(1987208522, pg_catalog.hashtext(p_conversation_id));
  end if;
  delete from public.voltagent_memory_messages m
  where m.conversation_id = p_conversation_id
    and m.user_id = p_user_id
    and m.message_id = any (p_message_ids);
end
$$;

-- Steps -----------------------------------------------------------------------------------------------

-- p_steps: ConversationStepRecord objects. Each step's conversation must exist and belong to the
-- step's userId. Duplicate (conversationId, id) pairs in one batch: the last one wins. Rows are
-- written in key order, so that two batches lock the rows they share in the same order.
create or replace function public.voltagent_memory_save_steps(p_steps jsonb)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_conversation text;
  v_owner uuid;
  v_missing boolean;
begin
  -- One primary-key probe per distinct (conversation, user) of the batch, in a scalar sub-select,
  -- which the planner never turns into a join (a join of a set-returning function's 100 estimated
  -- rows picked a hash join over the whole table). Typed columns, not `->>`, so that under RLS the
  -- probe stays below the policy's security barrier.
  select s.conversation_id, s.owner, s.owner is null into v_conversation, v_owner, v_missing
  from (
    select b.conversation_id, b.user_id,
           (select c.user_id from public.voltagent_memory_conversations c where c.id = b.conversation_id) as owner
    from (
      select distinct x."conversationId" as conversation_id, x."userId" as user_id
      from jsonb_to_recordset(p_steps) as x ("conversationId" text, "userId" uuid)
    ) b
  ) s
  where s.owner is distinct from s.user_id
  order by s.owner is null desc
  limit 1;
  if found then
    if v_missing then
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
  -- The key's order (the same collation as the primary key's), not the array's.
  order by d.step ->> 'id', d.step ->> 'conversationId'
  on conflict (conversation_id, id) do update
    set user_id = excluded.user_id, agent_id = excluded.agent_id, agent_name = excluded.agent_name,
        operation_id = excluded.operation_id, step_index = excluded.step_index, type = excluded.type,
        role = excluded.role, content = excluded.content, arguments = excluded.arguments,
        result = excluded.result, usage = excluded.usage, sub_agent_id = excluded.sub_agent_id,
        sub_agent_name = excluded.sub_agent_name;
end
$$;

-- Version and privileges --------------------------------------------------------------------------------

-- 4. Workflow updates that clear fields ---------------------------------------------------------------
create or replace function public.voltagent_memory_update_workflow_state(p_id text, p_updates jsonb)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_unset jsonb := coalesce(p_updates -> '$unset', '[]'::jsonb);
begin
  update public.voltagent_memory_workflow_states w
  set workflow_id = case when p_updates ? 'workflowId' then p_updates ->> 'workflowId' else w.workflow_id end,
      workflow_name = case when p_updates ? 'workflowName' then p_updates ->> 'workflowName' else w.workflow_name end,
      status = case when p_updates ? 'status' then p_updates ->> 'status' else w.status end,
      input = case when p_updates ? 'input' then p_updates -> 'input' when v_unset ? 'input' then null else w.input end,
      context = case when p_updates ? 'context' then p_updates -> 'context' when v_unset ? 'context' then null else w.context end,
      workflow_state = case when p_updates ? 'workflowState' then p_updates -> 'workflowState'
        when v_unset ? 'workflowState' then null else w.workflow_state end,
      suspension = case when p_updates ? 'suspension' then p_updates -> 'suspension'
        when v_unset ? 'suspension' then null else w.suspension end,
      events = case when p_updates ? 'events' then p_updates -> 'events' when v_unset ? 'events' then null else w.events end,
      output = case when p_updates ? 'output' then p_updates -> 'output' when v_unset ? 'output' then null else w.output end,
      cancellation = case when p_updates ? 'cancellation' then p_updates -> 'cancellation'
        when v_unset ? 'cancellation' then null else w.cancellation end,
      user_id = case when p_updates ? 'userId' then (p_updates ->> 'userId')::uuid
        when v_unset ? 'userId' then null else w.user_id end,
      conversation_id = case when p_updates ? 'conversationId' then p_updates ->> 'conversationId'
        when v_unset ? 'conversationId' then null else w.conversation_id end,
      replayed_from_execution_id = case when p_updates ? 'replayedFromExecutionId' then p_updates ->> 'replayedFromExecutionId'
        when v_unset ? 'replayedFromExecutionId' then null else w.replayed_from_execution_id end,
      replay_from_step_id = case when p_updates ? 'replayFromStepId' then p_updates ->> 'replayFromStepId'
        when v_unset ? 'replayFromStepId' then null else w.replay_from_step_id end,
      metadata = case when p_updates ? 'metadata' then p_updates -> 'metadata' when v_unset ? 'metadata' then null else w.metadata end,
      updated_at = greatest(now(), w.updated_at + interval '1 millisecond')
  where w.id = p_id;
  if not found then
    raise exception using errcode = 'VS410', message = format('Workflow state %s not found', p_id);
  end if;
end
$$;

create or replace function public.voltagent_memory_schema_version()
returns integer
language sql
immutable
security invoker
set search_path = ''
as $$ select 3 $$;

-- As in 0002: only the roles that call these functions may execute them. Named one by one, not by
-- prefix: a database may hold functions of the optional sets (the vector set's trigger function must
-- stay executable by nobody but its owner).
do $$
declare
  f regprocedure;
begin
  for f in
    select p.oid::regprocedure from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.proname in (
      'voltagent_memory_add_messages', 'voltagent_memory_clear_messages', 'voltagent_memory_delete_messages',
      'voltagent_memory_save_steps', 'voltagent_memory_update_workflow_state', 'voltagent_memory_schema_version'
    )
  loop
    execute format('revoke all on function %s from public, anon, authenticated, service_role', f);
    execute format('grant execute on function %s to authenticated, service_role', f);
  end loop;
end
$$;
