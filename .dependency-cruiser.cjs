/**
 * The session boundary, made mechanical, by side rather than by folder:
 *
 *   worker side    src/workers/**   (processes, processor, reporter, workflows)
 *   shared         src/dto/**, src/shared/**, src/workflow.ts (the worker-safe entry)
 *   control plane  src/control-plane/**, src/producers/**, src/index.ts
 *   entry points   src/cli/**;  tools (not the product's run time) src/tools/**
 *
 * One rule: worker and shared code never reach the ORM, the database driver,
 * or control-plane, CLI or tool code — directly or through another file. A
 * folder added inside a side needs no edit here. `npm run check:boundary`
 * (and .ci/run) fail on any such import; tests/tools/boundary-rule.test.ts
 * shows the rule failing on a worker file that imports the ORM.
 */
const WORKER_OR_SHARED = '^src/(workers|dto|shared)/|^src/workflow\\.ts$';
const NOT_FOR_WORKERS = '^src/(control-plane|producers|cli|tools)/|^src/index\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'worker-and-shared-no-orm',
      severity: 'error',
      comment: 'Worker and shared code get their data from the payload; they never load MikroORM or pg.',
      from: { path: WORKER_OR_SHARED },
      to: { path: ['node_modules/@mikro-orm/', 'node_modules/pg/', 'node_modules/pg-'], reachable: true },
    },
    {
      name: 'worker-and-shared-no-control-plane',
      severity: 'error',
      comment: 'Worker and shared code never import control-plane, CLI or tool code, even indirectly.',
      from: { path: WORKER_OR_SHARED },
      to: { path: NOT_FOR_WORKERS, reachable: true },
    },
    {
      name: 'dto-imports-only-zod',
      severity: 'error',
      comment: 'src/dto is the contract both sides share and depends only on zod.',
      from: { path: '^src/dto/' },
      to: { dependencyTypesNot: ['local'], pathNot: ['node_modules/zod/'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Entities reference each other through thunks (defineEntity relations); nothing else may be circular.',
      from: { pathNot: '^src/control-plane/entities/' },
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
