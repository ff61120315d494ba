// Castagnoli polynomial, reflected: the checksum RecordBatch v2 carries.
const TABLE = buildTable(0x82f63b78);

function buildTable(polynomial: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? (c >>> 1) ^ polynomial : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32C of `data[start, end)`, as an unsigned 32-bit number. */
export function crc32c(data: Buffer, start = 0, end = data.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i += 1) crc = TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
