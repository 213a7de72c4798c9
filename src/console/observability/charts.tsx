"use client";

import type { ReactNode } from "react";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { Card, CardAction, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useI18n } from "@/i18n/i18n-provider";
import { formatAxisTime } from "./format-metrics";

/** Chart colours are CSS variables, so light and dark themes both read well. */
export const CHART_COLORS = [
  "var(--chart-1)",
  "var(--chart-2)",
  "var(--chart-3)",
  "var(--chart-4)",
  "var(--chart-5)",
] as const;

// Legend text in the foreground colour (the series colour alone is too faint to read on a card).
const legendText = (value: unknown) => <span className="text-foreground">{String(value)}</span>;

const AXIS = { stroke: "var(--muted-foreground)", fontSize: 11, tickLine: false, axisLine: false } as const;
const TOOLTIP_STYLE = {
  contentStyle: {
    background: "var(--popover)",
    border: "1px solid var(--border)",
    borderRadius: 8,
    color: "var(--popover-foreground)",
    fontSize: 12,
  },
  labelStyle: { color: "var(--muted-foreground)" },
  cursor: { stroke: "var(--border)" },
} as const;

export interface SeriesLine {
  key: string;
  label: string;
  color: string;
}

/** What a line and an area series share: a smooth stroke in the series colour, gaps bridged. */
function seriesProps(line: SeriesLine) {
  return {
    type: "monotone",
    dataKey: line.key,
    name: line.label,
    stroke: line.color,
    strokeWidth: 2,
    isAnimationActive: false,
    connectNulls: true,
  } as const;
}

/** A card with a fixed-height chart area (a skeleton while loading, a note when empty): no layout shift. */
export function ChartCard({
  title,
  description,
  loading,
  empty,
  emptyText,
  children,
  testId,
  action,
}: {
  title: string;
  description?: string;
  loading: boolean;
  empty: boolean;
  emptyText: string;
  children: ReactNode;
  testId?: string;
  /** A control in the card's header (e.g. which period the chart shows). */
  action?: ReactNode;
}) {
  return (
    <Card className="gap-3" data-testid={testId}>
      <CardHeader>
        <CardTitle className="text-sm">{title}</CardTitle>
        {description && <CardDescription className="text-xs">{description}</CardDescription>}
        {action && <CardAction>{action}</CardAction>}
      </CardHeader>
      <CardContent>
        <div className="h-56 w-full">
          {loading ? (
            <Skeleton className="h-full w-full" />
          ) : empty ? (
            <div className="flex h-full items-center justify-center rounded-md border border-dashed text-sm text-muted-foreground">
              {emptyText}
            </div>
          ) : (
            children
          )}
        </div>
      </CardContent>
    </Card>
  );
}

/** A ratio axis (success rates, shares): always 0–100 %, whatever the points. */
const RATIO_AXIS = { domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1], allowDataOverflow: true } as const;

/**
 * Time series as lines (or a filled area for a single series); `rows` carry `t` (ISO) and the keys.
 * `unit: "ratio"` pins the value axis to 0–1 (drawn as 0–100 % by `formatValue`): left to itself the
 * axis "nices" a few points of 1.0 up to 4.0 (400 %).
 */
export function TimeSeriesChart({
  rows,
  lines,
  spanMs,
  formatValue,
  area = false,
  unit,
}: {
  rows: Record<string, number | string | null>[];
  lines: SeriesLine[];
  spanMs: number;
  formatValue: (value: number) => string;
  area?: boolean;
  unit?: "ratio";
}) {
  const { locale } = useI18n();
  // A line needs two points: mark the points while a series has only a few.
  const sparse = lines.some((line) => rows.filter((row) => typeof row[line.key] === "number").length < 3);
  const tickTime = (value: string) => formatAxisTime(locale, value, spanMs);
  const tooltip = (
    <Tooltip
      {...TOOLTIP_STYLE}
      labelFormatter={(value) => (typeof value === "string" ? tickTime(value) : String(value))}
      formatter={(value) => (typeof value === "number" ? formatValue(value) : "—")}
    />
  );
  const common = {
    data: rows,
    margin: { top: 4, right: 8, bottom: 0, left: 0 },
  };
  const axes = (
    <>
      <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="t" {...AXIS} tickFormatter={tickTime} minTickGap={32} />
      <YAxis
        {...AXIS}
        {...(unit === "ratio" ? RATIO_AXIS : null)}
        width={56}
        tickFormatter={(value: number) => formatValue(value)}
      />
    </>
  );
  return (
    <ResponsiveContainer width="100%" height="100%">
      {area ? (
        <AreaChart {...common}>
          {axes}
          {tooltip}
          {lines.map((line) => (
            <Area key={line.key} {...seriesProps(line)} fill={line.color} fillOpacity={0.15} />
          ))}
        </AreaChart>
      ) : (
        <LineChart {...common}>
          {axes}
          {tooltip}
          {lines.length > 1 && (
            <Legend formatter={legendText} wrapperStyle={{ fontSize: 12 }} iconType="plainline" />
          )}
          {lines.map((line) => (
            <Line
              key={line.key}
              {...seriesProps(line)}
              dot={sparse ? { r: 3, fill: line.color, strokeWidth: 0 } : false}
            />
          ))}
        </LineChart>
      )}
    </ResponsiveContainer>
  );
}

/** What the one-dimension charts draw: a value per label, and how a value is written. */
interface LabeledValuesProps {
  rows: { label: string; value: number }[];
  formatValue: (value: number) => string;
}

/** Horizontal bars, one per label (errors by code). */
export function BarsChart({ rows, formatValue }: LabeledValuesProps) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" horizontal={false} />
        <XAxis
          type="number"
          {...AXIS}
          tickFormatter={(value: number) => formatValue(value)}
          allowDecimals={false}
        />
        <YAxis type="category" dataKey="label" {...AXIS} width={132} />
        <Tooltip
          {...TOOLTIP_STYLE}
          cursor={{ fill: "var(--muted)" }}
          formatter={(value) => (typeof value === "number" ? formatValue(value) : "—")}
        />
        <Bar dataKey="value" fill="var(--chart-4)" radius={[0, 4, 4, 0]} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

/** A donut of shares (provider distribution). */
export function ShareChart({ rows, formatValue }: LabeledValuesProps) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <PieChart>
        <Pie
          data={rows}
          dataKey="value"
          nameKey="label"
          innerRadius="55%"
          outerRadius="85%"
          paddingAngle={2}
          stroke="var(--card)"
          isAnimationActive={false}
        >
          {rows.map((row, index) => (
            <Cell key={row.label} fill={CHART_COLORS[index % CHART_COLORS.length]} />
          ))}
        </Pie>
        <Tooltip
          {...TOOLTIP_STYLE}
          itemStyle={{ color: "var(--popover-foreground)" }}
          formatter={(value) => (typeof value === "number" ? formatValue(value) : "—")}
        />
        <Legend
          formatter={legendText}
          wrapperStyle={{ fontSize: 12 }}
          layout="vertical"
          align="right"
          verticalAlign="middle"
        />
      </PieChart>
    </ResponsiveContainer>
  );
}
