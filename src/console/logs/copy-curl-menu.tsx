"use client";

import { ChevronDownIcon, TerminalIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { toast } from "@/components/ui/toaster";
import { useT } from "@/i18n/i18n-provider";
import { apiGet } from "../api-client";
import { copyText } from "../clipboard";
import { describeError } from "../describe-error";
import { endpoints } from "../endpoints";
import { selectCurl } from "./log-debug-api";

const TARGETS = ["gateway", "upstream"] as const;

/**
 * "Copy as curl" for a captured request: to the gateway (with a `$ROUNDABOUT_KEY` placeholder) or
 * straight to the upstream (with a credential placeholder). The server renders the command, so no
 * secret ever reaches the browser.
 */
export function CopyCurlMenu({ logId }: { logId: string }) {
  const t = useT();
  async function copy(target: (typeof TARGETS)[number]) {
    try {
      const curl = selectCurl(await apiGet<unknown>(endpoints.logCurl(logId)));
      const command = target === "gateway" ? curl.gateway : curl.upstream?.command;
      if (command === undefined) toast.error(t("debug.curlNoUpstream"));
      else if (!(await copyText(command))) toast.error(t("common.copyFailed"));
      else toast.success(t(curl.bodyTruncated ? "debug.curlCopiedTruncated" : "debug.curlCopied"));
    } catch (error) {
      toast.error(describeError(t, error));
    }
  }
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="outline" size="sm">
          <TerminalIcon aria-hidden />
          {t("debug.copyCurl")}
          <ChevronDownIcon aria-hidden />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start">
        {TARGETS.map((target) => (
          <DropdownMenuItem key={target} onSelect={() => void copy(target)}>
            {t(`debug.curl_${target}`)}
          </DropdownMenuItem>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
