// PeerTube's resumable upload protocol, one chunk at a time, resuming from the server's offset after any failure.

export interface UploadProgress {
  sent: number;
  total: number;
  bytesPerSecond: number;
  secondsLeft: number;
}

export interface UploadedVideo {
  id: number;
  uuid: string;
  shortUUID: string;
}

export class UploadError extends Error {
  constructor(readonly status: number, message: string, readonly retryable: boolean) {
    super(message);
  }
}

/**
 * The page's session cookie authenticates these same-origin calls; the header is the anti-CSRF proof (another site
 * cannot send it without a CORS preflight we never allow), so no token is ever in the page.
 */
export const sessionHeaders: Record<string, string> = { "X-VP-Session": "1" };

export interface ResumableOptions {
  chunkSize: number;
  onProgress: (p: UploadProgress) => void;
  onRetry: (attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
}

const delay = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => { clearTimeout(t); reject(signal.reason); }, { once: true });
  });

async function problemMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { detail?: string; error?: string; title?: string };
    return body.detail ?? body.error ?? body.title ?? `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

/** Starts a session; the Location is stored by the caller so that a reload resumes instead of starting over. */
export async function createSession(file: File, metadata: Record<string, unknown>): Promise<string> {
  const response = await fetch("/api/v1/videos/upload-resumable", {
    method: "POST",
    headers: {
      ...sessionHeaders,
      "Content-Type": "application/json",
      "X-Upload-Content-Length": String(file.size),
      "X-Upload-Content-Type": file.type || "application/octet-stream",
    },
    body: JSON.stringify({ ...metadata, filename: file.name }),
    credentials: "same-origin",
  });
  if (response.status !== 201 && response.status !== 200) {
    throw new UploadError(response.status, await problemMessage(response), response.status >= 500);
  }
  const location = response.headers.get("Location");
  if (!location) {
    throw new UploadError(response.status, "Location", false);
  }
  // The server answers a protocol-relative URL ("//host/…"), as uploadx does.
  return new URL(location, window.location.href).toString();
}

/** Asks the server how much it already has (`Content-Range: bytes *\/size` → 308 + Range). */
async function serverOffset(url: string, size: number, signal?: AbortSignal): Promise<number | UploadedVideo> {
  const response = await fetch(url, {
    method: "PUT",
    headers: { ...sessionHeaders, "Content-Range": `bytes */${size}`, "Content-Length": "0" },
    credentials: "same-origin",
    signal,
  });
  if (response.status === 308) {
    return rangeEnd(response) + 1;
  }
  if (response.ok) {
    return ((await response.json()) as { video: UploadedVideo }).video;
  }
  throw new UploadError(response.status, await problemMessage(response), response.status >= 500 || response.status === 429);
}

function rangeEnd(response: Response): number {
  const range = response.headers.get("Range");
  const match = range ? /bytes=0-(\d+)/.exec(range) : null;
  return match ? Number(match[1]) : -1;
}

export async function uploadFile(url: string, file: File, options: ResumableOptions): Promise<UploadedVideo> {
  const { chunkSize, onProgress, onRetry, signal } = options;
  let attempt = 0;
  let offset = -1;
  let windowStart = performance.now();
  let windowBytes = 0;
  let speed = 0;
  for (;;) {
    try {
      if (offset < 0) {
        const known = await serverOffset(url, file.size, signal);
        if (typeof known !== "number") return known;
        offset = known;
      }
      const end = Math.min(offset + chunkSize, file.size);
      const response = await fetch(url, {
        method: "PUT",
        headers: {
          ...sessionHeaders,
          "Content-Type": "application/octet-stream",
          "Content-Range": `bytes ${offset}-${end - 1}/${file.size}`,
        },
        body: file.slice(offset, end),
        credentials: "same-origin",
        signal,
      });
      if (response.status === 308) {
        const next = rangeEnd(response) + 1;
        windowBytes += Math.max(0, next - offset);
        offset = next;
      } else if (response.ok) {
        onProgress({ sent: file.size, total: file.size, bytesPerSecond: speed, secondsLeft: 0 });
        return ((await response.json()) as { video: UploadedVideo }).video;
      } else {
        // 4xx other than a conflict means this session cannot go on; a conflict means "ask for the offset".
        const retryable = response.status >= 500 || response.status === 409 || response.status === 429;
        throw new UploadError(response.status, await problemMessage(response), retryable);
      }
      attempt = 0;
      const elapsed = (performance.now() - windowStart) / 1000;
      if (elapsed >= 1) {
        speed = windowBytes / elapsed;
        windowStart = performance.now();
        windowBytes = 0;
      }
      onProgress({ sent: offset, total: file.size, bytesPerSecond: speed, secondsLeft: speed > 0 ? (file.size - offset) / speed : Infinity });
    } catch (e) {
      if (signal?.aborted) throw e;
      if (e instanceof UploadError && !e.retryable) throw e;
      // Network drop (TypeError from fetch) or server trouble: wait, then ask the server where to resume.
      attempt++;
      const wait = Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 5));
      onRetry(attempt, wait);
      await delay(wait, signal);
      offset = -1;
    }
  }
}
