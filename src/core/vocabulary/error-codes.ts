/** The stable error codes of the one catalogue (`core/errors/catalogue.ts`), for branching on a code. */
export type { ErrorCode } from "../errors/catalogue";
