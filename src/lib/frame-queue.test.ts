import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameQueue } from './frame-queue.ts';
import { manualFrames } from './manual-frames.ts';

test('items pushed between two frames are handed over together, once, at the next frame', () => {
  const frames = manualFrames();
  const flushed: number[][] = [];
  const queue = new FrameQueue<number>((items) => flushed.push(items), frames.scheduler);
  for (let i = 0; i < 1000; i++) queue.push(i);
  assert.equal(frames.pending(), 1, 'one frame asked for, however many items');
  frames.frame();
  queue.push(1000);
  frames.frame();
  frames.frame();
  assert.deepEqual(
    flushed.map((items) => items.length),
    [1000, 1],
  );
  assert.equal(flushed[1][0], 1000);
});

test('stop drops what is waiting and cancels its frame', () => {
  const frames = manualFrames();
  const flushed: string[][] = [];
  const queue = new FrameQueue<string>((items) => flushed.push(items), frames.scheduler);
  queue.push('late');
  queue.stop();
  assert.equal(frames.pending(), 0);
  frames.frame();
  assert.deepEqual(flushed, []);
});
