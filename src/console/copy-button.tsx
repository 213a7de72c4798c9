"use client";

import { useEffect, useState } from "react";
import { CheckIcon, CopyIcon } from "lucide-react";
import { Button, type ButtonProps } from "@/components/ui/button";
import { toast } from "@/components/ui/toaster";
import { useT } from "@/i18n/i18n-provider";
import { copyText } from "./clipboard";

export type CopyButtonProps = Omit<ButtonProps, "onClick" | "children"> & {
  value: string;
  /** Accessible name (and tooltip-less label when `showLabel`). */
  label: string;
  /** Toast after a successful copy; none when omitted. */
  copiedMessage?: string;
  /** Show the word "Copy"/"Copied" next to the icon. */
  showLabel?: boolean;
  onCopied?: () => void;
};

/** Copies `value`; the icon turns into a check for two seconds. */
export function CopyButton({
  value,
  label,
  copiedMessage,
  showLabel = false,
  onCopied,
  variant = "outline",
  size,
  ...props
}: CopyButtonProps) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  async function copy() {
    if (await copyText(value)) {
      setCopied(true);
      onCopied?.();
      if (copiedMessage) toast.success(copiedMessage);
    } else {
      toast.error(t("common.copyFailed"));
    }
  }

  return (
    <Button
      type="button"
      variant={variant}
      size={size ?? (showLabel ? "default" : "icon")}
      aria-label={showLabel ? undefined : label}
      onClick={() => void copy()}
      {...props}
    >
      {copied ? <CheckIcon className="text-success" aria-hidden /> : <CopyIcon aria-hidden />}
      {showLabel && (copied ? t("common.copied") : label)}
    </Button>
  );
}
