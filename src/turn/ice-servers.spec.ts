import { describe, expect, it } from '@jest/globals';
import type { AppConfig } from '../config/app-config.js';
import { iceServersFor } from './ice-servers.js';

const NOW = 1_700_000_000_000;
const nothing: AppConfig['ice'] = {
  stunUrls: [],
  turnUrls: [],
  turnSecret: undefined,
  turnTtlSeconds: 3600,
};

describe('iceServersFor', () => {
  it('is an empty list when nothing is configured', () => {
    expect(iceServersFor(nothing, 'u1', NOW)).toStrictEqual({ iceServers: [], ttl: 3600 });
  });

  it('lists STUN without credentials and TURN with credentials that expire after the TTL', () => {
    const ice: AppConfig['ice'] = {
      stunUrls: ['stun:stun.example.net:3478'],
      turnUrls: ['turn:turn.example.net:3478?transport=udp', 'turns:turn.example.net:5349'],
      turnSecret: 'north-wind-turn-secret',
      turnTtlSeconds: 600,
    };
    const answer = iceServersFor(ice, 'u1', NOW);
    expect(answer.ttl).toBe(600);
    expect(answer.iceServers[0]).toStrictEqual({ urls: ['stun:stun.example.net:3478'] });
    expect(answer.iceServers[1].urls).toStrictEqual(ice.turnUrls);
    expect(answer.iceServers[1].username).toBe(`${NOW / 1000 + 600}:u1`);
    expect(answer.iceServers[1].credential ?? '').toMatch(/^[A-Za-z0-9+/]{27}=$/);
  });
});
