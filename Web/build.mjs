// Bundles the two entry points for the browser; called by `npm run build` from the Web.csproj target.
import { build } from "esbuild";

await build({
  entryPoints: { player: "Scripts/player.ts", uploader: "Scripts/uploader.ts" },
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
  logLevel: "warning",
});
