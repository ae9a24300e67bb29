// Vite builds the playground: a static page in playground/dist/ (npm run playground:build), or a dev server
// (npm run playground). mconv's sources are bundled straight from src/; a plugin fails the build if any of them
// reaches for a Node built-in module, since the compiler must run in the browser.
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { type Plugin, defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const repo = fileURLToPath(new URL("..", import.meta.url));
const builtins = new Set(builtinModules);

/** Our own modules (not dependencies, which map Node modules away through their "browser" fields) must not import Node's. */
function noNodeBuiltins(): Plugin {
  return {
    name: "mconv:no-node-builtins",
    enforce: "pre",
    resolveId(id, importer) {
      if (!importer || importer.includes("/node_modules/")) return null;
      if (id.startsWith("node:") || builtins.has(id.split("/")[0]!)) {
        this.error(`${importer} imports the Node module '${id}'; the playground runs in a browser`);
      }
      return null;
    },
  };
}

export default defineConfig({
  root,
  base: "./",
  plugins: [noNodeBuiltins()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // tfjs alone is about 1.5 MB minified; the page is one tool, not a site.
    chunkSizeWarningLimit: 4096,
  },
  server: { fs: { allow: [repo] } },
});
