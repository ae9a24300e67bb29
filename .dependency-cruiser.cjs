// The layering of STYLE.md §1, checked on every `npm test`: imports flow one way.
//   ir → (diagnostics only); parser → ir; passes → ir; codegen → ir (never parser); io → ir;
//   tools → parser, passes, ir (the formatter, graph and mask pictures, statistics); cli and index.ts sit on top. Generated modules import nothing of mconv (they are strings, not imports).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: "ir-is-the-base", severity: "error", comment: "src/ir imports nothing of mconv but diagnostics",
      from: { path: "^src/ir/" }, to: { path: "^src/(parser|passes|codegen|cli|io|index)" } },
    { name: "parser-builds-ir-only", severity: "error",
      from: { path: "^src/parser/" }, to: { path: "^src/(passes|codegen|cli|io|index)" } },
    { name: "passes-see-ir-only", severity: "error",
      from: { path: "^src/passes/" }, to: { path: "^src/(parser|codegen|cli|io|index)" } },
    { name: "codegen-never-parses", severity: "error",
      from: { path: "^src/codegen/" }, to: { path: "^src/(parser|passes|cli|io|index)" } },
    { name: "io-sees-ir-only", severity: "error",
      from: { path: "^src/io/" }, to: { path: "^src/(parser|passes|codegen|cli|index)" } },
    { name: "tools-below-cli", severity: "error", comment: "src/tools (fmt, graph, masks, stats) serve the CLI and never call it",
      from: { path: "^src/tools/" }, to: { path: "^src/(cli|index|codegen|io)" } },
    { name: "diagnostics-is-a-leaf", severity: "error",
      from: { path: "^src/diagnostics\\.ts$" }, to: { path: "^src/" , pathNot: "^src/diagnostics\\.ts$" } },
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
