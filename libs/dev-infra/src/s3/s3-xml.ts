import { S3Error } from './s3-error';

/** A child element: a text leaf, nested elements, or nothing when the value is absent. */
export type XmlValue = string | number | boolean | XmlNode | XmlNode[] | undefined;
export interface XmlNode {
  [element: string]: XmlValue;
}

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

export const escapeXml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch] ?? ch,
  );

const unescapeXml = (text: string): string =>
  text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_entity, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[name];
  });

function render(node: XmlNode): string {
  let out = '';
  for (const [name, value] of Object.entries(node)) {
    if (value === undefined) continue;
    // An array repeats the element, which is how S3 lists Contents, Part, Upload, ...
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      out +=
        typeof item === 'object'
          ? `<${name}>${render(item)}</${name}>`
          : `<${name}>${escapeXml(String(item))}</${name}>`;
    }
  }
  return out;
}

/** Serialises an S3 response document with the S3 namespace on its root element. */
export const toXml = (root: string, body: XmlNode): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_NAMESPACE}">${render(body)}</${root}>`;

/** Serialises an S3 error document (no namespace, as S3 does). */
export const errorXml = (
  code: string,
  message: string,
  resource: string,
  requestId: string,
): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${render({ Code: code, Message: message, Resource: resource, RequestId: requestId })}</Error>`;

// The request documents S3 accepts here are flat, so a tag scan is enough and avoids a parser dependency.
const elements = (xml: string, name: string): string[] =>
  Array.from(
    xml.matchAll(new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g')),
    (m) => m[1],
  );

const firstText = (xml: string, name: string): string | undefined => {
  const [inner] = elements(xml, name);
  return inner === undefined ? undefined : unescapeXml(inner);
};

const malformedXml = (): S3Error =>
  new S3Error(
    'MalformedXML',
    400,
    'The XML you provided was not well-formed or did not validate against our published schema',
  );

/** Parts named in a CompleteMultipartUpload document, in document order. */
export function parseCompleteMultipartUpload(xml: string): { partNumber: number; etag: string }[] {
  const parts = elements(xml, 'Part').map((part) => {
    const partNumber = Number(firstText(part, 'PartNumber')?.trim());
    const etag = firstText(part, 'ETag')?.trim();
    if (!Number.isInteger(partNumber) || etag === undefined) throw malformedXml();
    return { partNumber, etag: etag.replace(/^"|"$/g, '') };
  });
  if (parts.length === 0) throw malformedXml();
  return parts;
}

/** Keys and the quiet flag of a DeleteObjects (POST ?delete) document. */
export function parseDeleteObjects(xml: string): { keys: string[]; quiet: boolean } {
  const keys = elements(xml, 'Object').map((object) => {
    const key = firstText(object, 'Key');
    if (key === undefined) throw malformedXml();
    return key;
  });
  if (keys.length === 0 || keys.length > 1000) throw malformedXml();
  return { keys, quiet: firstText(xml, 'Quiet')?.trim() === 'true' };
}
