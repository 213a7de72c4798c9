// Entry point: gateway + admin API + console on one port. See src/server/main.ts.
import { main } from "./src/server/main";

void main("full");
