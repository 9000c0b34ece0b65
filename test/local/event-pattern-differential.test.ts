/**
 * Where EventBridge's engine (aws/event-ruler, HEAD 337e8d9, both its `StructuredFinder` and
 * `ACFinder`) reads a pattern or an event differently from `JSON.parse` and a naive matcher, each row
 * checked against event-ruler itself in a differential run and sent here through the served
 * `TestEventPattern` operation, as text, so that every number keeps its spelling:
 * - numbers no double holds exactly (`1.0000000000000001`, `12345678901234567890`, `1e400`): as a
 *   `numeric` or `anything-but` operand event-ruler refuses them ("Cannot compare number"); as an
 *   event value they are no number to compare, and match only a pattern literal of the same text;
 * - `{"exists": false}` under an array of objects: the field must be absent from every element,
 *   unless a field sorted before it matched within one element, which then is the one judged.
 */
import { isExactDouble, parseJsonKeepingNumberText, ExactNumberText } from '../../local/core/json-number-text';
import { testEventPattern } from '../../local/stand-ins/event-bridge/event-bridge-stand-in';
import { ServiceError } from '../../local/core/service-error';

/** An event's text with the envelope fields TestEventPattern requires added in front, its own text kept. */
const withEnvelope = (event: string) =>
  `{"id":"1","source":"test","account":"123456789012","time":"2026-01-05T00:00:00Z","region":"us-east-1","detail-type":"Test",${event.slice(1)}`;

const served = (pattern: string, event: string) => testEventPattern({ EventPattern: pattern, Event: withEnvelope(event) }).Result;

