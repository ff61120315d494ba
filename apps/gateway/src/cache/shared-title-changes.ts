import type { TitleChange } from './title-change';

/** A title change as it arrived, with the id of the event that reported it. */
export interface ArrivedChange {
  eventId: string;
  /** Undefined: the change is not known (everything must be forgotten). */
  change: TitleChange | undefined;
}

/** Changes in flight the buffer holds; more unread than this and the reader forgets everything. */
const SLOTS = 64;
/** Bytes per change (its JSON); a longer one is passed as "not known", which forgets everything. */
const SLOT_BYTES = 2_048;
/** Slot layout: a 4-byte length, then the UTF-8 JSON. Header: the count of changes published. */
const HEADER_BYTES = 8;
const LENGTH_BYTES = 4;

/**
 * Title changes handed from the thread that reads the event feed to the thread that serves
 * requests, through shared memory rather than a message: a message waits for the serving thread's
 * event loop, which under load is hundreds of milliseconds behind, while a cache lookup reads this
 * buffer synchronously before it answers (docs/resilience.md#across-gateway-replicas-rebalancing-and-staleness).
 *
 * A ring of fixed slots with one writer and one reader, over a SharedArrayBuffer: the writer fills
 * a slot, then publishes it by moving the count on with Atomics (which orders the slot's bytes
 * before the count); the reader takes every slot between its own count and the published one. A
 * reader more than a ring behind has lost changes and is told so ('overflow'). Node ships no such
 * channel (MessagePort and BroadcastChannel deliver through the receiving event loop).
 */
export class SharedTitleChanges {
  private readonly count: Int32Array;
  private readonly bytes: Buffer;
  /** The reader's own count of changes taken (only the reading thread uses it). */
  private taken: number;

  constructor(
    readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(HEADER_BYTES + SLOTS * SLOT_BYTES),
  ) {
    this.count = new Int32Array(buffer, 0, 1);
    this.bytes = Buffer.from(buffer, HEADER_BYTES, SLOTS * SLOT_BYTES);
    this.taken = Atomics.load(this.count, 0);
  }

  /** Publishes a change (the writing thread only). */
  publish(eventId: string, change: TitleChange | undefined): void {
    const published = Atomics.load(this.count, 0);
    const start = ((published >>> 0) % SLOTS) * SLOT_BYTES;
    let json = JSON.stringify({ eventId, change });
    if (Buffer.byteLength(json) > SLOT_BYTES - LENGTH_BYTES) json = JSON.stringify({ eventId });
    const length = this.bytes.write(json, start + LENGTH_BYTES, 'utf8');
    this.bytes.writeInt32LE(length, start);
    Atomics.store(this.count, 0, (published + 1) | 0);
  }

  /** The changes published since the last call, oldest first (the reading thread only). */
  take(): ArrivedChange[] | 'overflow' {
    const published = Atomics.load(this.count, 0);
    const unread = (published - this.taken) | 0;
    if (unread === 0) return [];
    const from = this.taken;
    this.taken = published;
    if (unread > SLOTS) return 'overflow';
    const arrived: ArrivedChange[] = [];
    try {
      for (let index = 0; index < unread; index++) {
        const start = (((from + index) >>> 0) % SLOTS) * SLOT_BYTES;
        const length = this.bytes.readInt32LE(start);
        const text = this.bytes.toString(
          'utf8',
          start + LENGTH_BYTES,
          start + LENGTH_BYTES + length,
        );
        arrived.push(JSON.parse(text) as ArrivedChange);
      }
    } catch {
      return 'overflow';
    }
    // Published past a ring meanwhile: the slots just read may have been overwritten as they were.
    return ((Atomics.load(this.count, 0) - from) | 0) > SLOTS ? 'overflow' : arrived;
  }
}
