import type { en } from "./en";

/** The shape every language's dictionary must have: the English one, with string leaves. */
export type Dictionary = typeof en;

type Leaves<T, Prefix extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** A dotted path to one message, e.g. `"providers.title"`. */
export type MessageKey = Leaves<Dictionary>;

/** Values filled into `{name}` placeholders. */
export type MessageValues = Readonly<Record<string, string | number>>;

/** Looks up and fills in a message. */
export type Translate = (key: MessageKey, values?: MessageValues) => string;
