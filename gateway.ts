// Entry point for scale-out: the data plane alone (no console, no admin API). See src/server/main.ts.
import { main } from "./src/server/main";

void main("gateway");
