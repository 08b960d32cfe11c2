// The protobuf wire writer and reader (src/interop/protobuf.ts): varints (int64 two's complement
// for negatives), floats, strings, nested messages; bounds and overflow refused by name.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProtoReader, ProtoWriter } from '../../src/interop/protobuf.js';

describe('ProtoWriter / ProtoReader', () => {
  it('round-trips safe integers (negative ones as 10-byte int64), floats, strings and nested messages', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), fc.float({ noNaN: true }), fc.string(), (n, f, s) => {
      const bytes = new ProtoWriter().int(3, n).float(2, f).message(7, (m) => m.string(1, s)).finish();
      const r = new ProtoReader(bytes, 'test', 'msg');
      const got: unknown[] = [];
      while (r.next()) {
        if (r.field === 3) got.push(r.int());
        else if (r.field === 2) got.push(r.float());
        else {
          const m = r.message('inner');
          m.next();
          got.push(m.string());
        }
      }
      expect(got).toEqual([n, Math.fround(f), s]);
    }));
  });

  it('writes the reference encodings (protobuf docs: 150 → 96 01; -1 as int64 → ten bytes)', () => {
    expect(Array.from(new ProtoWriter().int(1, 150).finish())).toEqual([0x08, 0x96, 0x01]);
    expect(Array.from(new ProtoWriter().int(1, -1).finish())).toEqual([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it('packed and unpacked repeated varints read alike', () => {
    const unpacked = new ProtoWriter().int(1, 3).int(1, 300).finish();
    const packed = new ProtoWriter().bytes(1, new Uint8Array([3, 0xac, 0x02])).finish();
    for (const b of [unpacked, packed]) {
      const r = new ProtoReader(b, 'test', 'dims');
      const out: number[] = [];
      while (r.next()) r.ints(out, 8);
      expect(out).toEqual([3, 300]);
    }
  });

  it('a repeated field stops at its cap: the (cap+1)-th value is refused before it is stored, packed or not', () => {
    // one packed field of 16 Mi one-byte varints (a 16 MB dims list): refused at the 9th value,
    // 13 bytes in, with 8 numbers stored (reading it all first took gigabytes at 120 MB)
    const N = 2 ** 24;
    const packed = new Uint8Array(5 + N).fill(1);
    packed.set([0x0a, 0x80, 0x80, 0x80, 0x08]); // field 1, length-delimited, length 2^24
    const r = new ProtoReader(packed, 'op', 'dims');
    const out: number[] = [];
    r.next();
    expect(() => r.ints(out, 8)).toThrow('op: more than 8 values in field 1 (in dims, byte 13)');
    expect(out).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    // unpacked occurrences, and packed ones split in two, count together
    const unpacked = new ProtoWriter();
    for (let i = 0; i < 9; i++) unpacked.int(1, i);
    const split = new ProtoWriter().bytes(1, new Uint8Array(5).fill(2)).bytes(1, new Uint8Array(5).fill(3)).finish();
    for (const [bytes, stored] of [[unpacked.finish(), [0, 1, 2, 3, 4, 5, 6, 7]], [split, [2, 2, 2, 2, 2, 3, 3, 3]]] as const) {
      const rr = new ProtoReader(bytes, 'op', 'dims');
      const got: number[] = [];
      expect(() => {
        while (rr.next()) rr.ints(got, 8);
      }).toThrow('op: more than 8 values in field 1');
      expect(got).toEqual(stored);
    }
    // exactly the cap is fine
    const eight = new ProtoReader(new ProtoWriter().bytes(1, new Uint8Array(8).fill(4)).finish(), 'op', 'dims');
    const ok: number[] = [];
    while (eight.next()) eight.ints(ok, 8);
    expect(ok).toEqual(Array(8).fill(4));
  });

  it('refuses overflow, truncation, groups and lengths past the message, naming them', () => {
    const read = (bytes: number[]): void => {
      const r = new ProtoReader(new Uint8Array(bytes), 'op', 'Msg');
      while (r.next()) r.skipField();
    };
    expect(() => read([0x08, ...Array(10).fill(0x80), 0x01])).toThrow('op: corrupt protobuf: a varint longer than 10 bytes (in Msg, byte 11)');
    expect(() => read([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10])).toThrow(/op: varint > 2\^53/);
    expect(() => read([0x08, 0x80])).toThrow('op: truncated protobuf: a varint runs past the end of the message (in Msg, byte 2)');
    expect(() => read([0x0b])).toThrow('op: corrupt or unsupported protobuf: wire type 3 for field 1');
    expect(() => read([0x12, 0x05, 0x00])).toThrow('op: truncated protobuf: field 2 needs 5 bytes, 1 left');
    expect(() => read([0x00])).toThrow('op: corrupt protobuf: field number 0');
  });
});
