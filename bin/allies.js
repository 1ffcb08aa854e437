#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so `npx allies` works from a clone without a build step.
import { register } from 'tsx/esm/api';
register();
await import('../src/interfaces/cli/main.ts');
