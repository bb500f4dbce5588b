// The few Node globals that bittorrent-tracker's browser client and its helpers (streamx, debug) still touch.
// esbuild injects this module wherever `process` is referenced, so the bundle runs in a browser without a polyfill package.
export const process = {
  browser: true,
  env: {} as Record<string, string | undefined>,
  nextTick(callback: (...args: unknown[]) => void, ...args: unknown[]): void {
    queueMicrotask(() => callback(...args));
  },
};
