#!/usr/bin/env node
// The `nyx` command: runs the built JavaScript (dist/, from `npm run build`) on
// plain node. Written for any Node: the version check comes before anything
// that needs Node >= 22.17 (MikroORM 7, node:module registerHooks) is loaded,
// so an older Node gets one line instead of a SyntaxError from deep inside.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 17)) {
  process.stderr.write(
    `nyx: needs Node >= 22.17, but ${process.execPath} is Node ${process.versions.node}. ` +
      'In a checkout, the pinned Node 24 is node_modules/.bin/node: use npm scripts (npm run nyx -- <command>) or node_modules/.bin/node bin/nyx.js\n',
  );
  process.exit(2);
}
await import('../dist/cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('/dist/cli.js')) {
    process.stderr.write('nyx: dist/ is missing; in a checkout, run `npm run build` first (or `npm run nyx -- …` to run from src/)\n');
    process.exit(2);
  }
  throw error;
});
