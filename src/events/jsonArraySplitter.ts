const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_SQUARE = 0x5b;
const CLOSE_SQUARE = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

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
  private escaped = false;
  private collecting = false;
  private pieces: string[] = [];
  private elements = 0;
  private reported = false;

  *push(chunk: string): Generator<ArrayPiece> {
    let start = this.collecting ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
      } else if (this.state !== 'inside') {
        const problem = this.outside(c);
        if (problem) yield { problem };
      } else if (this.depth === 0 && (c === COMMA || c === CLOSE_SQUARE)) {
        yield* this.endElement(start < 0 ? '' : chunk.slice(start, i), c === CLOSE_SQUARE);
        start = -1;
      } else if (start >= 0 || !isSpace(c)) {
        if (start < 0) start = i;
        this.collecting = true;
        this.track(c);
      }
    }
    if (start >= 0) this.pieces.push(chunk.slice(start));
  }

  /** Call once the input has ended. */
  *end(): Generator<ArrayPiece> {
    if (this.state === 'before') yield { problem: 'the input holds no JSON array' };
    if (this.state === 'inside') yield { problem: 'the JSON array is not closed with ]' };
  }

  private outside(c: number): string | undefined {
    if (isSpace(c)) return undefined;
    if (this.state === 'before' && c === OPEN_SQUARE) {
      this.state = 'inside';
      return undefined;
    }
    if (this.reported) return undefined;
    this.reported = true;
    return this.state === 'before'
      ? 'the input does not start with ['
      : 'text follows the closing ] of the array';
  }

  private track(c: number): void {
    if (c === QUOTE) this.inString = true;
    else if (c === OPEN_BRACE || c === OPEN_SQUARE) this.depth++;
    else if ((c === CLOSE_BRACE || c === CLOSE_SQUARE) && this.depth > 0) this.depth--;
  }

  private *endElement(tail: string, closing: boolean): Generator<ArrayPiece> {
    const text = (this.pieces.join('') + tail).trim();
    this.pieces = [];
    this.collecting = false;
    if (closing) this.state = 'after';
    // `[]` is an empty array; `[,` or `[1,]` lack an element.
    if (text === '' && closing && this.elements === 0) return;
    const index = this.elements++;
    if (text !== '') yield { index, text };
    else yield { index, problem: 'an element is missing (two commas, or one before ])' };
  }
}
