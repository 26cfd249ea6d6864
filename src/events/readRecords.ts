import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { JsonArraySplitter, type ArrayPiece } from './jsonArraySplitter.ts';

/** Where a record was found: an NDJSON line (1-based), an array element (0-based), or neither. */
export interface RecordPosition {
  line?: number;
  index?: number;
}

/** One parsed JSON value of the input, or why that part of the input is not JSON. */
export type InputRecord =
  { at: RecordPosition; value: unknown } | { at: RecordPosition; problem: string };

export type InputFormat = 'ndjson' | 'json-array';

/**
 * Reads NDJSON, or a JSON array when the first non-blank character is `[`, one record at a
 * time: memory holds one chunk and one record, whatever the size of the input.
 */
export async function* readRecords(
  input: Readable,
  onFormat?: (format: InputFormat) => void,
): AsyncGenerator<InputRecord> {
  const { first, chunks } = await peekFirstCharacter(decode(input));
  const format = first === '[' ? 'json-array' : 'ndjson';
  onFormat?.(format);
  yield* format === 'json-array' ? arrayRecords(chunks) : ndjsonRecords(chunks);
}

/** UTF-8 text of the input; a character split across two chunks is kept whole. */
async function* decode(input: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of input as AsyncIterable<string | Buffer>) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (text !== '') yield text;
  }
  const rest = decoder.end();
  if (rest !== '') yield rest;
}

async function peekFirstCharacter(text: AsyncGenerator<string>) {
  const head: string[] = [];
  let first: string | undefined;
  while (first === undefined) {
    const next = await text.next();
    if (next.done) break;
    const chunk = head.length === 0 ? next.value.replace(/^\uFEFF/, '') : next.value;
    head.push(chunk);
    first = /\S/.exec(chunk)?.[0];
  }
  async function* chunks(): AsyncGenerator<string> {
    yield* head;
    for (let next = await text.next(); !next.done; next = await text.next()) yield next.value;
  }
  return { first, chunks: chunks() };
}

async function* ndjsonRecords(chunks: AsyncIterable<string>): AsyncGenerator<InputRecord> {
  const lines = createInterface({ input: Readable.from(chunks), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() !== '') yield parse(text, { line });
  }
}

async function* arrayRecords(chunks: AsyncIterable<string>): AsyncGenerator<InputRecord> {
  const splitter = new JsonArraySplitter();
  for await (const chunk of chunks) {
    for (const piece of splitter.push(chunk)) yield fromPiece(piece);
  }
  for (const piece of splitter.end()) yield fromPiece(piece);
}

function fromPiece(piece: ArrayPiece): InputRecord {
  const at = piece.index === undefined ? {} : { index: piece.index };
  return 'text' in piece ? parse(piece.text, at) : { at, problem: piece.problem };
}

function parse(text: string, at: RecordPosition): InputRecord {
  try {
    return { at, value: JSON.parse(text) };
  } catch (error) {
    return { at, problem: `is not valid JSON (${(error as Error).message})` };
  }
}
