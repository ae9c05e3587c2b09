import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
    assert.deepEqual(iceServersFor(nothing, 'u1', NOW), { iceServers: [], ttl: 3600 });
  });

  it('lists STUN without credentials and TURN with credentials that expire after the TTL', () => {
    const ice: AppConfig['ice'] = {
      stunUrls: ['stun:stun.example.net:3478'],
      turnUrls: ['turn:turn.example.net:3478?transport=udp', 'turns:turn.example.net:5349'],
      turnSecret: 'north-wind-turn-secret',
      turnTtlSeconds: 600,
    };
    const answer = iceServersFor(ice, 'u1', NOW);
    assert.equal(answer.ttl, 600);
    assert.deepEqual(answer.iceServers[0], { urls: ['stun:stun.example.net:3478'] });
    assert.deepEqual(answer.iceServers[1].urls, ice.turnUrls);
    assert.equal(answer.iceServers[1].username, `${NOW / 1000 + 600}:u1`);
    assert.match(answer.iceServers[1].credential ?? '', /^[A-Za-z0-9+/]{27}=$/);
  });
});
