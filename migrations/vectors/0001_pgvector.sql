-- voltagent-supabase-auth-memory, vector migration 0001: semantic memory on pgvector (opt-in set).
--
-- Applied only when asked (`migrate --with vectors`), after the base migrations, because pgvector is
-- not on every Postgres. Recorded in the same ledger as the base set, under ids 1001 and up.
--
-- Ownership: a vector whose metadata carries a user id stores it in user_id, which references
-- auth.users(id) ON DELETE CASCADE. A message vector (VoltAgent id msg_<conversationId>_<messageId>)
-- also stores conversation_id and message_id: the composite key to the conversation makes it belong
-- to the conversation's owner and go with the conversation; a trigger removes it with its message.
-- There is no key to the message row itself: VoltAgent's Memory stores the vector BEFORE the message.
-- Vectors without a user (documents) are readable only by trusted connections (RLS hides them).
--
-- Dimensions: the column is an untyped `vector`, so every model size works. Approximate (HNSW)
-- indexes are per dimension: partial expression indexes for common sizes below; add your own for
-- another size with the same shape (README, "Semantic memory").
--
-- Errors the adapter maps (class VS, as in 0002): VS404 conversation not found, VS403 not the
-- conversation's owner, VS405 a vector id that belongs to another owner.

-- pgvector ------------------------------------------------------------------------------------------
-- Supabase keeps extensions in the schema `extensions`; a plain Postgres (tests, PGlite) may lack it.
do $$
declare
  v_schema text;
begin
  if not exists (select 1 from pg_catalog.pg_available_extensions where name = 'vector') then
    raise exception using errcode = 'VS501',
      message = 'pgvector (extension "vector") is not available on this server',
      hint = 'Enable it on Supabase (Database > Extensions > vector) or install pgvector 0.5.0 or later; the base migrations do not need it.';
  end if;
  select n.nspname into v_schema
  from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
  where e.extname = 'vector';
  if v_schema is not null and v_schema <> 'extensions' then
    raise exception using errcode = 'VS502',
      message = format('pgvector is installed in schema %I; this library expects it in schema extensions', v_schema),
      hint = 'Move it (this keeps existing vector columns): alter extension vector set schema extensions;';
  end if;
end
$$;

create schema if not exists extensions;
-- The functions below are SECURITY INVOKER: the API roles call pgvector's type and operators.
grant usage on schema extensions to authenticated, service_role;
create extension if not exists vector with schema extensions;

-- Vectors ---------------------------------------------------------------------------------------------
create table public.voltagent_memory_vectors (
  id text primary key,
  user_id uuid references auth.users (id) on delete cascade,
  conversation_id text,
  message_id text,
  embedding extensions.vector not null,
  dimensions integer generated always as (extensions.vector_dims(embedding)) stored,
  metadata jsonb,
  content text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- A conversation's vectors belong to its owner and go with it (MATCH SIMPLE: documents have no
  -- conversation and are not checked).
  constraint voltagent_memory_vectors_conversation_owner_fkey foreign key (conversation_id, user_id)
    references public.voltagent_memory_conversations (id, user_id) on delete cascade,
  constraint voltagent_memory_vectors_conversation_needs_user check (conversation_id is null or user_id is not null),
  constraint voltagent_memory_vectors_message_needs_conversation check (message_id is null or conversation_id is not null)
);

