import { randomUUID } from 'node:crypto';
import { objectKeyFor } from './object-key';

describe('objectKeyFor', () => {
  it('derives the key from the video id alone', () => {
    const id = randomUUID();
    expect(objectKeyFor(id)).toBe(`videos/${id}`);
  });

  it.each([
    '../../x',
    'videos/../../etc/passwd',
    `${randomUUID()}/../other`,
    randomUUID().toUpperCase(),
    '',
    'movie.mp4',
  ])('refuses %j', (id) => {
    expect(() => objectKeyFor(id)).toThrow('not a video id');
  });
});
