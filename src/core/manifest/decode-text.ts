/**
 * Bytes -> text for manifests: strict UTF-8 (a wrong encoding is a finding with the
 * position of the first bad byte, not mojibake), a byte order mark accepted and noted.
 */
import { isUtf8 } from 'node:buffer';

export type DecodeResult =
  | { ok: true; text: string; bom: boolean }
  | { ok: false; offset: number; line: number; column: number };

/** Byte offset of the first invalid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) (need = 1), (min = 0x80);
    else if (b >= 0xe0 && b <= 0xef) (need = 2), (min = 0x800);
    else if (b >= 0xf0 && b <= 0xf4) (need = 3), (min = 0x10000);
    else return i;
    if (i + need >= bytes.length) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

export function decodeManifestBytes(input: string | Uint8Array): DecodeResult {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else if (isUtf8(input)) {
    // Native check and decode: the byte loop below and TextDecoder cost more than the
    // rest of reading a small manifest. Both keep a byte order mark (stripped below).
    text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  } else {
    const bad = firstInvalidUtf8(input);
    if (bad !== -1) {
      let line = 1;
      let lineStart = 0;
      for (let i = 0; i < bad; i++) {
        if (input[i] === 0x0a) {
          line++;
          lineStart = i + 1;
        }
      }
      return { ok: false, offset: bad, line, column: bad - lineStart + 1 };
    }
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
  }
  const bom = text.charCodeAt(0) === 0xfeff;
  return { ok: true, text: bom ? text.slice(1) : text, bom };
}
