// `npm start` from the TypeScript sources (src/interfaces/api/start.ts); scripts/start.mjs runs
// the compiled build instead when it is current. The end-to-end tests start the server this way.
import { start } from '../src/interfaces/api/start.ts';

await start(process.argv.slice(2));
