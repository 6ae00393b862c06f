#!/usr/bin/env node
// Runs the TypeScript CLI through tsx (no build step). Needs Node >= 22.17
// (MikroORM 7); the check comes first, before anything is loaded, so an older
// node says which one it is instead of failing somewhere inside a dependency.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 17)) {
  process.stderr.write(
    `nyx: needs Node >= 22.17, but ${process.execPath} is Node ${process.versions.node}. ` +
      'In a checkout, the pinned Node 24 is node_modules/.bin/node: use npm scripts (npm run nyx -- <command>) or node_modules/.bin/node bin/nyx.js\n',
  );
  process.exit(2);
}
const { register } = await import('tsx/esm/api');
register();
await import('../src/cli.ts');
