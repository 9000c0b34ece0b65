/**
 * JSON numbers as EventBridge's engine reads them. aws/event-ruler keeps each number's source
 * text and compares it numerically only when the text is exactly a double: its decimal value is
 * that of the double it rounds to (`ComparableNumber.generate`: "Cannot compare number" otherwise).
 * `JSON.parse` rounds `1.0000000000000001` to `1` and `1e400` to `Infinity`, which would make such a
 * value match `[1]` or a `numeric` range where EventBridge matches it as text only. So patterns and
 * events that hold such a number are parsed here, keeping it as an {@link ExactNumberText}.
 */

/** A JSON number that no double holds exactly, kept as its source text (event-ruler matches it as text). */
export class ExactNumberText {
  /** @param text - the number as the JSON spelled it, e.g. `1.0000000000000001`. */
  constructor(readonly text: string) {}

  /** Serialized as what it is closest to, for output only (matching never uses it). */
  toJSON(): number {
    return Number(this.text);
  }
}

/**
 * The decimal value of a JSON number's text, as sign, digits (no leading or trailing zeros) and the
 * power of ten of the last digit: `-12.50e1` → `-125e0`; every zero is `0`.
 */
function canonicalDecimal(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (match === null) return text;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  let digits = `${whole}${fraction}`.replace(/^0+/, '');
  if (digits === '') return '0';
  let power = Number(exponent) - fraction.length;
  const trailing = /0+$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - trailing);
  power += trailing;
  return `${sign}${digits}e${power}`;
}

/**
 * True when a JSON number's text is exactly a double: finite, and equal in decimal value to the
 * shortest text of the double it parses to (so `0.1` is, `1.0000000000000001` and `1e400` are not).
 */
export function isExactDouble(text: string): boolean {
  const value = Number(text);
  return Number.isFinite(value) && canonicalDecimal(String(value).replace('e+', 'e')) === canonicalDecimal(text);
}

/**
 * A number text no double holds exactly needs 16 or more digits, or an exponent (15 significant
 * digits always round-trip, and only an exponent reaches past the double range with fewer):
 * without either, `JSON.parse` loses nothing.
 */
const MAY_HOLD_INEXACT_NUMBER = /\d{16}|\d[eE]/;

/**
 * `JSON.parse`, except that a number no double holds exactly becomes an {@link ExactNumberText}.
 * Invalid JSON throws `JSON.parse`'s `SyntaxError`.
 */
export function parseJsonKeepingNumberText(text: string): unknown {
  return withNumberText(text, JSON.parse(text));
}

/** `parsed` (what `JSON.parse` made of `text`), read again keeping number texts if it may need to be. */
export function withNumberText(text: string, parsed: unknown): unknown {
  return MAY_HOLD_INEXACT_NUMBER.test(text) ? new NumberKeepingParser(text).document() : parsed;
}

/** A recursive-descent reader of JSON already known to be valid (`JSON.parse` accepted it). */
class NumberKeepingParser {
  private at = 0;

  constructor(private readonly text: string) {}

  document(): unknown {
    const value = this.value();
    this.space();
    return value;
  }

  private space(): void {
    while (/\s/.test(this.text[this.at] ?? '')) this.at += 1;
  }

  private value(): unknown {
    this.space();
    const c = this.text[this.at];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    return this.number();
  }

  private object(): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    this.at += 1;
    this.space();
    if (this.text[this.at] === '}') {
      this.at += 1;
      return object;
    }
    for (;;) {
      this.space();
      const key = this.string();
      this.space();
      this.at += 1; // ':'
      const value = this.value();
      // As JSON.parse: an own property even for "__proto__", and the last of a repeated key wins.
      Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      this.space();
      if (this.text[this.at++] === '}') return object;
    }
  }

  private array(): unknown[] {
    const array: unknown[] = [];
    this.at += 1;
    this.space();
    if (this.text[this.at] === ']') {
      this.at += 1;
      return array;
    }
    for (;;) {
      array.push(this.value());
      this.space();
      if (this.text[this.at++] === ']') return array;
    }
  }

  private string(): string {
    const start = this.at;
    this.at += 1;
    while (this.text[this.at] !== '"') this.at += this.text[this.at] === '\\' ? 2 : 1;
    this.at += 1;
    return JSON.parse(this.text.slice(start, this.at)) as string;
  }

  private number(): number | ExactNumberText {
    const match = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    match.lastIndex = this.at;
    const text = match.exec(this.text)?.[0] ?? '';
    this.at += text.length;
    return isExactDouble(text) ? Number(text) : new ExactNumberText(text);
  }
}
