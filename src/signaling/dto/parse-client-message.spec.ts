import assert from 'node:assert/strict';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { ClientMessage, PushDeviceRequest } from '../protocol.js';
import {
  MAX_ICE_CANDIDATE_CHARS,
  MAX_ICE_TAG_CHARS,
  MAX_SDP_CHARS,
  PROTOCOL_V2,
  PROTOCOL_VERSION,
} from '../protocol.js';
import { BadFrame, parseClientMessage } from './parse-client-message.js';

/** The problem a frame is refused with; fails when the frame is accepted. */
function problemOf(frame: unknown): string {
  const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
  const result = parseClientMessage(text);
  assert.ok(result instanceof BadFrame, `expected a BadFrame for ${text}`);
  assert.ok(result.problem.length > 0);
  return result.problem;
}

function parsed(frame: object): ClientMessage | PushDeviceRequest {
  const result = parseClientMessage(JSON.stringify(frame));
  assert.ok(!(result instanceof BadFrame), `unexpected BadFrame: ${String(problemText(result))}`);
  return result;
}

function problemText(result: ClientMessage | PushDeviceRequest | BadFrame): string | undefined {
  return result instanceof BadFrame ? result.problem : undefined;
}

/** `[[[…]]]` 20,000 deep, as text: more than JSON.stringify (or any recursive walk) survives. */
const DEEP = '['.repeat(20_000) + ']'.repeat(20_000);

const ice = { candidate: 'candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host', sdpMid: '0' };

