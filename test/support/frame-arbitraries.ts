import fc from 'fast-check';
import { CLIENT_MESSAGE_TYPES } from '../../src/signaling/protocol.js';

/** A frame as a client puts it on the wire: JSON text (or not), in a text or a binary frame. */
export interface GeneratedFrame {
  text: string;
  binary: boolean;
}

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

/** `[[[…]]]` or `{"a":{"a":…}}` nested thousands deep: small on the wire, fatal to recursion. */
const deepNesting = fc.oneof(
  fc.integer({ min: 500, max: 30_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc
    .integer({ min: 500, max: 9_000 })
    .map((depth) => '{"a":'.repeat(depth) + 'null' + '}'.repeat(depth)),
);

/** Strings of every awkward kind: control characters, lone surrogates, huge, prototype names. */
const awkwardString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({
    unit: fc.constantFrom('\u0000', '\u001b', '\u202e', '\ud800', '\udfff', '"', '\\'),
    maxLength: 64,
  }),
  fc.constantFrom(...PROTOTYPE_KEYS, '', ' ', 'null', 'undefined', '1', '0', 'bob', 'hangup'),
  fc
    .tuple(fc.integer({ min: 1_000, max: 50_000 }), fc.constantFrom('a', 'é', '字', '😀', '\u0007'))
    .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length))),
);

/** Any JSON value, as text: numbers where strings belong, objects where primitives belong… */
export const jsonText = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
  { weight: 3, arbitrary: awkwardString.map((value) => JSON.stringify(value)) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(fc.double(), fc.bigInt().map(Number), fc.constantFrom(-1, 2 ** 53, 1e308, -0, 0.5))
      .map((value) => (Number.isFinite(value) ? JSON.stringify(value) : '1e400')),
  },
  { weight: 1, arbitrary: deepNesting },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...PROTOTYPE_KEYS), fc.jsonValue({ maxDepth: 2 }))
      .map(([key, value]) => `{"${key}":${JSON.stringify(value)}}`),
  },
);

const FIELDS = ['type', 'toUser', 'callId', 'msg', 'sdp', 'code', 'audio', 'video'] as const;

/** A plausible value for each field, so that frames are often one wrong field away from valid. */
function plausible(
  peer: string,
): Record<(typeof FIELDS)[number] | 'iceCandidate', fc.Arbitrary<string>> {
  const text = (values: unknown[]) => fc.constantFrom(...values.map((v) => JSON.stringify(v)));
  return {
    type: text([...CLIENT_MESSAGE_TYPES]),
    toUser: text([peer, peer.toUpperCase(), 'nobody-here']),
    callId: text(['c-1', '5e0c9a1b-3f2d-4c55-9f7e-1d2c3b4a5e6f']),
    msg: text(['1', '0']),
    sdp: text(['v=0\r\n', '']),
    code: text(['hangup', 'ice_failed', 'media_failed']),
    audio: text([true, false]),
    video: text([true, false]),
    iceCandidate: text([
      { candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 },
      {},
    ]),
  };
}

/** An iceCandidate object whose known fields may each be wrong, plus prototype and deep keys. */
const iceCandidateText = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'candidate',
        'sdpMid',
        'sdpMLineIndex',
        'usernameFragment',
        ...PROTOTYPE_KEYS,
        'extra',
      ),
      jsonText,
    ),
    { maxLength: 5 },
  )
  .map((entries) => `{${entries.map(([key, value]) => `"${key}":${value}`).join(',')}}`);

/**
 * Frames of every shape, most of them one or two fields away from a valid message of every type,
 * with wrong, deep, huge or prototype-named values; and some that are not JSON objects at all.
 */
export function frames(peer: string): fc.Arbitrary<GeneratedFrame> {
  const fields = plausible(peer);
  const field = (name: keyof typeof fields) =>
    fc.oneof({ weight: 2, arbitrary: fields[name] }, { weight: 1, arbitrary: jsonText });
  const entry = (key: string, value: string): string => `${JSON.stringify(key)}:${value}`;
  const objectFrame = fc
    .tuple(
      fc.record(
        {
          type: field('type'),
          toUser: field('toUser'),
          callId: field('callId'),
          msg: field('msg'),
          sdp: field('sdp'),
          code: field('code'),
          audio: field('audio'),
          video: field('video'),
          iceCandidate: fc.oneof(fields.iceCandidate, iceCandidateText, jsonText),
        },
        { requiredKeys: [] },
      ),
      // Prototype names and repeated keys (JSON.parse keeps the last), written as text.
      fc.array(fc.tuple(fc.constantFrom(...PROTOTYPE_KEYS, ...FIELDS), jsonText), {
        maxLength: 2,
      }),
    )
    .map(([known, extra]) => {
      const entries = [...Object.entries(known), ...extra];
      return `{${entries.map(([key, value]) => entry(key, value)).join(',')}}`;
    });
  return fc.oneof(
    { weight: 8, arbitrary: objectFrame.map((text) => ({ text, binary: false })) },
    { weight: 1, arbitrary: jsonText.map((text) => ({ text, binary: false })) },
    {
      weight: 1,
      arbitrary: fc
        .string({ unit: 'binary', maxLength: 200 })
        .map((text) => ({ text, binary: false })),
    },
    { weight: 1, arbitrary: objectFrame.map((text) => ({ text, binary: true })) },
  );
}
