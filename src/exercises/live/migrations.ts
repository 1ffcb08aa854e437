// The live exercises' tables on the team database: migrations numbered 3, 5, 7, ...
import type { Migration } from '../../team/migrations.ts';

export const EXERCISE_MIGRATIONS: readonly Migration[] = [];
