// Bundles the two entry points for the browser; called by `npm run build` from the Web.csproj target.
import { readFile } from "node:fs/promises";
import { build } from "esbuild";

/**
 * p2p-media-loader-core 2.3.1 forgets a byte-range segment's size when it drops loaded bytes (after a peer sent a
 * segment that failed validation, or broke off mid-transfer): every HTTP retry of that segment then fails with
 * "http-bytes-mismatch" and playback stops there. Until upstream fixes it, the size is restored from the byte range.
 * The build fails if the code no longer looks as expected, so an upgrade cannot silently drop or misapply the fix.
 */
const keepByteRangeSize = {
  name: "p2pml-keep-byte-range-size",
  setup(b) {
    b.onLoad({ filter: /p2p-media-loader-core[\\/]lib[\\/]requests[\\/]request\.js$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const buggy = "        this.bytes = [];\n        this._totalBytes = undefined;\n";
      if (!source.includes(buggy)) {
        throw new Error(`p2p-media-loader-core changed: review the byte-range fix in build.mjs (${args.path})`);
      }
      const fixed = "        this.bytes = [];\n        this._totalBytes = this.segment.byteRange\n"
        + "            ? this.segment.byteRange.end - this.segment.byteRange.start + 1\n            : undefined;\n";
      return { contents: source.replace(buggy, fixed), loader: "js" };
    });
  },
};

await build({
  entryPoints: { player: "Scripts/player.ts", playlist: "Scripts/playlist.ts", uploader: "Scripts/uploader.ts", "live-publishing": "Scripts/live-publishing.ts", dashboard: "Scripts/dashboard.ts" },
  outdir: "wwwroot/dist",
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "esm",
  target: ["chrome110", "firefox110", "safari16"],
  platform: "browser",
  // bittorrent-tracker's node-only parts are replaced by its "browser" field; these globals complete it.
  define: { global: "globalThis", "process.env.NODE_DEBUG": "false" },
  inject: ["Scripts/process-shim.ts"],
  plugins: [keepByteRangeSize],
  logLevel: "warning",
});
