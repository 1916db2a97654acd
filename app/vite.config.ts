import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "vite";
import type { Plugin } from "vite";
import react from "@vitejs/plugin-react";

const root = path.resolve(__dirname, "..");
const network = process.env["APP_NETWORK"] ?? "localhost";
const rpcTarget = process.env["LOCALHOST_RPC_URL"] ?? "http://127.0.0.1:8545";

/**
 * The deployment record is read at run time from `deployment.json` beside index.html: the dev server serves
 * deployments/<APP_NETWORK>.json (default localhost) live; `vite build` copies it into dist/ (with APP_RPC_URL as
 * the RPC endpoint for a live network), so a redeployment needs no rebuild, only a new deployment.json.
 */
function deploymentRecord(): Plugin {
  const file = path.join(root, "deployments", `${network}.json`);
  const read = (): string | undefined => {
    if (!fs.existsSync(file)) return undefined;
    const record = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    const rpcUrl = process.env["APP_RPC_URL"] ?? (network === "localhost" || network === "hardhat" ? "/rpc" : undefined);
    return JSON.stringify({ ...record, rpcUrl }, null, 2);
  };
  return {
    name: "deployment-record",
    configureServer(server) {
      server.middlewares.use("/deployment.json", (_req, res) => {
        const body = read();
        res.statusCode = body === undefined ? 404 : 200;
        res.setHeader("content-type", "application/json");
        res.end(body ?? JSON.stringify({ error: `no deployment record ${file}: deploy first` }));
      });
    },
    generateBundle() {
      const body = read();
      if (body === undefined) this.warn(`no ${file}: dist/deployment.json not written (serve one beside index.html)`);
      else this.emitFile({ type: "asset", fileName: "deployment.json", source: body });
    },
  };
}

export default defineConfig({
  base: "./",
  plugins: [react(), deploymentRecord()],
  resolve: {
    alias: { "@shared": path.join(root, "scripts", "lib") },
    dedupe: ["@noble/hashes"],
  },
  server: {
    port: Number(process.env["APP_PORT"] ?? 5173),
    fs: { allow: [root] },
    proxy: { "/rpc": { target: rpcTarget, changeOrigin: true, rewrite: () => "/" } },
  },
  build: { target: "es2022", chunkSizeWarningLimit: 800 },
});
