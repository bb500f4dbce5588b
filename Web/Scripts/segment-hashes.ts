// segments-sha256.json: { "<file name>": { "<start>-<end>": "<hex sha256>" } } (DESIGN.md, P2P/README.md).
export type SegmentHashes = Record<string, Record<string, string>>;

export async function loadSegmentHashes(url: string): Promise<SegmentHashes> {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) {
    throw new Error(`segments-sha256: HTTP ${response.status}`);
  }
  return (await response.json()) as SegmentHashes;
}

export function fileNameOf(url: string): string {
  const path = new URL(url, location.href).pathname;
  return decodeURIComponent(path.substring(path.lastIndexOf("/") + 1));
}

async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  let hex = "";
  for (const b of digest) {
    hex += b.toString(16).padStart(2, "0");
  }
  return hex;
}

/** True only when the bytes hash to the published value for this file and range; unknown segments are refused. */
export async function isSegmentValid(
  hashes: SegmentHashes,
  url: string,
  byteRange: { start: number; end: number } | undefined,
  data: ArrayBuffer,
): Promise<boolean> {
  const ranges = hashes[fileNameOf(url)];
  if (!ranges) {
    return false;
  }
  const key = byteRange ? `${byteRange.start}-${byteRange.end}` : Object.keys(ranges)[0];
  const expected = key === undefined ? undefined : ranges[key];
  return expected !== undefined && expected === (await sha256Hex(data));
}
