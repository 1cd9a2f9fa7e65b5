// Action entry point (post step, always); the step itself is entries/post.ts (run).
import { run } from './entries/post.js';

await run();
