// Live crisis exercises on the team server (issue 18): sessions, injects, decisions, adjudication, live updates.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { TeamService } from '../../../team/service.ts';
import type { LedgerService } from '../ledger-service.ts';

export async function registerExerciseRoutes(_app: OpenAPIHono, _engine: LedgerService, _team: TeamService): Promise<void> {}
