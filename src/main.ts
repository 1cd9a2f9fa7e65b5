// Action entry point (main step); the step itself is entries/main.ts (run), callable from tests.
import { run } from './entries/main.js';

await run();
