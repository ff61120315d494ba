import type { TitleChange } from './title-change';
import { SharedTitleChanges } from './shared-title-changes';
import { aTitleSnapshot } from '../testing/title-snapshot';

const change = (titleId: string, name = 'A title'): TitleChange => ({
  titleId,
  now: aTitleSnapshot(titleId, { name }),
});

describe('SharedTitleChanges', () => {
  it('hands each published change to the reader once, oldest first', () => {
    const writer = new SharedTitleChanges();
    const reader = new SharedTitleChanges(writer.buffer);
    expect(reader.take()).toEqual([]);
    writer.publish('e1', change('t1'));
    writer.publish('e2', undefined);
    expect(reader.take()).toEqual([
      { eventId: 'e1', change: change('t1') },
      { eventId: 'e2', change: undefined },
    ]);
    expect(reader.take()).toEqual([]);
    writer.publish('e3', change('t3', 'Ünïcödé ✓'));
    expect(reader.take()).toEqual([{ eventId: 'e3', change: change('t3', 'Ünïcödé ✓') }]);
  });

  it('starts a reader at what is already published', () => {
    const writer = new SharedTitleChanges();
    writer.publish('before', change('t1'));
    const reader = new SharedTitleChanges(writer.buffer);
    writer.publish('after', change('t2'));
    expect(reader.take()).toEqual([{ eventId: 'after', change: change('t2') }]);
  });

  it('tells a reader that fell a whole ring behind that it lost changes', () => {
    const writer = new SharedTitleChanges();
    const reader = new SharedTitleChanges(writer.buffer);
    for (let index = 0; index < 65; index++) writer.publish(`e${index}`, change(`t${index}`));
    expect(reader.take()).toBe('overflow');
    // It is then level again, and reads on from there.
    writer.publish('next', change('t'));
    expect(reader.take()).toEqual([{ eventId: 'next', change: change('t') }]);
  });

  it('passes a change too long for its slot as unknown, which forgets everything', () => {
    const writer = new SharedTitleChanges();
    const reader = new SharedTitleChanges(writer.buffer);
    writer.publish('long', change('t1', 'x'.repeat(5_000)));
    expect(reader.take()).toEqual([{ eventId: 'long' }]);
  });
});
