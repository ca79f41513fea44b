-- voltagent-supabase-auth-memory, migration 0001: tables, indexes, row level security, grants.
--
-- Every user_id references auth.users(id) with ON DELETE CASCADE: Supabase Auth is the single source
-- of truth for users, and deleting a user removes all of that user's memory. Nothing here creates or
-- alters anything in the auth schema, which belongs to Supabase.
--
-- Privileges are explicit: Supabase's default privileges grant ALL on new objects in public to anon,
-- authenticated and service_role, so every object is first stripped, then granted exactly what it needs.

-- Conversations ---------------------------------------------------------------------------------------
create table public.voltagent_memory_conversations (
  id text primary key,
  resource_id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  title text not null default '',
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Target of the (conversation_id, user_id) foreign keys below: a message or step can only belong
  -- to its conversation's owner, whoever writes it (service_role and the table owner included).
  unique (id, user_id)
);

-- A user's latest conversations (queryConversations / getConversationsByUserId); covers the user_id FK.
-- id last: the listing's tiebreaker, so a LIMIT needs no sort.
create index voltagent_memory_conversations_user_updated_idx
  on public.voltagent_memory_conversations (user_id, updated_at desc, id);
-- getConversations(resourceId) and the observability UI's per-agent listing.
create index voltagent_memory_conversations_resource_updated_idx
  on public.voltagent_memory_conversations (resource_id, updated_at desc, id);

-- Messages --------------------------------------------------------------------------------------------
create table public.voltagent_memory_messages (
  conversation_id text not null,
  message_id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null,
  parts jsonb,
  metadata jsonb,
  format_version integer not null default 2,
  -- Milliseconds: VoltAgent hands created_at back as a JS Date, and a caller paging with
  -- before/after that Date must not see the same message again.
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  -- Breaks created_at ties so that a batch keeps its array order (messages in one statement share now()).
  seq bigint generated always as identity,
  -- The key is the pair; message_id leads so that the key index never competes with the history
  -- index for "conversation_id = $1" (a cached plan that picks it reads and sorts a whole conversation),
  -- and serves deleteMessages' message_id = any(...) directly.
  primary key (message_id, conversation_id),
  constraint voltagent_memory_messages_conversation_owner_fkey foreign key (conversation_id, user_id)
    references public.voltagent_memory_conversations (id, user_id) on delete cascade
);

-- History reads: the last N messages of (conversation, user), newest first by an index scan.
create index voltagent_memory_messages_history_idx
  on public.voltagent_memory_messages (conversation_id, user_id, created_at, seq);
-- Cascade from auth.users, clearMessages(user) and the RLS predicate.
create index voltagent_memory_messages_user_idx
  on public.voltagent_memory_messages (user_id);
-- The user is a function of the conversation. Without this the planner multiplies the two
-- selectivities, expects a handful of rows per (conversation, user), and a cached generic plan reads
-- a whole conversation and sorts it instead of walking the index for the last N.
create statistics voltagent_memory_messages_conversation_user_stats (dependencies)
  on conversation_id, user_id from public.voltagent_memory_messages;

-- Steps -----------------------------------------------------------------------------------------------
-- Step ids are tool-call ids, which providers and mock models reuse across conversations: the key is
-- (conversation_id, id), never id alone.
create table public.voltagent_memory_steps (
  conversation_id text not null,
  id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  agent_id text not null,
  agent_name text,
  operation_id text,
  step_index integer not null,
  type text not null check (type in ('text', 'tool_call', 'tool_result')),
  role text not null,
  content text,
  arguments jsonb,
  result jsonb,
  usage jsonb,
  sub_agent_id text,
  sub_agent_name text,
  created_at timestamptz not null default now(),
  -- The key is the pair (see messages for why the id leads).
  primary key (id, conversation_id),
  constraint voltagent_memory_steps_conversation_owner_fkey foreign key (conversation_id, user_id)
    references public.voltagent_memory_conversations (id, user_id) on delete cascade
);

create index voltagent_memory_steps_history_idx
  on public.voltagent_memory_steps (conversation_id, user_id, step_index);
create index voltagent_memory_steps_operation_idx
  on public.voltagent_memory_steps (conversation_id, operation_id, step_index);
create index voltagent_memory_steps_user_idx
  on public.voltagent_memory_steps (user_id);
create statistics voltagent_memory_steps_conversation_user_stats (dependencies)
  on conversation_id, user_id from public.voltagent_memory_steps;

