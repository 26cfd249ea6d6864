const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_SQUARE = 0x5b;
const CLOSE_SQUARE = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const NON_SPACE = /\S/g;

/**
 * The text of the top-level element at `index`, or why there is none where one was expected;
 * a problem of the array as a whole has no index.
 */
export type ArrayPiece = { index: number; text: string } | { index?: number; problem: string };

/**
 * Cuts the text of a JSON array, arriving in chunks of any size, into the text of its top-level
 * elements, so that each is parsed alone (by the native JSON.parse) and the array never sits
 * whole in memory. It tracks only strings and nesting; a malformed element comes out as text
 * that JSON.parse rejects, so the elements after it are still read and checked.
 */
export class JsonArraySplitter {
  private state: 'before' | 'inside' | 'after' = 'before';
  private depth = 0;
  private inString = false;
  /** The previous chunk ended on a backslash inside a string. */
  private escaped = false;
  /** The current element's text from earlier chunks. */
  private pieces: string[] = [];
  private elements = 0;
  private reported = false;

  push(chunk: string): ArrayPiece[] {
    const out: ArrayPiece[] = [];
    let i = this.state === 'before' ? this.open(chunk, out) : 0;
    let start = i;
    while (this.state === 'inside' && i < chunk.length) {
      if (this.inString) {
        i = this.skipString(chunk, i);
        continue;
      }
      const at = nextStructure(chunk, i);
      if (at < 0) i = chunk.length;
      else if (this.structure(chunk.charCodeAt(at))) {
        out.push(...this.endElement(chunk.slice(start, at), chunk.charCodeAt(at) === CLOSE_SQUARE));
        i = start = at + 1;
      } else i = at + 1;
    }
    if (this.state === 'inside') this.pieces.push(chunk.slice(start));
    else if (this.state === 'after') this.checkTrailing(chunk, i, out);
    return out;
  }

  /** Call once the input has ended. */
  end(): ArrayPiece[] {
    if (this.state === 'before') return [{ problem: 'the input holds no JSON array' }];
    if (this.state === 'inside') return [{ problem: 'the JSON array is not closed with ]' }];
    return [];
  }

  /** Finds the opening `[`; returns where the array's content starts. */
  private open(chunk: string, out: ArrayPiece[]): number {
    NON_SPACE.lastIndex = 0;
    const found = NON_SPACE.exec(chunk);
    if (!found) return chunk.length;
    if (found[0] === '[') {
      this.state = 'inside';
      return found.index + 1;
    }
    this.state = 'after';
    this.reported = true;
    out.push({ problem: 'the input does not start with [' });
    return chunk.length;
  }

  /** Tracks nesting; true when `c` ends a top-level element. */
  private structure(c: number): boolean {
    if (c === QUOTE) this.inString = true;
    else if (c === OPEN_BRACE || c === OPEN_SQUARE) this.depth++;
    else if (this.depth > 0 && c !== COMMA) this.depth--;
    else return this.depth === 0 && (c === COMMA || c === CLOSE_SQUARE);
    return false;
  }

  /** Returns the index after the string's closing quote, or the chunk's end. */
  private skipString(chunk: string, from: number): number {
    const i = this.escaped ? from + 1 : from;
    this.escaped = false;
    for (let quote = chunk.indexOf('"', i); quote >= 0; quote = chunk.indexOf('"', quote + 1)) {
      if (backslashesBefore(chunk, quote, i) % 2 === 0) {
        this.inString = false;
        return quote + 1;
      }
    }
    this.escaped = backslashesBefore(chunk, chunk.length, i) % 2 === 1;
    return chunk.length;
  }

  private endElement(tail: string, closing: boolean): ArrayPiece[] {
    const text = (this.pieces.join('') + tail).trim();
    this.pieces = [];
    if (closing) this.state = 'after';
    // `[]` is an empty array; `[,` or `[1,]` lack an element.
    if (text === '' && closing && this.elements === 0) return [];
    const index = this.elements++;
    if (text !== '') return [{ index, text }];
    return [{ index, problem: 'an element is missing (two commas, or one before ])' }];
  }

  private checkTrailing(chunk: string, from: number, out: ArrayPiece[]): void {
    NON_SPACE.lastIndex = from;
    if (this.reported || !NON_SPACE.test(chunk)) return;
    this.reported = true;
    out.push({ problem: 'text follows the closing ] of the array' });
  }
}

/** How many backslashes stand right before `at`, not looking before `from`. */
function backslashesBefore(text: string, at: number, from: number): number {
  let count = 0;
  for (let i = at - 1; i >= from && text.charCodeAt(i) === BACKSLASH; i--) count++;
  return count;
}

/** The next character that matters outside strings (a plain loop: faster here than a regex). */
function nextStructure(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE || c === COMMA || c === OPEN_BRACE || c === CLOSE_BRACE) return i;
    if (c === OPEN_SQUARE || c === CLOSE_SQUARE) return i;
  }
  return -1;
}
