import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientMessage } from '../protocol.js';
import { BadFrame, parseClientMessage } from './parse-client-message.js';

/** The problem a frame is refused with; fails when the frame is accepted. */
function problemOf(frame: unknown): string {
  const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
  const result = parseClientMessage(text);
  assert.ok(result instanceof BadFrame, `expected a BadFrame for ${text}`);
  assert.ok(result.problem.length > 0);
  return result.problem;
}

function parsed(frame: object): ClientMessage {
  const result = parseClientMessage(JSON.stringify(frame));
  assert.ok(!(result instanceof BadFrame), `unexpected BadFrame: ${String(problemText(result))}`);
  return result;
}

function problemText(result: ClientMessage | BadFrame): string | undefined {
  return result instanceof BadFrame ? result.problem : undefined;
}

const ice = { candidate: 'candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host', sdpMid: '0' };

describe('parseClientMessage', () => {
  describe('accepts', () => {
    it('call_start', () => {
      assert.deepEqual(parsed({ type: 'call_start', toUser: 'bob' }), {
        type: 'call_start',
        toUser: 'bob',
      });
    });

    it('call_back "1" and "0"', () => {
      for (const msg of ['1', '0'] as const) {
        assert.deepEqual(parsed({ type: 'call_back', toUser: 'alice', msg, callId: 'c-1' }), {
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
        assert.deepEqual(parsed({ type, toUser: 'bob', sdp }), { type, toUser: 'bob', sdp });
      }
      // An empty SDP is still a string; the relay does not look inside it.
      assert.deepEqual(parsed({ type: 'offer', toUser: 'bob', sdp: '' }), {
        type: 'offer',
        toUser: 'bob',
        sdp: '',
      });
    });

    it('_ice, with the candidate object passed through', () => {
      assert.deepEqual(parsed({ type: '_ice', toUser: 'bob', iceCandidate: ice }), {
        type: '_ice',
        toUser: 'bob',
        iceCandidate: ice,
      });
    });

    it('hangup without a code, and with each client code', () => {
      assert.deepEqual(parsed({ type: 'hangup', toUser: 'bob' }), {
        type: 'hangup',
        toUser: 'bob',
      });
      for (const code of ['hangup', 'ice_failed', 'media_failed'] as const) {
        assert.deepEqual(parsed({ type: 'hangup', toUser: 'bob', code }), {
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
      assert.deepEqual(message, { type: 'offer', toUser: 'bob', sdp: 'v=0' });
      assert.equal('fromUser' in message, false);
    });

    it('seed 002 frames as a seed client sends them', () => {
      // Seed 002's page sends fromUser itself and spreads offer.toJSON() into the frame.
      assert.deepEqual(parsed({ type: 'call_start', fromUser: 'zhangsan', toUser: 'lisi' }), {
        type: 'call_start',
        toUser: 'lisi',
      });
      assert.deepEqual(
        parsed({ type: 'call_back', toUser: 'zhangsan', fromUser: 'lisi', msg: '1' }),
        {
          type: 'call_back',
          toUser: 'zhangsan',
          msg: '1',
        },
      );
      assert.deepEqual(
        parsed({
          type: '_ice',
          toUser: 'zhangsan',
          fromUser: 'lisi',
          iceCandidate: { candidate: 'c', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null },
        }),
        {
          type: '_ice',
          toUser: 'zhangsan',
          iceCandidate: { candidate: 'c', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null },
        },
      );
    });

    it("refuses seed 002's two-letter demo names: Dialtone names are 3-32 characters", () => {
      assert.match(problemOf({ type: 'call_start', toUser: 'ls' }), /toUser/);
    });

    it('folds an upper-case toUser to the stored lower-case name', () => {
      assert.deepEqual(parsed({ type: 'call_start', toUser: 'Bob.Smith_2' }), {
        type: 'call_start',
        toUser: 'bob.smith_2',
      });
    });

    it('a callId of up to 64 characters', () => {
      const callId = 'x'.repeat(64);
      assert.deepEqual(parsed({ type: 'hangup', toUser: 'bob', callId }), {
        type: 'hangup',
        toUser: 'bob',
        callId,
      });
    });
  });

  describe('refuses, naming the problem', () => {
    it('a frame that is not JSON', () => {
      for (const text of ['', 'hello', '{"type":"call_start",', "{'type':'call_start'}"]) {
        assert.match(problemOf(text), /not valid JSON/);
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
        assert.match(problemOf(text), /must be a JSON object/);
      }
    });

    it('an unknown or missing type, quoting it', () => {
      assert.match(problemOf({ type: 'call_end', toUser: 'bob' }), /unknown type "call_end"/);
      assert.match(problemOf({ type: 'CALL_START', toUser: 'bob' }), /unknown type "CALL_START"/);
      assert.match(problemOf({ type: 'welcome', toUser: 'bob' }), /unknown type "welcome"/);
      assert.match(problemOf({ toUser: 'bob' }), /unknown type/);
      assert.match(problemOf({ type: 7, toUser: 'bob' }), /unknown type 7/);
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

    it('an offer or answer whose sdp is not a string', () => {
      for (const type of ['offer', 'answer']) {
        for (const sdp of [undefined, null, 1, { sdp: 'v=0' }, ['v=0']]) {
          assert.match(problemOf({ type, toUser: 'bob', sdp }), /sdp must be a string/);
        }
      }
    });

    it('an _ice whose iceCandidate is not an object', () => {
      for (const iceCandidate of [undefined, null, 'candidate:1', 1, [ice]]) {
        assert.match(
          problemOf({ type: '_ice', toUser: 'bob', iceCandidate }),
          /iceCandidate must be an object/,
        );
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

    it('a callId that is not a string or is over 64 characters', () => {
      for (const callId of [1, null, { id: 'x' }, 'x'.repeat(65), 'x'.repeat(10_000)]) {
        assert.match(
          problemOf({ type: 'offer', toUser: 'bob', sdp: 'v=0', callId }),
          /callId/,
          typeof callId === 'string' ? `${callId.length} characters` : JSON.stringify(callId),
        );
      }
    });
  });
});
