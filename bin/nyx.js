#!/usr/bin/env node
// Runs the TypeScript CLI through tsx (no build step). Needs Node >= 22.17.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