describe('parseClientMessage', () => {
  describe('accepts', () => {
    it('call_start', () => {
      expect(parsed({ type: 'call_start', toUser: 'bob' })).toStrictEqual({
        type: 'call_start',
        toUser: 'bob',
      });
    });

    it('call_back "1" and "0"', () => {
      for (const msg of ['1', '0'] as const) {
        expect(parsed({ type: 'call_back', toUser: 'alice', msg, callId: 'c-1' })).toStrictEqual({
          type: 'call_back',
          toUser: 'alice',
          msg,
          callId: 'c-1',
        });
      }
    });

    it('offer and answer, with the SDP passed through as it is', () => {
      const sdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n';
      for (const type of ['offer', 'answer'] as const) {
        expect(parsed({ type, toUser: 'bob', sdp })).toStrictEqual({ type, toUser: 'bob', sdp });
      }
      // An empty SDP is still a string; the relay does not look inside it.
      expect(parsed({ type: 'offer', toUser: 'bob', sdp: '' })).toStrictEqual({
        type: 'offer',
        toUser: 'bob',
        sdp: '',
      });
    });

    it('_ice, with the candidate rebuilt field for field', () => {
      const full = { ...ice, sdpMLineIndex: 0, usernameFragment: 'sK3x' };
      for (const iceCandidate of [ice, full, { candidate: '' }, {}]) {
        const message = parsed({ type: '_ice', toUser: 'bob', iceCandidate });
        expect(message).toStrictEqual({ type: '_ice', toUser: 'bob', iceCandidate });
        assert.ok(message.type === '_ice' && message.iceCandidate !== iceCandidate);
      }
      const nulls = { candidate: 'c', sdpMid: null, sdpMLineIndex: null, usernameFragment: null };
      expect(parsed({ type: '_ice', toUser: 'bob', iceCandidate: nulls })).toStrictEqual({
        type: '_ice',
        toUser: 'bob',
        iceCandidate: nulls,
      });
    });

    it('_ice: fields an RTCIceCandidateInit does not have are dropped, however deep', () => {
      const frame = `{"type":"_ice","toUser":"bob","iceCandidate":{"candidate":"c","__proto__":{"sdpMid":"x"},"constructor":1,"extra":${DEEP}}}`;
      const message = parseClientMessage(frame);
      expect(message).toStrictEqual({
        type: '_ice',
        toUser: 'bob',
        iceCandidate: { candidate: 'c' },
      });
      expect(JSON.stringify(message)).toBe(
        '{"type":"_ice","toUser":"bob","iceCandidate":{"candidate":"c"}}',
      );
    });

    it('limits: an sdp of MAX_SDP_CHARS, a candidate of MAX_ICE_CANDIDATE_CHARS', () => {
      const sdp = 'a'.repeat(MAX_SDP_CHARS);
      expect(parsed({ type: 'offer', toUser: 'bob', sdp })).toStrictEqual({
        type: 'offer',
        toUser: 'bob',
        sdp,
      });
      const iceCandidate = {
        candidate: 'c'.repeat(MAX_ICE_CANDIDATE_CHARS),
        sdpMid: 'm'.repeat(MAX_ICE_TAG_CHARS),
        sdpMLineIndex: 65_535,
        usernameFragment: 'u'.repeat(MAX_ICE_TAG_CHARS),
      };
      expect(parsed({ type: '_ice', toUser: 'bob', iceCandidate })).toStrictEqual({
        type: '_ice',
        toUser: 'bob',
        iceCandidate,
      });
    });

    it('media_state with boolean audio and video', () => {
      for (const [audio, video] of [
        [true, true],
        [false, true],
        [true, false],
        [false, false],
      ]) {
        expect(parsed({ type: 'media_state', toUser: 'bob', audio, video })).toStrictEqual({
          type: 'media_state',
          toUser: 'bob',
          audio,
          video,
        });
      }
    });

    it('media_state with a boolean screen (sharing a screen), kept as sent', () => {
      for (const screen of [true, false]) {
        const frame = { type: 'media_state', toUser: 'bob', audio: true, video: true, screen };
        expect(parsed(frame)).toStrictEqual(frame);
      }
    });

    it('hangup without a code, and with each client code', () => {
      expect(parsed({ type: 'hangup', toUser: 'bob' })).toStrictEqual({
        type: 'hangup',
        toUser: 'bob',
      });
      for (const code of ['hangup', 'ice_failed', 'media_failed'] as const) {
        expect(parsed({ type: 'hangup', toUser: 'bob', code })).toStrictEqual({
          type: 'hangup',
          toUser: 'bob',
          code,
        });
      }
    });

    it('drops a client-sent fromUser and any other unknown field', () => {
      const message = parsed({
        type: 'offer',
        fromUser: 'mallory',
        toUser: 'bob',
        sdp: 'v=0',
        extra: { nested: true },
      });
      expect(message).toStrictEqual({ type: 'offer', toUser: 'bob', sdp: 'v=0' });
      expect('fromUser' in message).toBe(false);
    });

    it('seed 002 frames as a seed client sends them', () => {
      // Seed 002's page sends fromUser itself and spreads offer.toJSON() into the frame.
      expect(parsed({ type: 'call_start', fromUser: 'zhangsan', toUser: 'lisi' })).toStrictEqual({
        type: 'call_start',
        toUser: 'lisi',
      });
      expect(
        parsed({ type: 'call_back', toUser: 'zhangsan', fromUser: 'lisi', msg: '1' }),
      ).toStrictEqual({
        type: 'call_back',
        toUser: 'zhangsan',
        msg: '1',
      });
      expect(
        parsed({
          type: '_ice',
          toUser: 'zhangsan',
          fromUser: 'lisi',
          iceCandidate: { candidate: 'c', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null },
        }),
      ).toStrictEqual({
        type: '_ice',
        toUser: 'zhangsan',
        iceCandidate: { candidate: 'c', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null },
      });
    });

    it("refuses seed 002's two-letter demo names: Dialtone names are 3-32 characters", () => {
      expect(problemOf({ type: 'call_start', toUser: 'ls' })).toMatch(/toUser/);
    });

    it('folds an upper-case toUser to the stored lower-case name', () => {
      expect(parsed({ type: 'call_start', toUser: 'Bob.Smith_2' })).toStrictEqual({
        type: 'call_start',
        toUser: 'bob.smith_2',
      });
    });

    it('a callId of up to 64 characters: a UUID, or letters, digits, _ . : -', () => {
      for (const callId of ['x'.repeat(64), '5e0c9a1b-3f2d-4c55-9f7e-1d2c3b4a5e6f', 'c_1.2:3']) {
        expect(parsed({ type: 'hangup', toUser: 'bob', callId })).toStrictEqual({
          type: 'hangup',
          toUser: 'bob',
          callId,
        });
      }
    });
  });

  describe('refuses, naming the problem', () => {
    it('a frame that is not JSON', () => {
      for (const text of ['', 'hello', '{"type":"call_start",', "{'type':'call_start'}"]) {
        expect(problemOf(text)).toMatch(/not valid JSON/);
      }
    });

    it('JSON that is not an object: array, null, string, number, boolean', () => {
      for (const text of [
        '[]',
        '[{"type":"call_start","toUser":"bob"}]',
        'null',
        '"x"',
        '1',
        'true',
      ]) {
        expect(problemOf(text)).toMatch(/must be a JSON object/);
      }
    });

    it('an unknown or missing type, listing the known ones (never quoting what was sent)', () => {
      for (const frame of [
        { type: 'call_end', toUser: 'bob' },
        { type: 'CALL_START', toUser: 'bob' },
        { type: 'welcome', toUser: 'bob' },
        { toUser: 'bob' },
        { type: 7, toUser: 'bob' },
        { type: ['call_start'], toUser: 'bob' },
        `{"type":${DEEP},"toUser":"bob"}`,
      ]) {
        expect(problemOf(frame)).toBe(
          'type must be one of call_start, call_back, offer, answer, _ice, media_state, hangup, push_device',
        );
      }
    });

    it('a missing or malformed toUser, on every type', () => {
      const bad: unknown[] = [
        undefined,
        null,
        '',
        42,
        ['bob'],
        { username: 'bob' },
        'bo', // too short
        'b'.repeat(33), // too long
        '_bob', // must start with a letter or digit
        'bob smith',
        'bob@example.com',
        '../admin',
        '\u0430lice', // Cyrillic "а": a look-alike of "alice"
        '\u0130nan', // Turkish dotted capital I
        'bob\u200b', // zero-width space
        'ｂｏｂ', // full-width
      ];
      for (const type of ['call_start', 'call_back', 'offer', 'answer', '_ice', 'hangup']) {
        for (const toUser of bad) {
          assert.match(
            problemOf({ type, toUser, msg: '1', sdp: 'v=0', iceCandidate: ice }),
            /toUser must be a valid username/,
            `${type} ${JSON.stringify(toUser)}`,
          );
        }
      }
    });

    it('a call_back whose msg is not "1" or "0"', () => {
      for (const msg of [undefined, 1, 0, true, '', 'yes', ' 1', '2', null]) {
        assert.match(
          problemOf({ type: 'call_back', toUser: 'alice', msg }),
          /msg must be "1" \(accept\) or "0" \(reject\)/,
          JSON.stringify(msg),
        );
      }
    });

    it('an offer or answer whose sdp is not a string, or is over MAX_SDP_CHARS', () => {
      for (const type of ['offer', 'answer']) {
        for (const sdp of [
          undefined,
          null,
          1,
          { sdp: 'v=0' },
          ['v=0'],
          'a'.repeat(MAX_SDP_CHARS + 1),
        ]) {
          expect(problemOf({ type, toUser: 'bob', sdp })).toBe(
            `sdp must be a string of at most ${MAX_SDP_CHARS} characters`,
          );
        }
      }
    });

    it('an _ice whose iceCandidate is not an object', () => {
      for (const iceCandidate of [undefined, null, 'candidate:1', 1, [ice]]) {
        expect(problemOf({ type: '_ice', toUser: 'bob', iceCandidate })).toMatch(
          /iceCandidate must be an object/,
        );
      }
    });

    it('an _ice whose known fields are not primitives of the right type and length', () => {
      const json = (values: unknown[]): string[] => values.map((value) => JSON.stringify(value));
      const cases: [string, string[]][] = [
        [
          'candidate',
          [...json([null, 1, true, {}, ['c'], 'c'.repeat(MAX_ICE_CANDIDATE_CHARS + 1)]), DEEP],
        ],
        ['sdpMid', [...json([0, false, {}, ['0'], 'm'.repeat(MAX_ICE_TAG_CHARS + 1)]), DEEP]],
        ['sdpMLineIndex', [...json(['0', -1, 1.5, 65_536, 2 ** 60, {}, [0]]), '1e400', DEEP]],
        ['usernameFragment', [...json([1, {}, ['u'], 'u'.repeat(MAX_ICE_TAG_CHARS + 1)]), DEEP]],
      ];
      for (const [field, values] of cases) {
        for (const value of values) {
          const problem = problemOf(
            `{"type":"_ice","toUser":"bob","iceCandidate":{"candidate":"c","${field}":${value}}}`,
          );
          expect(problem).toMatch(new RegExp(`^iceCandidate\\.${field} must be`));
          expect(problem.length).toBeLessThan(120);
        }
      }
    });

    it('a media_state whose audio or video is not a boolean', () => {
      for (const value of [undefined, null, 'false', 'true', 0, 1, [], {}]) {
        for (const frame of [
          { audio: value, video: true },
          { audio: false, video: value },
        ]) {
          expect(problemOf({ type: 'media_state', toUser: 'bob', ...frame })).toMatch(
            /audio and video must be true or false/,
          );
        }
      }
    });

    it('a media_state whose screen is present and not a boolean', () => {
      for (const screen of [null, 'true', 'false', 0, 1, [], {}]) {
        const frame = { type: 'media_state', toUser: 'bob', audio: true, video: true, screen };
        expect(problemOf(frame)).toMatch(/screen, when given, must be true or false/);
      }
    });

    it('a hangup with a code clients may not send', () => {
      for (const code of ['server_shutdown', 'cancelled', 'missed', 'HANGUP', '', null, 1]) {
        assert.match(
          problemOf({ type: 'hangup', toUser: 'bob', code }),
          /code must be one of hangup, ice_failed, media_failed/,
          JSON.stringify(code),
        );
      }
    });

    it('a callId that is not a string of 1 to 64 letters, digits, _ . : -', () => {
      const odd = ['x'.repeat(65), 'x'.repeat(10_000), '', 'a b', 'a"b', '\u0000', 'ü'];
      for (const callId of [1, null, { id: 'x' }, ...odd]) {
        assert.match(
          problemOf({ type: 'offer', toUser: 'bob', sdp: 'v=0', callId }),
          /callId/,
          typeof callId === 'string' ? `${callId.length} characters` : JSON.stringify(callId),
        );
      }
    });
  });
});

