import { describe, expect, it } from '@jest/globals';
import { MemoryReplayBuffer } from './replay-buffer.js';

describe('MemoryReplayBuffer', () => {
  it('keeps the latest frames within the message bound, oldest first', () => {
    const buffer = new MemoryReplayBuffer({ messages: 3, bytes: 1000 });
    for (let seq = 1; seq <= 5; seq += 1) {
      buffer.append(seq, `f${seq}`);
    }
    expect(buffer.oldestSeq).toBe(3);
    expect(buffer.after(0)).toStrictEqual(['f3', 'f4', 'f5']);
    expect(buffer.after(4)).toStrictEqual(['f5']);
    expect(buffer.bytes).toBe(6);
  });

  it('keeps within the byte bound, counting UTF-8 bytes', () => {
    const buffer = new MemoryReplayBuffer({ messages: 100, bytes: 10 });
    buffer.append(1, '你好'); // 6 bytes
    buffer.append(2, 'abcd');
    expect(buffer.bytes).toBe(10);
    buffer.append(3, 'e');
    expect(buffer.oldestSeq).toBe(2);
    expect(buffer.after(0)).toStrictEqual(['abcd', 'e']);
  });

  it('clear() empties it', () => {
    const buffer = new MemoryReplayBuffer({ messages: 2, bytes: 100 });
    buffer.append(1, 'a');
    buffer.clear();
    expect(buffer.oldestSeq).toBeUndefined();
    expect(buffer.after(0)).toStrictEqual([]);
    expect(buffer.bytes).toBe(0);
  });
});
