// The team's own methodologies and scenarios, managed by editors (issue 14).
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { TeamService } from '../../../team/service.ts';
import type { LedgerService } from '../ledger-service.ts';

export async function registerTeamLibraryRoutes(_app: OpenAPIHono, _engine: LedgerService, _team: TeamService): Promise<void> {}
