/**
 * The few pieces of the protobuf wire format that ONNX files need: a growable writer and a
 * bounds-checked reader. Every read checks the bytes left in the enclosing message, varints
 * longer than 10 bytes or beyond ±2^53 are refused, and groups (wire types 3, 4) are refused, so
 * truncated or hostile bytes get a named Error rather than a trap, a hang or a huge allocation.
 * (About 1.5 KB minified, against ~9 KB for a library's wire writer and reader.)
 *
 * @module
 */

/**
 * Wire types: varint, 64-bit, length-delimited, 32-bit.
 *
 * @example
 * ```ts
 * const reader = new ProtoReader(new ProtoWriter().string(2, 'scratchnet').finish(), 'example', 'Message');
 * reader.next(); // true
 * reader.wire === LEN; // true: a string is length-delimited
 * ```
 */
export const VARINT = 0, I64 = 1, LEN = 2, I32 = 5;

const utf8 = new TextDecoder();

/**
 * Appends protobuf fields to a growing byte buffer.
 *
 * @internal
 * @example
 * ```ts
 * const bytes = new ProtoWriter().int(1, 7).string(2, 'scratchnet').message(8, (o) => o.int(2, 13)).finish();
 * ```
 */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** A varint: non-negative safe integers, or negative ones as 10-byte two's complement (int64). */
  private varint(v: number): void {
    this.reserve(10);
    let lo = v >>> 0;
    let hi = Math.floor(v / 4294967296) >>> 0; // two's complement high word, also for negatives
    while (hi !== 0 || lo > 127) {
      this.buf[this.len++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.buf[this.len++] = lo;
  }

  /** Field `field` as a varint (int32, int64, enum). */
  int(field: number, v: number): this {
    this.varint(field * 8 + VARINT);
    this.varint(v);
    return this;
  }

  /** Field `field` as a 32-bit float. */
  float(field: number, v: number): this {
    this.varint(field * 8 + I32);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, v, true);
    this.len += 4;
    return this;
  }

  /** Field `field` as length-delimited bytes. */
  bytes(field: number, b: Uint8Array): this {
    this.varint(field * 8 + LEN);
    this.varint(b.length);
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** Field `field` as a UTF-8 string. */
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  /** Field `field` as an embedded message written by `fill`. */
  message(field: number, fill: (w: ProtoWriter) => void): this {
    const w = new ProtoWriter();
    fill(w);
    return this.bytes(field, w.finish());
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/**
 * Reads the fields of one message in `bytes[pos, end)`: `while (r.next()) switch (r.field) ...`.
 * Errors name the operation and the message being read (`what`).
 *
 * @internal
 * @example
 * ```ts
 * const bytes = new ProtoWriter().int(1, 7).string(2, 'scratchnet').finish();
 * const r = new ProtoReader(bytes, 'NeuralNetwork.fromONNX', 'ModelProto');
 * let ir = 0;
 * while (r.next()) if (r.field === 1) ir = r.int(); else r.skipField();
 * ir; // 7
 * ```
 */
export class ProtoReader {
  /** The current field's number and wire type (after `next()`). */
  field = 0;
  wire = 0;
  private pos: number;

  constructor(
    readonly bytes: Uint8Array, private readonly op: string, private readonly what: string,
    private readonly start = 0, private readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  /** A reader for the same message from its first field (to read it a second time; nothing is copied). */
  again(): ProtoReader {
    return new ProtoReader(this.bytes, this.op, this.what, this.start, this.end);
  }

  /** Throw a named Error about the message being read. */
  fail(msg: string): never {
    throw new Error(`${this.op}: ${msg} (in ${this.what}, byte ${this.pos})`);
  }

  /** Move to the next field; false at the end of the message. */
  next(): boolean {
    if (this.pos >= this.end) return false;
    const key = this.uvarint();
    this.field = Math.floor(key / 8);
    this.wire = key % 8;
    if (this.field < 1) this.fail(`corrupt protobuf: field number ${this.field}`);
    if (this.wire !== VARINT && this.wire !== I64 && this.wire !== LEN && this.wire !== I32) {
      this.fail(`corrupt or unsupported protobuf: wire type ${this.wire} for field ${this.field}`);
    }
    return true;
  }

  /** A varint as a signed int64 (two's complement), refused outside ±2^53. */
  int(): number {
    if (this.wire !== VARINT) this.fail(`field ${this.field} should be a varint, has wire type ${this.wire}`);
    return this.varint();
  }

  private varint(): number {
    let lo = 0, hi = 0;
    for (let i = 0; ; i++) {
      if (i === 10) this.fail('corrupt protobuf: a varint longer than 10 bytes');
      if (this.pos >= this.end) this.fail('truncated protobuf: a varint runs past the end of the message');
      const b = this.bytes[this.pos++]!;
      if (i < 4) lo |= (b & 127) << (7 * i);
      else if (i === 4) {
        lo |= (b & 15) << 28;
        hi = (b & 127) >> 4;
      } else hi |= (b & 127) << (7 * i - 32);
      if (b < 128) break;
    }
    lo >>>= 0;
    const v = hi * 4294967296 + lo; // hi is the signed high word
    if (!Number.isSafeInteger(v)) this.fail(`varint ${hi < 0 ? '< -' : '> '}2^53 (overflow or corrupt bytes)`);
    return v;
  }

  private uvarint(): number {
    const v = this.varint();
    if (v < 0) this.fail('corrupt protobuf: negative length or key');
    return v;
  }

  /** A 32-bit float field. */
  float(): number {
    if (this.wire !== I32) this.fail(`field ${this.field} should be a 32-bit float, has wire type ${this.wire}`);
    this.need(4);
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset).getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  private need(n: number): void {
    if (n > this.end - this.pos) this.fail(`truncated protobuf: field ${this.field} needs ${n} bytes, ${this.end - this.pos} left`);
  }

  /** A length-delimited field's bounds [start, end) in `bytes`, skipped over. */
  range(): [number, number] {
    if (this.wire !== LEN) this.fail(`field ${this.field} should be length-delimited, has wire type ${this.wire}`);
    const n = this.uvarint();
    this.need(n);
    const start = this.pos;
    this.pos += n;
    return [start, this.pos];
  }

  /** A length-delimited field as a view (no copy). */
  view(): Uint8Array {
    const [s, e] = this.range();
    return this.bytes.subarray(s, e);
  }

  /** A string field (UTF-8). */
  string(): string {
    return utf8.decode(this.view());
  }

  /** A reader for an embedded message field. */
  message(what: string): ProtoReader {
    const [s, e] = this.range();
    return new ProtoReader(this.bytes, this.op, what, s, e);
  }

  /**
   * A repeated varint field, packed or not: call once per occurrence; appends to `out`. At most
   * `max` values in all: the (max+1)-th is refused before it is stored, so a huge packed field
   * costs no memory beyond `max` numbers.
   */
  ints(out: number[], max: number): void {
    const tooMany = (at: ProtoReader): never => at.fail(`more than ${max} values in field ${this.field}`);
    if (this.wire === VARINT) {
      const v = this.int();
      if (out.length >= max) tooMany(this);
      out.push(v);
    } else {
      const r = new ProtoReader(this.bytes, this.op, this.what, ...this.range());
      while (r.pos < r.end) {
        if (out.length >= max) tooMany(r);
        r.wire = VARINT;
        out.push(r.int());
      }
    }
  }

  /** Skip the current field. */
  skipField(): void {
    if (this.wire === VARINT) this.varint();
    else if (this.wire === LEN) this.range();
    else {
      const n = this.wire === I64 ? 8 : 4;
      this.need(n);
      this.pos += n;
    }
  }
}
