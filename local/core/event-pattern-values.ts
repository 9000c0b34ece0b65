/**
 * Value-level helpers of EventBridge's pattern language, used when a pattern compiles (string
 * operators, wildcards, addresses) and when an event value is tested against them.
 */

/**
 * An IPv4 or IPv6 address literal as a number, or undefined. Like event-ruler (which uses Java's
 * InetAddress), an IPv4-mapped IPv6 address (`::ffff:a00:1`) is the IPv4 address it maps.
 */
export function parseIp(text: string): { value: bigint; bytes: 4 | 16 } | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(text)) {
    const octets = text.split('.').map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), bytes: 4 };
  }
  if (!/^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? head.length !== 8 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const value = all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
  if (value >> 32n === 0xffffn) return { value: value & 0xffffffffn, bytes: 4 };
  return { value, bytes: 16 };
}

/** The test of a string operator (prefix, suffix, equals-ignore-case, wildcard) against a string value. */
export function textTest(op: string, text: string, ignoreCase: boolean): (value: string) => boolean {
  if (op === 'wildcard') {
    const re = wildcardRegExp(text);
    return (value) => re.test(value);
  }
  if (ignoreCase) {
    const re = ignoreCaseRegExp(text, op);
    return (value) => re.test(value);
  }
  return op === 'prefix' ? (value) => value.startsWith(text) : (value) => value.endsWith(text);
}

/**
 * An ignore-case comparison the way event-ruler's EqualsIgnoreCaseParser builds it: each character
 * of the pattern matches its lower-case or its upper-case form (Locale.ROOT), as the value spells
 * it. So "straße" matches "STRASSE" ("ß" upper-cases to "SS") but "STRASSE" does not match "straße".
 */
function ignoreCaseRegExp(text: string, op: string): RegExp {
  let source = '';
  for (const c of text) {
    const forms = [...new Set([c.toLowerCase(), c.toUpperCase()])].map(escapeRegExp);
    source += forms.length === 1 ? forms[0] : `(?:${forms.join('|')})`;
  }
  return new RegExp(op === 'prefix' ? `^${source}` : op === 'suffix' ? `${source}$` : `^${source}$`);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** What a "*" compiles to in a wildcard's regular expression. */
const ANY = '[\\s\\S]*';

/**
 * Compiles a wildcard: "*" matches zero or more characters, "\*" a literal star, "\\" a backslash.
 * Called once per wildcard when its pattern compiles; the compiled pattern keeps the expression,
 * so no process-wide cache grows with every pattern a long `--serve` session is sent.
 */
export function wildcardRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] === '\\' ? pattern[++i] : pattern[i] === '*' ? null : pattern[i];
    source += c === null ? ANY : escapeRegExp(c);
  }
  return new RegExp(`^${source}$`);
}
