/**
 * A small MP4 (ISO BMFF) of the size and length asked, for the fakes of video providers: `ftyp`, a
 * `moov` whose movie and track headers give the duration and size, and an `mdat`. It carries no
 * encoded frames (no encoder here), so it is recognised and measured as an MP4 but does not play.
 */
export function tinyMp4(width: number, height: number, seconds: number): Buffer {
  const box = (type: string, ...parts: Buffer[]) => {
    const body = Buffer.concat(parts);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length + 8);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, body]);
  };
  const u32 = (...values: number[]) => Buffer.concat(values.map((v) => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; }));
  const matrix = u32(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);
  const duration = Math.round(seconds * 1000);
  const mvhd = box('mvhd', u32(0, 0, 0, 1000, duration, 0x10000), Buffer.from([1, 0, 0, 0]), Buffer.alloc(8), matrix, Buffer.alloc(24), u32(2));
  const tkhd = box('tkhd', u32(0x3, 0, 0, 1, 0, duration), Buffer.alloc(8), Buffer.alloc(8), matrix, u32(width * 0x10000, height * 0x10000));
  return Buffer.concat([
    box('ftyp', Buffer.from('isom', 'latin1'), u32(0x200), Buffer.from('isomiso2avc1mp41', 'latin1')),
    box('moov', mvhd, box('trak', tkhd)),
    box('mdat', Buffer.alloc(16)),
  ]);
}
