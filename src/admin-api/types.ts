import type { Actor } from "@/contracts/actor";

/** Resolves the caller of an admin request, or null when it carries no valid credential. */
export type Authenticate = (request: Request) => Promise<Actor | null>;