describe('numbers no double holds exactly, and exists: false under arrays (event-ruler differential)', () => {
  it.each<[string, string, string, boolean]>([
    ['0.1 and seven decimals are operands a double holds', '{"x":[{"numeric":[">",0.1,"<",1.2345678]}]}', '{"x":1}', true],
    ['an exact number matches another spelling of its double', '{"x":[300]}', '{"x":3e2}', true],
    ['an exact number never matches a string', '{"x":[300]}', '{"x":"300"}', false],
    ['numeric = 3.018e2 matches 301.8', '{"x":{"limit":[{"numeric":["=",3.018e2]}]}}', '{"x":{"limit":301.8}}', true],
    ['27.807807921694092 is not 27.80780792169409', '{"x":[27.807807921694092]}', '{"x":27.80780792169409}', false],
    ['an event 1.0000000000000001 is not the number 1', '{"x":[1]}', '{"x":1.0000000000000001}', false],
    ['numeric misses an event number no double holds', '{"x":[{"numeric":[">",0]}]}', '{"x":1.0000000000000001}', false],
    ['numeric misses an event integer past double precision', '{"x":[{"numeric":[">",0]}]}', '{"x":12345678901234567890}', false],
    ['numeric misses an event number past the double range', '{"x":[{"numeric":[">",0]}]}', '{"x":1e400}', false],
    ['a literal no double holds matches the same text', '{"x":[1.0000000000000001]}', '{"x":1.0000000000000001}', true],
    ['a literal no double holds does not match the double it rounds to', '{"x":[1.0000000000000001]}', '{"x":1}', false],
    ['1e400 is a valid literal, matched as text', '{"x":[1e400]}', '{"x":1e400}', true],
    ['anything-but 300 matches a number it cannot compare', '{"x":[{"anything-but":300}]}', '{"x":12345678901234567890}', true],
    ['exists: true matches a number it cannot compare', '{"x":[{"exists":true}]}', '{"x":1e400}', true],
    [
      'exists: false, one element has the field',
      '{"detail":{"items":{"name":[{"exists":false}]}}}',
      '{"detail":{"items":[{"name":"a"},{"other":1}]}}',
      false,
    ],
    [
      'exists: false, no element has the field',
      '{"detail":{"items":{"name":[{"exists":false}]}}}',
      '{"detail":{"items":[{"other":1},{"other":2}]}}',
      true,
    ],
    ['exists: false, an empty array', '{"detail":{"items":{"name":[{"exists":false}]}}}', '{"detail":{"items":[]}}', true],
    [
      'exists: false, every element has the field',
      '{"detail":{"items":{"name":[{"exists":false}]}}}',
      '{"detail":{"items":[{"name":"a"},{"name":"b"}]}}',
      false,
    ],
    [
      'exists: false, an element holds the field as null (present)',
      '{"detail":{"items":{"name":[{"exists":false}]}}}',
      '{"detail":{"items":[{"name":null},{"other":1}]}}',
      false,
    ],
    [
      'exists: false, the field holds an object (no leaf: absent)',
      '{"detail":{"items":{"name":[{"exists":false}]}}}',
      '{"detail":{"items":[{"name":{"a":1}}]}}',
      true,
    ],
    [
      'exists: false after a sibling sorted before it matched: judged in that element',
      '{"d":{"a":[{"exists":true}],"b":[{"exists":false}]}}',
      '{"d":[{"a":1},{"b":2}]}',
      true,
    ],
    [
      'the same with the sibling sorted after it: judged over every element',
      '{"d":{"z":[{"exists":true}],"b":[{"exists":false}]}}',
      '{"d":[{"z":1},{"b":2}]}',
      false,
    ],
  ])('%s', (_case, pattern, event, expected) => {
    expect(served(pattern, event)).toBe(expected);
  });

  it.each<[string, string, string]>([
    ['a numeric operand no double holds', '{"x":[{"numeric":[">",1.0000000000000001]}]}', '1.0000000000000001'],
    ['an integer operand past double precision', '{"x":[{"numeric":[">",12345678901234567890]}]}', '12345678901234567890'],
    ['a bound of a range past the double range', '{"x":[{"numeric":[">",0,"<",1e400]}]}', '1e400'],
    ['an anything-but number list with one no double holds', '{"x":[{"anything-but":[1,1.0000000000000001]}]}', '1.0000000000000001'],
    ['an anything-but number no double holds', '{"x":[{"anything-but":1.0000000000000001}]}', '1.0000000000000001'],
  ])('refuses %s: InvalidEventPatternException "Cannot compare number"', (_case, pattern, number) => {
    const call = () => served(pattern, '{"x":1}');
    expect(call).toThrow(ServiceError);
    expect(call).toThrow(`Cannot compare number : ${number}`);
  });
});

describe('json-number-text', () => {
  it.each<[string, boolean]>([
    ['0', true],
    ['-0', true],
    ['0.1', true],
    ['300.0', true],
    ['3e2', true],
    ['1.7976931348623157e308', true],
    ['5e-324', true],
    ['9007199254740992', true],
    ['9007199254740993', false],
    ['1.0000000000000001', false],
    ['0.30000000000000001', false],
    ['12345678901234567890', false],
    ['1e400', false],
    ['1e-400', false],
  ])('%s is exactly a double: %s', (text, exact) => {
    expect(isExactDouble(text)).toBe(exact);
  });

  it('parses as JSON.parse does, but keeps the text of a number no double holds', () => {
    const text = '{"a":[1,2.5,"x\\"y",null,true],"b":{"c":1.0000000000000001,"__proto__":3},"a":9007199254740993}';
    const parsed = parseJsonKeepingNumberText(text) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['a', 'b']);
    expect(parsed.a).toEqual(new ExactNumberText('9007199254740993'));
    expect(Object.getOwnPropertyDescriptor(parsed.b, '__proto__')?.value).toBe(3);
    expect((parsed.b as Record<string, unknown>).c).toEqual(new ExactNumberText('1.0000000000000001'));
    expect(parseJsonKeepingNumberText('{"a":[1,2.5,"x"]}')).toEqual({ a: [1, 2.5, 'x'] });
    expect(() => parseJsonKeepingNumberText('{"a":')).toThrow(SyntaxError);
  });
});
