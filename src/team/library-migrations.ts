// The team library's tables (methodologies and scenarios of the team): migrations numbered 2, 4, 6, ...
import type { Migration } from './migrations.ts';

export const LIBRARY_MIGRATIONS: readonly Migration[] = [];
