// Moved to src/db/pacing.ts (the gateway's snapshot paces too, and may not import services).
export { createPacer, runPaced } from "@/db/pacing";
