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
      // are judged; cycles that cross into another program are program-cycle's.
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
    {
      name: "program-cycle",
      severity: "error",
      comment:
        "A folder of one program (core-service/, http-gateway/, migrator/) and a folder of another import " +
        "each other, directly or through others. The gateway and the migrator build on core-service/; " +
        "core reads only the migration list (migrator/migrations/), which imports nothing back.",
      // Folder-scoped, as core-folder-cycle; $1 is the program of `from`, so only cycles that cross
      // from one program into another are judged here.
      scope: "folder",
      from: { path: "^(core-service|http-gateway|migrator)(/|$)" },
      to: { path: "^(core-service|http-gateway|migrator)(/|$)", pathNot: "^$1(/|$)", circular: true },
    },
    {
      name: "core-is-below-programs",
      severity: "error",
      comment:
        "core-service/ imports the gateway or the migrator's program code. Both build on core. The one " +
        "thing core takes from migrator/ is the migration list (DESIGN.md: migrations live under " +
        "migrator/; core refuses an outdated schema and, in dev mode, migrates itself).",
      from: { path: "^core-service/" },
      to: { path: "^(http-gateway/|migrator/)", pathNot: "^migrator/migrations/" },
    },
    {
      name: "migrations-are-a-leaf",
      severity: "error",
      comment:
        "A migration (or the list of them) imports a program's code. Migrations are plain SQL per dialect, " +
        "applied by the migrator and read by core; importing either back ties the schema's history to code " +
        "that changes after it.",
      from: { path: "^migrator/migrations/" },
      to: { path: "^(core-service|http-gateway)/|^migrator/(?!migrations/)" },
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
