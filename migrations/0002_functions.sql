-- voltagent-supabase-auth-memory, migration 0002: one function per adapter operation.
--
-- Every StorageAdapter call is one call of one of these functions: one round trip, atomic, and the
-- same code whichever transport calls it (pg, PGlite, or supabase-js through PostgREST's /rpc).
-- They are SECURITY INVOKER, so Row Level Security applies to the caller: through PostgREST with a
-- user's token they act as that user; through a trusted server connection they act as the owner.
-- search_path is empty and every name is qualified, so no caller can redirect them.
--
-- Errors the adapter maps to typed errors carry their own SQLSTATEs (class VS):
--   VS404 conversation not found          VS403 not the conversation's owner
--   VS409 conversation already exists     VS410 workflow state not found
--   VS422 userId of a conversation cannot change

-- Messages --------------------------------------------------------------------------------------------

-- p_messages: [{ "id", "role", "parts", "metadata" }]. Duplicate ids in one batch: the last one wins.
-- An id that exists already is updated in place: role, parts and metadata are replaced; created_at
-- and the insertion order are kept.
create function public.voltagent_memory_add_messages(p_user_id uuid, p_conversation_id text, p_messages jsonb)
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

-- The last p_limit messages (all when p_limit is null or < 1), oldest first; filters apply first.
create function public.voltagent_memory_get_messages(
  p_user_id uuid,
  p_conversation_id text,
  p_limit integer default null,
  p_before timestamptz default null,
  p_after timestamptz default null,
  p_roles text[] default null
)
returns table (message_id text, role text, parts jsonb, metadata jsonb, created_at timestamptz)
language plpgsql
stable
security invoker
set search_path = ''
-- `limit <parameter>` makes the generic plan look dearer than it is, so the plan cache would plan
-- the query again on every call; the generic plan (a backward scan of the history index) is the
-- right one for every argument (test/schema/explain.test.ts).
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
begin
  return query
  select t.message_id, t.role, t.parts, t.metadata, t.created_at
  from (
    select m.message_id, m.role, m.parts, m.metadata, m.created_at, m.seq
    from public.voltagent_memory_messages m
    where m.conversation_id = p_conversation_id
      and m.user_id = p_user_id
      and (p_roles is null or cardinality(p_roles) = 0 or m.role = any (p_roles))
      and (p_before is null or m.created_at < p_before)
      and (p_after is null or m.created_at > p_after)
    order by m.created_at desc, m.seq desc
    limit case when p_limit > 0 then p_limit end
  ) t
  order by t.created_at, t.seq;
end
$$;

-- With a conversation: that user's messages and steps there. Without: messages and steps in every
-- conversation the user owns. Conversations and working memory stay.
create function public.voltagent_memory_clear_messages(p_user_id uuid, p_conversation_id text default null)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if p_conversation_id is not null then
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

create function public.voltagent_memory_delete_messages(p_user_id uuid, p_conversation_id text, p_message_ids text[])
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  delete from public.voltagent_memory_messages m
  where m.conversation_id = p_conversation_id
    and m.user_id = p_user_id
    and m.message_id = any (p_message_ids);
end
$$;

-- Conversations ---------------------------------------------------------------------------------------

create function public.voltagent_memory_create_conversation(
  p_id text,
  p_resource_id text,
  p_user_id uuid,
  p_title text,
  p_metadata jsonb
)
returns setof public.voltagent_memory_conversations
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_row public.voltagent_memory_conversations;
begin
  -- ON CONFLICT instead of catching unique_violation: no subtransaction, and a racing duplicate
  -- gets the same clear error as a sequential one.
  insert into public.voltagent_memory_conversations (id, resource_id, user_id, title, metadata)
  values (p_id, p_resource_id, p_user_id, p_title, coalesce(p_metadata, '{}'::jsonb))
  -- No conflict target: either unique key ((id) or (id, user_id)) may be the one a racing create
  -- trips first, and both mean the id is taken.
  on conflict do nothing
  returning * into v_row;
  if not found then
    raise exception using errcode = 'VS409', message = format('Conversation %s already exists', p_id);
  end if;
  return next v_row;
end
$$;

create function public.voltagent_memory_get_conversation(p_id text)
returns setof public.voltagent_memory_conversations
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  return query select * from public.voltagent_memory_conversations c where c.id = p_id;
end
$$;

-- p_order_by and p_order_direction are checked against fixed lists, never interpolated as given.
-- The common listings (a user's or a resource's latest) are static queries with cached plans.
create function public.voltagent_memory_query_conversations(
  p_user_id uuid default null,
  p_resource_id text default null,
  p_order_by text default 'updated_at',
  p_order_direction text default 'DESC',
  p_limit integer default null,
  p_offset integer default null
)
returns setof public.voltagent_memory_conversations
language plpgsql
stable
security invoker
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
declare
  v_order text := coalesce(p_order_by, 'updated_at');
  v_direction text := upper(coalesce(p_order_direction, 'DESC'));
  v_limit integer := case when p_limit >= 0 then p_limit end;
  v_offset integer := greatest(coalesce(p_offset, 0), 0);
begin
  if v_order not in ('created_at', 'updated_at', 'title') then
    raise exception using errcode = '22023', message = format('orderBy must be created_at, updated_at or title, not %s', v_order);
  end if;
  if v_direction not in ('ASC', 'DESC') then
    raise exception using errcode = '22023', message = format('orderDirection must be ASC or DESC, not %s', v_direction);
  end if;

  if v_order = 'updated_at' and v_direction = 'DESC' then
    if p_user_id is not null and p_resource_id is null then
      return query select * from public.voltagent_memory_conversations c
        where c.user_id = p_user_id
        order by c.updated_at desc, c.id limit v_limit offset v_offset;
      return;
    elsif p_user_id is null and p_resource_id is not null then
      return query select * from public.voltagent_memory_conversations c
        where c.resource_id = p_resource_id
        order by c.updated_at desc, c.id limit v_limit offset v_offset;
      return;
    elsif p_user_id is not null and p_resource_id is not null then
      return query select * from public.voltagent_memory_conversations c
        where c.user_id = p_user_id and c.resource_id = p_resource_id
        order by c.updated_at desc, c.id limit v_limit offset v_offset;
      return;
    end if;
  end if;

  return query execute format(
    'select * from public.voltagent_memory_conversations c
     where ($1 is null or c.user_id = $1) and ($2 is null or c.resource_id = $2)
     order by c.%I %s, c.id limit $3 offset $4',
    v_order, v_direction)
  using p_user_id, p_resource_id, v_limit, v_offset;
end
$$;

create function public.voltagent_memory_count_conversations(p_user_id uuid default null, p_resource_id text default null)
returns bigint
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  return (
    select count(*) from public.voltagent_memory_conversations c
    where (p_user_id is null or c.user_id = p_user_id)
      and (p_resource_id is null or c.resource_id = p_resource_id)
  );
end
$$;

-- Null means "not given" for every field. updated_at always moves forward, by at least a millisecond,
-- so that an empty update (VoltAgent's touch) is visible at the precision of an ISO string.
-- p_user_id, when given, must be the current owner: the owner of a conversation never changes.
create function public.voltagent_memory_update_conversation(
  p_id text,
  p_title text default null,
  p_resource_id text default null,
  p_metadata jsonb default null,
  p_user_id uuid default null
)
returns setof public.voltagent_memory_conversations
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_row public.voltagent_memory_conversations;
begin
  update public.voltagent_memory_conversations c
  set title = coalesce(p_title, c.title),
      resource_id = coalesce(p_resource_id, c.resource_id),
      metadata = coalesce(p_metadata, c.metadata),
      updated_at = greatest(now(), c.updated_at + interval '1 millisecond')
  where c.id = p_id and (p_user_id is null or c.user_id = p_user_id)
  returning * into v_row;
  if not found then
    if p_user_id is not null and exists (select 1 from public.voltagent_memory_conversations c where c.id = p_id) then
      raise exception using errcode = 'VS422',
        message = format('The owner (userId) of conversation %s cannot be changed', p_id);
    end if;
    raise exception using errcode = 'VS404', message = format('Conversation %s not found', p_id);
  end if;
  return next v_row;
end
$$;

create function public.voltagent_memory_delete_conversation(p_id text)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  delete from public.voltagent_memory_conversations c where c.id = p_id;
end
$$;

-- Steps -----------------------------------------------------------------------------------------------

-- p_steps: ConversationStepRecord objects. Each step's conversation must exist and belong to the
-- step's userId. Duplicate (conversationId, id) pairs in one batch: the last one wins.
create function public.voltagent_memory_save_steps(p_steps jsonb)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_conversation text;
  v_owner uuid;
begin
  -- One check for both errors, on typed columns: under RLS a join on `step ->> 'conversationId'`
  -- (->> is not leakproof) cannot be pushed below the policy's security barrier, and scanned the
  -- caller's conversations instead of probing the primary key.
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

-- The last p_limit steps (all when null or < 1), ordered by step_index ascending.
create function public.voltagent_memory_get_steps(
  p_user_id uuid,
  p_conversation_id text,
  p_limit integer default null,
  p_operation_id text default null
)
returns table (
  conversation_id text, id text, user_id uuid, agent_id text, agent_name text, operation_id text,
  step_index integer, type text, role text, content text, arguments jsonb, result jsonb, usage jsonb,
  sub_agent_id text, sub_agent_name text, created_at timestamptz, json_nulls text[]
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
#variable_conflict use_column
begin
  -- json_nulls: which of arguments/result/usage hold a JSON null rather than nothing.
  return query
  select t.conversation_id, t.id, t.user_id, t.agent_id, t.agent_name, t.operation_id, t.step_index,
         t.type, t.role, t.content, t.arguments, t.result, t.usage, t.sub_agent_id, t.sub_agent_name,
         t.created_at,
         nullif(array_remove(array[
           case when jsonb_typeof(t.arguments) = 'null' then 'arguments' end,
           case when jsonb_typeof(t.result) = 'null' then 'result' end,
           case when jsonb_typeof(t.usage) = 'null' then 'usage' end
         ], null), '{}')
  from (
    select s.* from public.voltagent_memory_steps s
    where s.conversation_id = p_conversation_id
      and s.user_id = p_user_id
      and (p_operation_id is null or s.operation_id = p_operation_id)
    order by s.step_index desc, s.created_at desc, s.id desc
    limit case when p_limit > 0 then p_limit end
  ) t
  order by t.step_index, t.created_at, t.id;
end
$$;

-- Working memory --------------------------------------------------------------------------------------
-- Conversation scope lives in conversations.metadata.workingMemory; user scope in its own table.

create function public.voltagent_memory_get_working_memory(p_scope text, p_conversation_id text default null, p_user_id uuid default null)
returns text
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if p_scope = 'user' then
    return (select w.content from public.voltagent_memory_user_working_memory w where w.user_id = p_user_id);
  end if;
  -- The owner check matters on trusted connections (service role, postgres), where RLS does not apply.
  return (
    select c.metadata ->> 'workingMemory' from public.voltagent_memory_conversations c
    where c.id = p_conversation_id
      and (p_user_id is null or c.user_id = p_user_id)
      and jsonb_typeof(c.metadata -> 'workingMemory') = 'string'
  );
end
$$;

create function public.voltagent_memory_set_working_memory(
  p_scope text,
  p_content text,
  p_conversation_id text default null,
  p_user_id uuid default null
)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_owner uuid;
begin
  if p_scope = 'user' then
    insert into public.voltagent_memory_user_working_memory as w (user_id, content)
    values (p_user_id, p_content)
    on conflict (user_id) do update set content = excluded.content, updated_at = now();
    return;
  end if;
  update public.voltagent_memory_conversations c
  set metadata = jsonb_set(c.metadata, '{workingMemory}', to_jsonb(p_content)),
      updated_at = greatest(now(), c.updated_at + interval '1 millisecond')
  where c.id = p_conversation_id and (p_user_id is null or c.user_id = p_user_id)
  returning c.user_id into v_owner;
  if not found then
    if p_user_id is not null and exists (select 1 from public.voltagent_memory_conversations c where c.id = p_conversation_id) then
      raise exception using errcode = 'VS403',
        message = format('User %s does not own conversation %s', p_user_id, p_conversation_id);
    end if;
    raise exception using errcode = 'VS404', message = format('Conversation %s not found', p_conversation_id);
  end if;
end
$$;

create function public.voltagent_memory_delete_working_memory(p_scope text, p_conversation_id text default null, p_user_id uuid default null)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if p_scope = 'user' then
    delete from public.voltagent_memory_user_working_memory w where w.user_id = p_user_id;
    return;
  end if;
  update public.voltagent_memory_conversations c
  set metadata = c.metadata - 'workingMemory',
      updated_at = greatest(now(), c.updated_at + interval '1 millisecond')
  where c.id = p_conversation_id
    and (p_user_id is null or c.user_id = p_user_id)
    and c.metadata ? 'workingMemory';
end
$$;

-- Workflow states -------------------------------------------------------------------------------------
-- p_state holds WorkflowStateEntry's fields under their TypeScript names, already encoded as JSON.

-- Which JSON fields hold a JSON null (as opposed to SQL NULL, "not set"): every driver reads both
-- as null, and WorkflowStateEntry distinguishes { output: null } from no output.
create function public.voltagent_memory_workflow_json_nulls(w public.voltagent_memory_workflow_states)
returns text[]
language sql
immutable
security invoker
set search_path = ''
as $$
  select nullif(array_remove(array[
    case when jsonb_typeof(w.input) = 'null' then 'input' end,
    case when jsonb_typeof(w.context) = 'null' then 'context' end,
    case when jsonb_typeof(w.workflow_state) = 'null' then 'workflowState' end,
    case when jsonb_typeof(w.suspension) = 'null' then 'suspension' end,
    case when jsonb_typeof(w.events) = 'null' then 'events' end,
    case when jsonb_typeof(w.output) = 'null' then 'output' end,
    case when jsonb_typeof(w.cancellation) = 'null' then 'cancellation' end,
    case when jsonb_typeof(w.metadata) = 'null' then 'metadata' end
  ], null), '{}')
$$;

create function public.voltagent_memory_get_workflow_state(p_id text)
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
           public.voltagent_memory_workflow_json_nulls(w)
    from public.voltagent_memory_workflow_states w
    where w.id = p_id;
end
$$;

-- Upsert by id; created_at is kept when the row exists.
create function public.voltagent_memory_set_workflow_state(p_id text, p_state jsonb)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  insert into public.voltagent_memory_workflow_states as w
    (id, workflow_id, workflow_name, status, input, context, workflow_state, suspension, events, output,
     cancellation, user_id, conversation_id, replayed_from_execution_id, replay_from_step_id, metadata,
     created_at, updated_at)
  values (
    p_id, p_state ->> 'workflowId', p_state ->> 'workflowName', p_state ->> 'status', p_state -> 'input',
    p_state -> 'context', p_state -> 'workflowState', p_state -> 'suspension', p_state -> 'events',
    p_state -> 'output', p_state -> 'cancellation', (p_state ->> 'userId')::uuid, p_state ->> 'conversationId',
    p_state ->> 'replayedFromExecutionId', p_state ->> 'replayFromStepId', p_state -> 'metadata',
    coalesce((p_state ->> 'createdAt')::timestamptz, now()), coalesce((p_state ->> 'updatedAt')::timestamptz, now())
  )
  on conflict (id) do update
    set workflow_id = excluded.workflow_id, workflow_name = excluded.workflow_name, status = excluded.status,
        input = excluded.input, context = excluded.context, workflow_state = excluded.workflow_state,
        suspension = excluded.suspension, events = excluded.events, output = excluded.output,
        cancellation = excluded.cancellation, user_id = excluded.user_id,
        conversation_id = excluded.conversation_id,
        replayed_from_execution_id = excluded.replayed_from_execution_id,
        replay_from_step_id = excluded.replay_from_step_id, metadata = excluded.metadata,
        updated_at = excluded.updated_at;
end
$$;

-- A shallow merge of the given keys over the stored row, with updated_at = now(). A key that is
-- present with null clears the field.
create function public.voltagent_memory_update_workflow_state(p_id text, p_updates jsonb)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  update public.voltagent_memory_workflow_states w
  set workflow_id = case when p_updates ? 'workflowId' then p_updates ->> 'workflowId' else w.workflow_id end,
      workflow_name = case when p_updates ? 'workflowName' then p_updates ->> 'workflowName' else w.workflow_name end,
      status = case when p_updates ? 'status' then p_updates ->> 'status' else w.status end,
      input = case when p_updates ? 'input' then p_updates -> 'input' else w.input end,
      context = case when p_updates ? 'context' then p_updates -> 'context' else w.context end,
      workflow_state = case when p_updates ? 'workflowState' then p_updates -> 'workflowState' else w.workflow_state end,
      suspension = case when p_updates ? 'suspension' then p_updates -> 'suspension' else w.suspension end,
      events = case when p_updates ? 'events' then p_updates -> 'events' else w.events end,
      output = case when p_updates ? 'output' then p_updates -> 'output' else w.output end,
      cancellation = case when p_updates ? 'cancellation' then p_updates -> 'cancellation' else w.cancellation end,
      user_id = case when p_updates ? 'userId' then (p_updates ->> 'userId')::uuid else w.user_id end,
      conversation_id = case when p_updates ? 'conversationId' then p_updates ->> 'conversationId' else w.conversation_id end,
      replayed_from_execution_id = case when p_updates ? 'replayedFromExecutionId'
        then p_updates ->> 'replayedFromExecutionId' else w.replayed_from_execution_id end,
      replay_from_step_id = case when p_updates ? 'replayFromStepId'
        then p_updates ->> 'replayFromStepId' else w.replay_from_step_id end,
      metadata = case when p_updates ? 'metadata' then p_updates -> 'metadata' else w.metadata end,
      updated_at = greatest(now(), w.updated_at + interval '1 millisecond')
  where w.id = p_id;
  if not found then
    raise exception using errcode = 'VS410', message = format('Workflow state %s not found', p_id);
  end if;
end
$$;

create function public.voltagent_memory_get_suspended_workflow_states(p_workflow_id text)
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
           public.voltagent_memory_workflow_json_nulls(w)
    from public.voltagent_memory_workflow_states w
    where w.workflow_id = p_workflow_id and w.status = 'suspended'
    order by w.created_at desc, w.id;
end
$$;

-- Equality on workflow id, status and user; from/to inclusive on created_at; metadata is containment.
create function public.voltagent_memory_query_workflow_runs(
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
           public.voltagent_memory_workflow_json_nulls(w)
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

-- Version and privileges --------------------------------------------------------------------------------

create or replace function public.voltagent_memory_schema_version()
returns integer
language sql
immutable
security invoker
set search_path = ''
as $$ select 2 $$;

-- PUBLIC holds EXECUTE on every new function and Supabase's default privileges grant it to anon:
-- revoke both, then grant exactly the roles that call these functions.
do $$
declare
  f regprocedure;
begin
  for f in
    select p.oid::regprocedure from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.proname like 'voltagent\_memory\_%'
  loop
    execute format('revoke all on function %s from public, anon, authenticated, service_role', f);
    execute format('grant execute on function %s to authenticated, service_role', f);
  end loop;
end
$$;
