/** 简体中文: the model routing fields shared by providers, memberships and keys. */
export const modelsZhCN = {
  tooMany: "最多 {max} 项。",
  invalidName: "模型名须为 1 到 200 个字符，且不含控制字符。",
  invalidNamed: "“{name}”不是有效的模型名（1 到 200 个字符，不含控制字符）。",
  aliasTwice: "该客户端模型已有别名。",
};