describe('parseClientMessage, protocol 1 and 2', () => {
  const resume = { type: 'resume', sessionId: 's1', resumeToken: 't1', lastSeq: 3 };

  it('protocol 2 reads ping and resume as control requests', () => {
    expect(parseClientMessage('{"type":"ping"}', PROTOCOL_V2)).toStrictEqual({ type: 'ping' });
    expect(parseClientMessage(JSON.stringify(resume), PROTOCOL_V2)).toStrictEqual(resume);
  });

  it('protocol 2 answers a bad resume with what is wrong with it', () => {
    const result = parseClientMessage(JSON.stringify({ ...resume, lastSeq: -1 }), PROTOCOL_V2);
    assert.ok(result instanceof BadFrame);
    expect(result.problem).toBe('lastSeq must be a whole number, 0 or more');
  });

  it('protocol 1 (the default) knows neither: they are unknown types, as before protocol 2', () => {
    for (const text of ['{"type":"ping"}', JSON.stringify(resume)]) {
      for (const result of [parseClientMessage(text), parseClientMessage(text, PROTOCOL_VERSION)]) {
        assert.ok(result instanceof BadFrame);
        expect(result.problem).toMatch(/^type must be one of call_start, /);
      }
    }
  });

  it('push_device (Web Push), in both protocols: an endpoint of at most 1024 characters, or null', () => {
    const endpoint = 'https://updates.push.services.mozilla.com/wpush/v2/gAAAA';
    for (const protocol of [PROTOCOL_VERSION, PROTOCOL_V2]) {
      for (const value of [endpoint, null, 'x'.repeat(1024)]) {
        // Other fields, `toUser` included, are not part of it and are dropped.
        const text = JSON.stringify({ type: 'push_device', endpoint: value, toUser: 'bob' });
        expect(parseClientMessage(text, protocol)).toStrictEqual({
          type: 'push_device',
          endpoint: value,
        });
      }
      for (const value of [undefined, '', 'x'.repeat(1025), 42, { endpoint }, [endpoint]]) {
        const result = parseClientMessage(
          JSON.stringify({ type: 'push_device', endpoint: value }),
          protocol,
        );
        assert.ok(result instanceof BadFrame);
        expect(result.problem).toBe('endpoint must be null or a string of 1 to 1024 characters');
      }
    }
  });

  it('protocol 2 still reads every call message as protocol 1 does', () => {
    const frame = JSON.stringify({ type: 'call_start', toUser: 'bob' });
    expect(parseClientMessage(frame, PROTOCOL_V2)).toStrictEqual(parseClientMessage(frame));
  });
});

