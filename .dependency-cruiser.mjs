// dependency-cruiser rules, run by `npm run lint`.
// core-service's folders import downward only (CONVENTIONS.md, "Folders import downward only";
// DESIGN.md, "Where core-service is heading"): a pair of folders that import each other means a
// shared concept wants its own folder below both.
/** @type {import("dependency-cruiser").IConfiguration} */
export default {
  forbidden: [
    {
      name: "core-folder-cycle",
      severity: "error",
      comment:
        "Two folders of core-service/ import each other, directly or through others. Move the shared " +
        "concept into a folder below both (oauth2/ holds the vocabulary every domain builds on).",
      // A folder is the first path segment under core-service/. Only edges between two of them
      // are judged; a cycle through another program's folder (storage/orm.ts reads
      // migrator/migrations, which names storage's Dialect type) is not core's layering.
      scope: "folder",
      from: { path: "^core-service/[^/]+$" },
      to: { path: "^core-service/[^/]+$", circular: true },
    },
    {
      name: "authorization-and-flows-apart",
      severity: "error",
      comment:
        "authorization/ only checks the authorization request; flows/ owns every transition of login, " +
        "consent and logout and receives the checks as a dependency (registry.ts wires them). Neither " +
        "imports the other; what both speak (the validated request, its error) lives in oauth2/.",
      from: { path: "^core-service/(authorization|flows)/" },
      to: { path: "^core-service/(authorization|flows)/", pathNot: "^core-service/$1/" },
    },
    {
      name: "core-root-is-top",
      severity: "error",
      comment:
        "The files directly in core-service/ (main.ts, app.ts, registry.ts) wire every folder, so a " +
        "folder that imports them closes a cycle. Pass what the folder needs in as a dependency.",
      from: { path: "^core-service/[^/]+/" },
      to: { path: "^core-service/[^/]+\\.ts$" },
    },
  ],
  options: {
    // Type-only imports count: they tie folders together as much as value imports do.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    // Unit tests sit beside their code and reach test/support, which opens storage; the layering
    // is about the program, so tests are left out.
    exclude: { path: ["^(node_modules|dist|proto/gen)/", "\\.test\\.ts$"] },
    // Folder-scoped rules need the folder graph, which dependency-cruiser derives with metrics.
    metrics: true,
  },
};
