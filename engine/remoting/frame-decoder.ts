/**
 * FrameDecoder: cuts a TCP byte stream into RocketMQ frames (NettyDecoder's role).
 *
 * A state machine with two states — reading the 4-byte length, reading the frame — fed with
 * chunks of any size split at any byte. The length is checked against the limit as soon as its
 * 4 bytes are present and before anything is allocated for the frame; bytes are only ever
 * buffered as they actually arrive, so a peer announcing 16 MiB and sending 4 costs us 4.
 * A frame that lies inside one chunk is handed out as a subarray (no copy); a frame spread over
 * chunks is assembled once, when its last byte arrives.
 *
 * Frames are handed out without their length prefix (header-length word + header + body), the
 * input of `decodeCommand`. A violated limit throws ProtocolError; the decoder is then dead and
 * the connection must be closed (its stream position is lost).
 */
import { ProtocolError } from './errors';
import { frameBytesMax } from './limits';
import { FRAME_LENGTH_SIZE, HEADER_LENGTH_AND_TYPE_SIZE } from './remoting-command';

const READ_LENGTH = 0;
const READ_FRAME = 1;
const FAILED = 2;

export class FrameDecoder {
  private state: typeof READ_LENGTH | typeof READ_FRAME | typeof FAILED = READ_LENGTH;
  /** Unconsumed chunks; `chunks[0]` starts at `headOffset`. */
  private chunks: Buffer[] = [];
  private headOffset = 0;
  private buffered = 0;
  /** Length of the frame being read (without its prefix), valid in READ_FRAME. */
  private frameLength = 0;
  private readonly lengthScratch = Buffer.alloc(FRAME_LENGTH_SIZE);

  /** @param maxFrameBytes largest frame accepted, counting the 4-byte length prefix. */
  constructor(private readonly maxFrameBytes: number = frameBytesMax) {}

  /** Bytes received but not yet handed out as frames. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Feeds a chunk; calls `onFrame` for every frame it completes, in order. Throws ProtocolError. */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    if (this.state === FAILED) throw new ProtocolError('FRAME_TOO_SHORT', 'decoder already failed');
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.state === READ_LENGTH) {
        if (this.buffered < FRAME_LENGTH_SIZE) return;
        const length = this.take(FRAME_LENGTH_SIZE, this.lengthScratch).readInt32BE(0);
        this.checkLength(length);
        this.frameLength = length;
        this.state = READ_FRAME;
      }
      if (this.buffered < this.frameLength) return;
      const frame = this.take(this.frameLength, undefined);
      this.state = READ_LENGTH;
      onFrame(frame);
    }
  }

  private checkLength(length: number): void {
    // The frame must hold at least the header-length word; with the prefix it must fit the limit.
    if (length < HEADER_LENGTH_AND_TYPE_SIZE) {
      this.fail();
      throw new ProtocolError('FRAME_TOO_SHORT', `frame length ${length} is below ${HEADER_LENGTH_AND_TYPE_SIZE}`, {
        frameLength: length,
      });
    }
    if (length > this.maxFrameBytes - FRAME_LENGTH_SIZE) {
      this.fail();
      throw new ProtocolError('FRAME_TOO_LARGE', `frame length ${length + FRAME_LENGTH_SIZE} exceeds ${this.maxFrameBytes}`, {
        frameLength: length,
        maxFrameBytes: this.maxFrameBytes,
      });
    }
  }

  private fail(): void {
    this.state = FAILED;
    this.chunks = [];
    this.buffered = 0;
    this.headOffset = 0;
  }

  /**
   * Removes `n` buffered bytes (n ≤ buffered). Returns a subarray when they lie in the first chunk,
   * else copies them into `into` (or a new buffer of exactly n bytes).
   */
  private take(n: number, into: Buffer | undefined): Buffer {
    const first = this.chunks[0]!;
    const availableInFirst = first.length - this.headOffset;
    if (availableInFirst >= n) {
      const out = first.subarray(this.headOffset, this.headOffset + n);
      this.consume(n);
      return out;
    }
    const out = into ?? Buffer.allocUnsafe(n);
    let copied = 0;
    while (copied < n) {
      const chunk = this.chunks[0]!;
      const count = Math.min(chunk.length - this.headOffset, n - copied);
      chunk.copy(out, copied, this.headOffset, this.headOffset + count);
      copied += count;
      this.consume(count);
    }
    return out;
  }

  /** Drops `n` bytes from the head of the first chunk (never more than it holds). */
  private consume(n: number): void {
    this.buffered -= n;
    this.headOffset += n;
    if (this.headOffset === this.chunks[0]!.length) {
      this.chunks.shift();
      this.headOffset = 0;
    }
  }
}
