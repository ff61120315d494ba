// Types for the parts of `ebml` (which ships none) that the WebM probe uses.
declare module 'ebml' {
  import { Transform } from 'node:stream';

  interface EbmlTagData {
    name: string;
    tagStr: string;
    type: string | null;
    dataSize: number;
    /** Decoded value of leaf elements: numbers for u/i/f, strings for s/8. */
    value?: number | string;
  }

  /** ['start' | 'end', master element] or ['tag', leaf element]. */
  type EbmlTag = ['start' | 'end' | 'tag', EbmlTagData];

  class Decoder extends Transform {}
}
