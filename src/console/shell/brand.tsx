import { cn } from "@/components/ui/cn";

/** The Roundabout mark: a ring of arrows around a hub, drawn inline so it needs no asset. */
export function BrandMark({ className }: { className?: string }) {
  return (
    <span
      className={cn(
        "flex size-8 shrink-0 items-center justify-center rounded-lg bg-primary text-primary-foreground shadow-sm",
        className,
      )}
      aria-hidden
    >
      <svg
        viewBox="0 0 24 24"
        className="size-5"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
      >
        <path d="M12 4a8 8 0 0 1 7.4 5" />
        <path d="M20 13a8 8 0 0 1-5 6.6" />
        <path d="M10 19.8A8 8 0 0 1 4.2 10" />
        <path d="m17.5 4.8 1.9 4.2-4.3.6" />
        <path d="m19.8 18.4-4.8 1.2 1-4.4" />
        <path d="m2.6 14.2 1.6-4.2 3.8 2.3" />
        <circle cx="12" cy="12" r="2.2" fill="currentColor" stroke="none" />
      </svg>
    </span>
  );
}
