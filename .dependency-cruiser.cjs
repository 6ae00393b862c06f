/**
 * The session boundary, made mechanical: the worker side (src/workers,
 * src/workflows) and the shared DTOs (src/dto) never reach the ORM, the
 * database driver or any control-plane module. `npm run check:boundary`
 * (and .ci/run) fail on any such import, direct or through another file.
 */
const CONTROL_PLANE = '^src/(entities|db|producers|outbox|recorder|control-plane|demo|api|metrics|cli|dead-letters|bench)/';

module.exports = {
  forbidden: [
    {
      name: 'worker-side-no-orm',
      severity: 'error',
      comment: 'Workers and workflows get their data from the payload; they must not load MikroORM or pg.',
      from: { path: '^src/((workers|workflows|dto)/|workflow\.ts$)' },
      to: { path: ['node_modules/@mikro-orm/', 'node_modules/pg/', 'node_modules/pg-'] },
    },
    {
      name: 'worker-side-no-control-plane',
      severity: 'error',
      comment: 'Workers and workflows must not import entities or other control-plane code, even indirectly.',
      from: { path: '^src/((workers|workflows|dto)/|workflow\.ts$)' },
      to: { path: CONTROL_PLANE, reachable: true },
    },
    {
      name: 'dto-imports-only-zod',
      severity: 'error',
      comment: 'src/dto is shared by both sides and depends only on zod.',
      from: { path: '^src/dto/' },
      to: { dependencyTypesNot: ['local'], pathNot: ['node_modules/zod/'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Entities reference each other through thunks (defineEntity relations); nothing else may be circular.',
      from: { pathNot: '^src/entities/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
