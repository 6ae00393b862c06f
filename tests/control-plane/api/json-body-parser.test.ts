/** The raw-text depth scan: brackets inside strings (escaped quotes included) do not count; the path names where. */
import { describe, expect, it } from '@jest/globals';
import { findTooDeepJson, parseJsonBody } from '../../../src/control-plane/api/json-body-parser.js';

describe('findTooDeepJson', () => {
  it('counts containers, the top one as level 1', () => {
    expect(findTooDeepJson('[[[]]]', 3)).toBeNull();
    expect(findTooDeepJson('[[[[]]]]', 3)).toEqual({ depth: 4, path: 'body[0][0][0]' });
    expect(findTooDeepJson('{"a":{"b":{"c":{}}}}', 3)).toEqual({ depth: 4, path: 'body.a.b.c' });
  });

  it('ignores brackets in strings, with escaped quotes and backslashes', () => {
    const text = JSON.stringify({ s: '"[[[[{{{{', t: '\\', u: '\\"[[[[', v: ['x', '[[['] });
    expect(findTooDeepJson(text, 2)).toBeNull();
    expect(JSON.parse(text)).toBeTruthy();
  });

  it('names keys and indexes on the way, and cuts a long path', () => {
    expect(findTooDeepJson('{"x":1,"list":[0,1,{"two words":[[]]}]}', 4)).toEqual({ depth: 5, path: 'body.list[2]["two words"][0]' });
    expect(findTooDeepJson(`{"m":${'['.repeat(100)}${']'.repeat(100)}}`, 10)!.path).toBe('body.m[0][0][0]…');
  });

  it('scans 20,000 levels without recursion', () => {
    expect(findTooDeepJson('['.repeat(20_000) + ']'.repeat(20_000), 32)).toEqual({ depth: 33, path: 'body[0][0][0][0]…' });
  });
});

describe('parseJsonBody', () => {
  it('parses what passes, refuses the rest with a named 400', () => {
    expect(parseJsonBody(Buffer.from('{"a":[1,"x"]}'), 32)).toEqual({ a: [1, 'x'] });
    expect(() => parseJsonBody(Buffer.from('{"a":'), 32)).toThrow(/body: not valid JSON/);
    expect(() => parseJsonBody(Buffer.from(''), 32)).toThrow(/body: empty/);
    expect(() => parseJsonBody(Buffer.from([0x22, 0xff, 0x22]), 32)).toThrow(/not valid UTF-8/);
    expect(() => parseJsonBody(Buffer.from('{"a":"\\u0000"}'), 32)).toThrow(/body\.a: text contains a NUL/);
  });
});
