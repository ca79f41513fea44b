import type { SearchResult, VectorItem } from "@voltagent/core";
import { decodeJson, decodeText } from "../codec.js";

type Row = Record<string, unknown>;

/**
 * pgvector's text output ("[1,2.5,-3]") is JSON with each float4 in its shortest form; Math.fround
 * gives back the stored single-precision value exactly (what a caller's Math.fround(x) is, and what
 * upstream's Float32 BYTEA adapter returns).
 */
function parseEmbedding(text: unknown): number[] {
  const values = (typeof text === "string" ? JSON.parse(text) : text) as number[];
  return values.map((x) => Math.fround(x));
}

export function vectorItemFromRow(row: Row): VectorItem {
  const item: VectorItem = { id: decodeText(String(row.id)), vector: parseEmbedding(row.embedding) };
  if (row.metadata !== null && row.metadata !== undefined) item.metadata = decodeJson(row.metadata as Record<string, unknown>);
  if (typeof row.content === "string") item.content = decodeText(row.content);
  return item;
}

/** Core's definitions: score = (cosine similarity + 1) / 2 = 1 - d / 2, distance = 1 - similarity = d. */
export function searchResultFromRow(row: Row): SearchResult {
  const distance = Number(row.distance);
  return { ...vectorItemFromRow(row), score: 1 - distance / 2, distance };
}
