/**
 * Deterministic benchmark data, generated per conversation so that any conversation's vectors can be
 * regenerated for the exact (brute-force) reference without keeping 1M vectors in memory.
 *
 * Each conversation has a topic (a random direction); each message vector is its topic plus noise of
 * the same size, so messages of one conversation have cosine similarity about 0.5 with each other
 * (score 0.75, above Memory's default threshold 0.7) and about 0 with other conversations.
 */
import type { Dataset, VectorScale } from "./config.js";

export interface Layout {
  dataset: Dataset;
  conversations: number;
  users: number;
  conversationSize: number;
  conversationsPerUser: number;
}

export function layoutOf(dataset: Dataset, scale: VectorScale): Layout {
  const conversations = Math.ceil(dataset.vectors / scale.conversationSize);
  return {
    dataset,
    conversations,
    users: Math.ceil(conversations / scale.conversationsPerUser),
    conversationSize: scale.conversationSize,
    conversationsPerUser: scale.conversationsPerUser,
  };
}

/** mulberry32: small, fast, good enough for benchmark data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rnd: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

const mix = (a: number, b: number) => (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x27d4eb2f, 0xc2b2ae35)) >>> 0;

export const userIdOf = (layout: Layout, c: number) => userUuid(Math.floor(c / layout.conversationsPerUser));
export const userUuid = (u: number) => `00000000-0000-4000-8000-${u.toString(16).padStart(12, "0")}`;
export const conversationIdOf = (c: number) => `conv-${c}`;
export const messageIdOf = (c: number, k: number) => `m-${c}-${k}`;
export const vectorIdOf = (c: number, k: number) => `msg_${conversationIdOf(c)}_${messageIdOf(c, k)}`;
/** Messages in conversation c (the last one may be short). */
export const sizeOf = (layout: Layout, c: number) =>
  Math.min(layout.conversationSize, layout.dataset.vectors - c * layout.conversationSize);

const CREATED_AT = "2026-01-01T00:00:00.000Z";
export function metadataOf(layout: Layout, c: number, k: number): Record<string, unknown> {
  return {
    messageId: messageIdOf(c, k),
    conversationId: conversationIdOf(c),
    userId: userIdOf(layout, c),
    role: k % 2 === 0 ? "user" : "assistant",
    createdAt: CREATED_AT,
  };
}

function topic(c: number, dims: number): Float64Array {
  const g = gaussian(prng(mix(c, 1)));
  return Float64Array.from({ length: dims }, g);
}

/** Topic plus noise, normalised and rounded to float32 (what both engines store). */
function near(center: Float64Array, seed: number): Float32Array {
  const g = gaussian(prng(seed));
  const v = new Float64Array(center.length);
  let norm = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = (center[i] as number) + g();
    norm += (v[i] as number) ** 2;
  }
  norm = Math.sqrt(norm);
  return Float32Array.from(v, (x) => x / norm);
}

/** The vectors of conversation c, message by message. */
export function conversationVectors(layout: Layout, c: number): Float32Array[] {
  const center = topic(c, layout.dataset.dimensions);
  return Array.from({ length: sizeOf(layout, c) }, (_, k) => near(center, mix(c, k + 2)));
}

/** A query about conversation c's topic (a new message, not a stored one). */
export function queryVector(layout: Layout, c: number, q: number): number[] {
  return Array.from(near(topic(c, layout.dataset.dimensions), mix(c, 1_000_000 + q)));
}

/** A vector for storeBatch: about conversation c's topic. */
export function freshVector(layout: Layout, c: number, seed: number): number[] {
  return Array.from(near(topic(c, layout.dataset.dimensions), mix(c, 2_000_000 + seed)));
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

/**
 * Exact top-k of a conversation as core's adapters define it (score = (cos + 1) / 2, kept when
 * score >= threshold, ordered by score), computed in JavaScript from the regenerated vectors.
 */
export function exactTopK(layout: Layout, c: number, query: number[], k: number, threshold: number): string[] {
  return conversationVectors(layout, c)
    .map((v, m) => ({ id: vectorIdOf(c, m), score: (cosine(query, v) + 1) / 2 }))
    .filter((r) => r.score >= threshold)
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, k)
    .map((r) => r.id);
}

// Postgres binary COPY (https://www.postgresql.org/docs/15/sql-copy.html, "Binary Format") ----------

class CopyWriter {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor() {
    const header = Buffer.alloc(19);
    header.write("PGCOPY\n\xff\r\n\0", 0, "latin1");
    this.push(header);
  }
  private push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
  }
  row(fields: Buffer[]): void {
    const head = Buffer.alloc(2);
    head.writeInt16BE(fields.length);
    this.push(head);
    for (const f of fields) {
      const len = Buffer.alloc(4);
      len.writeInt32BE(f.length);
      this.push(len);
      this.push(f);
    }
  }
  finish(): Uint8Array {
    const trailer = Buffer.alloc(2);
    trailer.writeInt16BE(-1);
    this.push(trailer);
    return Buffer.concat(this.chunks, this.size);
  }
}

const uuidBinary = (uuid: string) => Buffer.from(uuid.replace(/-/g, ""), "hex");
/** jsonb's binary input: a version byte (1), then the JSON text. */
const jsonbBinary = (value: unknown) => Buffer.concat([Buffer.from([1]), Buffer.from(JSON.stringify(value))]);
/** pgvector's vector_recv: int16 dimensions, int16 unused, then float4 big-endian. */
function vectorBinary(v: Float32Array): Buffer {
  const b = Buffer.alloc(4 + v.length * 4);
  b.writeInt16BE(v.length, 0);
  b.writeInt16BE(0, 2);
  for (let i = 0; i < v.length; i++) b.writeFloatBE(v[i] as number, 4 + i * 4);
  return b;
}

/** The columns COPY fills in this library's table (everything else has its default). */
export const OUR_COPY_COLUMNS = "id, user_id, conversation_id, message_id, embedding, metadata";

/** A binary COPY payload of conversations [from, to) for this library's vector table. */
export function ourCopyPayload(layout: Layout, from: number, to: number): Uint8Array {
  const w = new CopyWriter();
  for (let c = from; c < to; c++) {
    const user = uuidBinary(userIdOf(layout, c));
    const conv = Buffer.from(conversationIdOf(c));
    conversationVectors(layout, c).forEach((v, k) => {
      w.row([Buffer.from(vectorIdOf(c, k)), user, conv, Buffer.from(messageIdOf(c, k)), vectorBinary(v), jsonbBinary(metadataOf(layout, c, k))]);
    });
  }
  return w.finish();
}

/** @voltagent/postgres's serialisation: Float32 little-endian in a BYTEA (its serializeVector). */
export function upstreamBytes(v: ArrayLike<number>): Buffer {
  const b = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) b.writeFloatLE(v[i] as number, i * 4);
  return b;
}

/** Rows of conversations [from, to) for @voltagent/postgres's table, as parallel arrays for unnest. */
export function upstreamRows(layout: Layout, from: number, to: number): { ids: string[]; vectors: Buffer[]; metadata: string[] } {
  const ids: string[] = [];
  const vectors: Buffer[] = [];
  const metadata: string[] = [];
  for (let c = from; c < to; c++) {
    conversationVectors(layout, c).forEach((v, k) => {
      ids.push(vectorIdOf(c, k));
      vectors.push(upstreamBytes(v));
      metadata.push(JSON.stringify(metadataOf(layout, c, k)));
    });
  }
  return { ids, vectors, metadata };
}