-- Workflow states -------------------------------------------------------------------------------------
-- user_id is optional: workflows may run without a user. Such rows are invisible to authenticated.
create table public.voltagent_memory_workflow_states (
  id text primary key,
  workflow_id text not null,
  workflow_name text not null,
  status text not null,
  input jsonb,
  context jsonb,
  workflow_state jsonb,
  suspension jsonb,
  events jsonb,
  output jsonb,
  cancellation jsonb,
  user_id uuid references auth.users (id) on delete cascade,
  conversation_id text,
  replayed_from_execution_id text,
  replay_from_step_id text,
  metadata jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- getSuspendedWorkflowStates and queryWorkflowRuns({ workflowId, status }), newest first.
create index voltagent_memory_workflow_states_workflow_idx
  on public.voltagent_memory_workflow_states (workflow_id, status, created_at desc);
-- queryWorkflowRuns({ userId }); covers the user_id FK and the RLS predicate.
create index voltagent_memory_workflow_states_user_idx
  on public.voltagent_memory_workflow_states (user_id, created_at desc);
-- queryWorkflowRuns({ status }) across workflows (restart-all uses status = 'running').
create index voltagent_memory_workflow_states_status_idx
  on public.voltagent_memory_workflow_states (status, created_at desc);
-- queryWorkflowRuns({ metadata }) is JSON containment (@>).
create index voltagent_memory_workflow_states_metadata_idx
  on public.voltagent_memory_workflow_states using gin (metadata jsonb_path_ops);

-- User-scoped working memory --------------------------------------------------------------------------
-- Adapter state only, keyed by the auth user; never a copy of profile data.
create table public.voltagent_memory_user_working_memory (
  user_id uuid primary key references auth.users (id) on delete cascade,
  content text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Row level security ----------------------------------------------------------------------------------
-- authenticated sees and changes only its own rows; anon has no grants at all; service_role bypasses RLS.
-- auth.uid() sits in a sub-select so that Postgres evaluates it once per statement, not once per row.
alter table public.voltagent_memory_conversations enable row level security;
alter table public.voltagent_memory_messages enable row level security;
alter table public.voltagent_memory_steps enable row level security;
alter table public.voltagent_memory_workflow_states enable row level security;
alter table public.voltagent_memory_user_working_memory enable row level security;

create policy voltagent_memory_conversations_select on public.voltagent_memory_conversations
  for select to authenticated using (user_id = (select auth.uid()));
create policy voltagent_memory_conversations_insert on public.voltagent_memory_conversations
  for insert to authenticated with check (user_id = (select auth.uid()));
create policy voltagent_memory_conversations_update on public.voltagent_memory_conversations
  for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy voltagent_memory_conversations_delete on public.voltagent_memory_conversations
  for delete to authenticated using (user_id = (select auth.uid()));

-- Writing a message or a step also requires owning its conversation, so nobody can attach rows to
-- someone else's conversation by guessing its id.
create policy voltagent_memory_messages_select on public.voltagent_memory_messages
  for select to authenticated using (user_id = (select auth.uid()));
create policy voltagent_memory_messages_insert on public.voltagent_memory_messages
  for insert to authenticated with check (
    user_id = (select auth.uid())
    and exists (
      select 1 from public.voltagent_memory_conversations c
      where c.id = conversation_id and c.user_id = (select auth.uid())
    )
  );
create policy voltagent_memory_messages_update on public.voltagent_memory_messages
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (
    user_id = (select auth.uid())
    and exists (
      select 1 from public.voltagent_memory_conversations c
      where c.id = conversation_id and c.user_id = (select auth.uid())
    )
  );
create policy voltagent_memory_messages_delete on public.voltagent_memory_messages
  for delete to authenticated using (user_id = (select auth.uid()));

create policy voltagent_memory_steps_select on public.voltagent_memory_steps
  for select to authenticated using (user_id = (select auth.uid()));
create policy voltagent_memory_steps_insert on public.voltagent_memory_steps
  for insert to authenticated with check (
    user_id = (select auth.uid())
    and exists (
      select 1 from public.voltagent_memory_conversations c
      where c.id = conversation_id and c.user_id = (select auth.uid())
    )
  );
create policy voltagent_memory_steps_update on public.voltagent_memory_steps
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (
    user_id = (select auth.uid())
    and exists (
      select 1 from public.voltagent_memory_conversations c
      where c.id = conversation_id and c.user_id = (select auth.uid())
    )
  );
create policy voltagent_memory_steps_delete on public.voltagent_memory_steps
  for delete to authenticated using (user_id = (select auth.uid()));

create policy voltagent_memory_workflow_states_select on public.voltagent_memory_workflow_states
  for select to authenticated using (user_id = (select auth.uid()));
create policy voltagent_memory_workflow_states_insert on public.voltagent_memory_workflow_states
  for insert to authenticated with check (user_id = (select auth.uid()));
create policy voltagent_memory_workflow_states_update on public.voltagent_memory_workflow_states
  for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy voltagent_memory_workflow_states_delete on public.voltagent_memory_workflow_states
  for delete to authenticated using (user_id = (select auth.uid()));

create policy voltagent_memory_user_working_memory_select on public.voltagent_memory_user_working_memory
  for select to authenticated using (user_id = (select auth.uid()));
create policy voltagent_memory_user_working_memory_insert on public.voltagent_memory_user_working_memory
  for insert to authenticated with check (user_id = (select auth.uid()));
create policy voltagent_memory_user_working_memory_update on public.voltagent_memory_user_working_memory
  for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy voltagent_memory_user_working_memory_delete on public.voltagent_memory_user_working_memory
  for delete to authenticated using (user_id = (select auth.uid()));

-- Privileges ------------------------------------------------------------------------------------------
revoke all on table
  public.voltagent_memory_conversations,
  public.voltagent_memory_messages,
  public.voltagent_memory_steps,
  public.voltagent_memory_workflow_states,
  public.voltagent_memory_user_working_memory
from public, anon, authenticated, service_role;

grant select, insert, update, delete on table
  public.voltagent_memory_conversations,
  public.voltagent_memory_messages,
  public.voltagent_memory_steps,
  public.voltagent_memory_workflow_states,
  public.voltagent_memory_user_working_memory
to authenticated, service_role;

-- The identity sequence needs no grant to insert (identity columns skip sequence privilege checks);
-- strip Supabase's default ALL so that anon holds nothing on it.
revoke all on sequence public.voltagent_memory_messages_seq_seq from public, anon, authenticated, service_role;

-- Schema version, readable through every transport (PostgREST exposes functions in public, not the
-- ledger). Each migration that changes the contract between the library and the database redefines it.
create function public.voltagent_memory_schema_version()
returns integer
language sql
immutable
security invoker
set search_path = ''
as $$ select 1 $$;

revoke all on function public.voltagent_memory_schema_version() from public, anon;
grant execute on function public.voltagent_memory_schema_version() to authenticated, service_role;
