/** English messages of the model routing fields shared by providers, memberships and keys. */
export const modelsEn = {
  tooMany: "At most {max} entries.",
  invalidName: "A model name must be 1 to 200 characters without control characters.",
  invalidNamed: "“{name}” is not a valid model name (1 to 200 characters, no control characters).",
  aliasTwice: "This client model already has an alias.",
};
