#!/usr/bin/env node
// costsim runs from its TypeScript sources through tsx: no build step to go stale.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
