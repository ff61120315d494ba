import { Decoder, type EbmlTag } from 'ebml';

/** Decodes complete EBML elements into the `ebml` package's start/tag/end events, in order. */
export function decodeEbml(elements: readonly Buffer[]): Promise<EbmlTag[]> {
  return new Promise((resolve, reject) => {
    const decoder = new Decoder();
    const tags: EbmlTag[] = [];
    decoder.on('data', (tag: EbmlTag) => tags.push(tag));
    decoder.on('error', reject);
    decoder.on('end', () => resolve(tags));
    for (const element of elements) decoder.write(element);
    decoder.end();
  });
}
