// The playground test's harness: build the page once with Vite, serve the build, and drive it in a real headless
// Chromium (Debian's `chromium` package) through playwright-core, which downloads no browser of its own.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type BrowserContext, type Page, chromium } from "playwright-core";
import { type PreviewServer, build, preview } from "vite";
import { repoRoot } from "../support/cli.js";

export const CHROMIUM = process.env.MCONV_CHROMIUM ?? "/usr/bin/chromium";
const config = join(repoRoot, "playground", "vite.config.ts");

/** Flags for a closed network: without the background-networking ones Chromium's own connections are refused noisily. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Playground {
  readonly page: Page;
  /** Uncaught errors in the page, for a check that there were none. */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

/** Builds the page (playground/dist), serves it on a free port and opens it in a fresh Chromium profile. */
export async function openPlayground(): Promise<Playground> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium was not found at ${CHROMIUM}: the playground test drives a real browser. ` +
        "Install it with `apt-get install -y chromium` (.ci/run does), or set MCONV_CHROMIUM to its path.",
    );
  }
  await build({ configFile: config, logLevel: "warn" });
  let server: PreviewServer | undefined;
  let context: BrowserContext | undefined;
  const base = join(repoRoot, "node_modules", ".cache", "mconv-test");
  mkdirSync(base, { recursive: true });
  const profile = mkdtempSync(join(base, "chromium-"));
  const close = async () => {
    await context?.close();
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    server = await preview({ configFile: config, logLevel: "warn", preview: { port: 0, host: "127.0.0.1", open: false } });
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error("vite preview gave no local address");
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1400, height: 1000 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(url);
    return { page, pageErrors, close };
  } catch (cause) {
    await close();
    throw cause;
  }
}
