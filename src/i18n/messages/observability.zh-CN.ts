import type { observeEn, statsEn } from "./observability.en";

/** 可观测页面共用的中文文案(时间范围、筛选、导出)。 */
export const observeZhCN: typeof observeEn = {
  range: "时间范围",
  range_1h: "1 小时",
  range_24h: "24 小时",
  range_7d: "7 天",
  range_custom: "自定义",
  from: "开始",
  to: "结束",
  group: "分组",
  allGroups: "全部分组",
  exportCsv: "CSV",
  exportJson: "JSON",
  exported: "已下载 {name}。",
  rangeInvalid: "开始时间须早于结束时间。",
  noData: "此范围内没有请求。",
};

/** 统计页面的中文文案。 */
export const statsZhCN: typeof statsEn = {
  title: "统计",
  description: "按时间与供应商查看流量、成功率、延迟和 Token 用量。",
  emptyTitle: "此范围内没有流量",
  emptyText: "客户端通过分组发出请求后即可看到统计。请选择更长的时间范围,或用 API 密钥发送一个请求。",
  requests: "请求数",
  errorsSub: "{errors} 个失败",
  successRate: "成功率",
  latency: "延迟 p50",
  ttfb: "首字节时间 p50",
  tokens: "Token",
  tokensSub: "输入 {input} · 输出 {output}",
  chartRate: "请求速率",
  chartRateHint: "每秒请求数(按时间桶平均)",
  rps: "请求/秒",
  chartSuccess: "成功率",
  chartLatency: "延迟分位数",
  ttfbP95: "首字节 p95",
  chartErrors: "按错误码统计",
  noErrors: "此范围内没有错误。",
  byProvider: "按供应商",
  provider: "供应商",
  noProvider: "路由前被拒绝",
};
