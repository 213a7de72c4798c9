/** English messages shared by the observability pages (ranges, filters, exports). */
export const observeEn = {
  range: "Time range",
  range_1h: "1 h",
  range_24h: "24 h",
  range_7d: "7 d",
  range_custom: "Custom",
  from: "From",
  to: "To",
  group: "Group",
  allGroups: "All groups",
  exportCsv: "CSV",
  exportJson: "JSON",
  exported: "Downloaded {name}.",
  rangeInvalid: "Choose a start before the end.",
  noData: "No requests in this range.",
};

/** English messages of the Statistics page. */
export const statsEn = {
  title: "Statistics",
  description: "Traffic, success rate, latency and tokens over time, per provider.",
  emptyTitle: "No traffic in this range",
  emptyText:
    "Statistics appear as soon as clients send requests through a group. Pick a longer range, or send a request with an API key.",
  requests: "Requests",
  errorsSub: "{errors} failed",
  successRate: "Success rate",
  latency: "Latency p50",
  ttfb: "Time to first byte p50",
  tokens: "Tokens",
  tokensSub: "{input} in · {output} out",
  chartRate: "Request rate",
  chartRateHint: "Requests per second, averaged per bucket",
  rps: "Requests/s",
  chartSuccess: "Success rate",
  chartLatency: "Latency percentiles",
  ttfbP95: "TTFB p95",
  chartErrors: "Errors by code",
  noErrors: "No errors in this range.",
  byProvider: "By provider",
  provider: "Provider",
  noProvider: "Refused before routing",
};
