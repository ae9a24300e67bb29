// Run by determinism.test.ts as `node --import tsx determinism-child.ts` in a fresh process (another time zone and
// locale): prints the digests of every example's artifacts as JSON on stdout.
import { artifactDigests } from "./artifacts.js";

process.stdout.write(JSON.stringify(artifactDigests()));