describe('parseClientMessage, on generated frames', () => {
  const known = [
    'call_start',
    'call_back',
    'offer',
    'answer',
    '_ice',
    'media_state',
    'hangup',
    'push_device',
  ];
  const anyValue = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('bob', '1', '0', 'hangup', 'candidate:1', '__proto__', 'constructor'),
  );
  const frame = fc.record(
    {
      type: fc.oneof(fc.constantFrom(...known), anyValue),
      toUser: fc.oneof(fc.constant('bob'), anyValue),
      callId: anyValue,
      msg: anyValue,
      sdp: anyValue,
      code: anyValue,
      audio: anyValue,
      video: anyValue,
      endpoint: anyValue,
      iceCandidate: fc.oneof(
        anyValue,
        fc.record(
          {
            candidate: anyValue,
            sdpMid: anyValue,
            sdpMLineIndex: anyValue,
            usernameFragment: anyValue,
            ['__proto__']: anyValue,
            extra: anyValue,
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  );

  /** Every string in a value, however deep. */
  function strings(value: unknown): string[] {
    if (typeof value === 'string') {
      return [value];
    }
    if (typeof value !== 'object' || value === null) {
      return [];
    }
    return Object.values(value).flatMap(strings);
  }

  it('never throws, never quotes the frame, and builds only flat, known, primitive fields', () => {
    fc.assert(
      fc.property(frame, (generated) => {
        const text = JSON.stringify(generated);
        const result = parseClientMessage(text);
        if (result instanceof BadFrame) {
          expect(result.problem.length).toBeLessThan(160);
          for (const sent of strings(JSON.parse(text)).filter((s) => s.length >= 12)) {
            expect(result.problem.includes(sent)).toBe(false);
          }
          return;
        }
        expect(known).toContain(result.type);
        for (const [key, value] of Object.entries(result)) {
          if (key === 'iceCandidate') {
            const fields = Object.entries(value as object);
            for (const [name, field] of fields) {
              expect(['candidate', 'sdpMid', 'sdpMLineIndex', 'usernameFragment']).toContain(name);
              expect(field === null || typeof field !== 'object').toBe(true);
            }
          } else if (key === 'endpoint') {
            expect(value === null || typeof value === 'string').toBe(true);
          } else {
            expect(typeof value === 'string' || typeof value === 'boolean').toBe(true);
          }
        }
      }),
      { seed: 8, numRuns: 2000 },
    );
  });
});
