import type { ComponentProps } from "react";
import { cn } from "./cn";

/** A pulsing placeholder shown while data loads. */
export function Skeleton({ className, ...props }: ComponentProps<"div">) {
  return (
    <div data-slot="skeleton" className={cn("animate-pulse rounded-md bg-accent", className)} {...props} />
  );
}
