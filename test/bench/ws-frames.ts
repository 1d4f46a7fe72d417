/**
 * Counts the WebSocket frames the client's sockets really send and receive: frame header, mask and
 * payload after permessage-deflate, i.e. the TCP payload of each message (the connector's own
 * `bytes` counts the JSON text before compression). Each frame is also inflated here (the same way
 * the peer does, with the stream's earlier messages as the window), so a frame can be told apart
 * by its message type and id.
 */
import type net from 'node:net';
import zlib from 'node:zlib';
import WebSocket from 'ws';

export interface Frame {
  dir: 'out' | 'in';
  /** Bytes on the wire: header, mask key and (compressed) payload. */
  bytes: number;
  compressed: boolean;
  /** The message's JSON, inflated; null for control frames. */
  message: { type?: string; id?: number; token?: string } | null;
  at: number;
}

export interface TappedSocket {
  frames: Frame[];
  /** The device token from the socket's hello: which client this socket belongs to. */
  token: string | null;
  socket: net.Socket;
}

const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const WINDOW = 32 * 1024;

/** Splits one direction's byte stream into frames. */
class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);
  private history: Buffer = Buffer.alloc(0);

  constructor(
    private readonly dir: 'out' | 'in',
    private readonly emit: (frame: Frame) => void,
  ) {}

  feed(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const b = this.buffered;
      if (b.length < 2) return;
      const opcode = b[0]! & 0x0f;
      const rsv1 = (b[0]! & 0x40) !== 0;
      const masked = (b[1]! & 0x80) !== 0;
      let len = b[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        at = 10;
      }
      const maskAt = at;
      if (masked) at += 4;
      if (b.length < at + len) return;
      const payload = Buffer.from(b.subarray(at, at + len));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= b[maskAt + (i % 4)]!;
      this.buffered = b.subarray(at + len);
      let message: Frame['message'] = null;
      if (opcode === 1 || opcode === 2) {
        let text: Buffer = payload;
        if (rsv1) {
          const options: zlib.ZlibOptions = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
          if (this.history.length > 0) options.dictionary = this.history;
          text = zlib.inflateRawSync(Buffer.concat([payload, TAIL]), options);
          this.history = Buffer.concat([this.history, text]).subarray(-WINDOW);
        }
        try {
          message = JSON.parse(text.toString('utf8')) as Frame['message'];
        } catch {
          message = { type: '(not JSON)' };
        }
      }
      this.emit({ dir: this.dir, bytes: at + len, compressed: rsv1, message, at: performance.now() });
    }
  }
}

/** Starts recording every client WebSocket opened from now on (the `ws` module the connector uses). */
export function tapWebSockets(): TappedSocket[] {
  const tapped: TappedSocket[] = [];
  const proto = WebSocket.prototype as unknown as { setSocket(socket: net.Socket, head: Buffer, options: unknown): void };
  const original = proto.setSocket;
  proto.setSocket = function (this: WebSocket, socket: net.Socket, head: Buffer, options: unknown) {
    const entry: TappedSocket = { frames: [], token: null, socket };
    tapped.push(entry);
    const push = (frame: Frame) => {
      if (frame.dir === 'out' && frame.message?.type === 'hello') entry.token = frame.message.token ?? null;
      entry.frames.push(frame);
    };
    const outgoing = new FrameReader('out', push);
    const incoming = new FrameReader('in', push);
    const write = socket.write;
    socket.write = function (this: net.Socket, chunk: unknown, ...rest: unknown[]) {
      if (Buffer.isBuffer(chunk)) outgoing.feed(chunk);
      else if (typeof chunk === 'string') outgoing.feed(Buffer.from(chunk));
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof socket.write;
    original.call(this, socket, head, options);
    socket.on('data', (chunk: Buffer) => incoming.feed(chunk));
    return undefined;
  };
  return tapped;
}