-- Per-conversation search (Memory's { userId, conversationId } filter), the composite key's cascade and
-- the message-delete trigger: all by an index prefix.
create index voltagent_memory_vectors_conversation_idx
  on public.voltagent_memory_vectors (conversation_id, user_id, message_id);
-- The user key's cascade, RLS, and search filtered on the user alone.
create index voltagent_memory_vectors_user_idx
  on public.voltagent_memory_vectors (user_id);
-- Metadata filters are JSON containment (@>).
create index voltagent_memory_vectors_metadata_idx
  on public.voltagent_memory_vectors using gin (metadata jsonb_path_ops);
create statistics voltagent_memory_vectors_conversation_user_stats (dependencies)
  on conversation_id, user_id from public.voltagent_memory_vectors;

-- HNSW (pgvector 0.5.0+) per dimension, cosine distance. Up to 2,000 dimensions as `vector`; 3,072
-- (OpenAI text-embedding-3-large) as `halfvec`, which needs pgvector 0.7.0+. Older pgvector: no
-- approximate index, search stays exact (correct, slower on large unfiltered tables).
do $$
declare
  v_version integer[];
  v_dims integer;
begin
  select pg_catalog.string_to_array(pg_catalog.split_part(e.extversion, '-', 1), '.')::integer[] into v_version
  from pg_catalog.pg_extension e where e.extname = 'vector';
  if v_version >= array[0, 5, 0] then
    foreach v_dims in array array[256, 384, 512, 768, 1024, 1536] loop
      execute format(
        'create index voltagent_memory_vectors_hnsw_%s_idx on public.voltagent_memory_vectors '
        'using hnsw ((embedding::extensions.vector(%s)) extensions.vector_cosine_ops) where dimensions = %s',
        v_dims, v_dims, v_dims);
    end loop;
  end if;
  if v_version >= array[0, 7, 0] then
    create index voltagent_memory_vectors_hnsw_3072_idx on public.voltagent_memory_vectors
      using hnsw ((embedding::extensions.halfvec(3072)) extensions.halfvec_cosine_ops) where dimensions = 3072;
  end if;
end
$$;

-- Row level security ----------------------------------------------------------------------------------
-- The composite key makes a conversation's vectors its owner's, whoever writes them, so the insert
-- check on the user alone is enough. Documents (user_id null) match no policy: trusted-only.
alter table public.voltagent_memory_vectors enable row level security;

create policy voltagent_memory_vectors_select on public.voltagent_memory_vectors
  for select to authenticated using (user_id = (select auth.uid()));
create policy voltagent_memory_vectors_insert on public.voltagent_memory_vectors
  for insert to authenticated with check (user_id = (select auth.uid()));
create policy voltagent_memory_vectors_update on public.voltagent_memory_vectors
  for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy voltagent_memory_vectors_delete on public.voltagent_memory_vectors
  for delete to authenticated using (user_id = (select auth.uid()));

revoke all on table public.voltagent_memory_vectors from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.voltagent_memory_vectors to authenticated, service_role;

-- A message vector goes with its message --------------------------------------------------------------
-- Statement-level, with the deleted rows as a transition table: one delete per statement, whatever
-- deleted the messages (deleteMessages, clearMessages, the conversation's or the user's cascade).
create function public.voltagent_memory_vectors_on_message_delete()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  delete from public.voltagent_memory_vectors v
  using gone g
  where v.conversation_id = g.conversation_id and v.user_id = g.user_id and v.message_id = g.message_id;
  return null;
end
$$;

create trigger voltagent_memory_vectors_on_message_delete
  after delete on public.voltagent_memory_messages
  referencing old table as gone
  for each statement execute function public.voltagent_memory_vectors_on_message_delete();

-- Operations: one function per VectorAdapter method ---------------------------------------------------

-- p_vectors: [{ "id", "embedding" ("[1,2,...]"), "metadata", "content", "user_id", "conversation_id",
-- "message_id" }]. Upsert by id; duplicate ids in one batch: the last one wins. A vector's owner never
-- changes: an id stored by another owner (or as a document) is refused with VS405.
create function public.voltagent_memory_store_vectors(p_vectors jsonb)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_item record;
  v_owner uuid;
  v_expected integer;
  v_written integer;
begin
  for v_item in
    select distinct e ->> 'conversation_id' as conversation_id, (e ->> 'user_id')::uuid as user_id
    from pg_catalog.jsonb_array_elements(p_vectors) e
    where e ->> 'conversation_id' is not null
  loop
    select c.user_id into v_owner from public.voltagent_memory_conversations c where c.id = v_item.conversation_id;
    if not found then
      raise exception using errcode = 'VS404', message = format('Conversation %s not found', v_item.conversation_id);
    end if;
    if v_owner is distinct from v_item.user_id then
      raise exception using errcode = 'VS403',
        message = format('User %s does not own conversation %s', v_item.user_id, v_item.conversation_id);
    end if;
  end loop;

  insert into public.voltagent_memory_vectors as v
    (id, user_id, conversation_id, message_id, embedding, metadata, content)
  select d.item ->> 'id', (d.item ->> 'user_id')::uuid, d.item ->> 'conversation_id', d.item ->> 'message_id',
         (d.item ->> 'embedding')::extensions.vector, d.item -> 'metadata', d.item ->> 'content'
  from (
    select distinct on (e.item ->> 'id') e.item, e.ord
    from pg_catalog.jsonb_array_elements(p_vectors) with ordinality as e (item, ord)
    order by e.item ->> 'id', e.ord desc
  ) d
  order by d.ord
  on conflict (id) do update
    set conversation_id = excluded.conversation_id, message_id = excluded.message_id,
        embedding = excluded.embedding, metadata = excluded.metadata, content = excluded.content,
        updated_at = now()
    where v.user_id is not distinct from excluded.user_id;
  get diagnostics v_written = row_count;
  select count(distinct e ->> 'id') into v_expected from pg_catalog.jsonb_array_elements(p_vectors) e;
  if v_written < v_expected then
    raise exception using errcode = 'VS405',
      message = 'A vector id in this batch is already stored for another owner';
  end if;
end
$$;

-- The statement a search runs, for its dimension and the filters it has ($1 query, $2 user,
-- $3 conversation, $4 metadata, $5 maximum distance, $6 limit). Its own function so that tests can
-- EXPLAIN exactly what search executes (test/vector/explain.test.ts).
-- Score = 1 - distance / 2 (= (cosine similarity + 1) / 2, as core's adapters define it); the
-- threshold applies to the score. Only vectors of the query's dimension are candidates. With a filter
-- (user, conversation, metadata) the search is exact over the rows the filter selects through its
-- btree or GIN index; without one it walks the HNSW index of that dimension (if there is one).
create function public.voltagent_memory_vector_search_statement(
  p_dimensions integer,
  p_user boolean,
  p_conversation boolean,
  p_metadata boolean,
  p_threshold boolean
)
returns text
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_type text := 'vector';
  -- A zero vector has no direction: pgvector gives NaN; core's cosine gives similarity 0 (distance 1).
  v_distance text := 'coalesce(nullif(v.embedding OPERATOR(extensions.<=>) $1::extensions.vector, ''NaN''::double precision), 1)';
  v_order text;
  v_where text;
begin
  if p_dimensions is null or p_dimensions < 1 then
    raise exception using errcode = '22023', message = 'the dimension must be a positive integer';
  end if;
  v_where := format('v.dimensions = %s', p_dimensions);
  if p_user or p_conversation or p_metadata then
    v_order := v_distance || ', v.id';
  else
    if p_dimensions > 2000 and pg_catalog.to_regtype('extensions.halfvec') is not null then
      v_type := 'halfvec';
    end if;
    -- The expression of the per-dimension HNSW index, so that the planner can walk it.
    v_order := format('(v.embedding::extensions.%s(%s)) OPERATOR(extensions.<=>) $1::extensions.%s(%s)',
                      v_type, p_dimensions, v_type, p_dimensions);
  end if;
  if p_user then v_where := v_where || ' and v.user_id = $2'; end if;
  if p_conversation then v_where := v_where || ' and v.conversation_id = $3'; end if;
  if p_metadata then v_where := v_where || ' and v.metadata @> $4'; end if;
  if p_threshold then v_where := v_where || format(' and %s <= $5', v_distance); end if;
  return format(
    'select v.id, v.embedding::text, v.metadata, v.content, %s from public.voltagent_memory_vectors v '
    'where %s order by %s limit $6',
    v_distance, v_where, v_order);
end
$$;

-- Cosine search, nearest first. Dynamic SQL: the dimension must be a literal for the per-dimension
-- index to match, and each call is planned with its own values (a one-conversation filter is then
-- never planned as if it were a big one).
create function public.voltagent_memory_search_vectors(
  p_embedding text,
  p_dimensions integer,
  p_limit integer default 10,
  p_threshold double precision default null,
  p_user_id uuid default null,
  p_conversation_id text default null,
  p_metadata jsonb default null
)
returns table (id text, embedding text, metadata jsonb, content text, distance double precision)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  -- An HNSW walk returns at most hnsw.ef_search rows (default 40): widen it, for this transaction
  -- only, when an unfiltered search asks for more (pgvector allows up to 1,000).
  if p_limit > 40 and p_user_id is null and p_conversation_id is null and p_metadata is null then
    perform pg_catalog.set_config('hnsw.ef_search', least(p_limit, 1000)::text, true);
  end if;
  return query execute public.voltagent_memory_vector_search_statement(
      p_dimensions, p_user_id is not null, p_conversation_id is not null, p_metadata is not null, p_threshold is not null)
  using p_embedding::extensions.vector, p_user_id, p_conversation_id, p_metadata, 2 - 2 * p_threshold,
        case when p_limit > 0 then p_limit end;
end
$$;

create function public.voltagent_memory_get_vector(p_id text)
returns table (id text, embedding text, metadata jsonb, content text)
language sql
stable
security invoker
set search_path = ''
as $$
  select v.id, v.embedding::text, v.metadata, v.content from public.voltagent_memory_vectors v where v.id = p_id
$$;

create function public.voltagent_memory_delete_vectors(p_ids text[])
returns void
language sql
security invoker
set search_path = ''
as $$
  delete from public.voltagent_memory_vectors v where v.id = any (p_ids)
$$;

-- Every vector the caller can see: all of them on a trusted connection, the user's own under RLS.
create function public.voltagent_memory_clear_vectors()
returns void
language sql
security invoker
set search_path = ''
as $$
  delete from public.voltagent_memory_vectors v where v.id is not null
$$;

create function public.voltagent_memory_count_vectors()
returns bigint
language sql
stable
security invoker
set search_path = ''
as $$
  select count(*) from public.voltagent_memory_vectors
$$;

-- The vector set's version, checked by the vector adapter on first use (the base set has its own).
create function public.voltagent_memory_vector_schema_version()
returns integer
language sql
immutable
security invoker
set search_path = ''
as $$ select 1 $$;

-- Privileges: as in 0002, nothing for PUBLIC and anon; the trigger function for nobody (a trigger
-- needs no EXECUTE privilege to fire).
revoke all on function public.voltagent_memory_vectors_on_message_delete() from public, anon, authenticated, service_role;
do $$
declare
  f regprocedure;
begin
  for f in
    select p.oid::regprocedure from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public'
      and p.proname in ('voltagent_memory_store_vectors', 'voltagent_memory_search_vectors', 'voltagent_memory_get_vector',
                        'voltagent_memory_vector_search_statement',
                        'voltagent_memory_delete_vectors', 'voltagent_memory_clear_vectors',
                        'voltagent_memory_count_vectors', 'voltagent_memory_vector_schema_version')
  loop
    execute format('revoke all on function %s from public, anon, authenticated, service_role', f);
    execute format('grant execute on function %s to authenticated, service_role', f);
  end loop;
end
$$;
